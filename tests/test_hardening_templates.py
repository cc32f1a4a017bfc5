"""Custom templates cannot escape the sandbox or exhaust the machine; incident text stays text.

Every payload goes into a workspace override of a shipped template and must
give exit 1, an error naming the template, no leaked object, and no file written.
"""

from __future__ import annotations

import email
import email.policy
import re
from html import unescape as html_unescape
from pathlib import Path

import pytest

from test_update_safety import custom
from updates_helpers import ID

UPDATE = "updates/fr/decision-makers.md.j2"
RETRO = "retro/fr/report.md.j2"
PAYLOADS = {
    "mro-subclasses": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "cycler-globals": "{{ cycler.__init__.__globals__.os }}",
    "template-reference": "{{ self._TemplateReference__context }}",
    "lipsum-globals": "{{ lipsum.__globals__ }}",
    "for-subclasses": "{% for c in [].__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "format-class": "{{ '{0.__class__}'.format(incident) }}",
    "format-globals": "{{ '{0.__init__.__globals__}'.format(cycler) }}",
    "attr-filter": "{{ incident|attr('__class__') }}",
    "attr-dict": "{{ incident|attr('__dict__') }}",
    "namespace-globals": "{{ namespace.__init__.__globals__ }}",
    "joiner-globals": "{{ joiner.__init__.__globals__ }}",
    "getattr-dunder": "{{ incident['__class__'] }}",
    "mutate-list": "{% set x = [] %}{{ x.append(1) }}",
    "range-bomb": "{{ range(10**9)|list }}",
    "string-bomb": "{{ 'x' * 10**9 }}",
    "list-bomb": "{{ [0] * 10**9 }}",
    "power-bomb": "{{ 9 ** 99999999 }}",
    "join-bomb": "{{ (range(99999)|list)|join('x' * 99999) }}",
    "center-bomb": "{{ 'x'|center(10**9) }}",
    "loop-bomb": "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
}
LEAKS = re.compile(r"<class |<module |<function |__builtins__|subclasses|os\.system|Traceback")


@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
def test_payload_in_an_update_template_is_refused(
    payload: str, example: Path, run_in, monkeypatch
) -> None:
    monkeypatch.setenv("MEPTOOL_RENDER_TIMEOUT", "2")
    custom(example, UPDATE, "Bonjour,\n\n" + payload + "\n")
    before = (example / "incidents" / ID / "incident.yaml").read_bytes()
    result = run_in(example)("update", "draft", ID, "--format", "md")
    assert result.exit_code == 1, result.output
    assert "decision-makers.md.j2" in result.stderr, result.stderr
    assert not LEAKS.search(result.output), result.output
    assert not (example / "incidents" / ID / "updates").exists()
    assert (example / "incidents" / ID / "incident.yaml").read_bytes() == before


@pytest.mark.parametrize("key", ["mro-subclasses", "format-class", "string-bomb", "loop-bomb"])
def test_payload_in_a_retro_template_is_refused(key: str, example: Path, run_in, monkeypatch):
    monkeypatch.setenv("MEPTOOL_RENDER_TIMEOUT", "2")
    custom(example, RETRO, PAYLOADS[key] + "\n")
    result = run_in(example)("retro", "report", ID, "--output", "-")
    assert result.exit_code == 1, result.output
    assert "report.md.j2" in result.stderr, result.stderr
    assert not LEAKS.search(result.output), result.output


def test_a_big_but_reasonable_template_still_renders(example: Path, run_in) -> None:
    """The limits are not so tight that ordinary loops and repeats fail."""
    custom(
        example,
        UPDATE,
        "Bonjour,\n\n{{ '=' * 72 }}\n{% for i in range(2000) %}{{ i }} {% endfor %}\n",
    )
    result = run_in(example)("update", "draft", ID, "--format", "md", "--output", "-")
    assert result.exit_code == 0, result.output
    assert "=" * 72 in result.stdout and "1998 1999" in result.stdout


# --- incident text is inert in every format --------------------------------------

HOSTILE = {
    "jinja": "{{ 7*7 }} {% raw %}",
    "html": "<script>alert(1)</script><img src=x onerror=alert(2)>",
    "mdlink": "[clic](javascript:alert(3)) [ici](https://phish.example) <https://phish.example>",
    "header": "Bcc: intrus@evil.example",
}


