"""meptool's benchmarks: every figure a ratio to a baseline measured in the same run.

    python bench/run.py [--quick] [--write] [--reps N] [--shape generated|hand-kept]

Start-up commands are compared with `python -c pass` from the same
interpreter; commands over many incidents with the floor of merely parsing
the same files with PyYAML's CSafeLoader in one process. Runs alternate
(baseline, command, baseline, command…) and medians are quoted, because shared
machines are noisy. Commands over many incidents run on two data shapes:
`generate.py`'s and `generate_handkept.py`'s (long timelines, many contacts,
comments and every string style, a few invalid files). Peak memory is the
child's ru_maxrss. `--write` records the table and the machine in
bench/RESULTS.md. Timing lives here only, never in tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate_handkept  # noqa: E402
from generate import generate  # noqa: E402

SHAPES = {
    "generated": (generate, "generate.py"),
    "hand-kept": (generate_handkept.generate, "generate_handkept.py"),
}

PY = sys.executable
NOW = "2026-11-21T09:30:00+01:00"
FLOOR = """
import sys, yaml
from pathlib import Path
for path in sorted(Path(sys.argv[1]).glob("incidents/*/incident.yaml")):
    try:  # a file that is not YAML (the hand-kept shape has a few) stops its parse, not the run
        yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        pass
"""
# What `update draft` cannot do without: the libraries SPEC.md and the issue require.
FLOORS = [
    ("imports alone: typer, jinja2, yaml, pydantic", "import typer, jinja2, yaml, pydantic"),
    (
        "the same, and the incident model built",
        "import typer, jinja2, yaml, pydantic, meptool.model.incident",
    ),
]
# Every library a draft uses, imported, and its two models built: measured between the
# draft's own runs (the two move together with the machine's load). The variable is what
# the CLI sets before any import (cli/__init__.py); Babel's locale data is not loaded.
DRAFT_FLOOR = (
    "every library a draft uses (markdown-it, rapidfuzz, Babel, css-inline, e-mail too), "
    "imported, and its two models built",
    "import os; os.environ.setdefault('PYDANTIC_DISABLE_PLUGINS', '__all__'); "
    "import typer, jinja2, yaml, pydantic, markdown_it, rapidfuzz, babel.dates, "
    "css_inline, email.policy, meptool.model.incident, meptool.model.config",
)
ITER = """
import sys
from meptool.incident.reading import iter_incidents
from meptool.files.workspace import Workspace
n = sum(1 for _ in iter_incidents(Workspace.find(sys.argv[1])))
"""

HEADER = (
    "# Benchmark results\n\n"
    "Produced by `make bench` (`python bench/run.py --write`). Start-up figures are\n"
    "ratios to `python -c pass` from the same interpreter; figures over many\n"
    "incidents are ratios to the floor of merely parsing the same files with\n"
    "PyYAML's CSafeLoader in one process, on two data shapes: `generate.py`'s and\n"
    "`generate_handkept.py`'s (long timelines, many contacts, comments, every string\n"
    "style, one invalid file in 400). Runs alternate with their baseline; medians\n"
    "are quoted; the note gives the same ratio in CPU time (user + system, worker\n"
    "processes included), which the machine's load does not skew. Cold: the cache\n"
    "(`.meptool/cache/`) removed before the run; warm: nothing changed since the\n"
    "previous run; one file changed: a comment added to one file. Peak memory:\n"
    "ru_maxrss of the child process (the largest of it and its workers). `meptool\n"
    "--help` is served from the text kept after its first rendering\n"
    "(`~/.cache/meptool`). `update draft` (warm) runs in a workspace in use (its\n"
    "`.meptool/` kept, the incident restored as shipped); in a fresh copy, nothing\n"
    "is cached yet. Rows marked 'no meptool code' are floors: the libraries `update\n"
    "draft` needs, imported and nothing else.\n\n"
)


def meptool() -> list[str]:
    """The installed console script next to this interpreter (else `python -m meptool`)."""
    script = Path(PY).parent / "meptool"
    return [str(script)] if script.exists() else [PY, "-m", "meptool"]


def env() -> dict[str, str]:
    out = dict(os.environ)
    out.update({"MEPTOOL_NOW": NOW, "NO_COLOR": "1", "COLUMNS": "120"})
    for name in ("MEPTOOL_WORKSPACE", "MEPTOOL_NO_CACHE", "CI"):
        out.pop(name, None)
    return out


@dataclass
class Sample:
    seconds: float
    maxrss_mb: float
    code: int
    cpu: float = 0.0  # user + system seconds of the child and its workers


def measure(cmd: list[str], cwd: Path | None = None) -> Sample:
    """Wall time and peak memory of one run of `cmd` (output discarded)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return Sample(seconds, usage.ru_maxrss / 1024, proc.returncode, cpu)


