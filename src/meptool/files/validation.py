"""Turn a parsed file and a model into validated data, or every located problem."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from meptool.errors import InvalidFile, Problem
from meptool.files.yamlio import Document, describe_plain, problem

M = TypeVar("M", bound=BaseModel)


def validate(doc: Document, model: type[M], context: dict[str, Any] | None = None) -> M:
    """The model for `doc`, or InvalidFile listing every problem with its position."""
    try:
        return model.model_validate(doc.data, context=context or {})
    except ValidationError as exc:
        raise InvalidFile(problems(doc, model, exc)) from None


def problems(doc: Document, model: type[BaseModel], exc: ValidationError) -> list[Problem]:
    """One located problem per validation error."""
    found: dict[tuple[Any, ...], Problem] = {}
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if isinstance(p, str | int))
        prob = _one(doc, model, loc, err)
        found.setdefault((prob.line, prob.col, prob.field), prob)
    return list(found.values())


def _dotted(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _one(doc: Document, model: type[BaseModel], loc: tuple[str | int, ...], err: Any) -> Problem:
    kind = err["type"]
    name = _dotted(loc)
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = _fields_at(model, loc[:-1])
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        hint = (
            f"; did you mean '{close[0]}'?"
            if close
            else (f"; allowed keys here: {', '.join(allowed)}" if allowed else "")
        )
        return problem(doc.source, doc.mark(loc, key=True), name, f"unknown key '{key}'{hint}")
    if kind == "missing":
        parent = loc[:-1]
        mark = doc.mark(parent)
        if parent in doc.keys:
            mark = doc.keys[parent]
        return problem(doc.source, mark, name, f"required key '{loc[-1]}' is missing")
    mark = doc.mark(loc)
    if loc in doc.plain and kind in {"string_type", "str_type"}:
        return problem(doc.source, mark, name, describe_plain(doc.plain[loc], err["input"]))
    if kind == "enum":
        expected = err.get("ctx", {}).get("expected", "")
        given = err["input"]
        allowed = expected.replace("'", "").replace(" or ", ", ")
        shown = doc.plain.get(loc, given)
        return problem(doc.source, mark, name, f"'{shown}' is not allowed; use one of: {allowed}")
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return problem(doc.source, mark, name, f"must be {expected}")
    if kind == "string_pattern_mismatch" and loc and loc[-1] == "id":
        return problem(
            doc.source, mark, name, f"'{err['input']}' is not a valid ID (like MEP-2026-001 or A1)"
        )
    msg = str(err["msg"])
    if kind == "value_error":
        msg = msg.removeprefix("Value error, ")
    elif kind in {"string_type", "model_type", "list_type", "dict_type", "bool_type", "int_type"}:
        msg = f"{msg[0].lower()}{msg[1:]} (got {_kind(err['input'])})"
    else:
        msg = msg[0].lower() + msg[1:]
    return problem(doc.source, mark, name, msg)


def _kind(value: Any) -> str:
    names = {
        dict: "a mapping",
        list: "a list",
        str: "text",
        bool: "true/false",
        type(None): "nothing",
    }
    for typ, label in names.items():
        if isinstance(value, typ):
            return label
    if isinstance(value, int | float):
        return "a number"
    return type(value).__name__


def _unwrap(annotation: Any) -> Any:
    """The model class inside `X | None`, `list[X]`, `Annotated[X, ...]`, if any."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, list, dict):
        for arg in typing.get_args(annotation):
            inner = _unwrap(arg)
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                return inner
        return None
    return annotation


def _fields_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        info = current.model_fields.get(part)
        if info is None:
            return []
        current = _unwrap(info.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or n for n, f in current.model_fields.items()]
    return []
