"""One loader for hand-written YAML: every problem becomes one readable line.

Managers write scenarios and rubrics by hand, so a broken file must never
produce a traceback. YAML syntax errors, an empty file, a top level that is
not a mapping and every pydantic validation error are turned into
``Problem(file, field, message)`` values; ``DataFileError`` carries them all
so a caller can print one line per problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar, get_args

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import ScrimmageError

M = TypeVar("M", bound=BaseModel)


class StrictData(BaseModel):
    """Base of the models for the package's own rule files: an unknown key is an error, not ignored (a
    misspelt key in a rules file would otherwise silently fall back to the default)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class Problem:
    file: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where}: {self.message}"


class DataFileError(ScrimmageError, ValueError):
    """One or more problems in hand-written data files."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that rejects a key repeated in one mapping (YAML would keep the last silently)."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key '{key}'", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class _TextScalarLoader(_UniqueKeyLoader):
    """Every plain scalar stays the text as written, but null: the model's fields decide what is a number.

    Why: a manager writes ``tags: [911]``, ``start: 9:30``, ``last audit: 2024-03-01`` or ``on call: yes`` and
    means the words; YAML 1.1 would hand over 911, 570 (base 60), a date and True, and the file would fail
    with "must be text" or, worse, say 570. ``max_turns: 8`` still arrives as 8: the model converts it."""


_KEPT_RESOLVERS = ("tag:yaml.org,2002:null", "tag:yaml.org,2002:merge")
_TextScalarLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag in _KEPT_RESOLVERS]
    for first, resolvers in _UniqueKeyLoader.yaml_implicit_resolvers.items()
}


def parse_yaml_mapping(text: str, source: str, scalars_as_text: bool = False) -> dict[str, Any]:
    """Parse YAML text whose top level must be a mapping (``scalars_as_text``: see ``_TextScalarLoader``)."""
    if not text.strip():
        raise DataFileError([Problem(source, "", "file is empty; expected a mapping of fields")])
    try:
        data = yaml.load(text, Loader=_TextScalarLoader if scalars_as_text else _UniqueKeyLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = exc.problem or exc.context or "invalid YAML"
        raise DataFileError([Problem(source, where, f"YAML syntax error: {what}")]) from None
    except yaml.YAMLError as exc:
        raise DataFileError([Problem(source, "", f"YAML syntax error: {exc}")]) from None
    if data is None:
        raise DataFileError([Problem(source, "", "file is empty; expected a mapping of fields")])
    if not isinstance(data, dict):
        kind = type(data).__name__.replace("str", "text").replace("list", "a list")
        raise DataFileError(
            [Problem(source, "", f"the top level must be a mapping of fields (key: value), not {kind}")]
        )
    return data


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataFileError([Problem(str(path), "", "file not found")]) from None
    except IsADirectoryError:
        raise DataFileError([Problem(str(path), "", "is a folder, expected a .yaml file")]) from None
    except UnicodeDecodeError:
        raise DataFileError([Problem(str(path), "", "is not UTF-8 text")]) from None
    except OSError as exc:
        raise DataFileError([Problem(str(path), "", f"cannot be read ({exc.strerror})")]) from None


def validate_mapping(data: dict[str, Any], model: type[M], source: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise DataFileError(validation_problems(exc, model, source)) from None


def load_model_text(text: str, model: type[M], source: str) -> M:
    """``model`` from YAML text; a model that says ``scalars_as_text`` (a scenario, written by managers) reads
    its plain scalars as written."""
    as_text = bool(getattr(model, "scalars_as_text", False))
    return validate_mapping(parse_yaml_mapping(text, source, as_text), model, source)


def load_model_file(path: Path, model: type[M]) -> M:
    return load_model_text(read_text(path), model, str(path))


def load_package_model(name: str, model: type[M]) -> M:
    """A data file shipped in the ``coach_engine`` package (``points.yaml``), checked against ``model``."""
    text = resources.files("coach_engine").joinpath(name).read_text(encoding="utf-8")
    return load_model_text(text, model, f"coach_engine/{name}")


def validation_problems(exc: ValidationError, model: type[BaseModel], source: str) -> list[Problem]:
    """Translate pydantic's errors into one plain sentence each."""
    problems: list[Problem] = []
    errors = exc.errors(include_url=False)
    colons = _texts_read_as_fields(errors)
    for at, (key, value) in colons.items():
        problems.append(Problem(source, _field_path(at), (
            f"reads as a field '{key}' with the value '{value}', not as text: in YAML a colon followed by a "
            "space starts a field. Put the whole text in quotes")))
    for err in _collapse_union_branches(errors):
        if any(err["loc"][:len(at)] == at for at in colons):
            continue  # told once, above, as the colon it is
        loc = [str(p) for p in err["loc"]]
        field = _field_path(err["loc"])
        kind = err["type"]
        given = err.get("input")
        if kind == "missing":
            msg = "required field is missing"
        elif kind == "extra_forbidden":
            parent = _model_at(model, err["loc"][:-1])
            allowed = ", ".join(parent.model_fields) if parent else ""
            msg = f"unknown field '{loc[-1]}'" + (f" (allowed fields: {allowed})" if allowed else "")
        elif kind == "literal_error":
            expected = err.get("ctx", {}).get("expected", "")
            allowed = expected.replace("'", "").replace(" or ", ", ")
            msg = f"must be one of {allowed} (got {given!r})"
        elif kind == "too_short" and isinstance(given, list | str):
            need = err.get("ctx", {}).get("min_length", 1)
            msg = (
                f"needs at least {need} item{'s' if need != 1 else ''} (the list is empty)"
                if isinstance(given, list)
                else "must not be empty"
            )
        elif kind == "string_too_short":
            msg = "must not be empty"
        elif kind == "string_too_long" and isinstance(given, str):
            limit = err.get("ctx", {}).get("max_length")
            msg = f"is {len(given):,} characters long; the limit is {limit:,} characters"
        elif kind == "too_long" and isinstance(given, list | dict):
            limit = err.get("ctx", {}).get("max_length")
            msg = f"has {len(given):,} items; the limit is {limit:,}"
        elif kind == "string_pattern_mismatch":
            msg = (
                f"{given!r} is not a valid slug: use lowercase letters, digits and single hyphens "
                "(e.g. cfo-price-routing)"
            )
        elif kind in {"string_type", "int_type", "int_parsing", "list_type", "dict_type", "model_type"}:
            want = {
                "string_type": "text",
                "int_type": "a whole number",
                "int_parsing": "a whole number",
                "list_type": "a list",
                "dict_type": "a mapping",
                "model_type": "a mapping of fields",
            }[kind]
            msg = f"must be {want} (got {_describe(given)})"
            if given is None and kind == "string_type":
                msg += "; a line whose text starts with # is a YAML comment: put the text in quotes"
        else:
            msg = err["msg"][0].lower() + err["msg"][1:] if err["msg"] else kind
            if given is not None and not isinstance(given, dict | list):
                msg += f" (got {given!r})"
        problems.append(Problem(source, field, msg))
    return problems


