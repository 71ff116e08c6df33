"""To EAS, the start command is stated: by --command/--script, or taken from the Dockerfile
beside config.json (the model package layout) with a note saying so; otherwise nothing is
written (issue #12: convert wrote a spec validate rejected with EAS104)."""

from __future__ import annotations

import io
import json
import shutil
import sys
from pathlib import Path

import pytest
from spec_kit import EXAMPLES, example

from deploykit.cli.app import main
from deploykit.conversion import Overrides, convert, convert_target
from deploykit.loading import Target, load_text

ACR_IMAGE = "registry-vpc.cn-shanghai.aliyuncs.com/ml-team/echo:v1"
TO_EAS = ["--to", "eas", "--port", "8000", "--name", "echo", "--image", ACR_IMAGE]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def package(root: Path, *, model_dir: bool, dockerfile: str | None = None) -> Path:
    """The example image's build context with its config.json, as users lay it out: beside
    the Dockerfile, or in the `model/` directory of a model package (reference §1.1)."""
    shutil.copytree(EXAMPLES / "custom-image", root)
    if dockerfile is not None:
        (root / "Dockerfile").write_text(dockerfile, encoding="utf-8")
    folder = root / "model" if model_dir else root
    folder.mkdir(exist_ok=True)
    config = folder / "config.json"
    shutil.copy(EXAMPLES / "modelarts" / "config.json", config)
    return config


def test_without_a_start_command_convert_exits_1_writes_nothing_and_names_the_options(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "out.json"
    config = EXAMPLES / "modelarts" / "config.json"
    code, stdout, err = run(capsys, "convert", str(config), *TO_EAS, "-o", str(out))

    assert code == 1
    assert not out.exists() and stdout == ""
    assert "error CNV007" in err and "--command" in err and "--script" in err
    assert "nothing written" in err


@pytest.mark.parametrize("model_dir", [False, True], ids=["beside", "model-package"])
def test_the_cmd_of_the_dockerfile_beside_config_json_is_the_start_command(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, model_dir: bool
) -> None:
    config = package(tmp_path / "image", model_dir=model_dir)
    out = tmp_path / "out.json"
    code, _, err = run(capsys, "convert", str(config), *TO_EAS, "-o", str(out))

    assert code == 0, err
    container = json.loads(out.read_text(encoding="utf-8"))["containers"][0]
    assert container["command"] == "sh /home/run.sh"  # the seeds' CMD ["sh", "/home/run.sh"]
    assert "script" not in container
    assert "info CNV011" in err and "Dockerfile:22" in err
    code, _, _ = run(capsys, "validate", str(out))
    assert code == 0


def test_a_shell_form_cmd_becomes_a_script(tmp_path: Path) -> None:
    context = EXAMPLES / "custom-image" / "Dockerfile"
    shell_form = context.read_text(encoding="utf-8").replace(
        'CMD ["sh", "/home/run.sh"]', "CMD cd /home/app && sh /home/run.sh"
    )
    config = package(tmp_path / "image", model_dir=False, dockerfile=shell_form)

    overrides = Overrides(port=8000, image=ACR_IMAGE)
    _, result = convert_target(Target(str(config), "spec"), "eas", overrides)
    assert not result.blocked, result.diagnostics
    assert result.data["containers"][0]["script"] == "cd /home/app && sh /home/run.sh"


def test_options_win_over_the_dockerfile(tmp_path: Path) -> None:
    config = package(tmp_path / "image", model_dir=False)
    overrides = Overrides(port=8000, image=ACR_IMAGE, script="python /home/app/app.py")
    _, result = convert_target(Target(str(config), "spec"), "eas", overrides)
    assert result.data["containers"][0]["script"] == "python /home/app/app.py"
    assert "CNV011" not in {d.rule for d in result.diagnostics}


def test_a_dockerfile_without_cmd_is_named_in_the_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    without_cmd = (EXAMPLES / "custom-image" / "Dockerfile").read_text(encoding="utf-8")
    without_cmd = without_cmd.replace('CMD ["sh", "/home/run.sh"]', "")
    config = package(tmp_path / "image", model_dir=False, dockerfile=without_cmd)
    code, _, err = run(capsys, "convert", str(config), *TO_EAS)

    assert code == 1
    assert "sets no CMD or ENTRYPOINT" in err and "error CNV007" in err


def test_stdin_has_no_dockerfile_beside_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = package(tmp_path / "image", model_dir=False)
    monkeypatch.chdir(config.parent)  # a Dockerfile in the working directory is not "beside"
    text = config.read_text(encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    code, _, err = run(capsys, "convert", "-", *TO_EAS)

    assert code == 1
    assert "error CNV007" in err


def test_an_output_validate_would_reject_is_refused_with_its_error() -> None:
    # A health url without its leading slash passes to EAS as it is (EAS111 there).
    config = example("modelarts/config.json")
    config["health"]["url"] = "health"
    loaded = load_text(json.dumps(config), "config.json")
    result = convert(loaded, "eas", Overrides(port=8000, image=ACR_IMAGE, command="sh run.sh"))

    assert result.blocked
    [refusal] = [d for d in result.diagnostics if d.rule == "CNV012"]
    assert "(EAS111)" in refusal.message and refusal.severity.value == "error"
