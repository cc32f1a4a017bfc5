"""Targeted edits of YAML text: only the bytes of what changed are touched.

A person's comments, blank lines, quoting, key order and indentation survive
byte for byte outside the values meptool changes. Each operation works on the
text using the node positions of the strict parser (`yamlio.load`), and the
result is checked against the same operations applied to plain data; layouts
it does not handle (flow mappings, keys on a `- ` line being removed…) fall
back to a ruamel.yaml round trip, which is checked the same way.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from typing import Any

from meptool.errors import InputError, InvalidFile
from meptool.files.yamldoc import Document, Path_, Span, plain_scalar
from meptool.files.yamlio import guess_indent, guess_mapping_indent, load, load_data

Op = tuple[str, Path_, Any]


class Unsupported(Exception):
    """This layout needs the round-trip fallback."""


# What YAML cannot hold unescaped: characters outside its printable set
# [^\x09\x0a\x0d\x20-\x7e\xa0-\ud7ff\ue000-\ufdcf\ufdf0-\ufffd\U00010000-\U0010ffff]
# (written here as that set's complement, which compiles four times faster), and the
# line and paragraph separators and BOM some readers take for line breaks.
YAML_PRINTABLE = "\x09\x0a\x0d\x20-\x7e\xa0-\ud7ff\ue000-\ufdcf\ufdf0-\ufffd\U00010000-\U0010ffff"
_PRINTABLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufdd0-\ufdef\ufeff\ufffe\uffff]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _quoted(value: str) -> str:
    """A double-quoted YAML scalar; characters YAML may not carry raw are escaped."""
    return _PRINTABLE.sub(_escape, json.dumps(value, ensure_ascii=False))


def _str_scalar(value: str) -> str:
    import yaml

    if (
        value
        and value == value.strip()
        and "\n" not in value
        and not _PRINTABLE.search(value)
        and isinstance(plain_scalar(value), str)
    ):
        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        out = yaml.dump(value, Dumper=dumper, allow_unicode=True, width=1 << 30)
        out = out.removesuffix("\n...\n").removesuffix("\n")
        if out == value:
            return value
    return _quoted(value)


def scalar(value: Any) -> str:
    """One-line YAML for a scalar (strings quoted when YAML would misread them)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return repr(value)
    if isinstance(value, float):
        # YAML 1.1 reads a float only with a dot and a signed exponent: 1.0e+20, not 1e20
        text = repr(value)
        if "e" in text and "." not in text:
            text = text.replace("e", ".0e")
        return text
    if isinstance(value, str):
        return _str_scalar(value)
    if isinstance(value, dict | list) and not value:
        return "{}" if isinstance(value, dict) else "[]"
    raise TypeError(f"not a scalar: {value!r}")


def _literal(value: str) -> str | None:
    """The block-literal header for multi-line text, or None when it cannot be one."""
    body = value.rstrip("\n")
    first = next((line for line in body.split("\n") if line), "")
    if "\n" not in body or first[:1] in (" ", "\t") or _PRINTABLE.search(value) or "\r" in value:
        return None
    if any(line != line.rstrip(" \t") for line in body.split("\n")):
        return None
    trailing = len(value) - len(body)
    return "|-" if trailing == 0 else ("|" if trailing == 1 else "|+")


def _entry(head: str, value: Any, indent: int, offset: int, step: int = 2) -> list[str]:
    if isinstance(value, dict) and value:
        return [head, *block(value, indent + step, offset, step)]
    if isinstance(value, list) and value:
        return [head, *block(value, indent + offset, offset, step)]
    if isinstance(value, str) and (header := _literal(value)):
        pad = " " * (indent + step)
        lines = value.rstrip("\n").split("\n")
        extra = [""] * max(0, len(value) - len(value.rstrip("\n")) - 1)
        return [f"{head} {header}", *[pad + line if line else "" for line in lines], *extra]
    return [f"{head} {scalar(value)}"]


def block(value: dict[str, Any] | list[Any], indent: int, offset: int, step: int = 2) -> list[str]:
    """Block-style lines for a non-empty mapping or list, at `indent` columns."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            lines += _entry(f"{pad}{key}:", item, indent, offset, step)
        return lines
    for item in value:
        if isinstance(item, dict | list) and item:
            sub = block(item, indent + 2, offset, step)
            sub[0] = f"{pad}- {sub[0][indent + 2 :]}"
            lines += sub
        else:
            sub = _entry(f"{pad}-", item, indent, offset, step)
            lines += sub
    return lines


def render(data: dict[str, Any], offset: int = 2) -> str:
    """A whole new file's YAML (block style, lists indented by `offset`)."""
    return "\n".join(block(data, 0, offset)) + "\n" if data else "{}\n"


