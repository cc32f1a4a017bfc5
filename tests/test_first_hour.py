"""A newcomer's first hour: init, doctor, the workspace's defaults, one error voice, tables, help.

The walk-through of `meptool init` runs once through a real pseudo-terminal
(pexpect), and once with flags: both must write the same meptool.yaml.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from meptool.files.validation import validate
from meptool.files.workspace import Workspace
from meptool.files.yamlio import load_file
from meptool.model.config import Config
from test_walkthrough import answer, finish, session, spawn

MEPTOOL = str(Path(sys.executable).parent / "meptool")
ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-21T09:30:00+01:00"
CLAIRE = (
    "Claire Martin <claire.martin@maison-dupont.example>; Directrice e-commerce; decision-maker"
)


def config(root: Path) -> Config:
    path = root / "meptool.yaml"
    return validate(load_file(path, str(path)), Config)


def init_flags(root: Path) -> list[str]:
    return [
        "init",
        str(root),
        "--client",
        "Maison Dupont",
        "--project",
        "Boutique en ligne",
        "--contact",
        f"{CLAIRE}; Madame la Directrice,",
        "--lead",
        "Julie Leroy",
        "--lead-title",
        "Cheffe de projet",
        "--lead-email",
        "julie.leroy@agence.example",
        "--lead-phone",
        "+33 1 23 45 67 89",
        "--agency",
        "Agence Exemple",
    ]


# --- init: a walk-through on a terminal, and the same with flags ---------------------------


def test_init_walkthrough_on_a_terminal_writes_what_flags_write(tmp_path: Path, run_in) -> None:
    child = spawn(tmp_path, "init", "shop")
    answer(child, "Client (the company you deliver to)", "Maison Dupont")
    answer(child, "Project", "Boutique en ligne")
    answer(child, "Contact name", "Claire Martin")
    answer(child, "e-mail", "claire.martin@maison-dupont.example")
    answer(child, "role", "Directrice e-commerce")
    child.expect_exact("decision-maker  decides: gets the short business update")
    answer(child, "kind [decision-maker/domain-expert/other] (other)", "decision-maker")
    answer(child, "how a letter to them opens", "Madame la Directrice,")
    answer(child, "Contact name", "")
    answer(child, "Your name", "Julie Leroy")
    answer(child, "title", "Cheffe de projet")
    answer(child, "e-mail", "pas une adresse")
    answer(child, "is not an e-mail address", "julie.leroy@agence.example")
    answer(child, "phone", "+33 1 23 45 67 89")
    answer(child, "Your agency", "Agence Exemple")
    answer(child, "Mail domain of your e-mails (for their Message-ID) (agence.example)", "")
    answer(child, "Language of client documents [fr/en] (fr)", "")
    answer(child, "Time zone (IANA) (Europe/Paris)", "")
    child.expect_exact("Next: when a release goes wrong, 'meptool incident open'.")
    assert finish(child) == 0, session(child)

    asked = config(tmp_path / "shop")
    flagged_root = tmp_path / "flags"
    result = run_in(tmp_path)(*init_flags(flagged_root), "--mail-domain", "agence.example")
    assert result.exit_code == 0, result.output
    assert config(flagged_root) == asked
    assert asked.client is not None and asked.client.contacts[0].greeting == "Madame la Directrice,"
    assert asked.team is not None and asked.team.lead is not None
    assert asked.team.lead.title == "Cheffe de projet"
    assert asked.agency is not None and asked.agency.name == "Agence Exemple"
    assert asked.mail_domain == "agence.example"
    text = (tmp_path / "shop" / "meptool.yaml").read_text()
    assert "# The client: decision-makers get short business updates" in text  # still commented


def test_init_in_an_existing_workspace_asks_only_what_is_missing(tmp_path: Path, run_in) -> None:
    assert run_in(tmp_path)("init", "shop", "--client", "Maison Dupont").exit_code == 0
    before = (tmp_path / "shop" / "meptool.yaml").read_text()
    child = spawn(tmp_path / "shop", "init")
    answer(child, "Project", "")  # Enter leaves it unset
    answer(child, "Contact name", "")
    answer(child, "Your name", "Julie Leroy")
    answer(child, "title", "")
    answer(child, "e-mail", "julie.leroy@agence.example")
    answer(child, "phone", "")
    answer(child, "Your agency", "")
    answer(child, "Mail domain", "")
    assert finish(child) == 0, session(child)
    out = session(child)
    assert "Client (the company" not in out and "Language of client" not in out  # known already
    after = (tmp_path / "shop" / "meptool.yaml").read_text()
    assert after != before and "name: Maison Dupont" in after
    assert all(line in after for line in before.splitlines() if line.startswith("#"))
    cfg = config(tmp_path / "shop")
    assert cfg.team and cfg.team.lead and cfg.team.lead.email == "julie.leroy@agence.example"


def test_init_without_a_terminal_asks_nothing(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    proc = subprocess.run(
        [MEPTOOL, "init", "shop", "--client", "Maison Dupont"],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Your name" not in proc.stderr
    # what is still missing to draft, and how to add it
    assert "the project lead, who signs every update" in proc.stderr
    assert 'meptool init --lead "Your Name"' in proc.stderr


def test_init_lead_details_need_the_lead(tmp_path: Path, run_in) -> None:
    result = run_in(tmp_path)("init", "shop", "--lead-email", "julie@agence.example")
    assert result.exit_code == 2
    assert "describe a --lead" in result.stderr and not (tmp_path / "shop").exists()


def test_init_refuses_a_bad_email_with_the_flag_named(tmp_path: Path, run_in) -> None:
    result = run_in(tmp_path)("init", "shop", "--lead", "Julie", "--lead-email", "julie")
    assert result.exit_code == 2
    assert "error: --lead-email: 'julie' is not an e-mail address" in result.stderr
    assert not (tmp_path / "shop").exists()


# --- the workspace's lead and contacts as every incident's defaults ----------------------


def test_update_falls_back_to_the_workspace_lead_and_contacts(tmp_path: Path, run_in) -> None:
    run = run_in(tmp_path)
    assert run("init", "shop").exit_code == 0
    shop = run_in(tmp_path / "shop")
    opened = shop("incident", "open", "--title", "Paiement refusé", "--severity", "critical")
    assert opened.exit_code == 0, opened.output
    incident_id = opened.stdout.strip()
    assert "Note: no project lead signs the updates yet" in opened.stderr
    failed = shop("update", "draft", incident_id)
    assert failed.exit_code == 1
    # every missing piece at once, each with the command that adds it
    assert "no project lead signs it" in failed.stderr
    assert "no client contact with an e-mail address" in failed.stderr
    assert "no sender address" in failed.stderr
    assert "meptool doctor" in failed.stderr
    # the incident was opened before the workspace knew its lead: it falls back all the same
    done = shop(
        "init",
        "--client",
        "Maison Dupont",
        "--lead",
        "Julie Leroy",
        "--lead-email",
        "julie.leroy@agence.example",
        "--contact",
        CLAIRE,
    )
    assert done.exit_code == 0, done.output
    drafted = shop("update", "draft", incident_id, "--format", "eml,md")
    assert drafted.exit_code == 0, drafted.output
    assert "for Claire Martin <claire.martin@maison-dupont.example>" in drafted.stderr
    eml = next((tmp_path / "shop" / "incidents" / incident_id / "updates").glob("*.eml"))
    raw = eml.read_text()
    assert "From: Julie Leroy <julie.leroy@agence.example>" in raw
    assert re.search(r"Message-ID: <MEP-2026-001\.1\.[0-9a-f]+@agence\.example>", raw)
    incident_file = (tmp_path / "shop" / "incidents" / incident_id / "incident.yaml").read_text()
    assert "Julie Leroy" not in incident_file  # a default, not copied into the file


def test_a_lead_written_as_a_plain_name(tmp_path: Path, run_in) -> None:
    assert run_in(tmp_path)("init", "shop").exit_code == 0
    cfg = tmp_path / "shop" / "meptool.yaml"
    cfg.write_text(cfg.read_text().replace("  lead: null\n", "  lead: Thomas Girard\n"))
    shop = run_in(tmp_path / "shop")
    result = shop("incident", "open", "--title", "Panne", "--severity", "minor")
    assert result.exit_code == 0, result.output
    shown = json.loads(shop("incident", "show", result.stdout.strip(), "--json").stdout)
    assert shown["team"]["lead"] == {"name": "Thomas Girard"}


def test_contacts_typed_in_open_are_kept_for_the_next_incident(tmp_path: Path, run_in) -> None:
    assert run_in(tmp_path)("init", "shop", "--client", "Maison Dupont").exit_code == 0
    shop = run_in(tmp_path / "shop")
    first = shop(
        "incident",
        "open",
        "--title",
        "Panne",
        "--severity",
        "minor",
        "--contact",
        CLAIRE,
        "--save-contacts",
    )
    assert first.exit_code == 0, first.output
    assert "Saved Claire Martin in meptool.yaml" in first.stderr
    second = shop("incident", "open", "--title", "Autre panne", "--severity", "minor")
    data = json.loads(shop("incident", "show", second.stdout.strip(), "--json").stdout)
    assert [c["name"] for c in data["client"]["contacts"]] == ["Claire Martin"]


def test_doctor_says_what_is_missing_and_how(tmp_path: Path, run_in) -> None:
    assert run_in(tmp_path)("init", "shop").exit_code == 0
    shop = run_in(tmp_path / "shop")
    result = shop("doctor")
    assert result.exit_code == 1
    assert "missing to draft an update:" in result.stdout
    assert 'meptool init --client "Maison Dupont"' in result.stdout
    assert "meptool init --lead-email you@agency.example" in result.stdout
    assert shop("init", *init_flags(tmp_path / "shop")[2:]).exit_code == 0
    ready = shop("doctor", "--json")
    assert ready.exit_code == 0, ready.output
    data = json.loads(ready.stdout)
    assert data["can_draft"] is True and data["can_send"] is False
    assert [g["stops"] for g in data["gaps"]].count("send") == 1  # the SMTP server


# --- one error voice ---------------------------------------------------------------------


def test_bad_enum_on_the_command_line(example: Path, run_in) -> None:
    result = run_in(example)("incident", "open", "--title", "x", "--severity", "urgent")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: --severity: 'urgent' is not one of: critical, major, minor",
        "  hint: see 'meptool incident open -h'",
    ]


def test_bad_integer_on_the_command_line(example: Path, run_in) -> None:
    result = run_in(example)("feedback", "record", "MEP-2026-001", "--csat", "bien")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --csat: must be a whole number, e.g. 3\n")


def test_missing_argument_and_unknown_option(example: Path, run_in) -> None:
    missing = run_in(example)("incident", "show")
    assert missing.exit_code == 2
    assert missing.stderr.splitlines() == [
        "error: missing ID",
        "  hint: usage: meptool incident show [OPTIONS] ID; see 'meptool incident show -h'",
    ]
    unknown = run_in(example)("incident", "list", "--colour")
    assert unknown.exit_code == 2
    assert unknown.stderr.startswith("error: meptool incident list has no option --colour")
    for result in (missing, unknown):
        assert "Usage:" not in result.stderr and "Error:" not in result.stderr


def test_bad_boolean_in_a_file(example: Path, run_in) -> None:
    path = example / "incidents" / "MEP-2026-001" / "incident.yaml"
    text = path.read_text()
    path.write_text(text.replace("client_visible: true", "client_visible: peut-être", 1))
    result = run_in(example)("incident", "validate")
    assert result.exit_code == 1
    assert (
        "corrective_plan[0].client_visible: 'peut-être' is not true or false; "
        "write true or false (or oui/non)"
    ) in result.stdout
    path.write_text(text.replace("client_visible: true", "client_visible: oui", 1))
    assert run_in(example)("incident", "validate").exit_code == 0


def test_unknown_command_gets_a_suggestion(example: Path, run_in) -> None:
    prefix = run_in(example)("inc", "list")
    assert prefix.exit_code == 2
    assert "error: 'inc' is not a command of meptool; did you mean 'meptool incident'?" in (
        prefix.stderr
    )
    typo = run_in(example)("incident", "lst")
    assert "did you mean 'meptool incident list'?" in typo.stderr


# --- help people can read ---------------------------------------------------------------


def _help(args: list[str], columns: int = 80) -> str:
    env = {**os.environ, "COLUMNS": str(columns), "NO_COLOR": "1"}
    proc = subprocess.run(
        [MEPTOOL, *args], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["incident", "--help"],
        ["update", "--help"],
        ["retro", "--help"],
        ["incident", "open", "--help"],
        ["incident", "plan", "--help"],
        ["update", "draft", "--help"],
        ["init", "--help"],
    ],
)
def test_help_at_80_columns_is_whole_and_plain(args: list[str]) -> None:
    text = _help(args)
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "..." not in text.replace("COMMAND [ARGS]...", "").replace("[COMMAND]...", "")
    commands = text.split("Commands:")[-1] if "Commands:" in text else ""
    assert "..." not in commands  # no summary cut
    assert "<str>" not in text and "<list[str]>" not in text and "{ID}" not in text


def test_help_uses_real_metavars() -> None:
    text = _help(["incident", "plan", "--help"])
    assert "Usage: meptool incident plan [OPTIONS] ID" in text
    assert "--due DATE" in text and "--owner NAME" in text and "--action TEXT" in text
    assert "--agreement pending|agreed|refused" in text
    assert "--seq N" in _help(["update", "approve", "--help"])


def test_meptool_help_command() -> None:
    assert _help(["help"]) == _help(["--help"])
    assert _help(["help", "incident", "open"]) == _help(["incident", "open", "--help"])


# --- completion ----------------------------------------------------------------------------


def _complete(root: Path, words: str) -> list[str]:
    parts = words.split(" ")
    env = {
        **os.environ,
        "_MEPTOOL_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(parts) - 1),
    }
    env.pop("MEPTOOL_WORKSPACE", None)
    proc = subprocess.run(
        [MEPTOOL], cwd=root, capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


def test_completion_of_ids_contacts_and_statuses(example: Path) -> None:
    assert _complete(example, "meptool incident show MEP") == ["MEP-2026-002", "MEP-2026-001"]
    assert _complete(example, "meptool update draft MEP-2026-00") == [
        "MEP-2026-002",
        "MEP-2026-001",
    ]
    assert _complete(example, "meptool incident action MEP-2026-001 ") == ["A1", "A2", "A3"]
    assert _complete(example, "meptool incident list --status a") == ["acknowledged"]
    assert _complete(example, "meptool incident status MEP-2026-001 m") == ["mitigated"]
    names = _complete(example, "meptool feedback record MEP-2026-001 --by ")
    assert names == ["Claire", "Martin", "Marc", "Petit"]  # two names, split by the shell's IFS


# --- tables that fit -------------------------------------------------------------------------


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_incident_list_fits_the_terminal(example: Path, columns: int) -> None:
    hidden = ("CI", "MEPTOOL_WORKSPACE", "NO_COLOR", "COLUMNS")  # the terminal gives the width
    env = {k: v for k, v in os.environ.items() if k not in hidden}
    env.update({"MEPTOOL_NOW": "2026-11-23T09:30:00+01:00", "TERM": "xterm-256color"})
    child = pexpect.spawn(
        MEPTOOL,
        ["incident", "list"],
        cwd=str(example),
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(40, columns),
    )
    child.expect(pexpect.EOF)
    child.close()
    raw = child.before or ""
    plain = re.sub(r"\x1b\[[0-9;]*m", "", raw)
    lines = [line for line in plain.replace("\r", "").splitlines() if line.strip()]
    assert len(lines) == 3, plain  # header + one line per incident: nothing wraps
    for line in lines:
        assert len(line) <= columns, line
    assert lines[1].startswith("MEP-2026-001  critical  mitigated  ")
    assert lines[2].startswith("MEP-2026-002  minor     open       ")
    assert "overdue" in lines[1]
    assert "\x1b[31moverdue" in raw or "\x1b[31m overdue" in raw  # a short red word…
    assert "\x1b[1;31mMEP-2026-001" not in raw  # …not a whole bold red row
    if columns < 120:
        assert "…" in lines[1]  # the title gives way
    else:
        assert "DETECTED" in lines[0]


def test_piped_list_has_whole_titles(example: Path, run_in) -> None:
    out = run_in(example)("incident", "list").stdout
    assert "Paiement refusé pour les cartes étrangères après la MEP 2.3.0" in out
    assert "…" not in out


def test_no_color_means_no_bold(example: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "MEPTOOL_WORKSPACE")}
    env.update({"NO_COLOR": "1", "TERM": "xterm-256color"})
    child = pexpect.spawn(
        MEPTOOL, ["incident", "show", "MEP-2026-001"], cwd=str(example), env=env, timeout=30
    )
    child.expect(pexpect.EOF)
    child.close()
    assert b"\x1b[" not in (child.before or b"")


# --- the demo tells a true story ---------------------------------------------------------------


def test_demo_runs_end_to_end_with_real_durations(tmp_path: Path) -> None:
    env = {
        k: v for k, v in os.environ.items() if k not in ("CI", "MEPTOOL_WORKSPACE", "MEPTOOL_NOW")
    }
    proc = subprocess.run(
        ["bash", str(ROOT / "examples" / "demo.sh"), MEPTOOL, str(tmp_path / "demo")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,  # the "Next:" lines, in their place
        text=True,
        env={**env, "NO_COLOR": "1"},
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "\x1b[" not in out  # NO_COLOR: not even bold
    # the clock moves: every step at its own time, none in the future of the last
    times = re.findall(r"^# 2026-11-21 (\d\d:\d\d) — ", out, re.M)
    assert times == sorted(times) and len(set(times)) == len(times) > 8
    # each printed command, pasted into a shell, is the command that ran
    commands = [line[2:] for line in out.splitlines() if line.startswith("$ meptool ")]
    assert len(commands) > 15
    for line in commands:
        words = subprocess.run(
            ["bash", "-c", f'for w in {line[len("meptool ") :]}; do printf "%s\\n" "$w"; done'],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert words.strip()  # parses as shell words (quotes balanced)
    assert (
        "$ meptool incident ack MEP-2026-003 --no-input --statement 'La mise en production "
        "de la version 2.4.0 a vidé l'\\''export comptable." in out
    )
    assert "Next: tell the client now with 'meptool update draft MEP-2026-003'" in out
    assert "OVERDUE" not in out and " overdue" not in out
    demo = tmp_path / "demo"
    assert (demo / "schemas" / "meptool.schema.json").is_file()
    assert ".meptool/" in (demo / ".gitignore").read_text()
    portfolio = (demo / "reports" / "portfolio.html").read_text()
    assert "3 h 55 min" in portfolio  # MEP-2026-003: detected 10:50, resolved 14:45
    assert ">0 min<" not in portfolio  # no duration of zero minutes


def test_example_workspace_schemas_are_current() -> None:
    from meptool.files.scaffold import schema_text
    from meptool.model.incident import Incident

    schemas = ROOT / "examples" / "workspace" / "schemas"
    assert (schemas / "incident.schema.json").read_text() == schema_text(Incident, "incident")
    assert (schemas / "meptool.schema.json").read_text() == schema_text(Config, "meptool")
    assert Workspace(ROOT / "examples" / "workspace").config.prefix == "MEP"


def test_status_resolved_by_hand_still_has_a_resolution_time(example: Path) -> None:
    from meptool.files import store
    from meptool.incident.timing import durations

    path = example / "incidents" / "MEP-2026-002" / "incident.yaml"
    text = path.read_text().replace("\nstatus: open", "\nstatus: resolved", 1)
    path.write_text(text + "  - at: 2026-11-21T11:15:00+01:00\n    text: Export relancé\n")
    ws = Workspace(example)
    incident = store.load(ws, path)
    resolve = durations(incident, ws.now())["resolve"]
    assert resolve.value is not None and resolve.value.total_seconds() == 2.5 * 3600
    assert not resolve.running


def test_next_after_each_step_names_the_following_command(example: Path) -> None:
    from meptool.files import store
    from meptool.incident.nextsteps import after, unreached

    ws = Workspace(example)
    incident, _ = store.read(ws, "MEP-2026-002")
    assert "'meptool update draft MEP-2026-002'" in after("ack", incident)
    assert "'meptool update draft MEP-2026-002'" in after("plan", incident)
    assert "'meptool update approve MEP-2026-002 --by NAME'" in after("draft", incident)
    notes = unreached(incident)  # the workspace's contacts: nobody has had an update
    assert notes == [
        "Claire Martin (decision maker) has no update yet: "
        "'meptool update draft MEP-2026-002 --audience decision-makers'.",
        "Marc Petit (domain expert) has no update yet: "
        "'meptool update draft MEP-2026-002 --audience domain-experts'.",
    ]