def _hostile_incident(example: Path) -> None:
    path = example / "incidents" / ID / "incident.yaml"
    text = path.read_text(encoding="utf-8")
    title = " ".join(HOSTILE.values())
    text = re.sub(r"^title: .*$", f"title: '{title}'", text, count=1, flags=re.M)
    text = re.sub(
        r"^(  summary: ).*$",
        lambda m: (
            m.group(1)
            + "'"
            + HOSTILE["html"]
            + " "
            + HOSTILE["jinja"]
            + " "
            + HOSTILE["mdlink"]
            + "'"
        ),
        text,
        count=1,
        flags=re.M,
    )
    note = " ".join([HOSTILE["jinja"], HOSTILE["html"], HOSTILE["mdlink"]]).replace("'", "''")
    text = text.replace(
        "timeline:\n",
        f"timeline:\n  - at: 2026-11-20T21:30:00+01:00\n    text: '{note}'\n"
        "    visibility: client\n",
        1,
    )
    path.write_text(text, encoding="utf-8")


def _assert_inert(text: str, where: str, *, html: bool) -> None:
    assert "49" not in text.replace("2049", ""), where  # {{ 7*7 }} never evaluated
    assert "{{ 7*7 }}" in text or "{{ 7\\*7 }}" in text or "{{ 7&#42;7 }}" in text, where
    assert "<script" not in text and "<img" not in text if html else True, where
    assert 'href="javascript' not in text and 'href="https://phish' not in text, where
    if html:
        assert "&lt;script&gt;" in text, where
        assert "[ici](https://phish.example)" in html_unescape(text), where  # as typed


def test_incident_text_is_inert_in_every_update_format(example: Path, run_in) -> None:
    _hostile_incident(example)
    result = run_in(example)("update", "draft", ID, "--format", "eml,md,html,txt")
    assert result.exit_code == 0, result.output
    folder = example / "incidents" / ID / "updates"
    for ext in ("md", "txt"):
        _assert_inert((folder / f"001-decision-makers-fr.{ext}").read_text(), ext, html=False)
    _assert_inert((folder / "001-decision-makers-fr.html").read_text(), "html", html=True)
    msg = email.message_from_bytes(
        (folder / "001-decision-makers-fr.eml").read_bytes(), policy=email.policy.default
    )
    assert msg["Bcc"] is None and msg.get_all("Bcc") is None
    assert "Bcc: intrus@evil.example" in str(msg["Subject"])  # kept as words in the subject
    assert [a.addr_spec for a in msg["To"].addresses] == ["claire.martin@maison-dupont.example"]
    body = msg.get_body(preferencelist=("html",))
    assert body is not None
    _assert_inert(body.get_content(), "eml html", html=True)
    plain = msg.get_body(preferencelist=("plain",))
    assert plain is not None
    _assert_inert(plain.get_content(), "eml text", html=False)


@pytest.mark.parametrize("audience", ["team", "client"])
@pytest.mark.parametrize("fmt", ["md", "html"])
def test_incident_text_is_inert_in_retro_reports(
    audience: str, fmt: str, example: Path, run_in
) -> None:
    _hostile_incident(example)
    result = run_in(example)(
        "retro", "report", ID, "--audience", audience, "--format", fmt, "--output", "-"
    )
    assert result.exit_code == 0, result.output
    _assert_inert(result.stdout, f"retro {audience} {fmt}", html=fmt == "html")


def test_the_render_time_limit_gives_back_an_outer_alarm(tmp_path: Path) -> None:
    """Bounding a rendering must not cancel a timer the caller had set."""
    import signal

    from meptool.writing import templating

    (tmp_path / "t.txt.j2").write_text("{{ 1 + 1 }}")
    env = templating.environment(tmp_path)
    signal.setitimer(signal.ITIMER_REAL, 50)
    previous = signal.signal(signal.SIGALRM, signal.SIG_IGN)
    try:
        assert templating.render(env, "t.txt.j2", {}) == "2"
        left, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 40 < left <= 50
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
