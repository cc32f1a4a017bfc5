"""The one Jinja environment factory.

Templates ship in the package (`meptool/templates`, from the top-level
`templates/` folder); a workspace's `templates_dir` overrides any of them by
name. Rendering is sandboxed, undefined variables are errors, and HTML
(`.html`, `.html.j2`, `.svg.j2`) is autoescaped. Custom filters are registered
here and nowhere else.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from meptool.errors import InputError

if TYPE_CHECKING:
    from jinja2 import Environment

    from meptool.files.workspace import Workspace

AUTOESCAPE_EXTENSIONS = ("html", "htm", "xml", "svg", "html.j2", "htm.j2", "xml.j2", "svg.j2")
# A custom template is code someone else may have written: besides the sandbox
# (no attribute tricks), rendering is bounded in time and memory, so a range or
# string-multiplication bomb is a clear error instead of a hang or a dead machine.
RENDER_SECONDS = 30.0
RENDER_MEMORY = 512 << 20  # bytes of address space a rendering may add
MAX_PRODUCT = 1_000_000  # items or characters a `*` may build
MAX_EXPONENT_BITS = 4096


MAX_LINES = {"updates/": 2_000}  # lines a template may produce, by name prefix
MAX_LINES_DEFAULT = 200_000
MAX_CHARS = 20_000_000
_MD_SPECIAL = re.compile(r"([\\`<>\[\]])")
_PLAIN = (dict, list, tuple)
_MARKDOWN: contextvars.ContextVar[bool] = contextvars.ContextVar("markdown", default=False)
# Inside `many`: the time limit of each rendering (its handler and memory limit already set).
_BATCH: contextvars.ContextVar[float | None] = contextvars.ContextVar("batch", default=None)


def md_escape(text: str) -> str:
    """Text as Markdown that reads as typed: no raw HTML, no link, no code span."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_value(value: Any) -> Any:
    """A value given to a Markdown template, its plain text escaped (containers copied)."""
    if type(value) is str:
        return md_escape(value)
    if type(value) is dict:
        return {k: _md_value(v) for k, v in value.items()}
    if type(value) in (list, tuple):
        return type(value)(_md_value(v) for v in value)
    return value


class RenderTimeout(BaseException):
    """Raised by the alarm: a BaseException so that no `except Exception` in Jinja keeps it."""


def render_seconds() -> float:
    """The time limit of one rendering (`MEPTOOL_RENDER_TIMEOUT`, default 30 s)."""
    from meptool.values import env_seconds

    return env_seconds("MEPTOOL_RENDER_TIMEOUT", RENDER_SECONDS, low=0.1, high=3600)


def _sandbox_class() -> type[Any]:
    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class Sandbox(ImmutableSandboxedEnvironment):
        """The sandbox, with `*` and `**` refused when they would build something huge."""

        intercepted_binops = frozenset({"*", "**"})

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if operator == "*":
                for seq, times in ((left, right), (right, left)):
                    sized = isinstance(seq, str | list | tuple) and isinstance(times, int)
                    if sized and len(seq) * times > MAX_PRODUCT:
                        raise SecurityError(
                            f"a * building {len(seq) * times} items is refused "
                            f"(limit {MAX_PRODUCT})"
                        )
                if (
                    isinstance(left, int)
                    and isinstance(right, int)
                    and left.bit_length() + right.bit_length() > MAX_EXPONENT_BITS
                ):
                    raise SecurityError("a * of huge numbers is refused")
            if (
                operator == "**"
                and isinstance(left, int)
                and isinstance(right, int)
                and right > 0
                and left.bit_length() * right > MAX_EXPONENT_BITS
            ):
                raise SecurityError(f"{left} ** {right} is too large and refused")
            return super().call_binop(context, operator, left, right)

        # In a Markdown template, text read from the data is escaped where it is
        # read, never the output of a macro (it would be escaped twice). Plain
        # dicts and lists were escaped with the context; objects are escaped here.
        def getattr(self, obj: Any, attribute: str) -> Any:
            value = super().getattr(obj, attribute)
            return _md_value(value) if _MARKDOWN.get() and type(obj) not in _PLAIN else value

        def getitem(self, obj: Any, argument: Any) -> Any:
            value = super().getitem(obj, argument)
            return _md_value(value) if _MARKDOWN.get() and type(obj) not in _PLAIN else value

    return Sandbox


