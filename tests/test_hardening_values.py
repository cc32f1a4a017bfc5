"""Issue 18 cases 8-10, 13, 14 and 23: values at the edges are range-checked where they
are read; YAML 1.1 number forms are refused in number fields; one message, never a traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ID = "MEP-2026-001"
INCIDENT = Path("incidents") / ID / "incident.yaml"
DETECTED = "detected_at: 2026-11-20T18:40:00+01:00"
LOCATED = re.compile(r"incident\.yaml:\d+:\d+: ")


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _clean(result) -> None:  # type: ignore[no-untyped-def]
    assert "Traceback" not in result.output, result.output
    assert "internal error" not in result.output, result.output


# --- case 8: a time zone that is a folder of tzdata -------------------------------------


@pytest.mark.parametrize("zone", ["Europe", "America", "/etc", "../../etc/passwd", ""])
def test_a_time_zone_that_is_no_zone_is_one_located_message(
    zone: str, example: Path, run_in
) -> None:
    config = example / "meptool.yaml"
    text = config.read_text(encoding="utf-8")
    text = re.sub(r"^timezone: .*$", f'timezone: "{zone}"', text, flags=re.M)
    if "timezone:" not in text:
        text += f'timezone: "{zone}"\n'
    config.write_text(text, encoding="utf-8")
    for args in (["incident", "list"], ["incident", "show", ID], ["incident", "validate"]):
        result = run_in(example)(*args)
        _clean(result)
        assert result.exit_code == 1, result.output
        assert "meptool.yaml:" in result.output and "not an IANA time zone" in result.output


# --- case 9: dates at the edges ---------------------------------------------------------

EDGE_TIMES = [
    "9999-12-31T23:30:00-01:00",
    "0001-01-01T00:10:00+01:00",
    "1969-12-31T23:59:59+00:00",
    "2101-01-01T00:00:00+00:00",
]


@pytest.mark.parametrize("value", EDGE_TIMES)
def test_times_outside_1970_2100_are_located_in_every_command(
    value: str, example: Path, run_in
) -> None:
    _replace(example / INCIDENT, DETECTED, f"detected_at: {value}")
    run = run_in(example)
    for args in (
        ["incident", "validate"],
        ["incident", "show", ID],
        ["incident", "list"],
        ["retro", "report", ID, "--output", "-"],
    ):
        result = run(*args)
        _clean(result)
        assert result.exit_code == 1, (args, result.output)
        assert LOCATED.search(result.output), (args, result.output)
    assert "outside the years 1970-2100" in run("incident", "validate").output
    portfolio = run("retro", "report", "--all", "--output", "-")  # skips it, says so
    _clean(portfolio)
    assert portfolio.exit_code == 0 and "was skipped" in portfolio.stderr


def test_one_bad_date_among_many_does_not_stop_the_others(example: Path, run_in) -> None:
    _replace(example / INCIDENT, DETECTED, "detected_at: 9999-12-31T23:30:00-01:00")
    result = run_in(example)("incident", "list")
    assert result.exit_code == 1
    assert "MEP-2026-002" in result.stdout  # the valid one is still listed
    _clean(result)


@pytest.mark.parametrize(
    "old,new",
    [
        (DETECTED, "detected_at: 2026-13-45"),
        (DETECTED, "detected_at: 2026-11-20 18:40:00 +99"),
        ("  version: v2.3.0", "  version: 2026-13-45"),
        ("  deployed_at: 2026-11-20T17:30:00+01:00", "  deployed_at: 2026-02-30T10:00:00"),
    ],
)
def test_impossible_dates_typed_unquoted(old: str, new: str, example: Path, run_in) -> None:
    _replace(example / INCIDENT, old, new)
    result = run_in(example)("incident", "validate")
    _clean(result)
    if "version" in new:  # text: a version may look like a date
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code == 1, result.output
    assert LOCATED.search(result.output) and "is not a date" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["incident", "note", ID, "--text", "x", "--at", "9999-12-31T23:59:59-05:00"],
        ["incident", "note", ID, "--text", "x", "--at", "0001-01-01T00:00:00"],
        ["retro", "report", "--all", "--since", "9999-12-31", "--output", "-"],
    ],
)
def test_command_line_times_outside_the_range_are_usage_errors(
    args: list[str], example: Path, run_in
) -> None:
    before = (example / INCIDENT).read_bytes()
    result = run_in(example)(*args)
    _clean(result)
    assert result.exit_code == 2, result.output
    assert "outside the years 1970-2100" in result.output
    assert (example / INCIDENT).read_bytes() == before


@pytest.mark.parametrize(
    "field",
    ["next_update_due: 9999-12-31T23:00:00+01:00", "feedback:\n  - at: 9999-01-01T00:00:00Z"],
)
def test_other_times_are_checked_too(field: str, example: Path, run_in) -> None:
    path = example / INCIDENT
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^next_update_due: .*\n", "", text, flags=re.M)
    text = re.sub(r"^feedback:\n(  .*\n)*", "", text, flags=re.M)
    path.write_text(text + field + ("\n    csat: 4\n" if "feedback" in field else "\n"))
    result = run_in(example)("incident", "validate")
    _clean(result)
    assert result.exit_code == 1, result.output
    assert "outside the years" in result.output


# --- case 10: numbers -------------------------------------------------------------------


def _plan(example: Path, effort: str) -> Path:
    path = example / INCIDENT
    text = path.read_text(encoding="utf-8")
    text, n = re.subn(r"effort_days: [^\n]*", f"effort_days: {effort}", text, count=1)
    assert n == 1
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "value,expected",
    [
        ("9" * 4400, "not a number"),
        ("0b_", "not a number"),
        ("0x_", "not a number"),
        ("1.0e+308", "at most 100,000"),
        ("100001", "at most 100,000"),
        ("-1", "must not be negative"),
        (".nan", "expected a number"),
    ],
    ids=["4400-digits", "0b_", "0x_", "1e308", "over-max", "negative", "nan"],
)
def test_numbers_at_the_edges_are_located(value: str, expected: str, example: Path, run_in) -> None:
    _plan(example, value)
    run = run_in(example)
    result = run("incident", "validate")
    _clean(result)
    assert result.exit_code == 1, result.output
    assert LOCATED.search(result.output) and expected in result.output, result.output
    drafted = run("update", "draft", ID, "--format", "md", "--output", "-")
    _clean(drafted)
    assert drafted.exit_code == 1


def test_a_huge_delay_never_reaches_the_draft(example: Path, run_in) -> None:
    path = example / INCIDENT
    _replace(path, "  delay_days: ", "  delay_days: 1.0e+308\n  x_: ")
    path.write_text(
        "".join(x for x in path.read_text().splitlines(keepends=True) if "x_:" not in x)
    )
    result = run_in(example)("update", "draft", ID, "--format", "md", "--output", "-")
    _clean(result)
    assert result.exit_code == 1 and "delay_days" in result.output


@pytest.mark.parametrize("cadence", ["99999999999d", "3651d", "0h", "x" * 5000])
def test_a_huge_update_cadence_is_one_located_message(cadence: str, example: Path, run_in) -> None:
    config = example / "meptool.yaml"
    text = config.read_text(encoding="utf-8")
    text = re.sub(r"^update_cadence:(\n  .*)*\n", "", text, flags=re.M)
    config.write_text(text + f"update_cadence:\n  critical: {cadence}\n", encoding="utf-8")
    result = run_in(example)("incident", "list")
    _clean(result)
    assert result.exit_code == 1, result.output
    assert "meptool.yaml:" in result.output and "update_cadence" in result.output


# --- case 14: YAML 1.1 number forms -----------------------------------------------------


@pytest.mark.parametrize(
    "value,form",
    [
        ("010", "octal"),
        ("1:30", "sexagesimal"),
        ("0x10", "hexadecimal"),
        ("0b11", "binary"),
        ("1_5", "'_' separators"),
        ("1_000.5", "'_' separators"),
    ],
)
def test_yaml_1_1_number_forms_are_refused_in_number_fields(
    value: str, form: str, example: Path, run_in
) -> None:
    _plan(example, value)
    result = run_in(example)("incident", "validate")
    assert result.exit_code == 1, result.output
    assert LOCATED.search(result.output), result.output
    assert f"YAML 1.1 reads unquoted {value} as" in result.output and form in result.output


def test_plain_numbers_still_pass(example: Path, run_in) -> None:
    for value in ("10", "1.5", "0", "0.25", "1.0e+3"):
        _plan(example, value)
        result = run_in(example)("incident", "validate")
        assert result.exit_code == 0, (value, result.output)


def test_yaml_1_1_forms_in_integer_fields(example: Path, run_in) -> None:
    path = example / INCIDENT
    text = path.read_text(encoding="utf-8")
    text, n = re.subn(r"csat: \d", "csat: 0x4", text, count=1)
    if n == 0:
        text += "feedback:\n  - at: 2026-11-25T10:00:00+01:00\n    csat: 0x4\n"
    path.write_text(text, encoding="utf-8")
    result = run_in(example)("incident", "validate")
    assert result.exit_code == 1
    assert "hexadecimal" in result.output


def test_smtp_port_in_octal_is_refused(example: Path, run_in) -> None:
    config = example / "meptool.yaml"
    config.write_text(config.read_text() + "smtp:\n  host: smtp.example\n  port: 0465\n")
    result = run_in(example)("incident", "list")
    assert result.exit_code == 1 and "octal" in result.output, result.output


# --- case 13: the environment -----------------------------------------------------------


@pytest.mark.parametrize(
    "name,value,args",
    [
        ("MEPTOOL_NOW", "hier", ["incident", "list"]),
        ("MEPTOOL_NOW", "9999-12-31T23:59:59-05:00", ["incident", "list"]),
        ("MEPTOOL_LOCK_TIMEOUT", "nan", ["incident", "note", ID, "--text", "x"]),
        ("MEPTOOL_LOCK_TIMEOUT", "-1", ["incident", "note", ID, "--text", "x"]),
        ("MEPTOOL_LOCK_TIMEOUT", "9" * 5000, ["incident", "note", ID, "--text", "x"]),
        (
            "MEPTOOL_RENDER_TIMEOUT",
            "inf",
            ["update", "draft", ID, "--output", "-", "--format", "md"],
        ),
    ],
)
def test_environment_variables_are_checked(
    name: str, value: str, args: list[str], *, example: Path, run_in, monkeypatch
) -> None:
    monkeypatch.setenv(name, value)
    before = (example / INCIDENT).read_bytes()
    result = run_in(example)(*args)
    _clean(result)
    assert result.exit_code == 2, result.output
    assert name in result.output and "hint:" in result.output
    assert (example / INCIDENT).read_bytes() == before


def test_a_5000_digit_csat_is_a_usage_error(example: Path, run_in) -> None:
    result = run_in(example)("feedback", "record", ID, "--csat", "9" * 5000, "--no-input")
    _clean(result)
    assert result.exit_code == 2, result.output


def test_a_5000_digit_run_id_is_kept_as_text(example: Path, run_in, monkeypatch) -> None:
    for key, value in {
        "GITHUB_ACTIONS": "true",
        "GITHUB_RUN_ID": "9" * 5000,
        "GITHUB_REPOSITORY": "agence/boutique",
        "GITHUB_SHA": "5e0c8a1f3b2d4c6e8a0b1c2d3e4f5a6b7c8d9e0f",
        "GITHUB_SERVER_URL": "https://github.com",
    }.items():
        monkeypatch.setenv(key, value)
    result = run_in(example)(
        "incident", "open", "--from-ci", "--title", "Déploiement raté", "--severity", "minor"
    )
    _clean(result)
    assert result.exit_code in (0, 1), result.output


# --- case 23: IDs and missing files -----------------------------------------------------


def test_an_id_with_a_trailing_newline_is_refused(example: Path, run_in) -> None:
    result = run_in(example)("incident", "show", f"{ID}\n")
    assert result.exit_code == 2, result.output
    from meptool.files.workspace import ID_RE

    assert ID_RE.match(f"{ID}\n") is None


def test_validate_a_missing_file_is_not_found(example: Path, run_in) -> None:
    result = run_in(example)("incident", "validate", "nope.yaml")
    _clean(result)
    assert result.exit_code == 3, result.output
    assert "nope.yaml" in result.output
