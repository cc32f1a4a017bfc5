"""The portal in a real headless Chromium: offline, no error, accessible, phone and desktop."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from portal_helpers import ID, rich
from test_retro_browser import SHOTS, browser  # noqa: F401 - the shared browser fixture

# The WCAG contrast ratio of every element's own text against its (opaque) background.
CONTRAST = """() => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const bg = el => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] === 1)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const worst = [];
  for (const el of document.querySelectorAll('body *')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const style = getComputedStyle(el);
    if (!own || style.display === 'none' || el.getBoundingClientRect().width === 0) continue;
    const a = lum(rgb(style.color).slice(0, 3)), b = lum(bg(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) worst.push([el.tagName, el.textContent.trim().slice(0, 40), ratio.toFixed(2)]);
  }
  return worst;
}"""
HEADINGS = "() => [...document.querySelectorAll('h1,h2,h3,h4')].map(h => Number(h.tagName[1]))"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import os
    import shutil

    from aiosmtpd.controller import Controller

    from conftest import EXAMPLE, NOW, Run
    from updates_helpers import Handler, free_port

    root = tmp_path_factory.mktemp("portal") / "ws"
    shutil.copytree(EXAMPLE, root)
    os.environ["MEPTOOL_NOW"] = NOW
    port = free_port()
    controller = Controller(Handler(set()), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        rich(root, Run(root), port)
    finally:
        controller.stop()
    result = Run(root)("portal", "build")
    assert result.exit_code == 0, result.output
    return root / "portal" / "maison-dupont"


def visit(chromium: Any, path: Path, width: int, name: str, tmp_path: Path) -> dict[str, Any]:
    context = chromium.new_context(viewport={"width": width, "height": 900}, offline=True)
    page = context.new_page()
    messages: list[str] = []
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri(), wait_until="load")
    shot = (SHOTS or tmp_path) / f"portal-{name}-{width}.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => { const e = document.activeElement, r = e.getBoundingClientRect();"
        " return [e.className, r.left >= 0 && r.top >= 0 && r.width > 0,"
        " getComputedStyle(e).outlineStyle] }"
    )
    info = {
        "messages": messages,
        "errors": errors,
        "requests": requests,
        "shot": shot,
        "lang": page.evaluate("() => document.documentElement.lang"),
        "headings": page.evaluate(HEADINGS),
        "contrast": page.evaluate(CONTRAST),
        "overflow": page.evaluate(
            "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"
        ),
        "focused": focused,
        "scripts": page.locator("script").count(),
        "pdf": page.pdf(),
    }
    context.close()
    return info


@pytest.mark.parametrize("width", [390, 1100])
@pytest.mark.parametrize(
    ("name", "rel", "lang"),
    [
        ("home", "index.html", "fr"),
        ("incident", f"fr/{ID}.html", "fr"),
        ("home-en", "en/index.html", "en"),
        ("incident-en", f"en/{ID}.html", "en"),
    ],
)
def test_pages_in_chromium(  # noqa: PLR0917
    browser,  # noqa: F811 - the fixture imported above
    site: Path,
    tmp_path: Path,
    name,
    rel,
    lang,
    width,
) -> None:
    path = site / rel
    info = visit(browser, path, width, name, tmp_path)
    assert info["errors"] == [] and info["messages"] == []
    assert info["requests"] == [path.as_uri()]  # nothing else fetched: fonts, images, scripts
    assert info["scripts"] == 0
    assert info["lang"] == lang
    headings = info["headings"]
    assert headings.count(1) == 1 and headings[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(headings))
    assert info["contrast"] == []
    assert not info["overflow"]  # readable on a phone: no sideways scrolling
    assert info["focused"][0] == "skip" and info["focused"][1]  # the skip link shows on focus
    assert info["focused"][2] != "none"
    assert info["pdf"][:5] == b"%PDF-"
    assert info["shot"].stat().st_size > 20_000
