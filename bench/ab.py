"""This meptool against an earlier commit's, on the same files, in one run.

    python bench/ab.py BASE_COMMIT [--shape generated|hand-kept] [--reps N] [--n 10000]

The earlier commit's `src/` and `templates/` are extracted (git archive),
byte-compiled and run by this interpreter with them first on `sys.path`; each
repetition runs the CSafeLoader floor, then `retro report --all` cold and
`incident list` warm (piped, and `--json`) with the earlier code and with this
one, alternating. Each has its own copy of the workspace (the cache of one would
be rebuilt by the other). Printed: medians of wall and CPU time (the child and its workers), and
each as a ratio to the floor. A shared machine's load moves every figure; the
two versions, measured side by side, move together.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="the earlier commit")
    parser.add_argument("--shape", choices=sorted(run.SHAPES), default="generated")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--n", type=int, default=10_000)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="meptool-ab-"))
    archive = subprocess.run(
        ["git", "-C", str(HERE.parent), "archive", args.base, "src", "templates"],
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(scratch)], input=archive, check=True)
    subprocess.run([run.PY, "-m", "compileall", "-q", str(scratch / "src")], check=True)
    run.compile_bytecode({})
    source = run.dataset(args.n, args.shape)
    spaces = {}
    for who in ("base", "this"):
        ws = scratch / f"ws-{who}"
        shutil.copytree(source, ws, ignore=shutil.ignore_patterns(".meptool", "portal"))
        spaces[who] = ws
    paths = {"base": str(scratch / "src"), "this": ""}
    cmds = {
        "cold": [*run.meptool(), "retro", "report", "--all", "--output", "-"],
        "list": [*run.meptool(), "incident", "list"],
        "list --json": [*run.meptool(), "incident", "list", "--json"],
    }
    got: dict[tuple[str, str], list[run.Sample]] = {}
    floors: list[run.Sample] = []
    real_env = run.env

    def env_for(who: str) -> dict[str, str]:
        out = real_env()
        out.pop("PYTHONPATH", None)
        if paths[who]:
            out["PYTHONPATH"] = paths[who]
        return out

    for who in ("base", "this"):  # the cache as each writes it
        run.env = lambda who=who: env_for(who)  # type: ignore[misc]
        run.measure(cmds["cold"], spaces[who])
    for _ in range(args.reps):
        run.env = real_env
        floors.append(run.measure([run.PY, "-c", run.FLOOR, str(source)]))
        for what, cmd in cmds.items():
            for who in ("base", "this"):
                run.env = lambda who=who: env_for(who)  # type: ignore[misc]
                if what == "cold":
                    run.drop_cache(spaces[who])
                got.setdefault((what, who), []).append(run.measure(cmd, spaces[who]))
    run.env = real_env
    wall = statistics.median(f.seconds for f in floors)
    cpu = statistics.median(f.cpu for f in floors)
    print(f"floor: {wall:.2f} s wall, {cpu:.2f} s CPU; load {os.getloadavg()[0]:.2f}")
    for (what, who), samples in got.items():
        w = statistics.median(s.seconds for s in samples)
        c = statistics.median(s.cpu for s in samples)
        codes = sorted({s.code for s in samples})
        print(
            f"{what:12} {who:5} {w:7.2f} s ({w / wall:.3f}x)  CPU {c:7.2f} s ({c / cpu:.3f}x)"
            f"  exit {codes}"
        )
    shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