# --- operations on plain data (the reference the text edit must match) -------


def apply_plain(data: dict[str, Any], ops: list[Op]) -> dict[str, Any]:
    """The data after the operations."""
    out = copy.deepcopy(data)
    for op, path, value in ops:
        parent: Any = out
        for key in path[:-1]:
            if isinstance(parent, dict) and (key not in parent or parent[key] is None):
                parent[key] = {}
            parent = parent[key]
        key = path[-1]
        if op == "set":
            if value is None:
                if isinstance(parent, dict):
                    parent.pop(key, None)
            else:
                parent[key] = copy.deepcopy(value)
        elif op == "append":
            if not isinstance(parent.get(key), list):
                parent[key] = []
            parent[key].append(copy.deepcopy(value))
    return out


# --- operations on text ----------------------------------------------------------


@dataclass
class TextEdit:
    """Applies operations to YAML text, re-reading positions after each one."""

    text: str
    order: tuple[str, ...] = ()
    """The preferred order of top-level keys: a new key goes after its predecessor."""

    def __post_init__(self) -> None:
        self.offset = guess_indent(self.text)[1]
        self.step = guess_mapping_indent(self.text)

    def doc(self) -> Document:
        return load(self.text, "<edit>", spans=True)

    def _replace(self, start: int, end: int, new: str) -> None:
        self.text = self.text[:start] + new + self.text[end:]

    def _line_end(self, index: int) -> int:
        """Where the line holding the character before `index` ends (after its newline)."""
        if index > 0 and self.text[index - 1] == "\n":
            return index
        nl = self.text.find("\n", index)
        if nl == -1:
            self.text += "\n"
            return len(self.text)
        return nl + 1

    def apply(self, ops: list[Op]) -> str:
        for op, path, value in ops:
            if op == "set":
                self.set(path, value)
            else:
                self.append(path, value)
        return self.text

    def set(self, path: Path_, value: Any) -> None:
        doc = self.doc()
        if value is None:
            if path in doc.spans:
                self.remove(path, doc)
            return
        if path in doc.spans:
            current = _get(doc.data, path)
            if current == value:
                return
            span = doc.spans[path]
            if isinstance(value, dict) and value and span.kind == "map" and not span.flow:
                for key, item in value.items():
                    self.set((*path, key), item)
                for key in current:
                    if key not in value:
                        self.set((*path, key), None)
                return
            if span.kind == "scalar" and not isinstance(value, dict | list):
                self._set_scalar(path, span, value)
                return
            self._replace_value(path, value, doc)
            return
        parent, key = path[:-1], path[-1]
        if parent not in doc.spans or doc.spans[parent].kind == "scalar":
            self.set(parent, {key: value})
            return
        pspan = doc.spans[parent]
        if pspan.kind == "map" and pspan.flow and parent:
            # `impact: {}` or `{a: 1}`: that mapping becomes a block, the rest stays as is
            self._replace_value(parent, {**_get(doc.data, parent), key: value}, doc)
            return
        if pspan.kind != "map" or pspan.flow:
            raise Unsupported("flow or list parent")
        at = self._line_end(self._insertion_end(doc, parent, key, pspan))
        lines = _entry(f"{' ' * pspan.col}{key}:", value, pspan.col, self.offset, self.step)
        self._replace(at, at, "\n".join(lines) + "\n")

    def _insertion_end(self, doc: Document, parent: Path_, key: str | int, pspan: Span) -> int:
        """Where a new key's line goes: after the value of the key that precedes it in
        `order` (top level only), else at the end of the mapping."""
        if parent or key not in self.order:
            return pspan.end
        before = set(self.order[: self.order.index(key)])
        present = [k for k in doc.data if k in before]
        return doc.spans[(present[-1],)].end if present else pspan.end

    def _set_scalar(self, path: Path_, span: Span, value: Any) -> None:
        if isinstance(value, str) and (header := _literal(value)):
            if not path or isinstance(path[-1], int):
                self._replace(span.start, span.end, _quoted(value))
                return
            indent = self.doc().keys[path].col - 1 + 2
            lines = value.rstrip("\n").split("\n")
            body = "\n".join(" " * indent + line if line else "" for line in lines)
            extra = "\n" * max(0, len(value) - len(value.rstrip("\n")) - 1)
            end = span.end
            new = f"{header}\n{body}\n{extra}"
            if span.style in ("|", ">"):
                self._replace(span.start, end, new)
            else:
                self._replace(span.start, self._line_end(end), new)
            return
        new = scalar(value)
        if span.style in ("|", ">"):
            self._replace(span.start, span.end, new + "\n")
        else:
            self._replace(span.start, span.end, new)

    def _replace_value(self, path: Path_, value: Any, doc: Document) -> None:
        if not path or isinstance(path[-1], int) or path not in doc.key_spans:
            raise Unsupported("value without a key")
        span = doc.spans[path]
        if not isinstance(value, dict | list) or not value:
            if span.kind != "scalar" and not span.flow:
                raise Unsupported("block collection replaced by a scalar")
            self._replace(span.start, span.end, scalar(value))
            return
        _, key_end = doc.key_spans[path]
        colon = self.text.index(":", key_end)
        col = doc.keys[path].col - 1
        lines = _entry("", value, col, self.offset, self.step)[1:]
        end = span.end
        if span.kind == "scalar" and span.style in ("|", ">"):
            end -= 1 if self.text[end - 1 : end] == "\n" else 0
            rest = ""
        else:
            # keep a comment that followed the old value on the key's line
            line_end = self.text.find("\n", end)
            line_end = len(self.text) if line_end == -1 else line_end
            rest = self.text[end:line_end]
            end = line_end
            if span.kind != "scalar" and not span.flow:
                # a block list or mapping starts on the next line: a comment on the
                # key's own line (`whys:  # the five whys`) stays there
                key_line_end = self.text.find("\n", colon)
                head = self.text[colon + 1 : key_line_end] if key_line_end != -1 else ""
                if head.strip().startswith("#"):
                    rest = head.rstrip() + (f" {rest.strip()}" if rest.strip() else "")
        self._replace(colon + 1, end, rest + "\n" + "\n".join(lines))

    def append(self, path: Path_, item: Any) -> None:
        doc = self.doc()
        span = doc.spans.get(path)
        if span is None or span.kind == "scalar" or (span.flow and not _get(doc.data, path)):
            current = _get(doc.data, path) if span is not None else None
            self.set(path, [*(current if isinstance(current, list) else []), item])
            return
        if span.kind != "seq":
            raise Unsupported("append to a mapping")
        if span.flow:
            close = span.end - 1
            if self.text[close] != "]":
                raise Unsupported("odd flow list")
            self._replace(
                close, close, ", " + _PRINTABLE.sub(_escape, json.dumps(item, ensure_ascii=False))
            )
            return
        at = self._line_end(span.end)
        self._replace(at, at, "\n".join(block([item], span.col, self.offset, self.step)) + "\n")

    def remove(self, path: Path_, doc: Document) -> None:
        if path not in doc.key_spans:
            raise Unsupported("remove a list item")
        key_start, _ = doc.key_spans[path]
        line_start = self.text.rfind("\n", 0, key_start) + 1
        if self.text[line_start:key_start].strip():
            raise Unsupported("key on a '- ' line")
        end = self._line_end(doc.spans[path].end)
        self._replace(line_start, end, "")