def available(*words: str) -> bool:
    """Whether this meptool has the command (its --help succeeds)."""
    result = subprocess.run(
        [*meptool(), *words, "--help"], env=env(), capture_output=True, check=False
    )
    return result.returncode == 0


def compile_bytecode(info: dict[str, str]) -> None:
    """Byte-compile meptool's modules, as pip does when it installs a package.

    An editable install under PYTHONDONTWRITEBYTECODE (set on some machines) would
    otherwise recompile every module in every run, which no installed meptool does.
    """
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("meptool")
    if spec is None or not spec.submodule_search_locations:
        return
    for folder in spec.submodule_search_locations:
        compileall.compile_dir(folder, quiet=1)
    info["bytecode"] = "meptool's modules byte-compiled before measuring, as pip does on install"


def dataset(n: int, shape: str = "generated") -> Path:
    """A workspace of `n` incidents of a shape, reused while its generator is unchanged."""
    make, source = SHAPES[shape]
    digest = hashlib.sha256((HERE / source).read_bytes()).hexdigest()[:10]
    prefix = "" if shape == "generated" else "handkept-"
    root = Path(tempfile.gettempdir()) / "meptool-bench" / f"{prefix}{n}-{digest}"
    if not (root / ".complete").exists():
        shutil.rmtree(root, ignore_errors=True)
        print(f"generating {n} {shape} incidents in {root}…", file=sys.stderr)
        make(n, root)
        (root / ".complete").write_text("ok")
        time.sleep(2.1)  # let the newest files age past the cache's "too recent to trust"
    return root


def drop_cache(ws: Path) -> None:
    shutil.rmtree(ws / ".meptool" / "cache", ignore_errors=True)


@dataclass
class Result:
    what: str
    n: str
    ratio: str
    goal: str
    memory: str = ""
    note: str = ""


def ratio(a: list[float], b: list[float]) -> float:
    return statistics.median(a) / statistics.median(b)


def startup(reps: int, results: list[Result], info: dict[str, str]) -> None:
    """Start-up commands against `python -c pass`, alternating."""
    base_cmd = [PY, "-c", "pass"]
    ws = dataset(50)
    example = ROOT / "examples" / "workspace"
    draft_ws = Path(tempfile.mkdtemp(prefix="meptool-draft-"))
    has_draft = available("update", "draft")
    cases: list[tuple[str, list[str], Path | None, str]] = [
        ("`meptool --help`", [*meptool(), "--help"], None, "≤ 6×"),
        ("`meptool --version`", [*meptool(), "--version"], None, "—"),
        ("`meptool incident --help`", [*meptool(), "incident", "--help"], None, "—"),
        (
            "`meptool incident list`, 50 incidents (warm)",
            [*meptool(), "incident", "list"],
            ws,
            "≤ 12×",
        ),
    ]
    measure([*meptool(), "incident", "list"], cwd=ws)  # prime the cache
    measure([*meptool(), "--help"])  # keep the help text, as after any first use
    base: list[float] = []

    def alternate(cmd: list[str], cwd: Path | None = None) -> list[float]:
        """`reps` runs of `cmd`, each after a run of the baseline (kept in `base`)."""
        times: list[float] = []
        for _ in range(reps):
            base.append(measure(base_cmd).seconds)
            times.append(measure(cmd, cwd).seconds)
        return times

    for label, cmd, cwd, goal in cases:
        results.append(Result(label, "", f"{ratio(alternate(cmd, cwd), base):.1f}×", goal))
    if has_draft:
        draft = [*meptool(), "update", "draft", "MEP-2026-001", "--no-input"]
        fresh: list[float] = []
        warm: list[float] = []
        floor: list[float] = []
        for _ in range(reps):
            # a fresh copy: no .meptool/ yet (templates compiled, cache built in this run)
            shutil.rmtree(draft_ws, ignore_errors=True)
            shutil.copytree(example, draft_ws)
            base.append(measure(base_cmd).seconds)
            fresh.append(measure(draft, draft_ws).seconds)
            # the same workspace in use: its .meptool/ kept, the incident as shipped again
            shutil.rmtree(draft_ws / "incidents")
            shutil.copytree(example / "incidents", draft_ws / "incidents")
            base.append(measure(base_cmd).seconds)
            warm.append(measure(draft, draft_ws).seconds)
            base.append(measure(base_cmd).seconds)
            floor.append(measure([PY, "-c", DRAFT_FLOOR[1]]).seconds)
        results.append(
            Result(
                "`meptool update draft`, one incident (warm)",
                "",
                f"{ratio(warm, base):.1f}×",
                "≤ 25×",
            )
        )
        results.append(
            Result(
                "`meptool update draft`, one incident, in a fresh copy",
                "",
                f"{ratio(fresh, base):.1f}×",
                "—",
            )
        )
        results.append(
            Result(
                DRAFT_FLOOR[0],
                "",
                f"{ratio(floor, base):.1f}×",
                "—",
                note=f"no meptool code; the warm draft is {ratio(warm, floor):.2f}× it",
            )
        )
    else:
        results.append(
            Result(
                "`meptool update draft`, one incident",
                "",
                "skipped",
                "≤ 15×",
                note="command not in this build yet",
            )
        )
    for label, code in FLOORS:
        times = alternate([PY, "-c", code])
        results.append(Result(label, "", f"{ratio(times, base):.1f}×", "—", note="no meptool code"))
    shutil.rmtree(draft_ws, ignore_errors=True)
    info["python -c pass (median)"] = f"{statistics.median(base) * 1000:.0f} ms"


