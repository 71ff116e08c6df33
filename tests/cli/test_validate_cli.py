"""Acceptance tests of ``deploykit validate``, in the style of check-jsonschema's: write the
inputs into tmp_path, run the CLI in-process, assert the exit code and the output, for every
format. Exit codes are PRODUCT.md's: 0 nothing at --fail-on, 1 findings, 2 unreadable input.
"""

from __future__ import annotations

import io
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from deploykit.cli.app import main

# seeds/004: the custom-image service of the Japanese EAS page, with a VPC registry address.
VALID = """\
{
  "name": "image_test",
  "containers": [
    {
      "image": "registry-vpc.cn-shanghai.aliyuncs.com/ml-team/resnet50:v3",
      "env": [{"name": "var_name", "value": "var_value"}],
      "command": "/data/eas/ENV/bin/python /data/eas/app.py",
      "port": 8000
    }
  ],
  "metadata": {"cpu": 1, "instance": 1}
}
"""
# A misspelled key: a warning with "did you mean" (PRODUCT.md "Messages").
MISSPELLED = VALID.replace(
    '"port": 8000', '"port": 8000,\n      "helth_check": {"tcp_socket": {"port": 8000}}'
)
# YAML with a quoted number: reported, never coerced (issue #2), at its line and column.
QUOTED_NUMBER = """\
metadata:
  name: image_test
  instance: "2"
containers:
  - image: registry-vpc.cn-shanghai.aliyuncs.com/ml-team/resnet50:v3
    command: python app.py
    port: 8000
"""
TRUNCATED = '{\n  "metadata": {"name": "image_test",\n'

CASES = {
    # name: (file name, content, exit code, errors, warnings)
    "valid": ("service.json", VALID, 0, 0, 0),
    "warning": ("service.json", MISSPELLED, 0, 0, 1),
    "error": ("service.yaml", QUOTED_NUMBER, 1, 1, 0),
    "unreadable": ("service.json", TRUNCATED, 2, 1, 0),
}
FORMATS = ("text", "json", "sarif", "junit", "github")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["validate", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write(tmp_path: Path, case: str) -> Path:
    name, content, *_ = CASES[case]
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def check_format(fmt: str, out: str, errors: int, warnings: int) -> None:
    """The output is well-formed in ``fmt`` and counts the expected findings."""
    if fmt == "json":
        assert json.loads(out)["summary"]["errors"] == errors
        assert json.loads(out)["summary"]["warnings"] == warnings
    elif fmt == "sarif":
        results = json.loads(out)["runs"][0]["results"]
        assert [r["level"] for r in results].count("error") == errors
        assert [r["level"] for r in results].count("warning") == warnings
    elif fmt == "junit":
        root = ET.fromstring(out)  # noqa: S314 - our own output
        assert root.attrib["tests"] == "1"
        failed = int(root.attrib["failures"]) + int(root.attrib["errors"])
        assert failed == (1 if errors else 0)
    elif fmt == "github":
        commands = [line for line in out.splitlines() if line.startswith("::")]
        assert sum(c.startswith("::error ") for c in commands) == errors
        assert sum(c.startswith("::warning ") for c in commands) == warnings
    else:
        noun = "error" if errors == 1 else "errors"
        assert out.splitlines()[-1].startswith(f"checked 1 file: {errors} {noun}")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", CASES)
def test_exit_code_and_output_for_every_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str, fmt: str
) -> None:
    _, _, code, errors, warnings = CASES[case]
    got, out, err = run(capsys, str(write(tmp_path, case)), "--format", fmt)
    assert got == code
    check_format(fmt, out, errors, warnings)
    assert "Traceback" not in err and "internal error" not in err


def test_text_names_file_line_column_rule_and_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "warning")
    code, out, _ = run(capsys, str(path))
    assert code == 0
    lines = out.splitlines()
    # The key is on line 9 of MISSPELLED; unknown keys point at the key (PRODUCT.md).
    at = next(i for i, line in enumerate(lines) if " EAS001 " in line)
    first, fix = lines[at : at + 2]
    assert first.startswith(f"{path}:9:7: warning EAS001 unknown key `helth_check`")
    assert "did you mean `health_check`" in first + fix
    assert fix.startswith("    fix: ")
    assert lines[-1] == "checked 1 file: 0 errors, 1 warning"


def test_yaml_findings_have_a_pointer_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, str(write(tmp_path, "error")), "--format", "json")
    assert code == 1
    (finding,) = json.loads(out)["files"][0]["diagnostics"]
    assert finding["rule"] == "EAS002"
    assert finding["pointer"] == "/metadata/instance"
    assert (finding["line"], finding["column"]) == (3, 13)


def test_an_unreadable_file_does_not_hide_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = write(tmp_path, "unreadable")
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(QUOTED_NUMBER, encoding="utf-8")
    code, out, _ = run(capsys, str(broken), str(wrong), "--format", "json")
    assert code == 2
    files = {Path(f["path"]).name: f for f in json.loads(out)["files"]}
    assert files["service.json"]["diagnostics"][0]["rule"] == "DK001"
    assert files["service.json"]["diagnostics"][0]["line"] == 3
    assert files["wrong.yaml"]["diagnostics"][0]["rule"] == "EAS002"


@pytest.mark.parametrize(
    ("case", "fail_on", "code"),
    [
        ("warning", "warning", 1),
        ("warning", "error", 0),
        ("error", "never", 0),
        ("error", "warning", 1),
        ("unreadable", "never", 2),  # unreadable input is exit 2 whatever --fail-on says
        ("valid", "warning", 0),
    ],
)
def test_fail_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str, fail_on: str, code: int
) -> None:
    assert run(capsys, str(write(tmp_path, case)), "--fail-on", fail_on)[0] == code


