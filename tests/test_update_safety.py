"""Custom templates (sandbox, typos, overrides) and e-mail header injection."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from meptool.errors import InputError
from meptool.updates import mail
from updates_helpers import ID


def custom(root: Path, name: str, text: str) -> None:
    folder = root / "my-templates"
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    config = root / "meptool.yaml"
    if "templates_dir" not in config.read_text():
        config.write_text(config.read_text() + "templates_dir: my-templates\n")


def test_a_workspace_template_overrides_by_name(example: Path, run_in) -> None:
    custom(example, "updates/fr/subject.txt.j2", "[Maison Dupont] {{ incident.title }}\n")
    run = run_in(example)
    result = run("update", "draft", ID, "--format", "md")
    assert result.exit_code == 0, result.output
    assert "subject: [Maison Dupont] Paiement refusé" in result.stderr
    listed = [line.split() for line in run("templates", "list").stdout.splitlines()]
    assert ["updates/fr/subject.txt.j2", "workspace"] in listed
    assert ["updates/fr/decision-makers.md.j2", "package"] in listed
    assert ["updates/en/domain-experts.md.j2", "package"] in listed


def test_misspelt_variable_names_template_line_and_variable(example: Path, run_in) -> None:
    custom(example, "updates/fr/decision-makers.md.j2", "Bonjour,\n\n{{ incidnet.title }}\n")
    result = run_in(example)("update", "draft", ID, "--format", "md")
    assert result.exit_code == 1
    assert "decision-makers.md.j2:3" in result.stderr
    assert "'incidnet' is undefined" in result.stderr
    assert "Traceback" not in result.output
    assert not (example / "incidents" / ID / "updates").exists()


def test_sandbox_escape_is_refused(example: Path, run_in) -> None:
    custom(
        example,
        "updates/fr/decision-makers.md.j2",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}\n",
    )
    result = run_in(example)("update", "draft", ID, "--format", "md")
    assert result.exit_code == 1
    assert "decision-makers.md.j2" in result.stderr and "sandbox" in result.stderr
    assert "subclasses" not in result.stdout


def test_html_layout_is_autoescaped(example: Path, run_in) -> None:
    custom(example, "updates/email.html.j2", "<p>{{ subject }}</p>{{ body }}\n")
    config = example / "incidents" / ID / "incident.yaml"
    config.write_text(
        config.read_text().replace(
            "title: Paiement refusé", "title: <script>alert(1)</script> Paiement refusé"
        )
    )
    result = run_in(example)("update", "draft", ID, "--format", "html")
    assert result.exit_code == 0, result.output
    html = (example / "incidents" / ID / "updates" / "001-decision-makers-fr.html").read_text()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_templates_export(tmp_path: Path, example: Path, run_in) -> None:
    run = run_in(example)
    target = tmp_path / "exported"
    result = run("templates", "export", str(target))
    assert result.exit_code == 0, result.output
    assert (target / "updates" / "fr" / "decision-makers.md.j2").is_file()
    assert (target / "updates" / "email.html.j2").is_file()
    again = run("templates", "export", str(target))
    assert again.exit_code == 2 and "--force" in again.stderr
    assert run("templates", "export", str(target), "--force").exit_code == 0


def test_a_multiline_subject_is_refused(example: Path, run_in) -> None:
    custom(example, "updates/fr/subject.txt.j2", "Incident\nBcc: evil@example.com\n")
    result = run_in(example)("update", "draft", ID)
    assert result.exit_code == 1 and "several lines" in result.stderr


# --- header injection ----------------------------------------------------------


def test_crlf_in_title_or_contact_is_refused_at_the_file(example: Path, run_in) -> None:
    path = example / "incidents" / ID / "incident.yaml"
    original = path.read_text()
    for before, after in [
        ("title: Paiement refusé", 'title: "Paiement\\r\\nBcc: evil@example.com refusé'),
        ("    - name: Claire Martin", '    - name: "Claire\\r\\nBcc: evil@example.com"'),
        (
            "      email: claire.martin@maison-dupont.example",
            '      email: "claire.martin@maison-dupont.example\\r\\nBcc: evil@example.com"',
        ),
    ]:
        text = original.replace(before, after, 1)
        if after.startswith("title"):
            text = text.replace(" après la MEP 2.3.0\n", ' après la MEP 2.3.0"\n', 1)
        path.write_text(text)
        result = run_in(example)("update", "draft", ID)
        assert result.exit_code == 1, (after, result.output)
        assert "Bcc" not in result.stdout
        assert not (example / "incidents" / ID / "updates").exists()


def _build(**overrides: object) -> bytes:
    args: dict[str, object] = {
        "subject": "Incident",
        "text": "Bonjour",
        "html": "<p>Bonjour</p>",
        "sender": mail.address("Julie Leroy", "julie@agence.example", "sender"),
        "to": [mail.address("Claire", "claire@client.example", "recipient")],
        "date": dt.datetime(2026, 11, 21, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        "message_id": "<a.1@agence.example>",
    }
    args.update(overrides)
    return mail.to_bytes(mail.build(**args))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "make",
    [
        lambda: _build(subject="Incident\r\nBcc: evil@example.com"),
        lambda: _build(subject="Incident\nBcc: evil@example.com"),
        lambda: mail.address("Claire\r\nBcc: evil@example.com", "c@client.example", "recipient"),
        lambda: mail.address("Claire", "c@client.example\r\nBcc: evil@example.com", "recipient"),
        lambda: _build(in_reply_to="<a@b.c>\r\nBcc: evil@example.com"),
    ],
)
def test_header_injection_is_refused_in_mail(make) -> None:
    with pytest.raises(InputError, match="line break"):
        make()


def test_non_ascii_headers_are_encoded() -> None:
    raw = _build(
        subject="Paiement refusé : « cartes étrangères »",
        to=[mail.address("Zoé Ñúñez", "zoe@client.example", "recipient")],
    )
    raw.decode("ascii")
    assert b"=?utf-8?" in raw
    import email
    import email.policy

    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert str(msg["Subject"]) == "Paiement refusé : « cartes étrangères »"
    assert msg["To"].addresses[0].display_name == "Zoé Ñúñez"
    assert len(msg.get_all("Bcc") or []) == 0
