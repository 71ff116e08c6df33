"""Benchmark ModelArts ``create`` against the emulator: concurrency under latency, and safety
under faults (issue #9 §5).

    .venv/bin/python benchmarks/bench_modelarts.py            # both scenarios, the issue's sizes
    .venv/bin/python benchmarks/bench_modelarts.py --json     # one JSON document

Each ``create`` is what ``deploykit create --platform modelarts --no-wait`` does, through the
library call the CLI makes (``ModelArtsClient.create``): is the service name free (list by
name), does the model version exist (list by name and version), import it, read it until it
is published, deploy the service — :data:`CALLS_PER_CREATE` calls, none of them skippable.
Five run at a time on threads sharing one client, over the emulator's in-process transport,
which sleeps the added latency per call like a network. The emulator publishes a model at
once (``Timings(accept=0)``), so what is measured is deploykit, not the cloud's build time.

1. Latency: 20 models and services, 50 ms per call, 5 at a time. The ideal is
   ``CALLS_PER_CREATE × 20 × 0.05 / 5`` = 1.0 s; the target is within 1.3× of it.
2. Faults: 20 models and services with 15% 5xx, 10% throttling, 5% dropped connections and
   10% lost create responses. Passes with exactly one model and one service per name, no
   duplicate create refused (``ModelArts.3002``/``3503``: a duplicate never even reached the
   API) and no create failed (the CLI's exit 0); retries and time are reported.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from deploykit.clients._retry import RetryPolicy
from deploykit.clients.huawei.deployment import deployment
from deploykit.clients.huawei.modelarts import ModelArtsClient
from deploykit.emulator import EmulatorSettings, Faults, Timings
from deploykit.emulator.modelarts import (
    DEFAULT_ACCESS_KEY_ID,
    DEFAULT_PROJECT_ID,
    DEFAULT_SECRET_ACCESS_KEY,
    ModelArtsEmulator,
)
from deploykit.errors import DeployKitError
from deploykit.platforms import Target, connect

CONFIG = Path(__file__).parent.parent / "examples" / "modelarts" / "config.json"
IMAGE = "swr.cn-north-4.myhuaweicloud.com/deploykit/echo:1.0"
CALLS_PER_CREATE = 5  # list services, list models, import, show model, deploy
# Models publish at once and services are up at once: the time measured is deploykit's.
INSTANT = Timings(accept=0.0, per_instance=0.0)
DUPLICATE_CODES = frozenset({"ModelArts.3002", "ModelArts.3503"})
ENV = {
    "HUAWEICLOUD_SDK_AK": DEFAULT_ACCESS_KEY_ID,
    "HUAWEICLOUD_SDK_SK": DEFAULT_SECRET_ACCESS_KEY,
    "HUAWEICLOUD_SDK_PROJECT_ID": DEFAULT_PROJECT_ID,
    "DEPLOYKIT_CONFIG": "/nonexistent/deploykit.ini",
    "HUAWEICLOUD_SDK_CREDENTIALS_FILE": "/nonexistent/credentials",
}


class Observed(httpx.BaseTransport):
    """The emulator's transport, counting calls and the duplicates it refused."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self._inner = inner
        self._lock = threading.Lock()
        self.calls = 0
        self.refused_duplicates = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.calls += 1
        response = self._inner.handle_request(request)
        if response.status_code == 409 and response.read() and (
            response.json().get("error_code") in DUPLICATE_CODES
        ):
            with self._lock:
                self.refused_duplicates += 1
        return response


def run_creates(emulator: ModelArtsEmulator, names: list[str], concurrency: int) -> dict[str, Any]:
    """Create every name, ``concurrency`` at a time; what happened, and how long it took."""
    transport = Observed(emulator.mock_transport())
    client = connect(Target("modelarts", endpoint="https://modelarts.cn-north-4.myhuaweicloud.com"),
                     env=ENV, transport=transport, policy=RetryPolicy())
    assert isinstance(client, ModelArtsClient)
    config = json.loads(CONFIG.read_text())

    def create(name: str) -> str | None:
        spec = deployment(config, path=str(CONFIG), name=name, source_location=IMAGE)
        try:
            client.create(spec)
        except DeployKitError as err:
            return f"{name}: {err}"
        return None

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        failed = [error for error in pool.map(create, names) if error]
    elapsed = time.perf_counter() - started
    calls, injected = transport.calls, emulator.injected_faults
    models = client.send("ListModels", "GET", client.path("models")).body["models"]
    services = list(client.list_services())
    return {
        "elapsed_s": round(elapsed, 3),
        "calls": calls,
        "failed": failed,
        "retries": client.stats.retries,
        "retry_wait_s": round(client.stats.waited, 3),
        "injected": injected,
        "refused_duplicates": transport.refused_duplicates,
        "models": Counter(f"{m['model_name']} {m['model_version']}" for m in models),
        "services": Counter(s["service_name"] for s in services),
    }


