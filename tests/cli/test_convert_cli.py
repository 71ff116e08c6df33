"""Acceptance tests of ``deploykit convert``: inputs in tmp_path, the CLI run in-process, the
exit code and both streams asserted. Exit codes (PRODUCT.md): 0 converted, 1 an error-level
conflict or a loss with --fail-on-loss (and then nothing is written), 2 unreadable input,
an existing OUTPUT without --force, or a bad option."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from spec_kit import EXAMPLES, eas_service, example

from deploykit.cli.app import main

MODELARTS = EXAMPLES / "modelarts" / "config.json"  # an Image model on 8080
ACR_IMAGE = "registry-vpc.cn-shanghai.aliyuncs.com/ml-team/echo:v1"


def eas_spec() -> Any:
    """The example service, with the private-registry credential of seeds/004's console
    example: it must never show."""
    spec = eas_service()
    spec["dockerAuth"] = example("eas/seed-console-harbor.json")["dockerAuth"]
    return spec


DOCKER_AUTH = eas_spec()["dockerAuth"]
TO_EAS = [
    "--to",
    "eas",
    "--port",
    "8000",
    "--name",
    "echo",
    "--image",
    ACR_IMAGE,
    "--command",
    "python app.py",
]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def eas_file(tmp_path: Path) -> Path:
    path = tmp_path / "service.json"
    path.write_text(json.dumps(eas_spec(), indent=2), encoding="utf-8")
    return path


def test_converted_json_on_stdout_and_the_loss_report_on_stderr(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "convert", str(MODELARTS), *TO_EAS)

    assert code == 0
    converted = json.loads(out)
    assert converted["containers"][0] == {
        "image": ACR_IMAGE,
        "command": "python app.py",
        "port": 8000,
        "health_check": {
            "http_get": {"path": "/health", "port": 8000},
            "initial_delay_seconds": 12,
            "timeout_seconds": 30,
            "period_seconds": 5,
            "failure_threshold": 12,
        },
    }
    assert f"{MODELARTS}:6:13: warning CNV001 apis has no counterpart" in err
    assert "warning CNV004" in err and "must listen on 8000" in err
    assert "modelarts → eas: 2 losses" in err


def test_the_8080_conflict_exits_1_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "eas.json"
    code, out, err = run(capsys, "convert", str(MODELARTS), "--to", "eas", "-o", str(target))

    assert code == 1
    assert out == ""
    assert not target.exists()
    assert f"{MODELARTS}:5:13: error CNV003" in err
    assert "pass --port 8000" in err
    assert "nothing written" in err


def test_output_file_is_written_and_not_replaced_without_force(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "eas.json"
    code, out, err = run(capsys, "convert", str(MODELARTS), *TO_EAS, "-o", str(target))
    assert code == 0 and out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["metadata"]["name"] == "echo"
    assert f"wrote {target}" in err

    target.write_text("my edits", encoding="utf-8")
    code, out, err = run(capsys, "convert", str(MODELARTS), *TO_EAS, "-o", str(target))
    assert code == 2
    assert f"error: {target} exists; not overwritten" in err and "--force" in err
    assert target.read_text(encoding="utf-8") == "my edits"

    code, _, _ = run(capsys, "convert", str(MODELARTS), *TO_EAS, "-o", str(target), "--force")
    assert code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["containers"][0]["port"] == 8000


def test_fail_on_loss_exits_1_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "eas.json"
    code, out, err = run(
        capsys, "convert", str(MODELARTS), *TO_EAS, "--fail-on-loss", "-o", str(target)
    )

    assert code == 1
    assert out == ""
    assert not target.exists()
    assert "nothing written (--fail-on-loss)" in err


def test_fail_on_loss_passes_when_nothing_is_lost(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "config.json"
    config.write_text(
        json.dumps({"model_type": "Image", "port": 8000, "swr_location": ACR_IMAGE}),
        encoding="utf-8",
    )
    code, out, _ = run(
        capsys,
        "convert",
        str(config),
        "--to",
        "eas",
        "--command",
        "python app.py",
        "--fail-on-loss",
    )

    assert code == 0
    assert json.loads(out)["containers"][0]["image"] == ACR_IMAGE


def test_json_format_is_the_validate_document_plus_the_output(
    capsys: pytest.CaptureFixture[str], eas_file: Path
) -> None:
    code, out, err = run(capsys, "convert", str(eas_file), "--to", "modelarts", "--format", "json")

    assert code == 0
    document = json.loads(out)
    assert document["version"] == 1
    [file] = document["files"]
    assert file["path"] == str(eas_file) and file["platform"] == "eas"
    rules = {(d["rule"], d.get("pointer")) for d in file["diagnostics"]}
    assert ("CNV001", "/dockerAuth") in rules
    assert all("line" in d for d in file["diagnostics"])
    assert document["summary"]["files"] == 1
    assert document["output"]["model_type"] == "Image"
    assert document["output"]["health"]["period_seconds"] == "3"
    assert DOCKER_AUTH not in out + err


def test_json_format_of_a_blocked_conversion_has_no_output(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "convert", str(MODELARTS), "--to", "eas", "--format", "json")

    assert code == 1
    document = json.loads(out)
    assert document["output"] is None
    # port 8080 (CNV003), and neither an image nor a start command (CNV007 twice)
    rules = [d["rule"] for d in document["files"][0]["diagnostics"] if d["severity"] == "error"]
    assert sorted(rules) == ["CNV003", "CNV007", "CNV007"]
    assert document["summary"]["errors"] == 3


def test_stdin_input(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(json.dumps(eas_spec()).encode())))
    code, out, err = run(
        capsys, "convert", "-", "--to", "modelarts", "--stdin-filename", "svc.json"
    )

    assert code == 0
    assert json.loads(out)["swr_location"] == eas_spec()["containers"][0]["image"]
    assert "svc.json:1:" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["convert", "missing.json", "--to", "eas"], "missing.json"),
        (["convert", str(MODELARTS), "--to", "aws"], "--to 'aws' is not one of eas, modelarts"),
        (["convert", str(MODELARTS), "--to", "modelarts"], "already a ModelArts config.json"),
        (
            ["convert", str(MODELARTS), "--to", "eas", "--port", "9090"],
            "reserved by the EAS engine",
        ),
        (["convert", str(MODELARTS), "--to", "eas", "--model-algorithm", "x"], "does not apply"),
        (["convert", str(MODELARTS), "--to", "eas", "--env", "NOVALUE"], "--env takes NAME=VALUE"),
        (["convert", str(EXAMPLES), "--to", "eas"], "is a directory"),
    ],
)
def test_usage_errors_and_unreadable_input_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, *argv)

    assert code == 2
    assert out == ""
    assert message in err
    assert "Traceback" not in err


def test_broken_json_is_exit_2_with_its_position(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    broken = tmp_path / "config.json"
    broken.write_text('{\n  "model_type": "Image",\n', encoding="utf-8")
    code, _, err = run(capsys, "convert", str(broken), "--to", "eas")

    assert code == 2
    assert str(broken) in err


def test_env_option_values_reach_the_output_only(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "convert", str(MODELARTS), *TO_EAS, "--env", "API_TOKEN=s3cr3t-v4lue"
    )

    assert code == 0
    assert json.loads(out)["containers"][0]["env"] == [
        {"name": "API_TOKEN", "value": "s3cr3t-v4lue"}
    ]
    assert "s3cr3t-v4lue" not in err


def test_convert_imports_no_network_library() -> None:
    code = (
        "import sys\n"
        "from deploykit.cli.app import main\n"
        f"main(['convert', {str(MODELARTS)!r}, '--to', 'eas', '--port', '8000'])\n"
        "heavy = [m for m in ('httpx', 'tenacity', 'starlette', 'uvicorn') if m in sys.modules]\n"
        "sys.stdout.write('HEAVY=' + ','.join(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)

    assert done.stdout.rstrip().endswith("HEAVY=")


def test_from_names_the_platform_detection_cannot_tell(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bare = tmp_path / "config.json"
    bare.write_text(json.dumps({"swr_location": ACR_IMAGE, "port": 8000}), encoding="utf-8")

    code, _, err = run(capsys, "convert", str(bare), "--to", "eas")
    assert code == 2
    assert "--from" in err

    code, out, _ = run(
        capsys,
        "convert",
        str(bare),
        "--to",
        "eas",
        "--from",
        "modelarts",
        "--command",
        "python app.py",
    )
    assert code == 0
    assert json.loads(out)["containers"][0] == {
        "image": ACR_IMAGE,
        "command": "python app.py",
        "port": 8000,
    }
