"""The cache of parsed incidents: whatever happens to files or cache, results equal fresh ones."""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from meptool.errors import InvalidFile
from meptool.files import bulk, cache, freshness, yamlfast, yamlio
from meptool.files.workspace import Workspace
from meptool.incident import facts, reading
from meptool.incident import timing as retro
from meptool.incident.reading import iter_incidents
from meptool.incident.registry import list_rows, validate_files
from meptool.model.enums import ActionStatus, Status
from meptool.reports import portfolio

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from generate import generate

HOUR_AGO = time.time() - 3600
FILES = 30  # 29 generated + 1 broken


def age(root: Path, *paths: Path) -> None:
    """Make files (default: all) old enough for the cache to trust their mtime."""
    for path in paths or [root / "meptool.yaml", *root.glob("incidents/*/incident.yaml")]:
        os.utime(path, (HOUR_AGO, HOUR_AGO))


@pytest.fixture
def gen(tmp_path: Path) -> Path:
    """A workspace of generated incidents, plus one broken file, all aged."""
    root = tmp_path / "gen"
    generate(FILES - 1, root)
    broken = root / "incidents" / "MEP-2026-0999"
    broken.mkdir()
    (broken / "incident.yaml").write_text(
        "schema_version: 1\nid: MEP-2026-0999\ntitle: x\nseverity: bad\nstatus: open\nfoo: 1\n"
    )
    age(root)
    return root


def reference_portfolio(ws: Workspace, items: Any) -> portfolio.Portfolio:
    """The portfolio as it was computed before the cache kept facts: from models, via retro."""
    now, tz = ws.now(), ws.tz
    today = now.astimezone(tz).date()
    p = portfolio.Portfolio(client=None, since=None, now=now)
    for path, inc in items:
        p.read += 1
        if isinstance(inc, InvalidFile):
            p.invalid.append(ws.display(path))
            continue
        p.matched += 1
        client = portfolio.client_of(inc, "Default")
        spans = retro.durations(inc, now)
        if not retro.reached(inc, Status.RESOLVED):
            p.open_now += 1
        opened = inc.detected_at or inc.opened_at
        if opened is not None:
            month = opened.astimezone(tz).strftime("%Y-%m")
            p.per_month[month][inc.severity.value] += 1
            ack, res = spans["acknowledge"], spans["resolve"]
            if ack.hours is not None and not ack.running:
                p.tta[month].append(ack.hours)
            if res.hours is not None and not res.running:
                p.ttr[month].append(res.hours)
        rc = inc.root_cause
        p.categories[rc.category.value if rc and rc.category else "unknown"] += 1
        if rc and rc.escape:
            key = " ".join(rc.escape.casefold().split()).rstrip(".")
            p.escapes[key] += 1
            p.escape_text.setdefault(key, rc.escape.strip())
        for action in inc.corrective_plan:
            if action.status is not ActionStatus.DONE:
                owner = action.owner or facts.UNOWNED
                p.actions_open[owner] += 1
                p.actions_overdue[owner] += retro.overdue(action, today)
        promised = ws.config.cadence(inc.severity)
        stat = p.cadence.setdefault(inc.severity.value, portfolio.CadenceStat(promised))
        for gap in retro.update_gaps(inc, promised, now):
            stat.gaps += 1
            stat.late += gap.late
            stat.hours.append(gap.value.total_seconds() / 3600)
        for fb in inc.feedback:
            cell = p.csat[client][fb.at.astimezone(tz).strftime("%Y-%m")]
            cell[0] += fb.csat
            cell[1] += 1
    p.actions_overdue = +p.actions_overdue  # drop the zero counts
    return p


def cached_portfolio(ws: Workspace) -> portfolio.Portfolio:
    """What `retro report --all` folds: the cached facts of every file, by folder name."""
    by_name = portfolio.aggregate(
        reading.facts_named(ws),
        tz=ws.tz,
        now=ws.now(),
        cadence=ws.cadence,
        default_client="Default",
        display=lambda name: ws.display(ws.incidents_dir / name / "incident.yaml"),
    )
    by_path = portfolio.aggregate(
        reading.facts(ws),
        tz=ws.tz,
        now=ws.now(),
        cadence=ws.config.cadence,
        default_client="Default",
        display=ws.display,
    )
    assert by_name == by_path
    return by_name