def package_templates() -> Path:
    """The shipped templates: inside the installed package, or the source tree's `templates/`."""
    here = Path(__file__).resolve().parents[1]  # the meptool package
    installed = here / "templates"
    if installed.is_dir():
        return installed
    source = here.parent.parent / "templates"
    if source.is_dir():
        return source
    raise InputError(  # pragma: no cover - a broken installation
        f"meptool's templates are missing (looked in {installed} and {source})",
        hint="reinstall meptool",
    )


def template_names(user_dir: Path | None = None) -> list[tuple[str, str]]:
    """Every template name and where it comes from ('package' or 'workspace')."""
    names: dict[str, str] = {}
    for origin, root in (("package", package_templates()), ("workspace", user_dir)):
        if root is None or not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                names[path.relative_to(root).as_posix()] = origin
    return sorted(names.items())


def environment(
    user_dir: Path | None = None,
    *,
    cache_dir: Path | None = None,
    filters: dict[str, Callable[..., Any]] | None = None,
) -> Environment:
    """A sandboxed, strict, autoescaping environment over user and package templates."""
    from jinja2 import (
        ChoiceLoader,
        FileSystemLoader,
        StrictUndefined,
        select_autoescape,
    )

    loaders = []
    if user_dir is not None:
        if not user_dir.is_dir():
            raise InputError(
                f"templates_dir {user_dir} is not a folder",
                hint="fix templates_dir in meptool.yaml, or export the defaults there with "
                "'meptool templates export'",
            )
        loaders.append(_confined_loader(user_dir))
    loaders.append(FileSystemLoader(str(package_templates())))
    from meptool.writing.jinja_cache import bytecode_cache

    cache = bytecode_cache(cache_dir) if cache_dir is not None else None
    env: Environment = _sandbox_class()(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=select_autoescape(
            enabled_extensions=AUTOESCAPE_EXTENSIONS, default_for_string=False, default=False
        ),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=cache,
        auto_reload=False,  # a command renders with the templates it started with
        # Jinja's optimizer folds constants into the compiled code as their repr:
        # `'1e400'|float` became the name `inf`, a NameError at render time.
        optimized=False,
    )
    from meptool.writing.filters import default_filters

    env.filters.update(default_filters())
    if filters:
        env.filters.update(filters)
    return env


def _confined_loader(root: Path) -> Any:
    """A loader of `root` that refuses a template whose file, symlinks followed, is outside it.

    A workspace is shared: a symlink committed in its templates_dir must not turn
    a file elsewhere on the machine into the text of a client draft.
    """
    from jinja2 import FileSystemLoader
    from jinja2.loaders import split_template_path

    base = root.resolve()

    class ConfinedLoader(FileSystemLoader):
        def get_source(self, environment: Any, template: str) -> Any:
            candidate = root.joinpath(*split_template_path(template))
            if candidate.exists() and not candidate.resolve().is_relative_to(base):
                raise InputError(
                    f"template {template} in templates_dir {root} leads outside it "
                    f"(to {candidate.resolve()}); nothing was rendered",
                    hint="a symlink points out of templates_dir: replace it with the file itself",
                )
            return super().get_source(environment, template)

    return ConfinedLoader(str(root), followlinks=False)


def for_workspace(
    ws: Workspace, *, filters: dict[str, Callable[..., Any]] | None = None
) -> Environment:
    """The environment of a workspace: its `templates_dir` over the shipped templates,
    compiled templates cached in the user's cache folder (never in the workspace)."""
    from meptool.files.outputs import is_inside, lexically_inside

    user = ws.templates_dir
    named = ws.facts.get("templates_dir")  # as written in meptool.yaml (cached: no Pydantic)
    written = ws.root / Path(named or ".").expanduser()
    if user is not None and lexically_inside(ws.root, written) and not is_inside(ws.root, user):
        raise InputError(
            f"templates_dir {named} leads outside the workspace (to {user})",
            hint="a symlink points out of the workspace: make templates_dir a real folder, or "
            "name the outside folder in meptool.yaml itself",
        )
    from meptool.writing.jinja_cache import user_cache_dir

    return environment(user, cache_dir=user_cache_dir(), filters=filters)


