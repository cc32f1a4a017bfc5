"""Turn a parsed file and a model into validated data, or every located problem."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from meptool.errors import InvalidFile, Problem
from meptool.files.yamldoc import Document, describe_plain, problem

M = TypeVar("M", bound=BaseModel)


def validate(doc: Document, model: type[M], context: dict[str, Any] | None = None) -> M:
    """The model for `doc`, or InvalidFile listing every problem with its position."""
    try:
        return model.model_validate(doc.data, context=context or {})
    except ValidationError as exc:
        raise InvalidFile(problems(doc, model, exc)) from None


def parse(
    raw: bytes | str, source: str, model: type[M], context: dict[str, Any] | None = None
) -> M:
    """Validate a YAML file's bytes as `model`; InvalidFile with every located problem.

    The quick parse first (no positions: they only serve to report problems);
    the full one only for a file it does not take, or whose data does not validate.
    """
    from meptool.files.yamlio import load, load_data

    data = load_data(raw)
    if data is not None:
        try:
            return model.model_validate(data, context=context or {})
        except ValidationError:
            pass
    return validate(load(raw, source), model, context)


MAX_PROBLEMS = 50


def problems(doc: Document, model: type[BaseModel], exc: ValidationError) -> list[Problem]:
    """One located problem per validation error: the first MAX_PROBLEMS, then a count."""
    found: dict[tuple[Any, ...], Problem] = {}
    errors = exc.errors(include_url=False)
    listed: set[tuple[str | int, ...]] = set()  # where the allowed keys were already listed
    for err in errors:
        if len(found) >= MAX_PROBLEMS:
            break
        loc = tuple(p for p in err["loc"] if isinstance(p, str | int))
        prob = _one(doc, model, loc, err, listed)
        found.setdefault((prob.line, prob.col, prob.field), prob)
    out = list(found.values())
    left = exc.error_count() - len(out)
    if len(out) >= MAX_PROBLEMS and left > 0:
        last = max(out)
        out.append(
            Problem(
                doc.source,
                last.line,
                last.col + 1,
                "",
                f"and {left} {MORE}",
            )
        )
    return out


MORE = "more problem(s) not shown; fix these first"


def count(found: list[Problem]) -> int:
    """How many problems `found` stands for, the ones not shown included."""
    total = 0
    for p in found:
        head, _, tail = p.message.partition(" ")
        rest = tail.partition(" ")
        if head == "and" and rest[2] == MORE and rest[0].isdigit():
            total += int(rest[0])
        else:
            total += 1
    return total


def _dotted(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _one(
    doc: Document,
    model: type[BaseModel],
    loc: tuple[str | int, ...],
    err: Any,
    listed: set[tuple[str | int, ...]] | None = None,
) -> Problem:
    kind = err["type"]
    name = _dotted(loc)
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = _fields_at(model, loc[:-1])
        close = difflib.get_close_matches(key[:100], allowed, n=1, cutoff=0.6)
        parent = loc[:-1]
        seen = listed is not None and parent in listed
        if close:
            hint = f"; did you mean '{close[0]}'?"
        elif allowed and not seen:
            hint = f"; allowed keys here: {', '.join(allowed)}"
            if listed is not None:
                listed.add(parent)
        else:
            hint = " (see the allowed keys above)" if allowed else ""
        shown = key if len(key) <= 60 else key[:57] + "..."
        return problem(doc.source, doc.mark(loc, key=True), name, f"unknown key '{shown}'{hint}")
    if kind == "missing":
        parent = loc[:-1]
        mark = doc.mark(parent)
        if parent in doc.keys:
            mark = doc.keys[parent]
        return problem(doc.source, mark, name, f"required key '{loc[-1]}' is missing")
    mark = doc.mark(loc)
    if loc in doc.plain and kind in {"string_type", "str_type"}:
        if doc.plain[loc].strip() in {"", "~", "null", "Null", "NULL"}:
            return problem(doc.source, mark, name, "is empty; write a value, or remove the key")
        return problem(doc.source, mark, name, describe_plain(doc.plain[loc], err["input"]))
    if kind in {"string_type", "model_type", "value_error"} and err["input"] is None:
        return problem(doc.source, mark, name, "is empty; write a value, or remove the key")
    if kind == "string_pattern_mismatch" and loc and str(loc[-1]) in _FORMS:
        given = str(err["input"])
        shown = given if len(given) <= 60 else given[:57] + "..."
        return problem(doc.source, mark, name, f"'{shown}' is not {_FORMS[str(loc[-1])]}")
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        field_name = next((str(p) for p in reversed(loc) if isinstance(p, str)), "")
        example = _EXAMPLES.get(field_name, "key: value")
        return problem(
            doc.source,
            mark,
            name,
            f"expected a mapping of keys to values (e.g. {example}), got {_kind(err['input'])}",
        )
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
    if kind in {"bool_parsing", "bool_type"}:
        shown = doc.plain.get(loc, err["input"])
        return problem(
            doc.source,
            mark,
            name,
            f"'{shown}' is not true or false; write true or false (or oui/non)",
        )
    msg = str(err["msg"])
    if kind == "value_error":
        msg = msg.removeprefix("Value error, ")
    elif kind in {"string_type", "model_type", "list_type", "dict_type", "bool_type", "int_type"}:
        msg = f"{msg[0].lower()}{msg[1:]} (got {_kind(err['input'])})"
    else:
        msg = msg[0].lower() + msg[1:]
    return problem(doc.source, mark, name, msg)


# What a field with a pattern holds, for messages (never the raw regular expression).
_FORMS = {
    "email": "an e-mail address (like claire.martin@maison-dupont.example)",
    "from": "an e-mail address (like julie.leroy@agence.example)",
    "mail_domain": "a domain name (like agence.example)",
    "password_env": "an environment variable name (letters, digits and _, like SMTP_PASSWORD)",
    "prefix": "an ID prefix (letters and digits, starting with a letter, like MEP)",
    "sha256": "a SHA-256 (64 hexadecimal digits); let meptool write it",
    "approved_sha256": "a SHA-256 (64 hexadecimal digits); let meptool write it",
}
_EXAMPLES = {
    "lead": "{name: Julie Leroy, email: julie.leroy@agence.example}",
    "contacts": "{name: Claire Martin, email: claire.martin@maison-dupont.example}",
    "client": "{name: Maison Dupont, contacts: [...]}",
}


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
