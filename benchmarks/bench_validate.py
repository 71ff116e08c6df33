"""How fast is ``deploykit validate``? Whole processes, as ratios against floors measured in
the same run (issue #12, "Speed, end to end").

    python benchmarks/bench_validate.py            # 10,000-file corpus
    python benchmarks/bench_validate.py --quick    # 1,000 files, fewer repeats

(--quick is for trying changes: a tenth of the files and fewer repeats, so its ratios are
noisier; only the full run measures the targets.)

Targets:

  (a′) cold ``deploykit validate one.json`` ≤ 1.3 × a whole process that validates the same
       file with one one-field pydantic model (the floor any pydantic validator pays:
       importing pydantic, building a model, validating).
  (b′) ``deploykit validate --format json DIR`` over the corpus (10,000 EAS specs, about one in
       five with findings; benchmarks/corpus.py) ≤ 3 × a whole ``python -c`` process that
       walks the same directory and ``json.loads`` every file.
  peak memory of (b′) ≤ 150 MB, and ``validate`` never imports httpx/tenacity.
  (c), a reference kept from issue #2: the corpus through check-jsonschema with the
       published schema (deploykit should be the faster one).

Every measurement is a fresh child process; timings are medians of interleaved repeats, since
the machine is shared and noisy. Beside each wall-clock ratio is the ratio of CPU time (user +
system) of the same processes, which a burst of load on other cores moves less. deploykit's
modules are byte-compiled first: an installed package ships its ``.pyc`` files, and with
``PYTHONDONTWRITEBYTECODE`` set an editable checkout would otherwise recompile its sources in
every run. The table goes to stdout and ``benchmarks/out/validate.json``. Exit 1 only when
validate imported a network library (a correctness failure, not a slow run).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import DEFAULT_COUNT, DEFAULT_OUT, ROOT, Corpus, generate

REPO = ROOT.parent
OUT = ROOT / "out" / "validate.json"
SCHEMA = REPO / "specs" / "eas-service.schema.json"
QUICK_COUNT = 1_000
QUICK_OUT = ROOT / "out" / "quick-corpus"
NETWORK_MODULES = ("httpx", "tenacity", "starlette", "uvicorn")
# (a′)'s floor: the cheapest program that validates the file with pydantic.
ONE_MODEL = """import json, sys
from pydantic import BaseModel
class Spec(BaseModel):
    metadata: dict
with open(sys.argv[1], "rb") as f:
    Spec.model_validate(json.loads(f.read()))
"""
# (b′)'s floor: walk the directory as `validate` does (hidden entries skipped) and parse.
WALK_AND_LOAD = """import json, os, sys
for root, dirs, files in os.walk(sys.argv[1]):
    dirs[:] = [d for d in dirs if not d.startswith(".")]
    for name in files:
        if name.endswith(".json"):
            with open(os.path.join(root, name), "rb") as f:
                json.loads(f.read())
"""
# Run inside a child: the CLI in process, then which network modules it imported.
IMPORTS_AFTER_VALIDATE = """import io, sys, contextlib
from deploykit.cli.app import main
with contextlib.redirect_stdout(io.StringIO()):
    main(["validate", "--format", "json", "--fail-on", "never", sys.argv[1]])