def touch_one(ws: Path, rep: int) -> tuple[Path, bytes, tuple[int, int]]:
    """Change one incident file as a person would (a comment added), 10 s ago; returns
    what puts it back."""
    files = sorted((ws / "incidents").iterdir())
    path = files[(rep * 997) % len(files)] / "incident.yaml"
    before = path.read_bytes()
    st = path.stat()
    path.write_bytes(before + f"# relu ({rep})\n".encode())
    when = time.time() - 10
    os.utime(path, (when, when))
    return path, before, (st.st_atime_ns, st.st_mtime_ns)


def _row(label: str, where: str, samples: list[Sample], floors: list[Sample], goal: str) -> Result:
    codes = {s.code for s in samples}
    # exit 1 is `incident validate` finding the invalid files (hand-kept shape)
    note = "" if codes <= {0, 1} else f"exit codes {sorted(codes)}"
    # CPU time (all processes) against the floor's: what the machine's load does not skew
    cpu = ratio([s.cpu for s in samples], [f.cpu for f in floors])
    note = f"CPU {cpu:.3f}×" + (f"; {note}" if note else "")
    return Result(
        label,
        where,
        f"{ratio([s.seconds for s in samples], [f.seconds for f in floors]):.3f}×",
        goal,
        f"{max(s.maxrss_mb for s in samples):.0f} MB",
        note,
    )


