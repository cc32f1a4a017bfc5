"""Render a client update from its templates: subject, Markdown, plain text, HTML.

The words live in one Markdown template per language and audience
(`updates/<lang>/<audience>.md.j2`), rendered twice: `fmt="md"` for the
`.md` file and the HTML part, `fmt="txt"` for the plain-text part. The HTML is
the Markdown converted by markdown-it (raw HTML disabled, so text from the
incident file is escaped) inside the `updates/email.html.j2` layout, whose CSS
css-inline then moves into `style` attributes, as mail programs want.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from meptool.errors import InputError
from meptool.files.workspace import Workspace

if TYPE_CHECKING:
    from jinja2 import Environment


@dataclass
class Rendered:
    """One update in every format."""

    subject: str
    md: str
    txt: str
    html: str


def environment(ws: Workspace) -> Environment:
    """The template environment for this workspace (bytecode cached in `.meptool/jinja`)."""
    from meptool.writing.templating import for_workspace

    return for_workspace(ws)


def body_template(language: str, audience: str) -> str:
    """Template name of the words of an update."""
    return f"updates/{language}/{audience}.md.j2"


def subject_template(language: str) -> str:
    """Template name of the subject line."""
    return f"updates/{language}/subject.txt.j2"


LAYOUT = "updates/email.html.j2"


def _typography(language: str, text: str) -> str:
    from meptool.updates.compose import typo_fr

    return typo_fr(text) if language == "fr" else text


def subject(env: Environment, context: dict[str, Any]) -> str:
    """The subject line: one line, whitespace collapsed."""
    from meptool.writing.templating import render

    name = subject_template(context["lang"])
    text = render(env, name, context).strip()
    if "\n" in text or "\r" in text:
        raise InputError(
            f"template {name} renders a subject on several lines",
            hint="a subject is one line: remove the line breaks from the template",
        )
    return _typography(context["lang"], " ".join(text.split()))


def markdown_to_html(text: str) -> str:
    """CommonMark to HTML, raw HTML escaped rather than passed through.

    Links, images and autolinks are off: the shipped templates write none, and
    link syntax in incident text (`[here](https://…)`, `<https://…>`) must reach
    the client as the words that were typed, not as a live link in our e-mail.
    """
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "typographer": False})
    md.disable(["link", "image", "autolink", "html_inline", "html_block"])
    return str(md.render(text))


def inline_css(html: str) -> str:
    """Move `<style>` rules into `style` attributes; never fetch a remote stylesheet."""
    import css_inline

    inliner = css_inline.CSSInliner(load_remote_stylesheets=False, keep_style_tags=False)
    return str(inliner.inline(html))


def render_update(env: Environment, context: dict[str, Any]) -> Rendered:
    """Subject, Markdown, text and HTML of one update."""
    from markupsafe import Markup

    from meptool.writing.templating import render

    lang = context["lang"]
    name = body_template(lang, context["audience"])
    md = _typography(lang, _tidy(render(env, name, {**context, "fmt": "md", "br": "  "})))
    txt = _typography(lang, _tidy(render(env, name, {**context, "fmt": "txt", "br": ""})))
    subj = subject(env, context)
    body = Markup(markdown_to_html(md))
    html = render(env, LAYOUT, {**context, "subject": subj, "body": body})
    return Rendered(subject=subj, md=md, txt=txt, html=inline_css(html))


def _tidy(text: str) -> str:
    """At most one blank line in a row, one final newline."""
    lines = [line.rstrip(" \t") if not line.endswith("  ") else line for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if not line.strip() and out and not out[-1].strip():
            continue
        out.append(line)
    return "\n".join(out).strip("\n") + "\n"
