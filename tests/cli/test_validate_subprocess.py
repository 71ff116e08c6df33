"""Real runs of the installed ``deploykit`` console script: what users and CI actually call."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

DEPLOYKIT = str(Path(sys.executable).with_name("deploykit"))
VALID = {
    "metadata": {"name": "image_test", "instance": 1, "cpu": 1, "memory": 4096},
    "containers": [
        {
            "image": "registry-vpc.cn-shanghai.aliyuncs.com/ml-team/resnet50:v3",
            "command": "/data/eas/ENV/bin/python /data/eas/app.py",
            "port": 8000,
        }
    ],
}
NETWORK_MODULES = ("httpx", "tenacity", "starlette", "uvicorn")


def deploykit(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [DEPLOYKIT, *args], input=stdin, capture_output=True, text=True, timeout=60, check=False
    )


def test_a_valid_spec_exits_0(tmp_path: Path) -> None:
    path = tmp_path / "service.json"
    path.write_text(json.dumps(VALID, indent=2))
    done = deploykit("validate", str(path))
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        "checked 1 file: 0 errors, 0 warnings\n",
        "",
    )


def test_stdin_json_report(tmp_path: Path) -> None:
    spec = json.loads(json.dumps(VALID))
    spec["metadata"]["instance"] = "2"  # a quoted number: reported, never coerced
    done = deploykit(
        "validate", "-", "--stdin-filename", "svc.json", "--format", "json", stdin=json.dumps(spec)
    )
    assert done.returncode == 1
    (file,) = json.loads(done.stdout)["files"]
    assert file["path"] == "svc.json"
    assert file["diagnostics"][0]["pointer"] == "/metadata/instance"


def test_bad_input_is_one_line_exit_2_never_a_traceback(tmp_path: Path) -> None:
    binary = tmp_path / "model.json"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    done = deploykit("validate", str(binary), str(tmp_path / "missing.yaml"))
    assert done.returncode == 2
    assert "Traceback" not in done.stdout + done.stderr
    # Each unreadable file is one DK001 line with its cause, then its fix; both are reported.
    causes = [line for line in done.stdout.splitlines() if " error DK001 " in line]
    assert len(causes) == 2
    assert "file is binary" in causes[0] and "no such file" in causes[1]


def test_validate_loads_no_network_library(tmp_path: Path) -> None:
    # ARCHITECTURE.md rule 5: validate never imports httpx or tenacity (nor the emulator's
    # starlette/uvicorn); measured in a fresh interpreter, after a full validate run.
    path = tmp_path / "service.json"
    path.write_text(json.dumps(VALID))
    probe = (
        "import sys\n"
        "from deploykit.cli.app import main\n"
        f"code = main(['validate', {str(path)!r}, '--format', 'sarif'])\n"
        f"print(code, sorted(m for m in sys.modules if m.split('.')[0] in {NETWORK_MODULES!r}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.splitlines()[-1] == "0 []"
