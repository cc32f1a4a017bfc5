"""The HTML reports in a real headless Chromium: no console error, no failed request, a screenshot.

Chromium is Debian's (`/usr/bin/chromium`, installed by `make chromium`), driven
through Playwright without downloading Playwright's own browsers.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gen import generate

CHROMIUM = os.environ.get("MEPTOOL_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = (
    Path(os.environ.get("MEPTOOL_SCREENSHOTS", ""))
    if os.environ.get("MEPTOOL_SCREENSHOTS")
    else None
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: run 'make chromium' (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


def open_page(browser: Any, path: Path, tmp_path: Path, name: str) -> dict[str, Any]:
    """Load the file offline; what the console said, what was requested, a screenshot."""
    context = browser.new_context(viewport={"width": 1100, "height": 900}, offline=True)
    page = context.new_page()
    messages: list[str] = []
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri(), wait_until="load")
    shot = (SHOTS or tmp_path) / f"{name}.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    info = {
        "messages": messages,
        "errors": errors,
        "requests": requests,
        "shot": shot,
        "svgs": page.locator("svg").count(),
        "svg_boxes": [
            page.locator("svg").nth(i).bounding_box() for i in range(page.locator("svg").count())
        ],
        "title": page.title(),
        "scroll_width": page.evaluate("document.documentElement.scrollWidth"),
        # SVG texts that stick out of their picture (a legend cut at the edge)
        "outside": page.evaluate(
            """() => [...document.querySelectorAll('svg')].flatMap(svg => {
                const box = svg.getBoundingClientRect();
                return [...svg.querySelectorAll('text')].filter(t => {
                    const r = t.getBoundingClientRect();
                    return r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1
                        || r.top < box.top - 1 || r.bottom > box.bottom + 1);
                }).map(t => t.textContent);
            })"""
        ),
        "legend": page.evaluate(
            "() => [...document.querySelectorAll('svg text')].map(t => t.textContent)"
        ),
        "print_pdf": page.pdf() if hasattr(page, "pdf") else b"",
    }
    context.close()
    return info


def check(info: dict[str, Any], path: Path) -> None:
    assert info["errors"] == []
    assert [m for m in info["messages"] if m.startswith(("error", "warning"))] == []
    assert info["requests"] == [path.as_uri()]  # self-contained: nothing else fetched
    assert info["shot"].stat().st_size > 20_000  # a real picture, not a blank page
    for box in info["svg_boxes"]:
        assert box is not None and box["width"] > 240 and box["height"] > 60
    assert info["scroll_width"] <= 1100  # the page is never wider than the window
    assert info["outside"] == []
    assert info["print_pdf"][:5] == b"%PDF-"


@pytest.mark.parametrize("audience", ["team", "client"])
def test_retro_html_renders_cleanly(
    browser: Any, example: Path, run_in, tmp_path: Path, audience: str
) -> None:
    result = run_in(example)(
        "retro", "report", "MEP-2026-001", "--audience", audience, "--format", "html"
    )
    assert result.exit_code == 0, result.output
    path = example / result.stdout.strip()
    info = open_page(browser, path, tmp_path, f"retro-{audience}")
    check(info, path)
    assert info["svgs"] == 1  # the timeline
    assert "MEP-2026-001" in info["title"]


def test_portfolio_html_renders_cleanly(browser: Any, tmp_path: Path, run_in) -> None:
    root = generate(tmp_path / "ws", 120, seed=7)
    result = run_in(root)("retro", "report", "--all", "--format", "html")
    assert result.exit_code == 0, result.output
    path = root / result.stdout.strip()
    info = open_page(browser, path, tmp_path, "portfolio")
    check(info, path)
    assert info["svgs"] == 5 + 4  # five charts, and one small CSAT chart per client (4)


def test_portfolio_of_six_clients_fits_and_reads(
    browser: Any, tmp_path: Path, run_in, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gen

    clients = [*gen.CLIENTS, "Nordwind GmbH", "Coopérative des Vignerons Associés"]
    monkeypatch.setattr(gen, "CLIENTS", clients)
    root = generate(tmp_path / "ws", 120, seed=7)
    result = run_in(root)("retro", "report", "--all", "--format", "html")
    assert result.exit_code == 0, result.output
    path = root / result.stdout.strip()
    info = open_page(browser, path, tmp_path, "portfolio-six")
    check(info, path)  # no horizontal scroll, no label outside its picture
    assert info["svgs"] == 5 + 6
    for name in clients:  # whole names, never "Maison Dup…"
        assert name in info["legend"]
    html = path.read_text(encoding="utf-8")
    from meptool.writing.charts import SEVERITY_COLOURS

    for colour in SEVERITY_COLOURS.values():  # critical red, major orange, minor blue-grey
        assert f'fill="{colour}"' in html
