"""Every benchmark, one table: each figure beside its limit measured in the same run, the ratio, the goal.

    ./run bench                      # the same as: .venv/bin/python bench/all.py
    .venv/bin/python bench/all.py [--only NAME,...] [--skip NAME,...] [--growth] [--no-write]

Runs each script of ``SCRIPTS`` in its own process, one after another (never two at once: they would
share the two cores and sway each other's figures), with ``--figures FILE``: each script writes its
headline rows (``_common.Figure``) there. Each script seeds its data set once in its own schema of the
benchmark database and reuses it on the next run, so only the first run pays for seeding. A script's
whole output goes to ``var/bench/<name>.log``; a script that fails gets a row saying so, and the rest
still run.

Each script's rows are kept in ``bench/latest.json`` (tracked, so a fresh clone keeps the table's source)
with the day and the commit it ran on, so a
run of some scripts (``--only``, ``--skip``) replaces their rows and keeps the others': on a machine this
slow a path changed since the last full run is measured again alone. Then it prints one table (path,
figure, limit, ratio, goal, met, and which run it comes from) and writes it into README.md's
performance section and docs/performance.md, between the ``bench:table`` markers (``--no-write``:
print only, and keep ``bench/latest.json`` as it was: a trial run). ``--growth`` adds the steps that
take long on two cores (the nightly jobs at a million customers, materialisation of a million plans,
imports of 100,000 customers and 1,000,000 purchases instead of a tenth of that), for the scripts
that have them.

Needs PostgreSQL (``BENCH_DATABASE_URL``, default postgres://postgres@127.0.0.1:5432/peygir_bench); no
other environment: DEBUG=False, the https redirect and collectstatic are handled by ``_common``.
"""

import argparse
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, Figure

