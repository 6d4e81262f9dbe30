"""``Store``: every read and write of the team's memory, with scope enforced here.

One class made of parts, each in its own module and each built on
``base.StoreBase`` (the engine, sessions and the scope rules): ``people``
(teams and users), ``attempts`` (attempts and turns; ``recorder`` holds the
turn recorder), ``reviewing`` (managers' reviews), ``assigning``
(assignments); studio scenarios are ``authored.AuthoredStore``, accounts
``accounts.AccountStore``.

Every manager and admin change (teams, users, reviews, assignments) writes its
audit line in the same transaction (``store.audit``).
"""

from __future__ import annotations

from ..models import Scenario
from .assigning import AssignmentStore
from .attempts import AttemptStore
from .authored import AuthoredStore
from .base import LIMITS, Clock, StoreBase, utcnow
from .people import PeopleStore
from .recorder import TURN_WRITE_BUDGET_S, TurnEventLike, TurnRecorder
from .records import AuthoredScenario, User
from .reviewing import ReviewStore

__all__ = ["LIMITS", "TURN_WRITE_BUDGET_S", "Clock", "Store", "StoreBase", "TurnEventLike", "TurnRecorder",
           "utcnow"]


class Store(PeopleStore, AttemptStore, ReviewStore, AssignmentStore):
    """The relational store: ``Store(engine)``, ``Store.open(url)`` or ``Store.from_settings(settings)``."""

    # --- authored scenarios ---------------------------------------------------------

    @property
    def authored(self) -> AuthoredStore:
        """Studio scenarios: versions, archive, drafts (``store.authored``)."""
        return AuthoredStore(self)

    def save_scenario(self, actor: User, scenario: Scenario, yaml_text: str) -> AuthoredScenario:
        """A new studio scenario, or the next version of one (never a rewrite): ``store.authored``."""
        return self.authored.save(actor, scenario, yaml_text)

    def authored_scenarios(self, actor: User) -> list[AuthoredScenario]:
        """Every studio scenario, archived ones too (they join everyone's bank)."""
        return self.authored.scenarios(actor)
