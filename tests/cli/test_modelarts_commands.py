"""Every deploy command with ``--platform modelarts``, over real HTTP against the emulator
under uvicorn on 127.0.0.1:<free port>, and against ``--endpoint local``."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploykit.cli.app import main
from deploykit.emulator import EmulatorSettings, Timings
from deploykit.emulator.modelarts import (
    DEFAULT_ACCESS_KEY_ID,
    DEFAULT_PROJECT_ID,
    DEFAULT_SECRET_ACCESS_KEY,
    ModelArtsEmulator,
)

sys.path.insert(0, str(Path(__file__).parent.parent / "emulator"))
sys.path.insert(0, str(Path(__file__).parent.parent / "clients"))
from emulator_testkit import ServedEmulator, serving
from modelarts_testkit import ENV

pytestmark = pytest.mark.slow
ROOT = Path(__file__).parent.parent.parent
CONFIG = ROOT / "examples" / "modelarts" / "config.json"
BROKEN = ROOT / "examples" / "broken" / "modelarts-bad-config.json"
EAS_SPEC = Path(__file__).parent.parent / "deploy" / "specs" / "echo_service.json"
IMAGE = "swr.cn-north-4.myhuaweicloud.com/deploykit/echo:1.0"
QUICK = Timings(accept=0.05, per_instance=0.05)
SECRET_ENV = "hf_s3cret_value_never_shown"


@pytest.fixture(autouse=True)
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The emulator's key in the SDK's variables; every file deploykit writes in tmp_path."""
    files = {"DEPLOYKIT_CONFIG": "config.ini", "HUAWEICLOUD_SDK_CREDENTIALS_FILE": "credentials",
             "DEPLOYKIT_EMULATOR_STATE": "state.sqlite3"}
    for name, value in {**ENV, **{k: str(tmp_path / f) for k, f in files.items()}}.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def served() -> Iterator[ServedEmulator]:
    yield from serving(ModelArtsEmulator(timings=QUICK))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of one command; no secret is ever among them."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    for secret in (SECRET_ENV, DEFAULT_SECRET_ACCESS_KEY):
        assert secret not in out + err
    return code, out, err


def at(server: ServedEmulator) -> list[str]:
    return ["--platform", "modelarts", "--endpoint", server.url]


CREATE = ["create", str(CONFIG), "--name", "echo", "--source-location", IMAGE]


def test_every_command_over_http(
    served: ServedEmulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, *CREATE, "--env", f"HF_TOKEN={SECRET_ENV}", *at(served))
    lines = out.splitlines()
    assert code == 0 and lines[-1] == "[OK] Service is running"
    assert lines[:2] == ["[OK] Model [echo] version [1.0.0] is publishing",
                         "[OK] Model [echo] version [1.0.0] is published"]
    assert "| Access Address | https://" in out and "[OK] running [Total: 1" in out
    assert run(capsys, "ls", *at(served))[1].count("| echo ") == 1
    code, out, _ = run(capsys, "desc", "echo", *at(served), "--format", "json")
    assert code == 0 and json.loads(out)["config"][0]["envs"] == {"HF_TOKEN": "****"}
    assert run(capsys, "scale", "echo", "--instance", "3", *at(served))[0] == 0
    code, out, _ = run(capsys, "modify", "echo", "-D", "service.instance_count=2", *at(served))
    assert code == 0 and "[OK] running [Total: 2, Pending: 0, Running: 2]" in out
    plan = [*at(served), "--name", "echo", "--source-location", IMAGE, "--instance", "2",
            "--env", f"HF_TOKEN={SECRET_ENV}"]
    code, out, _ = run(capsys, "plan", str(CONFIG), *plan, "--exit-code")
    assert code == 0 and out.strip() == "Service [echo] is up to date"
    code, out, _ = run(capsys, "apply", str(CONFIG), *plan)
    assert code == 0 and "0 created, 0 updated, 1 unchanged" in out

    changed = tmp_path / "config.json"
    changed.write_text(json.dumps({**json.loads(CONFIG.read_text()), "model_algorithm": "echo2"}))
    code, out, _ = run(capsys, "plan", str(changed), *plan)
    assert "~ /model/initial_config/model_algorithm: \"echo_service\" -> \"echo2\"" in out
    code, out, _ = run(capsys, "modify", "echo", "-s", str(changed), *at(served))
    assert code == 0 and "[OK] Model [echo] version [1.0.1] is published" in out
    code, out, _ = run(capsys, "desc", "echo", *at(served))
    assert '"model_version": "1.0.1"' in out and "| Status | running" not in out
    assert run(capsys, "stop", "echo", *at(served))[1].splitlines()[-1] == (
        "[OK] Service is stopped")
    assert run(capsys, "start", "echo", *at(served))[0] == 0
    code, out, _ = run(capsys, "delete", "echo", "-y", "--with-model", *at(served))
    assert code == 0 and "[OK] Service [echo] deleted, and its model (1 version)" in out
    assert "| echo " not in run(capsys, "ls", *at(served))[1]


