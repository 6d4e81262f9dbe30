"""Managers' reviews of attempts: comments and score overrides, kept in order, re-scored by grading code."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Scorecard
from . import audit, rollup
from .base import StoreBase, _fits
from .records import (
    SYSTEM,
    Review,
    StoreError,
    User,
)
from .schema import (
    AttemptRow,
    ReviewRow,
    ScorecardRow,
    SkillScoreRow,
    UserRow,
)


class ReviewStore(StoreBase):
    """Reviews (``Store`` puts this together with the other parts)."""

    # --- reviews ------------------------------------------------------------------

    def add_review(
        self, actor: User, attempt_id: int, overrides: dict[str, int] | None = None, comment: str = ""
    ) -> Review:
        """A manager's comment, per-skill score overrides (1-5), or both, on a completed attempt.

        Every review is kept, in order. An override is written next to the grader's skill score (a later
        one wins) and re-scores the attempt through the grader's arithmetic (``grading.rescore``):
        ``overall`` becomes the reviewed overall, the grader's is kept in ``graded_overall``, and
        ``reviewed_by`` names the manager, so every roll-up, board and export reads one number.
        """
        from ..grading.rescore import rescore

        overrides = {str(k): int(v) for k, v in (overrides or {}).items()}
        comment = _fits(comment.strip(), "a review comment")
        if not overrides and not comment:
            raise StoreError("a review needs a comment or a changed score")
        for skill, score in overrides.items():
            if not 1 <= score <= 5:
                raise StoreError(f"override for '{skill}' must be 1-5, got {score}")
        with self.session() as s:
            actor = self._actor(s, actor)
            row = self._attempt_row(s, attempt_id)
            self._require_team_manager(actor, row.team_id, f"review attempt {attempt_id}")
            rollup.lock_bucket(s, row.team_id, row.user_id)
            if row.status != "completed":
                raise StoreError(
                    f"attempt {attempt_id} is {row.status}; only completed attempts are reviewed"
                )
            skills = {
                k.skill_id: k
                for k in s.scalars(select(SkillScoreRow).where(SkillScoreRow.attempt_id == attempt_id))
            }
            stored = s.get(ScorecardRow, attempt_id)
            waiting = ({sk.id: sk for sk in Scorecard.model_validate(stored.data).skills if not sk.due}
                       if stored is not None else {})
            for skill_id in set(overrides) - set(skills):
                if skill_id in waiting:  # not yet due in a first reply: a figure once a manager scores it
                    sk = waiting[skill_id]
                    skills[skill_id] = SkillScoreRow(attempt_id=attempt_id, skill_id=sk.id, name=sk.name,
                                                     score=sk.score)
                    s.add(skills[skill_id])
            unknown = sorted(set(overrides) - set(skills))
            if unknown:
                raise StoreError(
                    f"attempt {attempt_id} has no skill(s) {', '.join(unknown)}; "
                    f"known: {', '.join(sorted(skills))}"
                )
            reviewer_id = actor.id if actor != SYSTEM else self._system_creator(s, row.team_id)
            before = {"overall": row.overall, "skills": {k: skills[k].reviewed_score or skills[k].score
                                                         for k in sorted(overrides)}}
            if overrides:
                for skill, score in overrides.items():
                    skills[skill].reviewed_score = score
                if stored is not None:
                    effective = {k: r.reviewed_score for k, r in skills.items() if r.reviewed_score}
                    try:
                        reviewed = rescore(Scorecard.model_validate(stored.data), effective)
                    except ValueError as exc:
                        raise StoreError(f"attempt {attempt_id} could not be re-scored: {exc}") from None
                    if row.graded_overall is None:
                        row.graded_overall = row.overall
                    row.overall = reviewed.overall
                    row.reviewed_by = reviewer_id
                # this week's skill averages, score sums and bests
                rollup.refresh(s, row.team_id, {row.week}, row.user_id)
            rev = ReviewRow(
                attempt_id=attempt_id,
                reviewer_id=reviewer_id,
                overrides=overrides,
                comment=comment,
                created_at=self.clock(),
            )
            s.add(rev)
            s.flush()
            audit.record(s, actor, "review.add", target_type="attempt", target=attempt_id, at=self.clock(),
                         team_id=row.team_id, before=before,
                         after={"overall": row.overall, "skills": overrides, "comment": comment})
            by = s.get(UserRow, reviewer_id)
            return Review(
                rev.id, attempt_id, by.email if by else actor.email, overrides, comment, rev.created_at,
                reviewer_name=by.name if by else actor.name,
            )

    def reviews(self, actor: User, attempt_id: int) -> list[Review]:
        with self.session() as s:
            actor = self._actor(s, actor)
            self._readable_attempt(s, actor, attempt_id, f"read the reviews of attempt {attempt_id}")
            return self._reviews(s, [ReviewRow.attempt_id == attempt_id], newest_first=False)

    @staticmethod
    def _reviews(s: Session, where: Sequence[Any], *, newest_first: bool) -> list[Review]:
        q = (
            select(ReviewRow, UserRow.email, UserRow.name)
            .join(UserRow, UserRow.id == ReviewRow.reviewer_id)
            .where(*where)
        )
        order = (ReviewRow.created_at.desc(), ReviewRow.id.desc()) if newest_first else (
            ReviewRow.created_at, ReviewRow.id)
        return [
            Review(r.id, r.attempt_id, email, dict(r.overrides), r.comment, r.created_at, name, r.seen_at)
            for r, email, name in s.execute(q.order_by(*order))
        ]

    def review_counts(self, actor: User, team: str) -> dict[int, int]:
        """Attempt id -> how many reviews it has, over a team's attempts (its manager or an admin)."""
        with self.session() as s:
            actor = self._actor(s, actor)
            t = self._team_row(s, team)
            self._require_team_manager(actor, t.id, f"list the reviews of team '{team}'")
            q = (
                select(ReviewRow.attempt_id, func.count())
                .join(AttemptRow, AttemptRow.id == ReviewRow.attempt_id)
                .where(AttemptRow.team_id == t.id)
                .group_by(ReviewRow.attempt_id)
            )
            return {int(aid): int(n) for aid, n in s.execute(q)}

    def rep_reviews(self, actor: User, user_email: str | None = None) -> list[Review]:
        """Every review of a rep's attempts (default: the actor's), newest first."""
        with self.session() as s:
            actor = self._actor(s, actor)
            target = s.get(UserRow, actor.id) if user_email is None else self._user_row(s, user_email)
            if target is None:
                raise StoreError("name a user")
            self._require_read_user(actor, target, "list the reviews")
            mine = select(AttemptRow.id).where(AttemptRow.user_id == target.id)
            return self._reviews(s, [ReviewRow.attempt_id.in_(mine)], newest_first=True)

    def mark_reviews_seen(self, actor: User, attempt_id: int) -> int:
        """The attempt's rep has read its reviews: stamp the unread ones; returns how many (rep only)."""
        with self.session() as s:
            actor = self._actor(s, actor)
            row = self._attempt_row(s, attempt_id)
            if actor.id != row.user_id:
                action = f"mark the reviews of attempt {attempt_id} read"
                raise self._deny(actor, action, "only its rep reads them")
            unread = s.scalars(
                select(ReviewRow).where(ReviewRow.attempt_id == attempt_id, ReviewRow.seen_at.is_(None))
            ).all()
            now = self.clock()
            for r in unread:
                r.seen_at = now
            return len(unread)

    def flagged_turns(self, actor: User, attempt_ids: Collection[int]) -> dict[int, set[int]]:
        """Per attempt, the turns its grader marked with an anti-pattern (``Scorecard.flagged_turns``).

        Any member of the attempts' team may ask: it gives turn numbers, not scores, and keeps flawed
        replies out of the team's model answers (``memory.team_examples``).
        """
        ids = sorted({int(i) for i in attempt_ids})
        if not ids:
            return {}
        with self.session() as s:
            actor = self._actor(s, actor)
            q = (
                select(AttemptRow.id, AttemptRow.team_id, ScorecardRow.data)
                .join(ScorecardRow, ScorecardRow.attempt_id == AttemptRow.id)
                .where(AttemptRow.id.in_(ids))
            )
            out: dict[int, set[int]] = {}
            for aid, team_id, data in s.execute(q):
                if actor.role != "admin" and (team_id is None or team_id != actor.team_id):
                    raise self._deny(actor, f"read attempt {aid}", "users see only their own team's")
                out[int(aid)] = Scorecard.model_validate(data).flagged_turns()
            return out
