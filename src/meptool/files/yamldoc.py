"""What a parsed YAML file is: its data with the position of every node, and YAML 1.1's scalars.

Shared by the strict located loader (`meptool.files.yamlio`) and its quick event
loop (`meptool.files.yamlfast`), which both build a `Document`; the rules that turn
an unquoted scalar into a value live here once, so both read a file the same way.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from meptool.errors import InvalidFile, Problem
from meptool.model.numbers import Yaml11Float, Yaml11Int

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 32
MAX_SCALAR_CHARS = 100_000

Path_ = tuple[str | int, ...]


class Mark(NamedTuple):
    """A 1-based position in a file (a named tuple: made for every node, so made cheaply)."""

    line: int
    col: int


@dataclass
class Span:
    """A node's text: [start, end) character offsets, its kind, style and column."""

    start: int
    end: int
    kind: str  # "map", "seq" or "scalar"
    flow: bool
    col: int
    style: str = ""


@dataclass
class Document:
    """Data read from a YAML file, with the position of every key and value."""

    data: dict[str, Any]
    source: str
    values: dict[Path_, Mark] = field(default_factory=dict)
    keys: dict[Path_, Mark] = field(default_factory=dict)
    plain: dict[Path_, str] = field(default_factory=dict)
    """Plain (unquoted) scalars that YAML read as something other than text."""
    spans: dict[Path_, Span] = field(default_factory=dict)
    """Where each value's text starts and ends (for targeted edits)."""
    key_spans: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def mark(self, path: Path_, *, key: bool = False) -> Mark:
        """Where `path` stands; the nearest enclosing node when it does not exist."""
        table = self.keys if key else self.values
        probe = tuple(path)
        while probe:
            if probe in table:
                return table[probe]
            if probe in self.values:
                return self.values[probe]
            probe = probe[:-1]
        return self.values.get((), Mark(1, 1))


def problem(source: str, mark: Mark, fieldname: str, message: str) -> Problem:
    """A located problem."""
    return Problem(source, mark.line, mark.col, fieldname, message)


def fail(source: str, line: int, col: int, message: str) -> InvalidFile:
    return InvalidFile([Problem(source, line, col, "", message)])


def position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, col


def read_capped(path: Any) -> bytes:
    """A file's bytes, reading at most one byte past the size limit (which `decode`
    then reports)."""
    with open(path, "rb") as fh:
        return fh.read(MAX_BYTES + 1)


def decode(raw: bytes, source: str) -> str:
    """Bytes of a YAML file as text: UTF-8 only, size-limited."""
    if len(raw) > MAX_BYTES:
        raise fail(
            source,
            1,
            1,
            f"file is {len(raw):,} bytes; meptool reads files up to {MAX_BYTES:,} bytes "
            "(1 MiB) — move long text out of the file",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        good = raw[: exc.start].decode("utf-8", errors="replace")
        line, col = position(good, len(good))
        raise fail(
            source,
            line,
            col,
            f"invalid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
        ) from None
    return text.removeprefix("\ufeff")


# YAML 1.1 implicit types of plain scalars, as PyYAML resolves them.
_BOOL = {
    "yes": True, "Yes": True, "YES": True, "no": False, "No": False, "NO": False,
    "true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False,
    "on": True, "On": True, "ON": True, "off": False, "Off": False, "OFF": False,
}  # fmt: skip
_NULL = {"", "~", "null", "Null", "NULL"}
_INT = re.compile(
    r"""^(?:[-+]?0b[0-1_]+
    |[-+]?0[0-7_]+
    |[-+]?(?:0|[1-9][0-9_]*)
    |[-+]?0x[0-9a-fA-F_]+
    |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$""",
    re.X,
)
_FLOAT = re.compile(
    r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
    |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)
_TIMESTAMP = re.compile(
    r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?
    |[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?
     (?:[Tt]|[ \t]+)[0-9][0-9]?
     :[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?
     (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""",
    re.X,
)
_YAML_KIND = {bool: "a boolean", int: "a number", float: "a number"}


# The common forms — times and dates as meptool writes them, whole numbers,
# decimals — read by C code (`fromisoformat`, `int`, `float`), several times
# quicker than PyYAML's constructors and equal to them (tests compare both);
# anything else, or anything these refuse, goes the PyYAML way.
_ISO = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"(?:[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{6})?(?: ?(?:Z|[-+][0-9]{2}:[0-9]{2}))?)?"
)  # what meptool writes, and the hand-written "2026-11-20 18:40:00 +01:00", ".123456"
_DECIMAL = re.compile(r"0|[1-9][0-9]{0,17}")
_POINT = re.compile(r"[0-9]{1,15}\.[0-9]{1,15}")


_PLAIN_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")


# Plain scalars `plain_scalar` may read as something other than text: these words, or
# a first character among these (any other plain scalar is its own text).
NOT_TEXT_WORDS = frozenset(_NULL | _BOOL.keys())
NOT_TEXT_STARTS = "0123456789+-."


def plain_scalar(value: str) -> Any:
    """The Python value YAML 1.1 gives an unquoted scalar.

    What YAML 1.1 would read as a number or a time but cannot build (a month 13,
    an integer of 5,000 digits, `0x_`, an offset of +99 hours) stays text: the
    field that receives it then says what is wrong, where.
    """
    if value in _NULL:
        return None
    if value in _BOOL:
        return _BOOL[value]
    if value[0] in NOT_TEXT_STARTS:
        if _DECIMAL.fullmatch(value):
            return int(value)
        if _POINT.fullmatch(value):
            return float(value)
        if _ISO.fullmatch(value):
            with contextlib.suppress(ValueError):
                return _iso_time(value)
        if _INT.match(value) or _FLOAT.match(value) or _TIMESTAMP.match(value):
            try:
                built = _construct_implicit(value)
            except (ValueError, OverflowError):
                return value
            if isinstance(built, int) and not _PLAIN_INT.fullmatch(value):
                return Yaml11Int(built, value)
            if isinstance(built, float) and ("_" in value or ":" in value):
                return Yaml11Float(built, value)
            return built
    return value


def _iso_time(value: str) -> dt.date:
    """A time or date in `_ISO`'s form, as PyYAML's timestamp constructor builds it."""
    if len(value) == 10:
        return dt.date.fromisoformat(value)
    if value[-7:-6] == " " and value[-6] in "+-":  # a space before the offset
        value = value[:-7] + value[-6:]
    elif value.endswith(" Z"):
        value = value[:-2] + "Z"
    return dt.datetime.fromisoformat(value)


def _construct_implicit(value: str) -> Any:
    import yaml

    node = yaml.ScalarNode("", value)
    constructor = yaml.SafeLoader.__new__(yaml.SafeLoader)
    if _INT.match(value):
        return constructor.construct_yaml_int(node)
    if _FLOAT.match(value):
        return constructor.construct_yaml_float(node)
    return constructor.construct_yaml_timestamp(node)


def yaml11_like(value: str) -> bool:
    """Whether YAML 1.1 would try to read this text as a number or a time."""
    return bool(_INT.match(value) or _FLOAT.match(value) or _TIMESTAMP.match(value))


def describe_plain(raw: str, value: Any) -> str:
    """Explain how YAML read an unquoted scalar, for error messages."""
    kind = next((k for t, k in _YAML_KIND.items() if isinstance(value, t)), None)
    if kind is None:
        kind = "a date" if value is not None else "nothing (null)"
    return f'YAML reads unquoted {raw} as {kind}; put it in quotes to keep the text: "{raw}"'