print(" ".join(m for m in sys.argv[2:] if m in sys.modules))
"""
TARGETS = {"cold": 1.3, "corpus": 3.0, "check_jsonschema": 0.5, "peak_mb": 150.0}


class Run(NamedTuple):
    wall: float
    cpu: float  # user + system seconds of the child
    peak_mb: float  # its ru_maxrss (KiB on Linux)


def main() -> int:
    parser = argparse.ArgumentParser(description="Benchmark deploykit validate.")
    parser.add_argument("--quick", action="store_true", help="1,000 files, fewer repeats")
    args = parser.parse_args()

    count, out = (QUICK_COUNT, QUICK_OUT) if args.quick else (DEFAULT_COUNT, DEFAULT_OUT)
    cold_runs, corpus_runs = (7, 3) if args.quick else (21, 7)
    corpus = generate(out, count)
    compileall.compile_dir(REPO / "deploykit", quiet=1)
    one = _first_clean_file(corpus)
    deploykit = _script("deploykit")

    print(
        f"corpus: {len(corpus.paths)} files in {out.relative_to(REPO)} "
        f"({len(corpus.planted)} with a planted mistake); machine: {_machine()}"
    )
    results: dict[str, Any] = {"files": len(corpus.paths), "machine": _machine()}

    # (a′) interleaved, so that a burst of load on the shared machine hits every command.
    bare, floor, ours = _interleaved(
        cold_runs,
        lambda: _run([sys.executable, "-c", "from pydantic import BaseModel"]),
        lambda: _run([sys.executable, "-c", ONE_MODEL, str(one)]),
        lambda: _run([deploykit, "validate", str(one)]),
    )
    results["cold"] = _row("cold validate one.json", ours, floor, "one pydantic model")
    results["cold_bare"] = _row("  import pydantic", bare, floor, "one pydantic model")

    # (b′) the whole CLI with its JSON report against a whole walk-and-parse process.
    floor_b, ours_b = _interleaved(
        corpus_runs,
        lambda: _run([sys.executable, "-c", WALK_AND_LOAD, str(out)]),
        lambda: _run([deploykit, "validate", "--format", "json", "--fail-on", "never", str(out)]),
    )
    results["corpus"] = _row("corpus --format json", ours_b, floor_b, "walk + json.loads")
    results["peak_mb"] = round(max(r.peak_mb for r in ours_b), 1)
    results["findings"] = _findings(deploykit, out)
    results["network_imports"] = _network_imports(out)

    # (c) the reference of issue #2: CLI against CLI, both reading every file.
    checker = shutil.which("check-jsonschema") or _script("check-jsonschema")
    if SCHEMA.exists() and Path(checker).exists() and _checks_files(checker, out, corpus.paths):
        names = [p.name for p in corpus.paths]
        cjs, cli = _interleaved(
            max(3, corpus_runs // 2),
            lambda: _run([checker, "--schemafile", str(SCHEMA), *names], cwd=out),
            lambda: _run([deploykit, "validate", ".", "--fail-on", "never"], cwd=out),
        )
        results["check_jsonschema"] = _row("corpus, text report", cli, cjs, "check-jsonschema")
    else:
        print(f"(c) skipped: {SCHEMA.relative_to(REPO)} or check-jsonschema is missing")

    _print_table(results)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written: {OUT.relative_to(REPO)}")
    if results["network_imports"]:
        print(f"FAIL: validate imported {', '.join(results['network_imports'])}")
        return 1
    return 0


def _row(label: str, ours: list[Run], base: list[Run], baseline: str) -> dict[str, Any]:
    ours_wall, base_wall = (statistics.median(r.wall for r in runs) for runs in (ours, base))
    ours_cpu, base_cpu = (statistics.median(r.cpu for r in runs) for runs in (ours, base))
    return {
        "label": label,
        "seconds": round(ours_wall, 4),
        "baseline": baseline,
        "baseline_seconds": round(base_wall, 4),
        "ratio": round(ours_wall / base_wall, 2),
        "cpu_ratio": round(ours_cpu / base_cpu, 2),
        "runs": len(ours),
    }


def _print_table(results: dict[str, Any]) -> None:
    """One line per target; `ratio` is always deploykit's time over the baseline's."""
    print()
    print(f"{'measure':<24}{'deploykit':>11}{'baseline':>11}  {'ratio':>6}  {'cpu':>6}  verdict")
    for key in ("cold", "cold_bare", "corpus", "check_jsonschema"):
        row = results.get(key)
        if row is None:
            continue
        if key == "cold_bare":
            verdict = "(reference: what importing pydantic alone costs)"
        elif key == "check_jsonschema":
            verdict = f"(reference: {1 / row['ratio']:.1f}× faster than {row['baseline']})"
        else:
            ok = row["ratio"] <= TARGETS[key]
            verdict = f"{'ok  ' if ok else 'MISS'} target ≤ {TARGETS[key]}× {row['baseline']}"
        print(
            f"{row['label']:<24}{row['seconds']:>10.3f}s{row['baseline_seconds']:>10.3f}s"
            f"  {row['ratio']:>5.2f}×  {row['cpu_ratio']:>5.2f}×  {verdict}"
        )
    peak = results["peak_mb"]
    verdict = "ok  " if peak <= TARGETS["peak_mb"] else "MISS"
    print(f"{'peak memory (corpus)':<24}{peak:>9.1f}MB{'':>29}{verdict} target ≤ 150 MB")
    imported = ", ".join(results["network_imports"]) or "none"
    print(f"network modules imported by validate: {imported}")
    print(f"findings in corpus: {results['findings']}")


def _interleaved(runs: int, *measures: Callable[[], Run]) -> tuple[list[Run], ...]:
    results: tuple[list[Run], ...] = tuple([] for _ in measures)
    for _ in range(runs):
        for measure, found in zip(measures, results, strict=True):
            found.append(measure())
    return results


def _run(cmd: list[str], cwd: Path | None = None) -> Run:
    """Wall time, CPU time and peak memory of one child process (its own rusage)."""
    start = time.perf_counter()
    child = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = 0  # reaped above; keeps Popen from waiting again
    # Linux reports ru_maxrss in KiB (macOS in bytes; this benchmark targets Linux CI).
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def _findings(deploykit: str, directory: Path) -> dict[str, int]:
    done = subprocess.run(
        [deploykit, "validate", "--format", "json", "--fail-on", "never", str(directory)],
        capture_output=True,
        text=True,
        check=True,
    )
    document = json.loads(done.stdout)
    with_findings = sum(1 for f in document["files"] if f["diagnostics"])
    return {**document["summary"], "files_with_findings": with_findings}


def _network_imports(directory: Path) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", IMPORTS_AFTER_VALIDATE, str(directory), *NETWORK_MODULES],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.split()


def _checks_files(checker: str, directory: Path, sample: list[Path]) -> bool:
    """True when check-jsonschema really validated a sample (exit 0: valid, 1: invalid); a
    baseline that fails early on a bad schema would look fast and prove nothing."""
    cmd = [checker, "--schemafile", str(SCHEMA), *(p.name for p in sample[:50])]
    done = subprocess.run(cmd, cwd=directory, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1) or "Traceback" in done.stderr:
        print(f"(c) check-jsonschema did not run: {(done.stderr or done.stdout).strip()[:200]}")
        return False
    return True


def _first_clean_file(corpus: Corpus) -> Path:
    """A file without a planted mistake: the cold run measures start-up, not diagnostics."""
    return next(p for p in corpus.paths if p not in corpus.planted)


def _script(name: str) -> str:
    # The console script next to this interpreter: the venv's, not whatever is on PATH.
    return str(Path(sys.executable).with_name(name))


def _machine() -> str:
    return f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cpu"


if __name__ == "__main__":
    sys.exit(main())
