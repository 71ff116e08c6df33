"""How fast is ``deploykit validate``? Ratios against baselines measured in the same run.

    python benchmarks/bench_validate.py            # 10,000-file corpus
    python benchmarks/bench_validate.py --quick    # 1,000 files, fewer repeats

(--quick is for trying changes: a tenth of the files and fewer repeats, so its ratios are
noisier; only the full run measures the targets.)

Targets (issue #2, "Speed"):

  (a) cold ``deploykit validate one.json`` ≤ 1.5 × ``python -c "from pydantic import BaseModel"``
  (b) the corpus validated in one process ≤ 3 × a plain read-and-``json.loads`` loop: loop
      against loop, each timed after its imports (json for the baseline; pydantic, the models
      and rules for deploykit, ~0.1 s of start-up that (a) measures). The ratio with those
      imports counted is printed beside it.
  (c) the corpus through the CLI at least 2 × faster than
      ``check-jsonschema --schemafile specs/eas-service.schema.json``
  (d) peak memory (ru_maxrss) of (b) ≤ 150 MB, and ``validate`` never imports httpx/tenacity.

Each measurement runs in a fresh child process (so imports, caches and peak memory are the
measured thing's own); timings are medians of interleaved repeats, because the machine is
shared and noisy. The table goes to stdout and ``benchmarks/out/validate.json``. Exit 1 only
when validate imported a network library (a correctness failure, not a slow run).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import DEFAULT_COUNT, DEFAULT_OUT, ROOT, generate

REPO = ROOT.parent
OUT = ROOT / "out" / "validate.json"
SCHEMA = REPO / "specs" / "eas-service.schema.json"
QUICK_COUNT = 1_000
QUICK_OUT = ROOT / "out" / "quick-corpus"
NETWORK_MODULES = ("httpx", "tenacity", "starlette", "uvicorn")
# The cheapest program that validates anything with pydantic: the floor of target (a).
ONE_MODEL = "from pydantic import BaseModel\nclass M(BaseModel):\n    x: int\nM(x=1)"
TARGETS = {"cold": 1.5, "corpus": 3.0, "check_jsonschema": 0.5, "peak_mb": 150.0}


def child(kind: str, directory: str) -> None:
    """Run inside a child process: time one corpus pass and report it as JSON on stdout."""
    files = sorted(Path(directory).glob("*.json"))
    summary: dict[str, Any] = {"files": len(files)}
    if kind == "loads":
        start = time.perf_counter()
        for path in files:
            json.loads(path.read_text(encoding="utf-8"))
        seconds = time.perf_counter() - start
    else:
        import deploykit.validation as validation_module
        from deploykit.validation import ValidateOptions, validate_paths

        # Loop against loop: the baseline's imports (json) are done before its timer starts,
        # so the EAS checker's are too (pydantic, the models, the rules: what a first EAS
        # file would import). Their cost is start-up, target (a); it is reported beside (b).
        start = time.perf_counter()
        importlib.import_module(validation_module.CHECKERS["eas"])
        summary["setup_seconds"] = time.perf_counter() - start
        start = time.perf_counter()
        report = validate_paths([directory], ValidateOptions())
        seconds = time.perf_counter() - start
        summary.update(
            files=len(report.files),
            errors=report.errors,
            warnings=report.warnings,
            unreadable=report.unreadable,
            imported=sorted(m for m in NETWORK_MODULES if m in sys.modules),
        )
    # Linux reports ru_maxrss in KiB (macOS in bytes; this benchmark targets Linux CI).
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({**summary, "seconds": seconds, "peak_mb": peak_mb}))


def main() -> int:
    parser = argparse.ArgumentParser(description="Benchmark deploykit validate.")
    parser.add_argument("--quick", action="store_true", help="1,000 files, fewer repeats")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0

    count, out = (QUICK_COUNT, QUICK_OUT) if args.quick else (DEFAULT_COUNT, DEFAULT_OUT)
    cold_runs, corpus_runs = (7, 1) if args.quick else (21, 5)
    files = generate(out, count)
    one = _first_clean_file(files)
    deploykit = _script("deploykit")

    print(f"corpus: {len(files)} files in {out.relative_to(REPO)}; machine: {_machine()}")
    results: dict[str, Any] = {"files": len(files), "machine": _machine()}

    # (a) cold start, interleaved so that a burst of load on the shared machine hits both.
    # The floor is what any program that validates with one pydantic model pays: defining a
    # model imports pydantic.fields/types and the plugin loader (importlib.metadata) and
    # builds a validator, none of which the baseline's bare import does.
    pydantic_cmd = [sys.executable, "-c", "from pydantic import BaseModel"]
    floor_cmd = [sys.executable, "-c", ONE_MODEL]
    validate_cmd = [deploykit, "validate", str(one)]
    base, floor, ours = _interleaved(
        cold_runs,
        lambda: _wall(pydantic_cmd),
        lambda: _wall(floor_cmd),
        lambda: _wall(validate_cmd),
    )
    results["cold"] = _row("cold validate one.json", ours, base, "import pydantic")
    results["cold_floor"] = _row("  one pydantic model", floor, base, "import pydantic")

    # (b) the corpus in one process vs read + json.loads, each in a fresh child.
    loads_runs, validate_runs = _interleaved(
        corpus_runs, lambda: _child_run("loads", out), lambda: _child_run("validate", out)
    )
    base_s = [r["seconds"] for r in loads_runs]
    ours_s = [r["seconds"] for r in validate_runs]
    results["corpus"] = _row("corpus, in process", ours_s, base_s, "read + json.loads")
    with_setup = [r["seconds"] + r["setup_seconds"] for r in validate_runs]
    results["corpus_setup"] = _row("  + first-use imports", with_setup, base_s, "read + json.loads")
    last = validate_runs[-1]
    results["peak_mb"] = last["peak_mb"]
    results["findings"] = {k: last[k] for k in ("errors", "warnings", "unreadable")}
    results["network_imports"] = last["imported"]

    # (c) CLI against CLI: both pay their start-up once and read every file.
    checker = shutil.which("check-jsonschema") or _script("check-jsonschema")
    if SCHEMA.exists() and Path(checker).exists() and _checks_files(checker, out, files[:50]):
        names = [p.name for p in files]
        cjs_cmd = [checker, "--schemafile", str(SCHEMA), *names]
        cli_cmd = [deploykit, "validate", ".", "--fail-on", "never"]
        cjs, cli = _interleaved(
            corpus_runs, lambda: _wall(cjs_cmd, cwd=out), lambda: _wall(cli_cmd, cwd=out)
        )
        results["check_jsonschema"] = _row("corpus, CLI", cli, cjs, "check-jsonschema")
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


def _row(label: str, ours: list[float], base: list[float], baseline: str) -> dict[str, Any]:
    ours_m, base_m = statistics.median(ours), statistics.median(base)
    return {
        "label": label,
        "seconds": round(ours_m, 4),
        "baseline": baseline,
        "baseline_seconds": round(base_m, 4),
        "ratio": round(ours_m / base_m, 2),
        "runs": len(ours),
    }


def _print_table(results: dict[str, Any]) -> None:
    """One line per target; `ratio` is always deploykit's time over the baseline's."""
    print()
    print(f"{'measure':<24}{'deploykit':>11}{'baseline':>11}  {'ratio':>6}  verdict")
    references = {
        "cold_floor": "(reference: the floor of the line above)",
        "corpus_setup": "(reference: the line above plus its one-time imports)",
    }
    for key in ("cold", "cold_floor", "corpus", "corpus_setup", "check_jsonschema"):
        row = results.get(key)
        if row is None:
            continue
        if key in references:
            print(
                f"{row['label']:<24}{row['seconds']:>10.3f}s{row['baseline_seconds']:>10.3f}s"
                f"  {row['ratio']:>5.2f}×       {references[key]}"
            )
            continue
        ok = row["ratio"] <= TARGETS[key]
        if key == "check_jsonschema":
            goal = f"{1 / row['ratio']:.1f}× faster than {row['baseline']} (target ≥ 2×)"
        else:
            goal = f"target ≤ {TARGETS[key]}× {row['baseline']}"
        print(
            f"{row['label']:<24}{row['seconds']:>10.3f}s{row['baseline_seconds']:>10.3f}s"
            f"  {row['ratio']:>5.2f}×  {'ok  ' if ok else 'MISS'} {goal}"
        )
    peak = results["peak_mb"]
    verdict = "ok  " if peak <= TARGETS["peak_mb"] else "MISS"
    print(f"{'peak memory (corpus)':<24}{peak:>9.1f}MB{'':>11}  {'':>6}  {verdict} target ≤ 150 MB")
    imported = ", ".join(results["network_imports"]) or "none"
    print(f"network modules imported by validate: {imported}")
    print(f"findings in corpus: {results['findings']}")


def _interleaved(runs: int, *measures: Callable[[], Any]) -> tuple[list[Any], ...]:
    results: tuple[list[Any], ...] = tuple([] for _ in measures)
    for _ in range(runs):
        for measure, found in zip(measures, results, strict=True):
            found.append(measure())
    return results


def _wall(cmd: list[str], cwd: Path | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def _checks_files(checker: str, directory: Path, sample: list[Path]) -> bool:
    """True when check-jsonschema really validated the sample (exit 0: valid, 1: invalid);
    a baseline that fails early on a bad schema would look fast and prove nothing."""
    cmd = [checker, "--schemafile", str(SCHEMA), *(p.name for p in sample)]
    done = subprocess.run(cmd, cwd=directory, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1) or "Traceback" in done.stderr:
        print(f"(c) check-jsonschema did not run: {(done.stderr or done.stdout).strip()[:200]}")
        return False
    return True


def _child_run(kind: str, directory: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(directory)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _first_clean_file(files: list[Path]) -> Path:
    """A file without planted findings: the cold run measures start-up, not diagnostics."""
    for path in files:
        text = path.read_text(encoding="utf-8")
        if "helth_check" not in text and '"port": "' not in text and "&&" not in text:
            return path
    return files[0]


def _script(name: str) -> str:
    # The console script next to this interpreter: the venv's, not whatever is on PATH.
    return str(Path(sys.executable).with_name(name))


def _machine() -> str:
    return f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cpu"


if __name__ == "__main__":
    sys.exit(main())
