"""Objection types in words: ``price`` reads "Price too high" wherever a person sees it.

The words are data (``objections.yaml``), not code, so a team can reword them
without a release, and they are checked like every hand-written file: an
unknown id, a missing label or a missing objection is an error naming the
file and field, raised the first time a label is asked for.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .datafiles import DataFileError, Problem, load_model_file
from .models import OBJECTIONS, Line, Objection, Title, _FileModel

__all__ = ["ObjectionText", "objection_hint", "objection_label", "objection_texts"]

OBJECTIONS_FILE = Path(__file__).resolve().parent / "objections.yaml"


class ObjectionText(_FileModel):
    label: Title
    hint: Line


class _ObjectionFile(_FileModel):
    price: ObjectionText
    budget: ObjectionText
    timing: ObjectionText
    incumbent: ObjectionText
    competitor: ObjectionText
    authority: ObjectionText
    send_info: ObjectionText
    not_interested: ObjectionText
    trust: ObjectionText
    need: ObjectionText


@lru_cache(maxsize=4)
def objection_texts(path: Path = OBJECTIONS_FILE) -> dict[str, ObjectionText]:
    """Objection id -> its words, for every objection of the scenario format."""
    loaded = load_model_file(path, _ObjectionFile)
    texts: dict[str, ObjectionText] = {o: getattr(loaded, o) for o in type(loaded).model_fields}
    missing = [o for o in OBJECTIONS if o not in texts]
    if missing:  # the scenario format grew an objection the file does not name yet
        raise DataFileError([Problem(str(path), o, "required field is missing") for o in missing])
    return texts


def objection_label(objection: Objection | str) -> str:
    """How ``objection`` reads for a person; an id this file does not know reads as words too."""
    text = objection_texts().get(objection)
    return text.label if text else objection.replace("_", " ").capitalize()


def objection_hint(objection: Objection | str) -> str:
    text = objection_texts().get(objection)
    return text.hint if text else ""