def snapshot(root: Path, *, reference: bool = False) -> dict[str, Any]:
    """Everything the cache feeds: validated models (with time zones), list rows, problems,
    the portfolio (`reference`: computed from the models the way it was before facts)."""
    ws = Workspace(root)
    models = []
    for path, item in iter_incidents(ws):
        if isinstance(item, InvalidFile):
            models.append((str(path), str(item)))
        else:
            models.append((str(path), repr(item.model_dump())))
    rows, broken = list_rows(ws)
    folio = reference_portfolio(ws, iter_incidents(ws)) if reference else cached_portfolio(ws)
    return {
        "portfolio": folio,
        "models": models,
        "rows": [r.as_dict() for r in rows],
        "broken": [str(b) for b in broken],
        "validate": [(r.path, [str(p) for p in r.problems]) for r in validate_files(ws, [])],
    }


def fresh(root: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The cache-free result."""
    with monkeypatch.context() as m:
        m.setenv("MEPTOOL_NO_CACHE", "1")
        return snapshot(root, reference=True)


class Counter:
    """Counts files actually parsed (cache misses)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        real = bulk.analyse

        def counting(*args: Any) -> Any:
            self.calls += 1
            return real(*args)

        monkeypatch.setattr(bulk, "analyse", counting)
        monkeypatch.setattr(bulk, "PARALLEL_MIN", 10_000)  # keep parsing in this process


def traced_sql(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every SQL statement the cache runs from now on, in order."""
    statements: list[str] = []
    real = cache._connect

    def traced(path: Path) -> sqlite3.Connection:
        db = real(path)
        db.set_trace_callback(statements.append)
        return db

    monkeypatch.setattr(cache, "_connect", traced)
    return statements


def check(root: Path, monkeypatch: pytest.MonkeyPatch, counter: Counter) -> int:
    """Cached result == fresh result; returns how many files were parsed for the cached one."""
    before = counter.calls
    cached = snapshot(root)
    parsed = counter.calls - before
    assert cached == fresh(root, monkeypatch)
    return parsed


def test_cold_then_warm(gen: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    counter = Counter(monkeypatch)
    assert check(gen, monkeypatch, counter) == FILES  # cold: every file parsed once
    assert cache.cache_file(Workspace(gen)).is_file()
    assert check(gen, monkeypatch, counter) == 0  # warm: nothing parsed
    snap = snapshot(gen)
    assert len(snap["rows"]) == FILES - 1 and len(snap["broken"]) == 1
    assert "severity" in snap["broken"][0] and "unknown key 'foo'" in snap["broken"][0]


def test_edit_delete_add_rename_touch(gen: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    counter = Counter(monkeypatch)
    check(gen, monkeypatch, counter)
    files = sorted(gen.glob("incidents/*/incident.yaml"))

    # edit in place: same size, mtime put back — the ctime still tells
    target = next(f for f in files if "severity: major" in f.read_text())
    st = target.stat()
    with target.open("r+b") as fh:
        fh.write(target.read_bytes().replace(b"severity: major", b"severity: minor"))
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert target.stat().st_size == st.st_size
    assert check(gen, monkeypatch, counter) == 1
    assert check(gen, monkeypatch, counter) == 0

    # an edit that breaks the file
    files[1].write_text(files[1].read_text().replace("status: ", "status: bogus-", 1))
    age(gen, files[1])
    assert check(gen, monkeypatch, counter) == 1
    assert any("bogus-" in b for b in snapshot(gen)["broken"])

    # delete
    files[2].unlink()
    files[2].parent.rmdir()
    assert check(gen, monkeypatch, counter) == 0

    # add
    new = gen / "incidents" / "MEP-2026-0777"
    new.mkdir()
    (new / "incident.yaml").write_text(
        "schema_version: 1\nid: MEP-2026-0777\ntitle: Added\nseverity: minor\nstatus: open\n"
    )
    age(gen, new / "incident.yaml")
    assert check(gen, monkeypatch, counter) == 1

    # rename a folder: the ID no longer matches it (a validate problem, not a list one)
    files[3].parent.rename(gen / "incidents" / "MEP-2026-0555")
    assert check(gen, monkeypatch, counter) == 1
    assert any("does not match its folder" in str(v) for v in snapshot(gen)["validate"])

    # touch: same bytes, new mtime
    os.utime(files[4], (HOUR_AGO + 60, HOUR_AGO + 60))
    assert check(gen, monkeypatch, counter) == 1
    assert check(gen, monkeypatch, counter) == 0


def test_recent_files_are_not_trusted(gen: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    counter = Counter(monkeypatch)
    check(gen, monkeypatch, counter)
    target = sorted(gen.glob("incidents/*/incident.yaml"))[5]
    target.write_text(target.read_text().replace("title: ", "title: Now ", 1))
    # written just now: its mtime could hide a second write, so it is parsed on every
    # read (snapshot reads five times: models, list, portfolio by name and by path, validate).
    # Its time is set ahead, so that it stays "just now" however slow the machine is.
    ahead = time.time() + 3600
    os.utime(target, (ahead, ahead))
    assert check(gen, monkeypatch, counter) == 5
    assert check(gen, monkeypatch, counter) == 5
    age(gen, target)
    assert check(gen, monkeypatch, counter) == 1
    assert check(gen, monkeypatch, counter) == 0


def test_corrupt_foreign_and_tampered_cache(gen: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    counter = Counter(monkeypatch)
    ws = Workspace(gen)
    check(gen, monkeypatch, counter)
    db_path = cache.cache_file(ws)

    # a row changed behind meptool's back fails its checksum and is re-parsed
    db = sqlite3.connect(db_path)
    db.execute("UPDATE files SET summary = replace(summary, 'open', 'closed')")
    db.execute("UPDATE files SET data = '{not json' WHERE name = 'MEP-2025-0002'")
    db.commit()
    db.close()
    assert check(gen, monkeypatch, counter) > 0

    # garbage instead of a database: rebuilt
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    db_path.write_bytes(b"this is not a database" * 100)
    assert check(gen, monkeypatch, counter) == FILES
    assert check(gen, monkeypatch, counter) == 0

    # a foreign database with the same tables but another meptool's data: emptied
    db = sqlite3.connect(db_path)
    db.execute("UPDATE meta SET value = 'someone else' WHERE key = 'fingerprint'")
    db.commit()
    db.close()
    assert check(gen, monkeypatch, counter) == FILES

    # a broken config cache is ignored
    (db_path.parent / "config.json").write_text("[1, 2")
    assert check(gen, monkeypatch, counter) == 0


def test_new_meptool_version_rebuilds(gen: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    counter = Counter(monkeypatch)
    check(gen, monkeypatch, counter)
    monkeypatch.setattr(freshness, "__version__", "99.0.0")
    assert check(gen, monkeypatch, counter) == FILES
    assert check(gen, monkeypatch, counter) == 0


def test_timezone_change_rebuilds(gen: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    counter = Counter(monkeypatch)
    check(gen, monkeypatch, counter)
    config = gen / "meptool.yaml"
    config.write_text(config.read_text().replace("Europe/Paris", "America/New_York"))
    age(gen, config)
    assert check(gen, monkeypatch, counter) == FILES


def test_unusable_cache_folder_means_no_cache(gen: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    counter = Counter(monkeypatch)
    state = gen / ".meptool"
    state.mkdir()
    (state / "cache").write_text("a file where the cache folder should be")
    # no cache: every file parsed on every read (snapshot reads five times)
    assert check(gen, monkeypatch, counter) == 5 * FILES
    assert check(gen, monkeypatch, counter) == 5 * FILES


def test_parallel_parse_equals_serial(gen: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "PARALLEL_MIN", 5)
    monkeypatch.setattr(bulk, "CHUNK", 7)
    monkeypatch.setattr(bulk, "_workers", lambda: 2)
    assert snapshot(gen) == fresh(gen, monkeypatch)


def test_example_workspace(example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    age(example)
    counter = Counter(monkeypatch)
    assert check(example, monkeypatch, counter) == 2
    assert check(example, monkeypatch, counter) == 0


def test_generated_incidents_are_valid(tmp_path: Path, run_in) -> None:
    root = tmp_path / "many"
    generate(120, root, seed=11)
    result = run_in(root)("incident", "validate")
    assert result.exit_code == 0, result.output
    assert "121 files valid" in result.stderr


# --- the fast YAML loop gives exactly what the event builder gives -----------------


def _builder(raw: bytes, source: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """`yamlio.load` through the event builder only (the fast loop switched off)."""

    def unusual(*_: Any) -> Any:
        raise yamlfast._Unusual

    with monkeypatch.context() as m:
        m.setattr(yamlfast, "_fast", unusual)
        return yamlio.load(raw, source)


def test_fast_yaml_equals_builder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import EXAMPLE

    generate(150, tmp_path / "y", seed=3)
    paths = [
        *EXAMPLE.glob("**/*.yaml"),
        *(tmp_path / "y").glob("**/*.yaml"),
    ]
    for path in paths:
        raw = path.read_bytes()
        fast = yamlio.load(raw, "f")
        slow = _builder(raw, "f", monkeypatch)
        assert repr(fast.data) == repr(slow.data), path
        assert repr(yamlio.load_data(raw)) == repr(slow.data), path
        assert (fast.values, fast.keys, fast.plain) == (slow.values, slow.keys, slow.plain), path


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",
        "a: &x 1\nb: *x\n",
        "a: !!python/object:os.system 1\n",
        "a: 1\n---\nb: 2\n",
        "- 1\n- 2\n",
        "just text\n",
        "",
        "a: [" * 40 + "]" * 40 + "\n",
        "? [a, b]\n: 1\n",
        "a: b: c\n",
        "a: ! 012\nb: no\nc: '012'\n",
        "a: 0x1F\nb: 1_000\nc: 2026-11-20 18:40:00+01\nd: .inf\ne: ~\n",
    ],
)
def test_fast_yaml_same_errors_and_values(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = text.encode()
    try:
        expected: Any = _builder(raw, "f", monkeypatch)
    except InvalidFile as exc:
        expected = str(exc)
    try:
        got: Any = yamlio.load(raw, "f")
    except InvalidFile as exc:
        got = str(exc)
    if isinstance(expected, str):
        assert got == expected
        assert yamlio.load_data(raw) is None  # the quick path gives up on every problem
    else:
        quick = yamlio.load_data(raw)  # None (give up) is allowed, a different answer is not
        assert quick is None or repr(quick) == repr(expected.data)
        assert repr(got.data) == repr(expected.data)
        assert (got.values, got.keys, got.plain) == (expected.values, expected.keys, expected.plain)


def test_portfolio_from_cached_facts_equals_models(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gen import generate as generate_rich  # the portfolio tests' richer generator

    root = generate_rich(tmp_path / "rich", 120, seed=11)
    age(root)
    counter = Counter(monkeypatch)
    ws = Workspace(root)
    expected = reference_portfolio(ws, iter_incidents(ws))
    # something to compare: every part of the portfolio is filled
    assert expected.tta and expected.ttr and expected.csat and expected.escapes
    assert expected.actions_overdue and any(s.late for s in expected.cadence.values())
    assert len(expected.invalid) == 1
    before = counter.calls
    assert cached_portfolio(ws) == expected  # warm: facts from the cache
    assert counter.calls == before
    # with filters, and with another clock (running waits and overdue actions move)
    for kw in ({"client": "pharma SUD"}, {"since": expected.now.date().replace(month=6, day=1)}):
        models = portfolio.aggregate(
            iter_incidents(ws), tz=ws.tz, now=ws.now(), cadence=ws.config.cadence, **kw
        )
        facts = portfolio.aggregate(
            reading.facts(ws), tz=ws.tz, now=ws.now(), cadence=ws.config.cadence, **kw
        )
        assert facts == models and 0 < facts.matched < facts.read
    monkeypatch.setenv("MEPTOOL_NOW", "2027-03-01T12:00:00+01:00")
    assert cached_portfolio(ws) == reference_portfolio(ws, iter_incidents(ws))
    assert counter.calls == before


def test_tampered_facts_and_older_cache_format(gen: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    counter = Counter(monkeypatch)
    ws = Workspace(gen)
    check(gen, monkeypatch, counter)
    db_path = cache.cache_file(ws)
    db = sqlite3.connect(db_path)
    db.execute("UPDATE files SET facts = replace(facts, '\"resolved\": true', '\"resolved\": 0')")
    db.execute("UPDATE files SET facts = '[1]', crc = NULL WHERE name = 'MEP-2025-0002'")
    db.commit()
    db.close()
    assert check(gen, monkeypatch, counter) > 0  # damaged rows: their files parsed again

    # a cache written by the previous format (no facts column): dropped and rebuilt
    db = sqlite3.connect(db_path)
    db.execute("DROP TABLE files")
    db.execute(
        "CREATE TABLE files (name TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER,"
        " ctime_ns INTEGER, ino INTEGER, ok INTEGER, summary TEXT, data TEXT, problems TEXT,"
        " extra TEXT, crc INTEGER)"
    )
    db.execute("UPDATE meta SET value = replace(value, '|3|', '|2|') WHERE key = 'fingerprint'")
    db.commit()
    db.close()
    assert check(gen, monkeypatch, counter) == FILES
    assert check(gen, monkeypatch, counter) == 0


def test_warm_reads_are_one_query(gen: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Unchanged files: every row but its data in one SELECT, whatever the number of files;
    the data (for models) row by row; a damaged row found in the bulk read is parsed again."""
    ws = Workspace(gen)
    counter = Counter(monkeypatch)
    check(gen, monkeypatch, counter)
    parsed = counter.calls
    statements = traced_sql(monkeypatch)

    def selects() -> list[str]:
        found = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
        statements.clear()
        return [s for s in found if "FROM files" in s]

    for read in (reading.facts_named, reading.facts, reading.summaries, reading.problems):
        assert len(list(read(ws))) == FILES
        bulk_read = cache._BULK_SUMMARIES if read is reading.summaries else cache._BULK
        assert selects() == [bulk_read], read.__name__
    assert counter.calls == parsed
    assert len(list(reading.iter_incidents(ws))) == FILES
    found = selects()
    assert found[0] == cache._BULK and len(found) == 1 + FILES - 1  # the broken file: no data
    assert all("data, crc_data FROM files WHERE name =" in s for s in found[1:])
    assert counter.calls == parsed

    # a damaged data column alone: models are parsed again, the bulk texts still serve
    db = sqlite3.connect(cache.cache_file(ws))
    db.execute("UPDATE files SET data = replace(data, 'a', 'b') WHERE name = 'MEP-2025-0002'")
    db.commit()
    db.close()
    assert len(list(reading.facts_named(ws))) == FILES
    assert counter.calls == parsed
    assert len(list(reading.iter_incidents(ws))) == FILES
    assert counter.calls == parsed + 1


def test_hand_kept_shape(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The benchmark's second data shape: long timelines, comments, every string style;
    cached results equal fresh ones, and only the file meant to be broken is."""
    from generate_handkept import generate as generate_handkept

    root = generate_handkept(50, tmp_path / "hand", invalid_every=10)
    age(root)
    counter = Counter(monkeypatch)
    assert check(root, monkeypatch, counter) == 50
    assert check(root, monkeypatch, counter) == 0
    snap = snapshot(root)
    broken = "\n".join(snap["broken"])
    assert len(snap["broken"]) == 5 and len(snap["rows"]) == 45
    for what in ("'urgent' is not allowed", "unknown key 'statut'", "not a date and time"):
        assert what in broken
    assert "duplicate key 'id'" in broken and "YAML syntax error" in broken
    folio = snap["portfolio"]
    assert folio.read == 50 and len(folio.invalid) == 5
    assert sum(s.gaps for s in folio.cadence.values()) > 50


@pytest.mark.parametrize("where", [".", "incidents", "incidents/MEP-2025-0003", "elsewhere"])
def test_list_paths_shown_as_before(gen: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    """`incident list` makes each file's shown path once per run, not once per file:
    the same text as `ws.display` gives, wherever the command runs."""
    (gen / "elsewhere").mkdir()
    monkeypatch.chdir(gen / where)
    ws = Workspace(gen)
    rows, _ = list_rows(ws)
    assert len(rows) == FILES - 1
    for row in rows:
        assert row.path == ws.display(ws.incidents_dir / row.id / "incident.yaml")
    results = validate_files(ws, [])[1:]  # after meptool.yaml
    assert len(results) == FILES
    for result, folder in zip(results, sorted(p.name for p in ws.incident_dirs()), strict=True):
        assert result.path == ws.display(ws.incidents_dir / folder / "incident.yaml")


def test_rows_asked_for_by_name(gen: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`refresh(only=True)`: only the files named are read in bulk and brought up to date;
    another file's row is fetched by its name, not parsed; nothing else is removed."""
    ws = Workspace(gen)
    with monkeypatch.context() as m:
        counter = Counter(m)
        check(gen, m, counter)
        parsed = counter.calls
        files = sorted(gen.glob("incidents/*/incident.yaml"))
        edited, gone, other = files[0], files[1], files[2]
        edited.write_text(edited.read_text().replace("title: ", "title: Edited ", 1))
        age(gen, edited)
        gone.unlink()
        gone.parent.rmdir()
        statements = traced_sql(m)
        keys = dict(cache.scan_names(ws))
        name = edited.parent.name
        index = reading.index(ws, [(name, keys[name])])
        try:
            selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
            assert [s for s in selects if "FROM files" in s] == [
                f"{cache._BULK_SUMMARIES} WHERE name IN ('{name}')"
            ]
            assert counter.calls == parsed + 1  # the edited file alone
            row = index.row(name, keys[name])
            assert row.ok and "Edited" in (index.data(name, keys[name], row) or "")
            kept = index.row(other.parent.name, keys[other.parent.name])  # by name, not parsed
            assert kept.ok and counter.calls == parsed + 1
        finally:
            index.close()
        db = sqlite3.connect(cache.cache_file(ws))
        names = {n for (n,) in db.execute("SELECT name FROM files")}
        db.close()
        assert gone.parent.name in names  # left alone: a full refresh removes it
    assert check(gen, monkeypatch, Counter(monkeypatch)) == 0
    db = sqlite3.connect(cache.cache_file(ws))
    assert gone.parent.name not in {n for (n,) in db.execute("SELECT name FROM files")}
    db.close()


def test_rows_are_handed_on_while_the_others_are_parsed(
    gen: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cold read hands each file's row on as soon as it is parsed; a reader that stops
    early keeps what was stored (the next read parses only the rest)."""
    ws = Workspace(gen)
    counter = Counter(monkeypatch)
    events: list[str] = []
    real = bulk.analyse_many

    def traced(*args: Any) -> Any:
        for values in real(*args):
            events.append(f"parsed {values[0]}")
            yield values

    monkeypatch.setattr(bulk, "analyse_many", traced)
    for name, _ in reading.facts_named(ws):
        events.append(f"read {name}")
    names = sorted(p.parent.name for p in gen.glob("incidents/*/incident.yaml"))
    assert events == [e for n in names for e in (f"parsed {n}", f"read {n}")]
    assert counter.calls == FILES
    cache.cache_file(ws).unlink()  # cold again, and this time stop after three
    for i, _ in enumerate(reading.facts_named(ws)):
        if i == 2:
            break
    assert counter.calls == FILES + 3
    assert check(gen, monkeypatch, counter) == FILES - 3  # the three were kept


def test_many_rows_are_committed_as_they_are_stored(
    gen: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many files parsed: their rows are committed every `COMMIT_EVERY`, not all at the end;
    the result is the same as a fresh read's."""
    monkeypatch.setattr(cache, "BATCH", 4)
    monkeypatch.setattr(cache, "COMMIT_EVERY", 8)
    statements = traced_sql(monkeypatch)
    counter = Counter(monkeypatch)
    assert check(gen, monkeypatch, counter) == FILES
    commits = [s for s in statements if s.strip().upper() == "COMMIT"]
    assert len(commits) >= FILES // 8
    assert check(gen, monkeypatch, counter) == 0  # all of them were kept
