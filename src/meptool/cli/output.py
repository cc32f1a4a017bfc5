"""Printing: data on stdout, diagnostics on stderr; Rich on a terminal, plain when piped.

Whatever a file or a command line put in the text, nothing printed here can
drive the terminal: control, bidi and zero-width characters are shown as
escapes (`meptool.safetext.printable`), and JSON holds them as `\\uXXXX`.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console


def _colour(stream: Any) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return bool(getattr(stream, "isatty", lambda: False)())


def console() -> Console:
    """Rich console on the current stdout (no colour when piped or NO_COLOR is set)."""
    from rich.console import Console

    colour = _colour(sys.stdout)
    return Console(
        highlight=False,
        emoji=False,
        no_color=not colour,
        color_system="auto" if colour else None,  # NO_COLOR: no bold either
        force_terminal=colour or None,
        soft_wrap=not sys.stdout.isatty(),
    )


def err_console() -> Console:
    """Rich console on the current stderr."""
    from rich.console import Console

    colour = _colour(sys.stderr)
    return Console(
        stderr=True,
        highlight=False,
        emoji=False,
        no_color=not colour,
        color_system="auto" if colour else None,
        force_terminal=colour or None,
        soft_wrap=not sys.stderr.isatty(),
    )


def is_tty() -> bool:
    """Whether stdout is a terminal."""
    return sys.stdout.isatty()


def echo(text: str = "") -> None:
    """Plain text on stdout."""
    from meptool.safetext import printable

    sys.stdout.write(printable(text) + "\n")


def info(text: str) -> None:
    """A diagnostic on stderr (Rich markup allowed)."""
    from meptool.safetext import printable

    err_console().print(printable(text))


def warning(text: str) -> None:
    """`warning: <text>` on stderr; the text is never read as Rich markup.

    Piped without colour, the line Rich would print is written directly (a build
    may warn about thousands of files: Rich takes ~0.2 ms a line).
    """
    from meptool.safetext import printable

    shown = printable(text)
    if sys.stderr.isatty() or _colour(sys.stderr):
        from rich.markup import escape

        err_console().print(f"[yellow]warning:[/] {escape(shown)}")
        return
    line = f"warning: {shown}"
    if "\t" in line:  # Rich expands tabs by their cells' width
        from rich.text import Text

        expanded = Text(line)
        expanded.expand_tabs(8)
        line = expanded.plain
    sys.stderr.write(line + "\n")


def error(message: str) -> None:
    """An error message on stderr."""
    from rich.markup import escape

    from meptool.safetext import printable

    lines = printable(message).splitlines() or [""]
    err_console().print(f"[bold red]error:[/] {escape(lines[0])}")
    for line in lines[1:]:
        err_console().print(escape(line))


def print_json(data: Any) -> None:
    """Machine-readable output on stdout."""
    sys.stdout.write(json_text(data) + "\n")


def json_text(data: Any) -> str:
    """JSON of `data`, UTF-8 kept, but every character `printable` escapes as `\\uXXXX`."""
    from meptool.safetext import PRINT_SUSPECT

    text = _records_json(data)
    if text is None:
        text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    return PRINT_SUSPECT.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _records_json(data: Any) -> str | None:
    """`json.dumps(data, indent=2, ensure_ascii=False)` of a list of flat records (text,
    whole numbers, booleans, nulls), made by C's string encoder rather than the indenting
    encoder's Python loop; None for anything else."""
    if type(data) is not list or not data:
        return None
    from json.encoder import encode_basestring as quote

    words = {True: "true", False: "false", None: "null"}
    out: list[str] = []
    for record in data:
        if type(record) is not dict or not record:
            return None
        items = []
        for key, value in record.items():
            kind = type(value)
            if type(key) is not str:
                return None
            if kind is str:
                shown = quote(value)
            elif kind is bool or value is None:
                shown = words[value]
            elif kind is int:
                shown = int.__repr__(value)
            else:
                return None
            items.append(f"    {quote(key)}: {shown}")
        out.append("  {\n" + ",\n".join(items) + "\n  }")
    return "[\n" + ",\n".join(out) + "\n]"


def table(
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    styles: Sequence[str | None] | None = None,
    title: str | None = None,
) -> None:
    """A table: Rich on a terminal, aligned plain text when piped."""
    from meptool.safetext import printable

    rows = [[printable(cell) for cell in row] for row in rows]
    if is_tty():
        from rich.table import Table

        tbl = Table(title=title, header_style="bold", show_lines=False)
        for col in columns:
            tbl.add_column(col, overflow="fold")
        for i, r in enumerate(rows):
            style = styles[i] if styles else None
            tbl.add_row(*r, style=style)
        console().print(tbl)
        return
    widths = [max([len(c), *(len(r[i]) for r in rows)]) for i, c in enumerate(columns)]
    lines = [columns, *rows]
    for line in lines:
        echo("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())


def fitted(columns: Sequence[Any], rows: Sequence[Sequence[Any]]) -> None:
    """A `meptool.cli.fit` table: fitted to a terminal, every cell whole when piped."""
    from meptool.cli.fit import render

    if is_tty():
        from rich.text import Text

        con = console()
        for line in render(columns, rows, con.width):
            text = Text(no_wrap=True, overflow="crop")
            for part, style in line:
                text.append(part, style=style or "")
            con.print(text)
        return
    cells: list[list[str]] = [[c.header for c in columns]]
    cells += [["".join(t for t, _ in cell.text(0)) for cell in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
    for plain in cells:
        echo("  ".join(cell.ljust(w) for cell, w in zip(plain, widths, strict=True)).rstrip())


def aligned(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Plain cells in columns two spaces apart, each line's end trimmed: what `fitted`
    prints when piped, for cells that are plain text already (written at once)."""
    from meptool.safetext import printable

    widths = [len(h) for h in header]
    if rows:
        columns = zip(*rows, strict=True)  # every row has a cell per column
        widths = [max(w, *map(len, cells)) for w, cells in zip(widths, columns, strict=True)]
    line = "  ".join(f"%-{w}s" for w in widths)  # each cell padded to its column (ljust)
    lines = [(line % tuple(cells)).rstrip() for cells in (header, *rows)]
    # `printable` leaves line breaks alone and treats a line's ends as the text's ends,
    # so the whole text escapes exactly as each line on its own would.
    sys.stdout.write(printable("\n".join(lines)) + "\n")
