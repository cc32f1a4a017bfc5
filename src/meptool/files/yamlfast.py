"""The quick paths of `meptool.files.yamlio`: one tight loop over the C parser's events.

They handle the common case — a valid, plain file — and give up (None) on
anything else: aliases, anchors, tags, duplicate keys, deep nesting, long
values, several documents, a non-mapping top level, syntax errors. `yamlio`
then takes its exact, slower path, which reports the problem with its position.
Tests prove both paths build the same data over the example and generated files.
"""

from __future__ import annotations

from typing import Any

from meptool.files.yamlio import MAX_DEPTH, MAX_SCALAR_CHARS, Document, Mark, Path_, plain_scalar


def fast_load(text: str, source: str, loader_class: Any) -> Document | None:
    """`yamlio.load`'s result for a plain, valid file, with positions; None otherwise."""
    loader = loader_class(text)
    try:
        return _fast(loader, source)
    except Exception:  # anything unusual: the exact path decides
        return None
    finally:
        loader.dispose()


def fast_data(text: str, loader_class: Any) -> dict[str, Any] | None:
    """The data alone (no positions) of a plain, valid file; None otherwise."""
    try:
        loader = loader_class(text)
    except Exception:  # anything unusual: the exact path decides
        return None
    try:
        return _fast_data(loader)
    except Exception:  # anything unusual: the exact path decides
        return None
    finally:
        loader.dispose()


class _Unusual(Exception):
    """Something `_fast` leaves to `_Builder`: it knows the exact error to report."""


def _fast(loader: Any, source: str) -> Document:  # noqa: PLR0915 - inlined for speed
    """The common case of `load`, in one tight loop: a valid, plain file.

    Builds exactly what `_Builder` builds (a test compares both over every example
    and generated file), and raises on anything else — aliases, anchors, tags,
    duplicate keys, deep nesting, long values, several documents, a non-mapping
    top level — so that `_Builder` reports it with its position.
    """
    import yaml

    scalar_t, map_t, seq_t = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    skip = (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)
    doc_t = yaml.DocumentStartEvent
    values: dict[Path_, Mark] = {}
    keys: dict[Path_, Mark] = {}
    plains: dict[Path_, str] = {}
    stack: list[list[Any]] = []  # [container, path, pending key or None]
    root: Any = None
    documents = 0
    get = loader.get_event
    while (event := get()) is not None:  # None after the stream's end
        kind = type(event)
        if kind is scalar_t:
            if event.anchor is not None or event.tag is not None:
                raise _Unusual
            raw: str = event.value
            if len(raw) > MAX_SCALAR_CHARS or not stack:
                raise _Unusual
            top = stack[-1]
            container = top[0]
            mark = event.start_mark
            if type(container) is dict:
                pending = top[2]
                if pending is None:
                    if raw in container:
                        raise _Unusual
                    keys[(*top[1], raw)] = Mark(mark.line + 1, mark.column + 1)
                    top[2] = raw
                    continue
                path: Path_ = (*top[1], pending)
                top[2] = None
            else:
                path = (*top[1], len(container))
            if not event.style and event.implicit[0]:
                value = plain_scalar(raw)
                if type(value) is not str:
                    plains[path] = raw
            else:
                value = raw
            if type(container) is dict:
                container[path[-1]] = value
            else:
                container.append(value)
            values[path] = Mark(mark.line + 1, mark.column + 1)
        elif kind is map_t or kind is seq_t:
            if event.anchor is not None or event.tag is not None or len(stack) >= MAX_DEPTH:
                raise _Unusual
            new: Any = {} if kind is map_t else []
            mark = event.start_mark
            if not stack:
                if root is not None or values:
                    raise _Unusual
                path = ()
                root = new
            else:
                top = stack[-1]
                container = top[0]
                if type(container) is dict:
                    if top[2] is None:
                        raise _Unusual
                    path = (*top[1], top[2])
                    container[top[2]] = new
                    top[2] = None
                else:
                    path = (*top[1], len(container))
                    container.append(new)
            values[path] = Mark(mark.line + 1, mark.column + 1)
            stack.append([new, path, None])
        elif kind in ends:
            stack.pop()
        elif kind is doc_t:
            documents += 1
            if documents > 1:
                raise _Unusual
        elif kind not in skip:
            raise _Unusual  # an alias
    if type(root) is not dict:
        raise _Unusual
    return Document(root, source, values, keys, plains)


def _fast_data(loader: Any) -> dict[str, Any]:  # noqa: PLR0915 - inlined for speed
    """`_fast` without positions: containers and values only."""
    import yaml

    scalar_t, map_t, seq_t = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    skip = (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)
    doc_t = yaml.DocumentStartEvent
    stack: list[list[Any]] = []  # [container, pending key or None]
    root: Any = None
    documents = 0
    get = loader.get_event
    while (event := get()) is not None:  # None after the stream's end
        kind = type(event)
        if kind is scalar_t:
            if event.anchor is not None or event.tag is not None or not stack:
                raise _Unusual
            raw: str = event.value
            if len(raw) > MAX_SCALAR_CHARS:
                raise _Unusual
            top = stack[-1]
            container = top[0]
            if type(container) is dict:
                pending = top[1]
                if pending is None:
                    if raw in container:
                        raise _Unusual
                    top[1] = raw
                    continue
                top[1] = None
                container[pending] = (
                    plain_scalar(raw) if not event.style and event.implicit[0] else raw
                )
            else:
                container.append(
                    plain_scalar(raw) if not event.style and event.implicit[0] else raw
                )
        elif kind is map_t or kind is seq_t:
            if event.anchor is not None or event.tag is not None or len(stack) >= MAX_DEPTH:
                raise _Unusual
            new: Any = {} if kind is map_t else []
            if not stack:
                if root is not None:
                    raise _Unusual
                root = new
            else:
                top = stack[-1]
                container = top[0]
                if type(container) is dict:
                    if top[1] is None:
                        raise _Unusual
                    container[top[1]] = new
                    top[1] = None
                else:
                    container.append(new)
            stack.append([new, None])
        elif kind in ends:
            stack.pop()
        elif kind is doc_t:
            documents += 1
            if documents > 1:
                raise _Unusual
        elif kind not in skip:
            raise _Unusual  # an alias
    if type(root) is not dict:
        raise _Unusual
    data: dict[str, Any] = root
    return data
