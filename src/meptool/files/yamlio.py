"""The one place that reads and writes YAML.

Reading is strict and located: PyYAML's C parser (pure Python only when
libyaml is missing) produces events; we build plain Python data from them and
remember where every key and value stands, so that errors point at
`file:line:col`. Anchors, aliases, tags, duplicate keys, several documents,
oversized input and deep nesting are refused. Plain scalars are resolved with
YAML 1.1 rules (what PyYAML and many tools do) and remembered, so that a `no`
or `012345` meant as text is reported instead of silently converted.

Writing lives next door in `meptool.files.yamledit`: new files are rendered in
block style and existing ones changed by targeted text edits that keep a
person's comments, key order, quoting and blank lines; the ruamel.yaml
round-trip helpers here serve as its checked fallback (imported only then).
A quick loop without positions (`meptool.files.yamlfast`) serves valid files;
positions are built only when a file has problems or is being edited.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from meptool.errors import InvalidFile, Problem

if TYPE_CHECKING:
    from ruamel.yaml import YAML

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


def _fail(source: str, line: int, col: int, message: str) -> InvalidFile:
    return InvalidFile([Problem(source, line, col, "", message)])


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, col


def decode(raw: bytes, source: str) -> str:
    """Bytes of a YAML file as text: UTF-8 only, size-limited."""
    if len(raw) > MAX_BYTES:
        raise _fail(
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
        line, col = _position(good, len(good))
        raise _fail(
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
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:Z|[-+][0-9]{2}:[0-9]{2})?)?"
)
_DECIMAL = re.compile(r"0|[1-9][0-9]{0,17}")
_POINT = re.compile(r"[0-9]{1,15}\.[0-9]{1,15}")


def plain_scalar(value: str) -> Any:
    """The Python value YAML 1.1 gives an unquoted scalar."""
    if value in _NULL:
        return None
    if value in _BOOL:
        return _BOOL[value]
    if value[0] in "0123456789+-.":
        if _DECIMAL.fullmatch(value):
            return int(value)
        if _POINT.fullmatch(value):
            return float(value)
        if _ISO.fullmatch(value):
            with contextlib.suppress(ValueError):
                return _iso_time(value)
        if _INT.match(value) or _FLOAT.match(value) or _TIMESTAMP.match(value):
            return _construct_implicit(value)
    return value


def _iso_time(value: str) -> dt.date:
    """A time or date in `_ISO`'s form, as PyYAML's timestamp constructor builds it."""
    if len(value) == 10:
        return dt.date.fromisoformat(value)
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


def describe_plain(raw: str, value: Any) -> str:
    """Explain how YAML read an unquoted scalar, for error messages."""
    kind = _YAML_KIND.get(type(value))
    if kind is None:
        kind = "a date" if value is not None else "nothing (null)"
    return f'YAML reads unquoted {raw} as {kind}; put it in quotes to keep the text: "{raw}"'


def _loader_class() -> Any:
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(raw: bytes | str, source: str, *, spans: bool = False) -> Document:
    """Parse one YAML mapping strictly, keeping the position of every node.

    `spans=True` also records where each value's text starts and ends (for edits).
    """
    import yaml

    text = decode(raw, source) if isinstance(raw, bytes) else raw
    if len(text) > MAX_BYTES:
        raise _fail(source, 1, 1, f"file is over {MAX_BYTES:,} characters (1 MiB)")
    from meptool.files.yamlfast import fast_load

    found = None if spans else fast_load(text, source, _loader_class())
    if found is not None:
        return found
    loader = _loader_class()(text)
    builder = _Builder(source)
    try:
        while loader.check_event():
            builder.feed(loader.get_event())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or exc.context or "invalid YAML"
        raise _fail(source, line, col, f"YAML syntax error: {what}") from None
    except yaml.reader.ReaderError as exc:
        line, col = _position(text, exc.position)
        char = exc.character
        code = char if isinstance(char, int) else ord(str(char)[:1] or "\0")
        raise _fail(
            source, line, col, f"character U+{code:04X} is not allowed in YAML; remove it"
        ) from None
    except yaml.YAMLError as exc:
        raise _fail(source, 1, 1, f"YAML error: {exc}") from None
    finally:
        loader.dispose()
    return builder.result()


class _Builder:
    """Builds Python data from a stream of parser events."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.doc = Document({}, source)
        self.stack: list[tuple[Any, Path_, Any]] = []  # (container, path, pending key)
        self.root: Any = None
        self.documents = 0
        self.done = False

    def _err(self, event: Any, message: str) -> InvalidFile:
        mark = event.start_mark
        return _fail(self.source, mark.line + 1, mark.column + 1, message)

    def _check(self, event: Any) -> None:
        import yaml

        if isinstance(event, yaml.AliasEvent):
            raise self._err(event, "aliases (*name) are not allowed; write the value out")
        if getattr(event, "anchor", None) is not None:
            raise self._err(event, f"anchors (&{event.anchor}) are not allowed; remove it")
        tag = getattr(event, "tag", None)
        if tag is not None and not (tag == "!" and isinstance(event, yaml.ScalarEvent)):
            raise self._err(event, f"tags ({tag}) are not allowed; remove it")

    def feed(self, event: Any) -> None:
        import yaml

        if isinstance(event, yaml.StreamStartEvent | yaml.StreamEndEvent):
            return
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise self._err(event, "only one YAML document per file; remove the extra '---'")
            return
        if isinstance(event, yaml.DocumentEndEvent):
            return
        self._check(event)
        if isinstance(event, yaml.ScalarEvent):
            self._scalar(event)
        elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            if len(self.stack) >= MAX_DEPTH:
                raise self._err(event, f"nesting deeper than {MAX_DEPTH} levels")
            container: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
            path = self._place(event, container)
            self.stack.append((container, path, None))
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            _, path, _ = self.stack.pop()
            span = self.doc.spans[path]
            if span.flow and event.end_mark is not None:
                span.end = event.end_mark.index
            if self.stack:
                parent = self.doc.spans[self.stack[-1][1]]
                parent.end = max(parent.end, span.end)

    def _value_path(self, event: Any) -> Path_ | None:
        """The path of the value about to be placed; None when it is a mapping key."""
        if not self.stack:
            return ()
        container, path, pending = self.stack[-1]
        if isinstance(container, list):
            return (*path, len(container))
        if pending is None:
            return None
        return (*path, pending[0])

    def _place(self, event: Any, value: Any) -> Path_:
        path = self._value_path(event)
        if path is None:
            raise self._err(event, "keys must be plain text, not lists or mappings")
        start = event.start_mark
        mark = Mark(start.line + 1, start.column + 1)
        self.doc.values[path] = mark
        if isinstance(value, dict | list):
            kind = "map" if isinstance(value, dict) else "seq"
            flow = bool(getattr(event, "flow_style", False))
            self.doc.spans[path] = Span(start.index, start.index, kind, flow, start.column)
        else:
            self.doc.spans[path] = Span(
                start.index, event.end_mark.index, "scalar", False, start.column, event.style or ""
            )
        if not self.stack:
            self.root = value
            return path
        container, parent, pending = self.stack[-1]
        if isinstance(container, list):
            container.append(value)
        else:
            container[pending[0]] = value
            self.stack[-1] = (container, parent, None)
        return path

    def _scalar(self, event: Any) -> None:
        raw: str = event.value
        if len(raw) > MAX_SCALAR_CHARS:
            raise self._err(
                event, f"value is {len(raw):,} characters long; the limit is {MAX_SCALAR_CHARS:,}"
            )
        if self.stack:
            container, path, pending = self.stack[-1]
            if isinstance(container, dict) and pending is None:
                if raw in container:
                    first = self.doc.keys.get((*path, raw))
                    where = f" (first at line {first.line})" if first else ""
                    raise self._err(event, f"duplicate key '{raw}'{where}; keep only one")
                mark = Mark(event.start_mark.line + 1, event.start_mark.column + 1)
                self.doc.keys[(*path, raw)] = mark
                self.doc.key_spans[(*path, raw)] = (event.start_mark.index, event.end_mark.index)
                self.stack[-1] = (container, path, (raw,))
                return
        plain = not event.style and event.tag is None and event.implicit[0]
        value = plain_scalar(raw) if plain else raw
        path = self._place(event, value)
        if plain and not isinstance(value, str):
            self.doc.plain[path] = raw
        if self.stack:
            parent = self.doc.spans[self.stack[-1][1]]
            parent.end = max(parent.end, event.end_mark.index)

    def result(self) -> Document:
        if self.documents == 0 or (self.root is None and not self.doc.values):
            raise _fail(
                self.source, 1, 1, "file is empty; it should hold a YAML mapping (key: value)"
            )
        if not isinstance(self.root, dict):
            mark = self.doc.values.get((), Mark(1, 1))
            raise _fail(
                self.source,
                mark.line,
                mark.col,
                "the top level must be a mapping of keys to values (key: value)",
            )
        self.doc.data = self.root
        return self.doc