def exactly_once(result: dict[str, Any], names: list[str]) -> bool:
    return (sorted(result["models"]) == sorted(f"{n} 1.0.0" for n in names)
            and sorted(result["services"]) == sorted(names)
            and set(result["models"].values()) == set(result["services"].values()) == {1})


def latency(count: int, concurrency: int, seconds: float) -> dict[str, Any]:
    names = [f"bench{i:03d}" for i in range(count)]
    emulator = ModelArtsEmulator(EmulatorSettings(latency=seconds), timings=INSTANT)
    result = run_creates(emulator, names, concurrency)
    emulator.close()
    ideal = CALLS_PER_CREATE * count * seconds / concurrency
    ratio = result["elapsed_s"] / ideal
    return {
        "creates": count, "concurrency": concurrency, "latency_s": seconds,
        "ideal_s": round(ideal, 3), "ratio": round(ratio, 3), "target_ratio": 1.3,
        **{k: result[k] for k in ("elapsed_s", "calls", "failed")},
        "pass": ratio <= 1.3 and not result["failed"] and exactly_once(result, names),
    }


def faults(count: int, concurrency: int, seed: int) -> dict[str, Any]:
    names = [f"faulty{i:03d}" for i in range(count)]
    mix = Faults(error_5xx=0.15, throttle=0.10, drop=0.05, lost_create_response=0.10, seed=seed)
    emulator = ModelArtsEmulator(EmulatorSettings(faults=mix), timings=INSTANT)
    result = run_creates(emulator, names, concurrency)
    emulator.close()
    once = exactly_once(result, names)
    return {
        "creates": count, "concurrency": concurrency,
        "faults": "15% 5xx, 10% throttling, 5% dropped, 10% lost create responses",
        **{k: result[k] for k in ("elapsed_s", "calls", "retries", "retry_wait_s", "injected",
                                  "refused_duplicates", "failed")},
        "one_model_and_service_per_name": once,
        "pass": once and not result["refused_duplicates"] and not result["failed"],
    }


# The sizes, each overridable on the command line (--creates 40, …).
DEFAULTS = {"creates": 20, "concurrency": 5, "latency": 0.05, "seed": 2026}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name, default in DEFAULTS.items():
        parser.add_argument(f"--{name}", type=type(default), default=default)
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    given = vars(parser.parse_args(argv))
    report = {
        "latency": latency(given["creates"], given["concurrency"], given["latency"]),
        "faults": faults(given["creates"], given["concurrency"], given["seed"]),
    }
    lines = [json.dumps(report, indent=2)] if given["json"] else summary(report)
    print("\n".join(lines))
    return 0 if all(part["pass"] for part in report.values()) else 1


def summary(report: dict[str, dict[str, Any]]) -> list[str]:
    fast, safe = report["latency"], report["faults"]
    verdict = {True: "PASS", False: "FAIL"}
    return [
        f"create {fast['creates']} models+services, {fast['concurrency']} at a time, "
        f"{fast['latency_s'] * 1000:.0f} ms/call: {fast['elapsed_s']:.2f} s for "
        f"{fast['calls']} calls (ideal {fast['ideal_s']:.2f} s, {fast['ratio']:.2f}x; "
        f"target <= 1.3x) {verdict[fast['pass']]}",
        f"create {safe['creates']} models+services under faults ({safe['faults']}): "
        f"{safe['elapsed_s']:.2f} s, {safe['calls']} calls, faults injected "
        f"{safe['injected']}, {safe['retries']} retries ({safe['retry_wait_s']:.1f} s "
        f"waiting), one model and one service per name: "
        f"{safe['one_model_and_service_per_name']}, duplicates refused: "
        f"{safe['refused_duplicates']}, failed: {len(safe['failed'])} {verdict[safe['pass']]}",
    ]


if __name__ == "__main__":
    sys.exit(main())
