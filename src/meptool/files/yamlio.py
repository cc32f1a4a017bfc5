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

import re
from typing import TYPE_CHECKING, Any

from meptool.errors import InvalidFile
from meptool.files.yamldoc import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_SCALAR_CHARS,
    Document,
    Mark,
    Path_,
    Span,
    decode,
    fail,
    plain_scalar,
    position,
    read_capped,
    yaml11_like,
)

if TYPE_CHECKING:
    from ruamel.yaml import YAML


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
        raise fail(source, 1, 1, f"file is over {MAX_BYTES:,} characters (1 MiB)")
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
        if mark is not None and 0 <= mark.index < len(text) and text[mark.index] == "\t":
            what = "a tab; YAML indents with spaces only: replace the tab with spaces"
        raise fail(source, line, col, f"YAML syntax error: {what}") from None
    except yaml.reader.ReaderError as exc:
        line, col = position(text, exc.position)
        char = exc.character
        code = char if isinstance(char, int) else ord(str(char)[:1] or "\0")
        raise fail(
            source, line, col, f"character U+{code:04X} is not allowed in YAML; remove it"
        ) from None
    except yaml.YAMLError as exc:
        raise fail(source, 1, 1, f"YAML error: {exc}") from None
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
        return fail(self.source, mark.line + 1, mark.column + 1, message)

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
            raise fail(
                self.source, 1, 1, "file is empty; it should hold a YAML mapping (key: value)"
            )
        if not isinstance(self.root, dict):
            mark = self.doc.values.get((), Mark(1, 1))
            raise fail(
                self.source,
                mark.line,
                mark.col,
                "the top level must be a mapping of keys to values (key: value)",
            )
        self.doc.data = self.root
        return self.doc


def load_file(path: Any, source: str | None = None) -> Document:
    """Read and parse a YAML file (see `load`)."""
    return load(read_capped(path), source if source is not None else str(path))


# --- writing ---------------------------------------------------------------


def _quote_needed(value: str) -> bool:
    if value[:1] in {"", " "} or not isinstance(plain_scalar(value), str):
        return True
    # Text YAML 1.1 would try to read as a number or a time (and fail): quoted too.
    return yaml11_like(value)


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
