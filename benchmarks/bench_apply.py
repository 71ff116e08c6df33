"""Benchmark ``apply`` against the emulator: throughput under latency, safety under faults.

    .venv/bin/python benchmarks/bench_apply.py            # both scenarios, the issue's sizes
    .venv/bin/python benchmarks/bench_apply.py --json     # one JSON document

1. Throughput: 200 services, ``--concurrency 20``, 50 ms added latency per API call. ``apply``
   of a new service makes 2 calls (DescribeService → not found, CreateService), so the ideal
   is ``2 × 200 × 0.05 / 20`` = 1.0 s; the target is within 1.3× of it (issue #5).
2. Faults: 100 services with 20% 5xx, 10% throttling, 5% dropped connections and 5% lost
   create responses. The target: exactly 100 services, none duplicated, every apply OK; the
   retry count and the time spent are reported.

Both run the library function the CLI's ``apply`` calls (``deploykit.deploy.apply.apply_many``)
over the emulator's in-process transport, which sleeps the latency per call like a network.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from typing import Any

from pydantic import SecretStr

from deploykit.clients._http import build_client
from deploykit.clients._retry import RetryPolicy
from deploykit.clients.alibaba._signer import Acs3Auth
from deploykit.clients.alibaba.eas import EasClient, regional_host
from deploykit.deploy.apply import SpecToApply, apply_many
from deploykit.emulator import DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Emulator, Faults

REGION = "cn-shanghai"
CALLS_PER_NEW_SERVICE = 2  # DescribeService (not found) + CreateService


def service_spec(name: str) -> dict[str, Any]:
    """A custom-image service as users write it (reference/eas.md §1.2, §1.5)."""
    return {
        "metadata": {"name": name, "instance": 1, "cpu": 2, "memory": 4000},
        "containers": [
            {
                "image": "registry-vpc.cn-shanghai.aliyuncs.com/deploykit/echo:1.0",
                "command": "python app.py",
                "port": 8000,
            }
        ],
    }


def specs(count: int) -> list[SpecToApply]:
    names = [f"bench_svc_{i:04d}" for i in range(count)]
    return [SpecToApply(f"{n}.json", n, service_spec(n)) for n in names]


def client_for(emulator: Emulator, concurrency: int, policy: RetryPolicy) -> EasClient:
    auth = Acs3Auth(DEFAULT_ACCESS_KEY_ID, SecretStr(DEFAULT_ACCESS_KEY_SECRET))
    http = build_client(f"https://{regional_host(REGION)}", auth=auth,
                        transport=emulator.mock_transport())
    return EasClient(http, REGION, policy=policy)


def throughput(services: int, concurrency: int, latency: float) -> dict[str, Any]:
    emulator = Emulator(latency=latency, region=REGION)
    client = client_for(emulator, concurrency, RetryPolicy())
    started = time.perf_counter()
    outcomes = apply_many(client, specs(services), concurrency=concurrency)
    elapsed = time.perf_counter() - started
    ideal = CALLS_PER_NEW_SERVICE * services * latency / concurrency
    emulator.close()
    return {
        "services": services,
        "concurrency": concurrency,
        "latency_s": latency,
        "elapsed_s": round(elapsed, 3),
        "ideal_s": round(ideal, 3),
        "ratio": round(elapsed / ideal, 3),
        "target_ratio": 1.3,
        "all_ok": all(o.ok for o in outcomes),
        "pass": elapsed <= 1.3 * ideal and all(o.ok for o in outcomes),
    }


def under_faults(services: int, concurrency: int, seed: int) -> dict[str, Any]:
    faults = Faults(error_5xx=0.20, throttle=0.10, drop=0.05, lost_create_response=0.05,
                    seed=seed)
    emulator = Emulator(faults=faults, region=REGION)
    client = client_for(emulator, concurrency, RetryPolicy())
    started = time.perf_counter()
    outcomes = apply_many(client, specs(services), concurrency=concurrency)
    elapsed = time.perf_counter() - started
    injected = emulator.injected_faults  # before listing: the listing meets faults too
    names = [s["ServiceName"] for s in client.list_services()]
    emulator.close()
    duplicates = sum(n - 1 for n in Counter(names).values() if n > 1)
    failed = [str(o.error) for o in outcomes if not o.ok]
    return {
        "services": services,
        "concurrency": concurrency,
        "faults": "20% 5xx, 10% throttling, 5% dropped, 5% lost create responses",
        "elapsed_s": round(elapsed, 3),
        "injected": injected,
        "retries": client.stats.retries,
        "retry_wait_s": round(client.stats.waited, 3),
        "resolved_by_describe": sum(o.resolved_by_describe for o in outcomes),
        "services_found": len(set(names)),
        "duplicates": duplicates,
        "failed": failed,
        "pass": len(set(names)) == services and duplicates == 0 and not failed,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--fault-services", type=int, default=100)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    results = {
        "throughput": throughput(args.services, args.concurrency, args.latency),
        "faults": under_faults(args.fault_services, args.concurrency, args.seed),
    }
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        t, f = results["throughput"], results["faults"]
        print(f"apply {t['services']} services, concurrency {t['concurrency']}, "
              f"{t['latency_s'] * 1000:.0f} ms/call: {t['elapsed_s']:.2f} s "
              f"(ideal {t['ideal_s']:.2f} s, {t['ratio']:.2f}x; target <= 1.3x) "
              f"{'PASS' if t['pass'] else 'FAIL'}")
        print(f"apply {f['services']} services under faults ({f['faults']}): "
              f"{f['elapsed_s']:.2f} s, {sum(f['injected'].values())} faults injected "
              f"{f['injected']}, {f['retries']} retries ({f['retry_wait_s']:.1f} s "
              f"waiting), {f['resolved_by_describe']} lost creates resolved by describe, "
              f"{f['services_found']} services, {f['duplicates']} duplicates, "
              f"{len(f['failed'])} failed {'PASS' if f['pass'] else 'FAIL'}")
    return 0 if all(r["pass"] for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
