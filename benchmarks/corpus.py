"""Generate a deterministic corpus of realistic EAS service JSON files for the benchmarks.

    python benchmarks/corpus.py                 # 10,000 files into benchmarks/corpus/
    python benchmarks/corpus.py --count 500 --out /tmp/corpus

The files look like what users deploy with ``eascmd create``: custom-image services from
seeds/004 and the official appendix (reference/eas.md §1.13), with varied metadata, env,
prepare, health checks, storage, autoscaler and rpc settings. About one file in five carries
a finding a user really makes (a reserved port, a zero health-check threshold, a misspelled
key, a port given as a string, a shell command in `command`, a bad requirement string, memory
in GB, a name with capitals), as in a repository that CI checks (issue #12: "about 20% have
findings"), so the benchmark measures the path that builds diagnostics too, not only the
clean path.

The corpus directory is git-ignored; it is regenerated when its manifest differs.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parent
DEFAULT_OUT = ROOT / "corpus"
DEFAULT_COUNT = 10_000
SEED = 20_260_511  # fixed: every run and every machine measures the same files
FINDING_RATE = 0.2  # the share of files with a planted mistake (issue #12)

REGIONS = ("cn-shanghai", "cn-hangzhou", "cn-beijing", "cn-shenzhen", "ap-southeast-1")
# Pullable by default: the VPC registry addresses (reference/eas.md §1.5).
IMAGES = (
    "registry-vpc.{region}.aliyuncs.com/ml-team/{app}:{tag}",
    "eas-registry-vpc.{region}.cr.aliyuncs.com/pai-eas/{app}:{tag}",
)
APPS = ("resnet50", "bert-serving", "ocr", "ranker", "qwen-chat", "whisper", "embedder", "fraud")
COMMANDS = (
    "python /app/server.py",
    "/data/eas/ENV/bin/python /data/eas/app.py",
    "gunicorn -b 0.0.0.0:{port} app:app",
    "uvicorn main:app --host 0.0.0.0 --port {port}",
)
SCRIPTS = (
    "cd /app\npython server.py --port {port}",
    "export MODEL_DIR=/models; python -m serving --port {port}",
)
REQUIREMENTS = (
    "numpy==1.26.4",
    "torch>=2.1,<2.4",
    "transformers==4.41.2",
    "fastapi",
    "uvicorn[standard]>=0.29",
    "absl-py==0.11.0",
    "scikit-learn~=1.4",
)
INSTANCE_TYPES = (
    "ecs.c7.xlarge",
    "ecs.g7.2xlarge",
    "ecs.gn6i-c4g1.xlarge",
    "ml.gu7i.c16m60.1-gu30",
)


def service(rng: random.Random, index: int) -> tuple[dict[str, Any], bool]:
    """One service spec, and whether a mistake was planted in it; index makes names unique,
    rng varies everything else."""
    region = rng.choice(REGIONS)
    app = rng.choice(APPS)
    port = rng.choice((8000, 8001, 5000, 7860, 9000, 8501))
    container: dict[str, Any] = {
        "image": rng.choice(IMAGES).format(region=region, app=app, tag=f"v{rng.randint(1, 40)}"),
        "port": port,
    }
    if rng.random() < 0.8:
        container["command"] = rng.choice(COMMANDS).format(port=port)
    else:
        container["script"] = rng.choice(SCRIPTS).format(port=port)
    if rng.random() < 0.7:
        container["env"] = [
            {"name": name, "value": value}
            for name, value in rng.sample(
                [
                    ("MODEL_DIR", "/models"),
                    ("LOG_LEVEL", "info"),
                    ("WORKERS", str(rng.randint(1, 8))),
                    ("OMP_NUM_THREADS", "4"),
                    ("HF_HOME", "/data_oss/hf"),
                ],
                k=rng.randint(1, 4),
            )
        ]
    if rng.random() < 0.4:
        container["prepare"] = {"pythonRequirements": rng.sample(REQUIREMENTS, k=rng.randint(1, 4))}
    if rng.random() < 0.5:
        container["health_check"] = {
            "http_get": {"path": "/health", "port": port},
            "initial_delay_seconds": rng.choice((3, 10, 30)),
            "period_seconds": 10,
            "timeout_seconds": rng.choice((1, 3)),
            "failure_threshold": 3,
            "success_threshold": 1,
        }
    metadata: dict[str, Any] = {
        "name": f"{app.replace('-', '_')}_{index:05d}",
        "instance": rng.randint(1, 6),
        "cpu": rng.choice((1, 2, 4, 8)),
        "memory": rng.choice((2000, 4096, 8192, 16384)),
    }
    if rng.random() < 0.3:
        metadata["gpu"] = 1
        metadata["cuda"] = rng.choice(("11.2", "11.0", "10.2"))
    if rng.random() < 0.3:
        metadata["rpc"] = {"keepalive": rng.choice((5000, 60000, 600000)), "enable_sigterm": True}
    elif rng.random() < 0.2:
        # The legacy dotted form (reference/eas.md §1.10); never with the nested one, which
        # EAS007 rightly reports as a conflict.
        metadata["rpc.keepalive"] = 70000
    spec: dict[str, Any] = {"metadata": metadata, "containers": [container]}
    if rng.random() < 0.5:
        spec["cloud"] = {"computing": {"instances": [{"type": rng.choice(INSTANCE_TYPES)}]}}
    else:
        metadata["resource"] = f"eas-r-{rng.getrandbits(40):010x}"
    if rng.random() < 0.4:
        spec["storage"] = [
            {
                "mount_path": "/models",
                "oss": {"path": f"oss://ml-models-{region}/{app}/", "readOnly": True},
            }
        ]
    if rng.random() < 0.25:
        spec["autoscaler"] = {"min": 1, "max": rng.randint(2, 10), "strategies": {"qps": 10}}
    mistake = rng.random() < FINDING_RATE
    if mistake:
        _add_finding(rng, spec)
    return spec, mistake


def _add_finding(rng: random.Random, spec: dict[str, Any]) -> None:
    """A mistake users make, one per file (see the module docstring)."""
    container = spec["containers"][0]
    metadata = spec["metadata"]
    mistake = rng.randrange(9)
    if mistake == 0:
        container["port"] = rng.choice((8080, 9090))  # seeds/004: reserved by the EAS engine
    elif mistake == 1:
        container["helth_check"] = container.pop("health_check", {"tcp_socket": {"port": 8000}})
    elif mistake == 2:
        container["port"] = str(container["port"])
    elif mistake == 3:
        container.pop("script", None)
        container["command"] = "cd /app && python server.py"
    elif mistake == 4:
        container["prepare"] = {"pythonRequirements": ["numpy==", "torch>=2.1"]}
    elif mistake == 5:  # a threshold of 0: Kubernetes probes need at least 1
        probe = container.setdefault(
            "health_check", {"tcp_socket": {"port": container["port"]}, "period_seconds": 10}
        )
        probe[rng.choice(("failure_threshold", "success_threshold", "period_seconds"))] = 0
    elif mistake == 6:
        metadata["memory"] = rng.choice((8, 16, 32))  # GB where EAS reads MB
    elif mistake == 7:
        metadata["instances"] = metadata.pop("instance")  # did you mean `instance`?
    else:
        metadata["name"] = metadata["name"].replace("_", "-").title()


class Corpus(NamedTuple):
    paths: list[Path]
    planted: frozenset[Path]  # the files with a planted mistake


def generate(out: Path = DEFAULT_OUT, count: int = DEFAULT_COUNT) -> Corpus:
    """Write ``count`` files into ``out`` (reusing an identical corpus already there)."""
    # Not a *.json name: `deploykit validate benchmarks/corpus` must see only the specs.
    manifest = out / ".manifest"
    wanted = {"seed": SEED, "count": count, "generator": _fingerprint()}
    paths = [out / f"svc_{i:05d}.json" for i in range(count)]
    found = json.loads(manifest.read_text()) if manifest.exists() else {}
    if found.get("corpus") == wanted:
        return Corpus(paths, frozenset(paths[i] for i in found["planted"]))
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    rng = random.Random(SEED)
    planted = []
    for i, path in enumerate(paths):
        spec, mistake = service(rng, i)
        path.write_text(json.dumps(spec, indent=2) + "\n", encoding="utf-8")
        if mistake:
            planted.append(i)
    manifest.write_text(json.dumps({"corpus": wanted, "planted": planted}))
    return Corpus(paths, frozenset(paths[i] for i in planted))


def _fingerprint() -> int:
    # The corpus changes when this generator changes; a stale corpus would skew comparisons.
    return sum(Path(__file__).read_bytes()) % 1_000_003


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    corpus = generate(args.out, args.count)
    print(f"{len(corpus.paths)} files in {args.out}, {len(corpus.planted)} with a planted mistake")


if __name__ == "__main__":
    main()
