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
    # Rendered in full; the check then says it is no client update (draft exits 1).
    assert result.exit_code == 1 and "missing-ownership" in result.stderr, result.output
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


# --- issue 18: case 7 (templates outside), case 12 (recursion, folded constants) --------


def test_a_template_symlinked_outside_templates_dir_is_refused(
    example: Path, run_in, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("ssh-key-material-do-not-send\n")
    custom(example, UPDATE, "placeholder\n")
    path = example / "my-templates" / UPDATE
    path.unlink()
    path.symlink_to(secret)
    result = run_in(example)("update", "draft", ID, "--format", "md", "--output", "-")
    assert result.exit_code == 1, result.output
    assert "leads outside" in result.stderr
    assert "ssh-key-material" not in result.output
    assert not (example / "incidents" / ID / "updates").exists()


def test_a_symlink_inside_templates_dir_to_its_own_file_is_fine(example: Path, run_in) -> None:
    custom(example, "shared/body.md.j2", "Bonjour,\n\n{{ incident.title }}\n")
    path = example / "my-templates" / UPDATE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(Path("..", "..", "shared", "body.md.j2"))
    result = run_in(example)("update", "draft", ID, "--format", "md", "--output", "-")
    # Rendered from the linked file; not an update, so the check blocks it (exit 1).
    assert result.exit_code == 1, result.output
    assert "Paiement refusé" in result.stdout and "missing-ownership" in result.stderr


def test_a_templates_dir_symlinked_out_of_the_workspace_is_refused(
    example: Path, run_in, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere"
    (outside / "updates" / "fr").mkdir(parents=True)
    (outside / UPDATE).write_text("texte d'ailleurs\n")
    (example / "my-templates").symlink_to(outside)
    config = example / "meptool.yaml"
    config.write_text(config.read_text() + "templates_dir: my-templates\n")
    result = run_in(example)("update", "draft", ID, "--format", "md", "--output", "-")
    assert result.exit_code == 1, result.output
    assert "leads outside the workspace" in result.stderr
    assert "texte d'ailleurs" not in result.output


@pytest.mark.parametrize(
    "payload,expected",
    [
        ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "calls itself"),
        ("{% include 'updates/fr/decision-makers.md.j2' %}", "calls itself"),
    ],
    ids=["recursive-macro", "self-include"],
)
def test_recursion_in_a_template_is_one_message(
    payload: str, expected: str, example: Path, run_in
) -> None:
    custom(example, UPDATE, payload + "\n")
    result = run_in(example)("update", "draft", ID, "--format", "md")
    assert result.exit_code == 1, result.output
    assert expected in result.stderr and "decision-makers.md.j2" in result.stderr
    assert "Traceback" not in result.output and "internal error" not in result.output


def test_a_constant_folded_to_infinity_renders(example: Path, run_in) -> None:
    custom(example, UPDATE, "Bonjour {{ ('1e400')|float * 0 }} {{ ('1e400')|float }}\n")
    result = run_in(example)("update", "draft", ID, "--format", "md", "--output", "-")
    assert "internal error" not in result.output and "Traceback" not in result.output
    assert result.exit_code == 1, result.output  # rendered; the check blocks a non-update
    assert "Bonjour nan inf" in result.stdout


def test_a_template_emitting_100000_lines_is_refused_before_the_checks(
    example: Path, run_in
) -> None:
    """Case 21: the size is checked right after rendering, not after the secret scan."""
    custom(example, UPDATE, "{% for i in range(100000) %}ligne {{ i }}\n{% endfor %}")
    result = run_in(example)("update", "draft", ID, "--format", "md")
    assert result.exit_code == 1, result.output
    assert "produced 100,000 lines" in result.stderr and "decision-makers.md.j2" in result.stderr
    assert not (example / "incidents" / ID / "updates").exists()


HOSTILE_TEXT = "Voir <img src=x onerror=alert(1)> et [cliquez ici](https://evil.example) `rm -rf`"


def _hostile_summary(example: Path) -> None:
    path = example / "incidents" / ID / "incident.yaml"
    text = path.read_text(encoding="utf-8")
    old = "  summary: Les clients qui paient"
    assert old in text
    line = next(x for x in text.splitlines() if x.startswith(old))
    path.write_text(text.replace(line, f"  summary: '{HOSTILE_TEXT}'"), encoding="utf-8")


def test_html_and_links_in_incident_text_stay_text_in_markdown(example: Path, run_in) -> None:
    """Case 24: the .md draft shows what was typed; nothing in it is live HTML or a link."""
    from markdown_it import MarkdownIt

    _hostile_summary(example)
    run = run_in(example)
    result = run("update", "draft", ID, "--format", "md,txt")
    assert result.exit_code == 0, result.output
    folder = example / "incidents" / ID / "updates"
    md = next(folder.glob("*.md")).read_text(encoding="utf-8")
    txt = next(folder.glob("*.txt")).read_text(encoding="utf-8")
    assert "\\<img" in md and "\\[cliquez ici\\]" in md  # escaped, readable
    html = MarkdownIt("commonmark").render(md)  # as any Markdown viewer would show it
    assert "<img" not in html and 'href="https://evil.example"' not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "[cliquez ici]" in html
    assert "<code>" not in html
    assert "Voir <img src=x onerror=alert(1)>" in txt.replace("\n", " ")  # plain: as typed
    retro = run("retro", "report", ID, "--audience", "client", "--output", "-")
    assert retro.exit_code == 0, retro.output
    retro_html = MarkdownIt("commonmark").render(retro.stdout)
    assert "<img" not in retro_html and 'href="https://evil.example"' not in retro_html


def test_renderings_bounded_together_keep_the_limit_of_one(monkeypatch) -> None:
    """`templating.many` sets the alarm's handler and the memory limit once; each rendering
    still has its own time limit, and the alarm is put back afterwards."""
    import signal

    from jinja2 import DictLoader

    from meptool.errors import InputError
    from meptool.writing import templating

    monkeypatch.setenv("MEPTOOL_RENDER_TIMEOUT", "1")
    env = templating.environment()
    env.loader = DictLoader(  # type: ignore[assignment]
        {"ok.txt.j2": "{{ n }}", "bomb.txt.j2": PAYLOADS["loop-bomb"]}
    )
    before = signal.getsignal(signal.SIGALRM)
    with templating.many():
        for n in range(50):  # together far longer than one limit would allow, were it shared
            assert templating.render(env, "ok.txt.j2", {"n": n}) == str(n)
        with pytest.raises(InputError, match=r"bomb\.txt\.j2: rendering took longer than 1 s"):
            templating.render(env, "bomb.txt.j2", {})
        assert templating.render(env, "ok.txt.j2", {"n": 7}) == "7"  # the next one renders
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