def load_file(path: Any, source: str | None = None) -> Document:
    """Read and parse a YAML file (see `load`)."""
    from pathlib import Path

    p = Path(path)
    src = source if source is not None else str(path)
    with p.open("rb") as fh:
        raw = fh.read(MAX_BYTES + 1)
    return load(raw, src)


# --- writing ---------------------------------------------------------------


def _quote_needed(value: str) -> bool:
    return value[:1] in {"", " "} or not isinstance(plain_scalar(value), str)


def round_trip() -> YAML:
    """A ruamel.yaml instance that keeps comments, order, quoting and blank lines."""
    from ruamel.yaml import YAML

    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096
    y.allow_unicode = True
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def guess_indent(text: str) -> tuple[int, int]:
    """(sequence indent, dash offset) used by a hand-written file."""
    for match in re.finditer(r"^( *)([A-Za-z_][\w-]*):[ \t]*(?:#.*)?\n( *)- ", text, re.M):
        parent, child = len(match.group(1)), len(match.group(3))
        offset = child - parent
        return offset + 2, offset
    return 4, 2


def guess_mapping_indent(text: str) -> int:
    """How many columns a hand-written file indents a nested mapping (2 by default)."""
    for match in re.finditer(
        r"^( *)[A-Za-z_][\w-]*:[ \t]*(?:#.*)?\n( +)[A-Za-z_][\w-]*:", text, re.M
    ):
        step = len(match.group(2)) - len(match.group(1))
        if step > 0:
            return step
    return 2