def test_create_as_ndjson_reports_the_model_then_the_service(
    served: ServedEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, *CREATE, *at(served), "--format", "json")
    events = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert events[0] == {"event": "progress", "subject": "Model [echo] version [1.0.0]",
                         "status": "publishing"}
    created = next(e for e in events if e["event"] == "created")
    assert created["access_address"].startswith("https://") and created["request_id"]
    assert events[-1] == {"event": "running", "service": "echo"}


def test_model_only_imports_and_deploys_nothing(
    served: ServedEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, *CREATE, "--model-only", *at(served))
    assert code == 0 and out.splitlines()[-1] == "[OK] Model [echo] version [1.0.0] is published"
    assert "| echo " not in run(capsys, "ls", *at(served))[1]


def test_a_config_with_errors_is_exit_1_and_nothing_is_sent(
    served: ServedEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "create", str(BROKEN), "--name", "bad", "--source-location",
                       IMAGE, *at(served), "--verbose")
    assert code == 1 and "error MA120" in err and "nothing was sent" in err
    assert "> POST" not in err and "> GET" not in err


@pytest.mark.parametrize(
    ("argv", "code", "cause"),
    [
        # PRODUCT.md exit codes: an unknown service is an API error (3).
        (["desc", "nothing"], 3, "ModelArts.3502"),
        (["create", str(CONFIG), "--name", "echo"], 2, "--source-location"),
        (["create", str(CONFIG), "--source-location", IMAGE], 2, "needs --name"),
        (["create", str(CONFIG), "--name", "echo", "--source-location", IMAGE,
          "--model-version", "01.0.0"], 2, "not Digit.Digit.Digit"),
        (["create", str(CONFIG), "--name", "echo", "--source-location", IMAGE, "--env", "X"],
         2, "not KEY=VALUE"),
        (["delete", "echo", "-y", "--with-model", "--platform", "eas"], 2, "for ModelArts"),
        (["modify", "echo", "-D", "service.config[0].weight=1"], 2, "only EAS services"),
        (["modify", "echo", "--model-version", "1.0.1", "--platform", "eas"], 2,
         "--model-version is for --platform modelarts"),
    ],
)
def test_bad_input_is_one_line_and_the_documented_exit_code(
    served: ServedEmulator, capsys: pytest.CaptureFixture[str], argv: list[str], code: int,
    cause: str,
) -> None:
    where = at(served) if "--platform" not in argv else ["--endpoint", "local"]
    got, _, err = run(capsys, *argv, *where)
    assert got == code and cause in err
    assert "Traceback" not in err


def test_eas_refuses_modelarts_options(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "create", str(EAS_SPEC), "--name", "x", "--endpoint", "local")
    assert code == 2 and "--name is for --platform modelarts" in err