def scale(
    sizes: list[int], reps: int, results: list[Result], info: dict[str, str], shapes: list[str]
) -> None:
    """Commands over many incidents against the CSafeLoader parse-only floor, on each shape.

    Each repetition: the floor, `retro report --all` cold (cache removed), warm,
    with one file changed, then `incident list`, `incident validate` and every
    model validated, warm; ratios to the median floor of the same shape and size.
    """
    retro = [*meptool(), "retro", "report", "--all", "--output", "-"]
    warm_cmds: list[tuple[str, list[str], str]] = [
        ("`incident list`, warm", [*meptool(), "incident", "list"], "≤ 0.05×"),
        ("`incident validate`, warm", [*meptool(), "incident", "validate"], "≤ 0.05×"),
        ("every incident validated (`reading.iter_incidents`), warm", [PY, "-c", ITER, "."], "—"),
    ]
    for shape in shapes:
        for n in sizes:
            ws = dataset(n, shape)
            big = n >= 10_000
            floors: list[Sample] = []
            cold: list[Sample] = []
            warm: list[Sample] = []
            changed: list[Sample] = []
            others: dict[str, list[Sample]] = {label: [] for label, _, _ in warm_cmds}
            measure(retro, ws)  # the cache as this meptool writes it
            for rep in range(reps):
                floors.append(measure([PY, "-c", FLOOR, str(ws)]))
                drop_cache(ws)
                cold.append(measure(retro, ws))
                warm.append(measure(retro, ws))
                path, before, stamp = touch_one(ws, rep)
                try:
                    changed.append(measure(retro, ws))
                finally:
                    path.write_bytes(before)
                    os.utime(path, ns=stamp)
                measure(retro, ws)  # the file put back: cached again
                for label, cmd, _ in warm_cmds:
                    others[label].append(measure(cmd, ws))
            where = f"{n:,} {shape}"

            figures = [
                ("`retro report --all`, cold", cold, "≤ 0.5×"),
                ("`retro report --all`, warm", warm, "≤ 0.08×"),
                ("`retro report --all`, one file changed", changed, "≤ 0.1×"),
                *[(label, others[label], goal) for label, _, goal in warm_cmds],
            ]
            for label, samples, goal in figures:
                results.append(_row(label, where, samples, floors, goal if big else "—"))
            floor = statistics.median(f.seconds for f in floors)
            floor_cpu = statistics.median(f.cpu for f in floors)
            info[f"CSafeLoader floor, {where} (median)"] = f"{floor:.2f} s ({floor_cpu:.2f} s CPU)"
            size = sum(p.stat().st_size for p in (ws / "incidents").glob("*/incident.yaml"))
            info[f"data, {where}"] = f"{size / 1e6:.0f} MB of YAML"


def one_changed(ws: Path) -> Path:
    """An incident whose title the one-changed runs toggle (a fact every page of it shows)."""
    return sorted((ws / "incidents").glob("*/incident.yaml"))[
        len(list((ws / "incidents").glob("*"))) // 2
    ]


def toggle(path: Path) -> None:
    """Add " (bis)" to the incident's title, or take it away (the title may be quoted)."""
    import json

    import yaml

    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith("title:"):
            title = yaml.safe_load(line)["title"]
            title = title[: -len(" (bis)")] if title.endswith(" (bis)") else f"{title} (bis)"
            lines[i] = f"title: {json.dumps(title, ensure_ascii=False)}\n"
            break
    path.write_text("".join(lines), encoding="utf-8")
    time.sleep(2.1)  # past the cache's "too recent to trust", as an edit a while before the build


def portal(sizes: list[int], reps: int, results: list[Result], info: dict[str, str]) -> None:
    """`portal build`: cold (no cache, no site), warm (nothing changed), one incident changed."""
    if not available("portal", "build"):
        results.append(Result("`portal build`", "", "skipped", "", note="not in this build yet"))
        return
    cmd = [*meptool(), "portal", "build"]
    asides: list[Path] = []  # deleted after every size's runs (see below)
    for n in sizes:
        ws = dataset(n)
        changed = one_changed(ws)
        floors: list[Sample] = []
        runs: dict[str, list[Sample]] = {"cold": [], "warm": [], "one incident changed": []}
        parts: list[dict[str, float]] = []
        # The site of the run before is moved aside, not deleted, until the end: on this
        # machine's filesystem (ext4 without a journal) creating files just after deleting
        # as many costs the kernel ~0.3 ms a file (it skips recently freed inodes), a cost
        # of the benchmark's own clean-up that a build in a fresh clone does not pay.
        aside = Path(tempfile.gettempdir()) / "meptool-bench" / f"old-sites-{ws.name}"
        for i in range(reps):
            floors.append(measure([PY, "-c", FLOOR, str(ws)]))
            drop_cache(ws)
            if (ws / "portal").exists():
                aside.mkdir(parents=True, exist_ok=True)
                (ws / "portal").rename(aside / f"{i}-{time.time_ns()}")
            runs["cold"].append(measure(cmd, ws))
            parts.append(portal_parts(ws, aside))
            floors.append(measure([PY, "-c", FLOOR, str(ws)]))
            runs["warm"].append(measure(cmd, ws))
            toggle(changed)
            floors.append(measure([PY, "-c", FLOOR, str(ws)]))
            runs["one incident changed"].append(measure(cmd, ws))
        asides.append(aside)
        goals = {"cold": "≤ 1.0×", "warm": "≤ 0.15×", "one incident changed": "≤ 0.2×"}
        for label, samples in runs.items():
            codes = {s.code for s in samples}
            note = "" if codes == {0} else f"exit codes {sorted(codes)}"
            cpu = ratio([s.cpu for s in samples], [f.cpu for f in floors])
            results.append(
                Result(
                    f"`portal build`, {label}",
                    f"{n:,}",
                    f"{ratio([s.seconds for s in samples], [f.seconds for f in floors]):.2f}×",
                    goals[label] if n >= 10_000 else "—",
                    f"{max(s.maxrss_mb for s in samples):.0f} MB",
                    f"CPU {cpu:.2f}×" + (f"; {note}" if note else ""),
                )
            )
        floor = statistics.median(f.seconds for f in floors)
        floor_cpu = statistics.median(f.cpu for f in floors)
        render = statistics.median(p["render"] for p in parts) / floor_cpu
        write = statistics.median(p["write"] for p in parts) / floor_cpu
        results.append(
            Result(
                "`portal build`, cold: its incident pages rendered, alone",
                f"{n:,}",
                f"CPU {render:.2f}×",
                "—",
                note="the portal's template in Jinja's sandbox, contexts made beforehand",
            )
        )
        results.append(
            Result(
                "`portal build`, cold: its files written, alone",
                f"{n:,}",
                f"CPU {write:.2f}×",
                "—",
                note="the same bytes into a fresh folder, by the build's own writer",
            )
        )
        info[f"CSafeLoader floor, {n:,} files (median, portal runs)"] = (
            f"{floor:.2f} s ({floor_cpu:.2f} s CPU)"
        )
    for aside in asides:
        shutil.rmtree(aside, ignore_errors=True)