def rt_load(text: str) -> Any:
    """Parse text for a round-trip edit (comments kept)."""
    return round_trip().load(text)


def rt_dump(doc: Any, like: str = "") -> str:
    """Serialise a round-trip document, with the list indentation of `like`."""
    import io

    y = round_trip()
    seq, offset = guess_indent(like)
    y.indent(mapping=2, sequence=seq, offset=offset)
    buf = io.StringIO()
    y.dump(doc, buf)
    return buf.getvalue()


def rt_value(value: Any) -> Any:
    """A Python value ready to put in a round-trip document.

    Strings YAML 1.1 would read as something else are quoted; multi-line text
    becomes a literal block; nested dicts and lists are converted too.
    """
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

    if isinstance(value, str):
        if "\n" in value.strip("\n"):
            return LiteralScalarString(value if value.endswith("\n") else value + "\n")
        return DoubleQuotedScalarString(value) if _quote_needed(value) else value
    if isinstance(value, dict):
        cm = CommentedMap()
        for k, v in value.items():
            cm[k] = rt_value(v)
        return cm
    if isinstance(value, list | tuple):
        seq = CommentedSeq()
        seq.extend(rt_value(v) for v in value)
        return seq
    return value


def load_data(raw: bytes | str) -> dict[str, Any] | None:
    """Only the data of a plain, well-formed file, quickly; None for anything else.

    No positions are kept (they only serve to report problems), so this is close
    to the C parser's own speed. The data equals `load(raw, …).data` (a test
    proves it over the example and generated files); when it is None, or the
    data does not validate, callers use `load` for located problems.
    """
    from meptool.files.yamlfast import fast_data

    try:
        text = decode(raw, "") if isinstance(raw, bytes) else raw
    except InvalidFile:
        return None
    if len(text) > MAX_BYTES:
        return None
    return fast_data(text, _loader_class())