def test_a_wrong_secret_is_exit_3_and_not_retried(
    served: ServedEmulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", "not-the-secret")
    code, _, err = run(capsys, "ls", *at(served), "--verbose")
    assert code == 3 and "APIGW.0301" in err and "retrying" not in err
    assert "not-the-secret" not in err


def test_a_missing_project_id_is_exit_2(
    served: ServedEmulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("HUAWEICLOUD_SDK_PROJECT_ID")
    code, _, err = run(capsys, "ls", *at(served))
    assert code == 2 and "no ModelArts project id" in err


def test_an_existing_service_is_exit_3_pointing_at_modify(
    served: ServedEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, *CREATE, *at(served))[0] == 0
    code, _, err = run(capsys, *CREATE, *at(served))
    assert code == 3 and "exists already" in err and "deploykit modify echo" in err


def test_the_same_version_with_another_config_is_exit_3_naming_model_version(
    served: ServedEmulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, *CREATE, "--model-only", *at(served))[0] == 0
    changed = tmp_path / "config.json"
    changed.write_text(json.dumps({**json.loads(CONFIG.read_text()), "model_algorithm": "echo2"}))
    code, _, err = run(capsys, "create", str(changed), "--name", "echo", "--source-location",
                       IMAGE, *at(served))
    assert code == 3 and "--model-version (e.g. 1.0.1)" in err


def test_a_model_that_fails_to_publish_is_exit_4_with_its_reason(
    capsys: pytest.CaptureFixture[str],
) -> None:
    strict = ModelArtsEmulator(
        EmulatorSettings(known_images=["swr.cn-north-4.myhuaweicloud.com/x:1"]), timings=QUICK)
    for server in serving(strict):
        code, _, err = run(capsys, *CREATE, *at(server))
    assert code == 4 and "is failed: failed to copy image" in err


def test_a_service_that_fails_is_exit_4_with_its_error(
    served: ServedEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *CREATE, "--specification", "modelarts.vm.gpu.none",
                         *at(served))
    assert code == 4 and "[FAIL] failed [Total: 1, Pending: 0, Running: 0]" in out
    assert "no resources of flavor modelarts.vm.gpu.none" in err


def test_a_wait_that_runs_out_is_exit_5(capsys: pytest.CaptureFixture[str]) -> None:
    slow = ModelArtsEmulator(timings=Timings(accept=0.05, per_instance=60.0))
    for server in serving(slow):
        code, out, err = run(capsys, *CREATE, *at(server), "--timeout", "1")
    assert code == 5 and "[OK] deploying" in out and "gave up waiting" in err


def test_a_model_that_publishes_too_slowly_is_exit_5(capsys: pytest.CaptureFixture[str]) -> None:
    slow = ModelArtsEmulator(timings=Timings(accept=60.0, per_instance=0.05))
    for server in serving(slow):
        code, out, err = run(capsys, *CREATE, *at(server), "--timeout", "1")
    assert code == 5 and "[OK] Model [echo] version [1.0.0] is publishing" in out
    assert "gave up waiting for Model [echo] version [1.0.0] to publish after" in err
    assert "| echo " not in out  # no service was deployed


def test_one_command_deploys_the_example_to_the_embedded_emulator(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_PROJECT_ID"):
        monkeypatch.delenv(name)  # a new user: no account at all
    local = ["--platform", "modelarts", "--endpoint", "local"]
    code, out, _ = run(capsys, *CREATE, *local)
    assert code == 0 and out.splitlines()[-1] == "[OK] Service is running"
    assert run(capsys, "ls", *local)[1].count("| echo ") == 1
    assert run(capsys, "delete", "echo", "-y", *local)[0] == 0


def test_a_config_profile_is_used(
    served: ServedEmulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_PROJECT_ID"):
        monkeypatch.delenv(name)
    code, out, _ = run(capsys, "config", "--platform", "modelarts", "--profile", "ci",
                       "-i", DEFAULT_ACCESS_KEY_ID, "-k", DEFAULT_SECRET_ACCESS_KEY,
                       "--project-id", DEFAULT_PROJECT_ID, "-r", "cn-north-4",
                       "-e", served.url)
    assert code == 0 and "profile [ci] saved" in out
    assert run(capsys, "ls", "--platform", "modelarts", "--profile", "ci")[0] == 0
    code, _, err = run(capsys, "config", "--project-id", "p", "-r", "cn-shanghai")
    assert code == 2 and "--project-id is for --platform modelarts" in err