# name, the script, the extra arguments of --growth
SCRIPTS = [
    ("calls-due", "calls_due_page.py", []),
    ("materialise", "materialise_followups.py", ["--million"]),
    ("survey", "survey_answers.py", []),
    ("customer-list", "customer_list.py", []),
    ("page-floor", "page_floor.py", []),
    ("silent", "silent_customers.py", ["--growth"]),
    ("dashboards", "dashboards.py", ["--growth"]),
    ("loyalty", "loyalty.py", []),
    ("imports", "imports.py", ["--full"]),
]
LOGS = ROOT / "var" / "bench"
LATEST = ROOT / "bench" / "latest.json"  # each script's last figures: {name: {"figures", "outcome", "commit", "day"}}
BEGIN, END = "<!-- bench:table -->", "<!-- /bench:table -->"
TABLES = [ROOT / "README.md", ROOT / "docs" / "performance.md"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    names = ", ".join(name for name, _script, _growth in SCRIPTS)
    parser.add_argument("--only", default="", help=f"comma-separated names to run ({names})")
    parser.add_argument("--skip", default="", help="comma-separated names not to run")
    parser.add_argument("--growth", action="store_true", help="add the long growth steps (a million customers)")
    parser.add_argument("--no-write", action="store_true", help="print the table, leave README and docs alone")
    parser.add_argument("--table-only", action="store_true", help="run nothing: write the table of the kept figures")
    args = parser.parse_args()
    known = {name for name, _script, _growth in SCRIPTS}
    for option in ("only", "skip"):
        chosen = {name for name in getattr(args, option).split(",") if name}
        if chosen - known:
            parser.error(f"--{option}: unknown {', '.join(sorted(chosen - known))} (known: {names})")
        setattr(args, option, chosen)
    return args


def run(name: str, script: str, extra: list[str], figures_file: Path) -> dict:
    """Run one script, its output shown and kept in var/bench/<name>.log; its figures, and a word on how it went."""
    LOGS.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-u", str(ROOT / "bench" / script), "--figures", str(figures_file), *extra]
    print(f"\n=== {name}: {' '.join(command[2:])}", flush=True)
    started, measured = time.perf_counter(), commit()
    with open(LOGS / f"{name}.log", "w") as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for line in process.stdout:
            sys.stdout.write(line)
            log.write(line)
        code = process.wait()
    minutes = (time.perf_counter() - started) / 60
    rows = json.loads(figures_file.read_text()) if figures_file.exists() and figures_file.stat().st_size else []
    outcome = f"{minutes:.1f} min" if code == 0 else f"failed (exit {code}) after {minutes:.1f} min"
    return {"figures": rows, "outcome": outcome, "commit": measured, "day": datetime.date.today().isoformat()}


def latest() -> dict:
    return json.loads(LATEST.read_text()) if LATEST.exists() else {}


def amount(value: float, unit: str) -> str:
    digits = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
    return f"{value:,.{digits}f} {unit}"


def table(results: dict) -> str:
    lines = ["| path | figure | limit, same run | ratio | goal | met | run |", "|---|---|---|---|---|---|---|"]
    for name, _script, _growth in SCRIPTS:
        if name not in results:
            lines.append(f"| {name} | not run yet | | | | | |")
            continue
        result = results[name]
        run_of = f"{result['day']}, {result['commit']}, {result['outcome']}"
        figures = [Figure(**row) for row in result["figures"]]
        if not figures:
            lines.append(f"| {name} | no figures (see var/bench/{name}.log) | | | | no | {run_of} |")
        for figure in figures:
            limit = f"{amount(figure.limit, figure.unit)} ({figure.limit_label})" if figure.limit else ""
            ratio = f"{figure.ratio:.2f}×" if figure.ratio is not None else ""
            met = {True: "yes", False: "**no**", None: ""}[figure.met]
            lines.append(
                f"| {figure.path} | {amount(figure.value, figure.unit)} | {limit} | {ratio} | {figure.goal} | {met} "
                f"| {run_of} |"
            )
    return "\n".join(lines)


def commit() -> str:
    """HEAD, marked "+changes" when the code measured is not HEAD's (the files this script writes aside)."""
    described = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    ours = [f":!{path.relative_to(ROOT)}" for path in (LATEST, *TABLES)]
    changed = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", *ours],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return (described.stdout.strip() or "unknown") + ("+changes" if changed.stdout.strip() else "")


def write_table(text: str) -> None:
    """Replace what lies between the markers in each file of TABLES (a file without them is left alone)."""
    block = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.DOTALL)
    for path in TABLES:
        content = path.read_text()
        if BEGIN not in content:
            print(f"{path.relative_to(ROOT)} has no {BEGIN} marker: left alone")
            continue
        path.write_text(block.sub(lambda _match: f"{BEGIN}\n{text}\n{END}", content, count=1))
        print(f"table written into {path.relative_to(ROOT)}")


def main() -> None:
    args = parse_args()
    chosen = [
        (name, script, growth if args.growth else [])
        for name, script, growth in SCRIPTS
        if (not args.only or name in args.only) and name not in args.skip and not args.table_only
    ]
    results = latest()
    with tempfile.TemporaryDirectory() as scratch:
        for name, script, extra in chosen:
            results[name] = run(name, script, extra, Path(scratch) / f"{name}.json")
            if not args.no_write:
                LATEST.write_text(json.dumps(results, ensure_ascii=False, indent=1))
    heading = (
        f"`./run bench` on {os.cpu_count()} cores, PostgreSQL, DEBUG=False; the last column says which run each "
        "row comes from (its day, the commit, how long the script took)."
    )
    text = f"{heading}\n\n{table(results)}"
    print(f"\n{text}\n")
    if not args.no_write:
        write_table(text)
    ran = [results[name] for name, _script, _extra in chosen]
    missed = sum(1 for result in ran for row in result["figures"] if row["met"] is False)
    failed = sum(1 for result in ran if result["outcome"].startswith("failed"))
    print(f"this run: {missed} figure(s) missed their goal; {failed} script(s) failed")


if __name__ == "__main__":
    main()
