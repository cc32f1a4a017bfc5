"""Convert plain command-line values without importing Pydantic (+60-70 ms per run).

Also: read each command's signature once while Typer builds the command tree.

Typer 0.29 converts every parameter through a Pydantic `TypeAdapter`
(`typer._coercion.build_runtime_param`), so any sub-command pays for importing
Pydantic even when it never validates a file. meptool's parameters are all
simple: text, flags, integers, numbers, enum choices, lists of those. For
exactly these, and only on the Typer versions this was checked against, the
value is converted here with the same rules; anything else — other types,
parsers, files, ranges, a value these rules do not accept — goes to Typer's
own path, so errors keep Typer's wording and unknown cases keep its behaviour.
"""

from __future__ import annotations

import enum
import re
from typing import Any

TESTED = ((0, 29),)  # Typer minor versions whose runtime-param builder this mirrors
_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_TRUE = {"1", "true", "t", "yes", "y", "on"}
_FALSE = {"0", "false", "f", "no", "n", "off"}


class _Fallback(Exception):
    """This value is not one the fast path is sure about."""


def _convert(annotation: Any, info: Any, value: Any, ctx: Any) -> Any:
    """One value, as Typer's adapter would convert it; _Fallback when unsure."""
    if annotation is str:
        if isinstance(value, str):
            return value
        raise _Fallback
    if annotation is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            text = value.strip()
            if text in _TRUE:
                return True
            if text in _FALSE or text == "":
                return False
        raise _Fallback
    if annotation is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and len(value) <= 40 and _INT.fullmatch(value):
            return int(value)
        raise _Fallback
    if annotation is float:
        if isinstance(value, float):
            return value
        if isinstance(value, str) and len(value) <= 40 and _FLOAT.fullmatch(value):
            return float(value)
        raise _Fallback
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        from typer._param_types import coerce_cli_choice

        try:
            return coerce_cli_choice(
                value, choices=list(annotation), case_sensitive=info.case_sensitive, ctx=ctx
            )
        except ValueError:
            raise _Fallback from None
    raise _Fallback  # pragma: no cover - filtered by _simple


def _simple(annotation: Any) -> bool:
    if annotation in (str, bool, int, float):
        return True
    return isinstance(annotation, type) and issubclass(annotation, enum.Enum)


def _eligible(descriptor: Any) -> tuple[str, Any] | None:
    """The leaf type when the fast path applies to this parameter, else None."""
    import typing

    info = descriptor.parameter_info
    if descriptor.file_annotation is not None or info.parser is not None:
        return None
    if info.min is not None or info.max is not None:
        return None
    annotation = descriptor.annotation
    if typing.get_origin(annotation) is list:
        args = typing.get_args(annotation)
        return ("list", args[0]) if len(args) == 1 and _simple(args[0]) else None
    return ("one", annotation) if _simple(annotation) else None


def install() -> bool:
    """Route simple parameters around Pydantic; False (Typer untouched) when not applicable."""
    try:
        import typer
        from typer import _coercion, core
    except ImportError:  # pragma: no cover - Typer without the runtime-param layer
        return False
    version = tuple(int(p) for p in re.findall(r"\d+", typer.__version__)[:2])
    original: Any = getattr(core, "build_runtime_param", None)
    base: Any = getattr(_coercion, "RuntimeParam", None)
    if version not in TESTED or original is None or base is None:
        return False
    if getattr(original, "_meptool", False):
        return True

    class FastRuntimeParam(base):  # type: ignore[misc]
        """Converts simple values itself; asks Typer's own runtime param when unsure."""

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            kind, leaf = self.fast_rule
            try:
                if kind == "list":
                    items = value if isinstance(value, list | tuple) else [value]
                    return [_convert(leaf, self.parameter_info, v, ctx) for v in items]
                return _convert(leaf, self.parameter_info, value, ctx)
            except _Fallback:
                slow = original(self.descriptor)
                return slow._coerce_value(value, param=param, ctx=ctx)

    def build_runtime_param(descriptor: Any) -> Any:
        rule = _eligible(descriptor)
        if rule is None:
            return original(descriptor)
        fast = FastRuntimeParam(
            parameter_info=descriptor.parameter_info, annotation=descriptor.annotation
        )
        # The runtime param is a frozen dataclass: attach what the fast path needs.
        object.__setattr__(fast, "fast_rule", rule)
        object.__setattr__(fast, "descriptor", descriptor)
        return fast

    build_runtime_param._meptool = True  # type: ignore[attr-defined]
    core.build_runtime_param = build_runtime_param  # type: ignore[attr-defined]
    _memoize_signatures()
    return True


def _memoize_signatures() -> None:
    """Read each command function's signature once, not three times.

    Typer asks `get_params_from_function` for every command three times while
    building the command tree (each evaluates every annotation); the answer only
    depends on the function, so it is kept. A fresh dict is returned each time.
    """
    from typer import main

    original: Any = getattr(main, "get_params_from_function", None)
    if original is None or getattr(original, "_meptool", False):
        return
    seen: dict[Any, Any] = {}

    def get_params_from_function(func: Any) -> Any:
        if func not in seen:
            seen[func] = original(func)
        return dict(seen[func])

    get_params_from_function._meptool = True  # type: ignore[attr-defined]
    setattr(main, "get_params_from_function", get_params_from_function)  # noqa: B010