def test_strict_reports_warnings_as_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, str(write(tmp_path, "warning")), "--strict", "--format", "json")
    assert code == 1
    severities = {d["rule"]: d["severity"] for d in json.loads(out)["files"][0]["diagnostics"]}
    assert severities["EAS001"] == "error"
    # --strict raises warnings only: the seed's top-level `name` stays an informational note.
    assert severities["EAS008"] == "info"


@pytest.mark.parametrize(
    ("options", "rules"),
    [
        ((), ["EAS001", "EAS002"]),
        (("--ignore", "EAS002"), ["EAS001"]),
        (("--ignore", "eas001,EAS002"), []),  # comma-separated, any case
        (("--select", "EAS0"), ["EAS001", "EAS002"]),  # a prefix, as ruff takes
        (("--select", "EAS002"), ["EAS002"]),
        (("--select", "EAS001", "--select", "EAS002"), ["EAS001", "EAS002"]),
        (("--select", "EAS0", "--ignore", "EAS001"), ["EAS002"]),
        (("--select", "DK"), []),
    ],
)
def test_select_and_ignore(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], options: tuple[str, ...], rules: list[str]
) -> None:
    path = tmp_path / "service.yaml"
    path.write_text(QUOTED_NUMBER + "    helth_check: {tcp_socket: {port: 8000}}\n")
    code, out, _ = run(capsys, str(path), "--format", "json", *options)
    assert sorted(d["rule"] for d in json.loads(out)["files"][0]["diagnostics"]) == rules
    assert code == (1 if "EAS002" in rules else 0)


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def test_stdin_is_reported_under_the_stdin_filename(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _stdin(monkeypatch, QUOTED_NUMBER.encode())
    code, out, _ = run(capsys, "-", "--stdin-filename", "deploy/service.yaml")
    assert code == 1
    assert out.startswith("deploy/service.yaml:3:13: error EAS002 ")


def test_stdin_without_a_name(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _stdin(monkeypatch, VALID.encode())
    code, out, _ = run(capsys, "-", "--format", "json")
    assert code == 0
    assert json.loads(out)["files"][0]["platform"] == "eas"


def test_a_directory_is_searched_recursively_in_a_stable_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a.json").write_text(VALID)
    (tmp_path / "b" / "c.yml").write_text(QUOTED_NUMBER)
    (tmp_path / "b" / "notes.txt").write_text("not a spec")
    code, out, _ = run(capsys, str(tmp_path), "--format", "json")
    assert code == 1
    paths = [Path(f["path"]).relative_to(tmp_path).as_posix() for f in json.loads(out)["files"]]
    assert paths == ["a.json", "b/c.yml"]


def test_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "out" / "report.sarif"
    report.parent.mkdir()
    code, out, _ = run(
        capsys, str(write(tmp_path, "error")), "--format", "sarif", "-o", str(report)
    )
    assert code == 1
    assert out == ""
    assert json.loads(report.read_text())["runs"][0]["results"][0]["ruleId"] == "EAS002"


def test_an_unwritable_output_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "missing-dir" / "report.json"
    code, _, err = run(capsys, str(write(tmp_path, "valid")), "-o", str(target))
    assert code == 2
    assert err.startswith("error: cannot write the report to ")


@pytest.mark.parametrize(
    ("option", "value"), [("--format", "yaml"), ("--platform", "k8s"), ("--fail-on", "info")]
)
def test_a_wrong_choice_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, value: str
) -> None:
    code, out, err = run(capsys, str(write(tmp_path, "valid")), option, value)
    assert code == 2
    assert out == ""
    assert (
        err.splitlines()[0]
        == f"error: {option} '{value}' is not one of "
        + {
            "--format": "text, json, sarif, junit, github",
            "--platform": "auto, eas, modelarts, image",
            "--fail-on": "error, warning, never",
        }[option]
    )


def test_a_missing_path_is_exit_2_with_the_cause(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    valid = tmp_path / "image.json"
    valid.write_text(VALID)
    code, out, err = run(capsys, str(tmp_path / "nope.json"), str(valid))
    assert code == 2
    # Reported in the report like any unreadable file, with the other paths still checked.
    assert "nope.json: error DK001 no such file or directory" in out
    assert "checked 2 files" in out
    assert "Traceback" not in out + err


def test_platform_option_overrides_detection(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "valid")
    code, out, _ = run(capsys, str(path), "--platform", "modelarts", "--format", "json")
    document: dict[str, Any] = json.loads(out)
    assert document["files"][0]["platform"] == "modelarts"
    assert code == 1  # an EAS spec is not a valid ModelArts config.json


def test_color_only_on_a_tty_and_never_with_no_color(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = str(write(tmp_path, "warning"))
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert "\x1b[" in run(capsys, path)[1]
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in run(capsys, path)[1]
    monkeypatch.delenv("NO_COLOR")
    assert "\x1b[" not in run(capsys, path, "--format", "json")[1]


@pytest.mark.parametrize(
    ("args", "cause"),
    [
        (["--bogus", "svc.json"], "No such option: --bogus"),
        ([], "Missing"),  # no PATH at all
    ],
)
def test_a_usage_error_is_exit_2_not_an_internal_error(
    capsys: pytest.CaptureFixture[str], args: list[str], cause: str
) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2
    assert cause in err
    assert "internal error" not in err


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_an_empty_directory_passes_but_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    (tmp_path / "README.md").write_text("# not a spec")
    code, out, err = run(capsys, str(tmp_path), "--format", fmt)
    assert code == 0
    assert err.startswith("warning: no spec files")
    if fmt == "json":
        assert json.loads(out)["files"] == []
    else:
        assert out == "no spec files found\n"