def _texts_read_as_fields(errors: list[Any]) -> dict[tuple[Any, ...], tuple[str, str]]:
    """Places where text was expected and a one-field mapping came: a manager's line with ": " in it
    ("- Respects the incumbent - no trash talk re: their vendor"), which YAML reads as ``key: value``.
    Told as such, not as the unknown field and missing text that follow from it."""
    out: dict[tuple[Any, ...], tuple[str, str]] = {}
    for err in errors:
        given = err.get("input")
        if err["type"] != "string_type" or not isinstance(given, dict) or len(given) != 1:
            continue
        ((key, value),) = given.items()
        if isinstance(key, str) and isinstance(value, str | None):
            out[tuple(p for p in err["loc"] if not _is_branch_tag(p))] = (key, value or "")
    return out


_SHAPE_ERRORS = {"model_type", "model_attributes_type", "string_type", "dict_type", "list_type"}


def _is_branch_tag(part: Any) -> bool:
    """Pydantic tags a union's per-branch errors with the branch: ``str``, ``constrained-str`` or a model."""
    return isinstance(part, str) and (part in ("str", "constrained-str") or part[:1].isupper())


def _collapse_union_branches(errors: list[Any]) -> list[Any]:
    """One error per place: of a union's branches, keep those that fit the input's shape, untagged.

    ``resolution: [<a 400-character line>]`` fails both "text" (too long) and "mapping" (wrong shape);
    the manager wrote text, so only "too long" is news to them.
    """
    groups: dict[tuple[Any, ...], list[Any]] = {}
    for err in errors:
        loc = tuple(p for p in err["loc"] if not _is_branch_tag(p))
        groups.setdefault(loc, []).append({**err, "loc": loc})
    out: list[Any] = []
    for loc, group in groups.items():
        fitting = [e for e in group if e["type"] not in _SHAPE_ERRORS]
        deeper = any(len(other) > len(loc) and other[: len(loc)] == loc for other in groups)
        if fitting or not deeper:  # a shape error is dropped when another branch got further in
            out.extend(fitting or group[:1])
    return out


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _model_at(model: type[BaseModel], loc: tuple[Any, ...] | list[Any]) -> type[BaseModel] | None:
    """Follow a location path through nested models, to list a parent's allowed fields."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(str(part))
        if field is None:
            return None
        current = _unwrap(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """Find a BaseModel inside list[...], Optional[...] or Annotated[...]."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _unwrap(arg)
        if found is not None:
            return found
    return None