def _get(data: Any, path: Path_) -> Any:
    for key in path:
        data = data[key]
    return data


def _data(text: str) -> Any:
    """The data of a YAML text: the quick parse when it can, else the full one (which
    raises InvalidFile with located problems)."""
    data = load_data(text)
    return data if data is not None else load(text, "<edit>").data


def edit_text(text: str, ops: list[Op], order: tuple[str, ...] = ()) -> str:
    """`text` with the operations applied, everything else kept byte for byte.

    New top-level keys are placed after their predecessor in `order`.
    """
    expected = apply_plain(_data(text), ops)
    try:
        result = TextEdit(text, order).apply(ops)
        if _data(result) == expected:
            return result
    except Unsupported:
        pass
    try:
        result = _round_trip(text, ops)
        if _data(result) == expected:
            return result
    except InvalidFile:
        pass
    raise InputError(  # pragma: no cover - a bug: the file is left as it was
        "meptool could not apply this change without altering other values; nothing was written",
        hint="edit the file by hand, and please report it with the file",
    )


def _round_trip(text: str, ops: list[Op]) -> str:
    from meptool.files.yamlio import rt_dump, rt_load, rt_value

    doc = rt_load(text)
    for op, path, value in ops:
        parent = doc
        for key in path[:-1]:
            if isinstance(key, str) and (key not in parent or parent[key] is None):
                parent[key] = rt_value({})
            parent = parent[key]
        key = path[-1]
        if op == "set":
            if value is None:
                parent.pop(key, None)
            else:
                parent[key] = rt_value(value)
        else:
            if not isinstance(parent.get(key), list):
                parent[key] = rt_value([])
            parent[key].append(rt_value(value))
    return rt_dump(doc, like=text)
