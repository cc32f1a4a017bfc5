"""The quick paths of `meptool.files.yamlio`: the C parser's events, turned into data at once.

The data of a valid file is built as libyaml's events are made (`_built_data`);
positions, kept only for a file being reported or edited, by one tight loop over
the event objects (`_fast`, and `_fast_data` when libyaml is missing). They
handle the common case — a valid, plain file — and give up (None) on anything
else: aliases, anchors, tags, duplicate keys, deep nesting, long values, several
documents, a non-mapping top level, syntax errors. `yamlio` then takes its exact,
slower path, which reports the problem with its position. Tests prove every path
builds the same data over the example workspace, both benchmark shapes and the
tests' own files (tests/test_yaml_readers.py).
"""

from __future__ import annotations

from typing import Any

from meptool.files.yamldoc import (
    MAX_DEPTH,
    MAX_SCALAR_CHARS,
    NOT_TEXT_STARTS,
    NOT_TEXT_WORDS,
    Document,
    Mark,
    Path_,
    plain_scalar,
)


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
        if _c_events(loader_class):
            return _built_data(loader)
        return _fast_data(loader)
    except Exception:  # anything unusual: the exact path decides
        return None
    finally:
        loader.dispose()


# --- the data built as libyaml's events are made -----------------------------------
#
# PyYAML's C parser (`yaml._yaml`) turns each libyaml event into a Python event
# object by calling the event classes it finds among its module's globals; making
# those objects (a Python `__init__` each) costs more than libyaml's parse itself.
# `_built_data` puts, for the time of one parse, functions in their place that
# build the data at once (what `_fast_data` does with each event object) and
# return a token instead of an object; the classes are put back before it returns,
# whatever happens. meptool parses in one thread. A test compares the data with
# the event builder's over the example workspace, both benchmark shapes and the
# tests' own files.

_EVENT_NAMES = (
    "StreamStartEvent",
    "StreamEndEvent",
    "DocumentStartEvent",
    "DocumentEndEvent",
    "AliasEvent",
    "ScalarEvent",
    "SequenceStartEvent",
    "SequenceEndEvent",
    "MappingStartEvent",
    "MappingEndEvent",
)


def _c_events(loader_class: Any) -> bool:
    """Whether `loader_class` parses with `yaml._yaml`, whose event classes can stand in."""
    import yaml

    module = getattr(yaml, "_yaml", None)
    return (
        module is not None
        and getattr(yaml, "CSafeLoader", None) is loader_class
        and all(getattr(module, name, None) is getattr(yaml, name) for name in _EVENT_NAMES)
    )


def _built_data(loader: Any) -> dict[str, Any]:  # noqa: PLR0915 - one closure per event kind
    """`_fast_data`'s result, built by stand-ins for the C parser's event classes."""
    import yaml._yaml as cyaml

    STARTS, WORDS = NOT_TEXT_STARTS, NOT_TEXT_WORDS

    # The container being filled, whether it is a mapping, its key waiting for a value;
    # the same of each enclosing container on `stack`.
    current: Any = None
    is_map = False
    pending: str | None = None
    stack: list[tuple[Any, bool, str | None]] = []
    found: list[Any] = []  # the root
    documents = 0

    def scalar(  # noqa: PLR0917 - called as the C parser calls ScalarEvent
        anchor: Any, tag: Any, implicit: Any, raw: str, start: Any, end: Any, style: Any
    ) -> bool:
        nonlocal pending
        if anchor is not None or tag is not None or len(raw) > MAX_SCALAR_CHARS:
            raise _Unusual
        if is_map:
            if pending is None:
                if raw in current:
                    raise _Unusual
                pending = raw
                return True
            if not style and implicit[0] and (not raw or raw[0] in STARTS or raw in WORDS):
                current[pending] = plain_scalar(raw)  # else plain text: itself
            else:
                current[pending] = raw
            pending = None
        elif current is None:
            raise _Unusual  # a scalar at the top level
        elif not style and implicit[0] and (not raw or raw[0] in STARTS or raw in WORDS):
            current.append(plain_scalar(raw))
        else:
            current.append(raw)
        return True

    def opened(anchor: Any, tag: Any, new: Any, mapping: bool) -> bool:
        nonlocal current, is_map, pending
        if anchor is not None or tag is not None or len(stack) >= MAX_DEPTH:
            raise _Unusual
        if current is None:
            if found:
                raise _Unusual
            found.append(new)
        elif is_map:
            if pending is None:
                raise _Unusual  # a mapping or list as a key
            current[pending] = new
            pending = None
        else:
            current.append(new)
        stack.append((current, is_map, pending))
        current, is_map, pending = new, mapping, None
        return True

    def mapping(  # noqa: PLR0917 - called as the C parser calls MappingStartEvent
        anchor: Any, tag: Any, implicit: Any, start: Any, end: Any, flow: Any
    ) -> bool:
        return opened(anchor, tag, {}, True)

    def sequence(  # noqa: PLR0917 - called as the C parser calls SequenceStartEvent
        anchor: Any, tag: Any, implicit: Any, start: Any, end: Any, flow: Any
    ) -> bool:
        return opened(anchor, tag, [], False)

    def closed(start: Any, end: Any) -> bool:
        nonlocal current, is_map, pending
        current, is_map, pending = stack.pop()
        return True

    def document(start: Any, end: Any, explicit: Any, version: Any, tags: Any) -> bool:
        nonlocal documents
        documents += 1
        if documents > 1:
            raise _Unusual
        return True

    def alias(*_: Any) -> bool:
        raise _Unusual

    def other(*_: Any) -> bool:
        return True

    stand_ins = {
        "StreamStartEvent": other,
        "StreamEndEvent": other,
        "DocumentStartEvent": document,
        "DocumentEndEvent": other,
        "AliasEvent": alias,
        "ScalarEvent": scalar,
        "SequenceStartEvent": sequence,
        "SequenceEndEvent": closed,
        "MappingStartEvent": mapping,
        "MappingEndEvent": closed,
    }
    space = vars(cyaml)
    classes = {name: space[name] for name in _EVENT_NAMES}
    get = loader.get_event
    try:
        space.update(stand_ins)
        for _ in iter(get, None):  # each stand-in gives True; None is the stream's end
            pass
    finally:
        space.update(classes)
    if not found or type(found[0]) is not dict:
        raise _Unusual
    data: dict[str, Any] = found[0]
    return data


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
