"""The one Jinja environment factory.

Templates ship in the package (`meptool/templates`, from the top-level
`templates/` folder); a workspace's `templates_dir` overrides any of them by
name. Rendering is sandboxed, undefined variables are errors, and HTML
(`.html`, `.html.j2`, `.svg.j2`) is autoescaped. Custom filters are registered
here and nowhere else.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from meptool.errors import InputError

if TYPE_CHECKING:
    from jinja2 import Environment

AUTOESCAPE_EXTENSIONS = ("html", "htm", "xml", "svg", "html.j2", "htm.j2", "xml.j2", "svg.j2")


def package_templates() -> Path:
    """The shipped templates: inside the installed package, or the source tree's `templates/`."""
    here = Path(__file__).resolve().parent
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
        FileSystemBytecodeCache,
        FileSystemLoader,
        StrictUndefined,
        select_autoescape,
    )
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    loaders = []
    if user_dir is not None:
        if not user_dir.is_dir():
            raise InputError(
                f"templates_dir {user_dir} is not a folder",
                hint="fix templates_dir in meptool.yaml, or export the defaults there with "
                "'meptool templates export'",
            )
        loaders.append(FileSystemLoader(str(user_dir), followlinks=False))
    loaders.append(FileSystemLoader(str(package_templates())))
    cache = None
    if cache_dir is not None:
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            cache = FileSystemBytecodeCache(str(cache_dir))
        except OSError:
            cache = None
    env = ImmutableSandboxedEnvironment(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=select_autoescape(
            enabled_extensions=AUTOESCAPE_EXTENSIONS, default_for_string=False, default=False
        ),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=cache,
        auto_reload=True,
    )
    from meptool.filters import default_filters

    env.filters.update(default_filters())
    if filters:
        env.filters.update(filters)
    return env


def render(env: Environment, name: str, context: dict[str, Any]) -> str:
    """Render template `name`; a broken template is an InputError naming template, line, cause."""
    from jinja2 import TemplateError, TemplateNotFound, TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    try:
        return env.get_template(name).render(context)
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