def render(env: Environment, name: str, context: dict[str, Any]) -> str:
    """Render template `name`; a broken template is an InputError naming template, line, cause."""
    from jinja2 import TemplateError, TemplateNotFound, TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    markdown = name.endswith(".md.j2") and context.get("fmt") != "txt"
    token = _MARKDOWN.set(markdown)
    try:
        with _bounded():
            text = env.get_template(name).render(_md_value(context) if markdown else context)
        _check_size(name, text)
        return text
    except RenderTimeout:
        raise InputError(
            f"template {name}: rendering took longer than {render_seconds():g} s and was stopped",
            hint="a loop or a filter in a custom template runs away; fix the template "
            "(or raise MEPTOOL_RENDER_TIMEOUT)",
        ) from None
    except RecursionError:
        raise InputError(
            f"template {name}: a macro or an include calls itself without end; rendering "
            "was stopped",
            hint="fix the recursion in the custom template (a macro calling itself, a "
            "template including itself)",
        ) from None
    except MemoryError:
        raise InputError(
            f"template {name}: rendering needed too much memory and was stopped",
            hint="a custom template builds a huge value (a range, a join, a repeat); fix it",
        ) from None
    except OverflowError as exc:
        raise InputError(f"template {_where(exc, name)}: refused by the sandbox: {exc}") from None
    except TemplateNotFound as exc:
        raise InputError(
            f"template {exc.name} not found",
            hint="see 'meptool templates list' for the names meptool uses",
        ) from None
    except TemplateSyntaxError as exc:
        where = f"{exc.filename or exc.name or name}:{exc.lineno}"
        raise InputError(f"{where}: template syntax error: {exc.message}") from None
    except UndefinedError as exc:
        where = _where(exc, name)
        raise InputError(
            f"{where}: {exc.message}",
            hint="check the variable's spelling; 'meptool templates export' shows the defaults",
        ) from None
    except SecurityError as exc:
        where = _where(exc, name)
        raise InputError(f"{where}: refused by the template sandbox: {exc}") from None
    except TemplateError as exc:
        raise InputError(f"{_where(exc, name)}: template error: {exc}") from None
    finally:
        _MARKDOWN.reset(token)


def _check_size(name: str, text: str) -> None:
    """Refuse a rendering far longer than any document meptool writes (before it is checked)."""
    limit = next((n for p, n in MAX_LINES.items() if name.startswith(p)), MAX_LINES_DEFAULT)
    lines = text.count("\n")
    if lines > limit or len(text) > MAX_CHARS:
        raise InputError(
            f"template {name} produced {lines:,} lines ({len(text):,} characters); the limit "
            f"is {limit:,} lines for it",
            hint="a loop in a custom template runs away: fix the template",
        )


def _alarm(signum: int, frame: Any) -> None:
    """The SIGALRM handler of a bounded rendering."""
    raise RenderTimeout


@contextlib.contextmanager
def many() -> Iterator[None]:
    """Bound many renderings at lower cost: the alarm's handler and the memory limit are set
    once for all of them, and each rendering only starts and stops its own clock.

    For a loop of renderings (the portal's pages); each keeps the time limit of one.
    """
    import signal
    import threading

    if (
        _BATCH.get() is not None
        or not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
        or signal.getitimer(signal.ITIMER_REAL)[0]  # someone else's alarm: bound each alone
    ):
        yield
        return

    previous = signal.signal(signal.SIGALRM, _alarm)
    token = _BATCH.set(render_seconds())
    try:
        with _memory_limit():
            yield
    finally:
        _BATCH.reset(token)
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _bounded() -> Iterator[None]:
    """Limit the time (SIGALRM, main thread) and memory (RLIMIT_AS) of one rendering.

    Both are POSIX-only and restored afterwards; elsewhere rendering is only sandboxed.
    Inside `many`, only the clock is started and stopped here.
    """
    import signal
    import threading

    seconds = _BATCH.get()
    if seconds is not None:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        return
    stack = contextlib.ExitStack()
    with stack:
        if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
            import time

            previous = signal.signal(signal.SIGALRM, _alarm)
            started = time.monotonic()
            outer, _ = signal.setitimer(signal.ITIMER_REAL, render_seconds())

            def disarm() -> None:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
                if outer:  # someone else's alarm was running: give it back its time left
                    left = outer - (time.monotonic() - started)
                    signal.setitimer(signal.ITIMER_REAL, max(left, 0.001))

            stack.callback(disarm)
        stack.enter_context(_memory_limit())
        yield


@contextlib.contextmanager
def _memory_limit() -> Iterator[None]:
    try:
        import resource

        with open("/proc/self/statm") as fh:
            used = int(fh.read().split()[0]) * resource.getpagesize()
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    except (ImportError, OSError, ValueError):
        yield
        return
    limit = used + RENDER_MEMORY
    if (soft != resource.RLIM_INFINITY and soft <= limit) or (
        hard != resource.RLIM_INFINITY and hard < limit
    ):
        yield
        return
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _where(exc: BaseException, name: str) -> str:
    """`template:line` of the innermost template frame of a rendering error."""
    tb = exc.__traceback__ or sys.exc_info()[2]
    found = name
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2") or "templates" in filename:
            found = f"{filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    return found