def portal_parts(ws: Path, aside: Path) -> dict[str, float]:
    """CPU seconds of what a cold build cannot skip, each alone (`bench/portal_parts.py`)."""
    found = subprocess.run(
        [PY, str(HERE / "portal_parts.py"), str(ws), str(aside / "parts")],
        env=env(),
        capture_output=True,
        text=True,
        check=True,
    )
    parts: dict[str, float] = json.loads(found.stdout)
    return parts


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    from importlib.metadata import version

    libs = ", ".join(f"{p} {version(p)}" for p in ("typer", "pydantic", "PyYAML"))
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{cpu}, {cores} cores usable, {platform.system()} {platform.release()}",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "libraries": libs,
        "load average at start": load,
    }


def table(results: list[Result]) -> str:
    lines = [
        "| what | incidents | ratio | goal | peak memory | note |",
        "|---|---:|---:|---|---:|---|",
    ]
    for r in results:
        lines.append(f"| {r.what} | {r.n} | {r.ratio} | {r.goal} | {r.memory} | {r.note} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, 1,000 incidents only")
    parser.add_argument("--write", action="store_true", help="record in bench/RESULTS.md")
    parser.add_argument("--reps", type=int, default=None, help="runs per figure")
    parser.add_argument("--only", choices=["portal"], help="only these figures")
    parser.add_argument(
        "--shape", choices=sorted(SHAPES), action="append", help="data shape (default: both)"
    )
    parser.add_argument("--no-startup", action="store_true", help="only commands over many files")
    parser.add_argument("--no-scale", action="store_true", help="only start-up commands")
    parser.add_argument("--no-portal", action="store_true", help="leave `portal build` out")
    parser.add_argument("--sizes", type=int, nargs="+", help="incidents (default: 1000 10000)")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md", help="with --write")
    args = parser.parse_args(argv)
    if args.only and args.write:
        parser.error("--write records the whole table: drop --only")
    info = machine()
    results: list[Result] = []
    startup_reps = args.reps or (5 if args.quick else 15)
    scale_reps = args.reps or (1 if args.quick else 3)
    info["runs per figure"] = f"{startup_reps} (start-up), {scale_reps} (many incidents)"
    compile_bytecode(info)
    sizes = args.sizes or ([1_000] if args.quick else [1_000, 10_000])
    if args.only != "portal":
        if not args.no_startup:
            startup(startup_reps, results, info)
        if not args.no_scale:
            scale(sizes, scale_reps, results, info, args.shape or list(SHAPES))
    if not args.no_scale and not args.no_portal:  # `--no-scale`: the start-up figures only
        portal(sizes, scale_reps, results, info)
    text = table(results)
    facts = "\n".join(f"- {k}: {v}" for k, v in info.items())
    print(text)
    print()
    print(facts)
    if args.write:
        args.out.write_text(
            HEADER + text + "\n\n## Machine\n\n" + facts + "\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
