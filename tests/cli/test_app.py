"""The CLI's last line of defence: every outcome is a documented exit code, never a traceback."""

import importlib

import pytest

from deploykit.cli import app as cli
from deploykit.errors import SpecError


@pytest.mark.parametrize(
    "argv",
    [["nosuchcommand"], ["validate", "--nosuchflag", "x.json"], ["validate"], ["convert"]],
)
def test_usage_errors_exit_2_with_the_framework_message(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert "Error:" in err
    assert "Traceback" not in err
    assert "internal error" not in err


def test_deploykit_errors_map_to_their_exit_code(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise SpecError(
            "unexpected end of data", path="image.json", line=3, column=1, hint="close the object"
        )

    monkeypatch.setattr(importlib.import_module("deploykit.validation"), "validate_paths", broken)
    assert cli.main(["validate", "image.json"]) == 2
    err = capsys.readouterr().err
    assert "image.json:3:1: unexpected end of data" in err
    assert "fix: close the object" in err


def test_a_bug_is_reported_in_one_line_with_exit_70(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def bug(*_: object, **__: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(importlib.import_module("deploykit.validation"), "validate_paths", bug)
    assert cli.main(["validate", "image.json"]) == 70
    err = capsys.readouterr().err
    assert "internal error in deploykit (ZeroDivisionError: division by zero)" in err
    assert "Traceback" not in err


def test_ctrl_c_is_130(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    module = importlib.import_module("deploykit.validation")
    monkeypatch.setattr(module, "validate_paths", interrupted)
    assert cli.main(["validate", "image.json"]) == 130
    assert "Traceback" not in capsys.readouterr().err


def _registered(app: object) -> set[str]:
    import typer.main

    group = typer.main.get_command(app)  # type: ignore[arg-type]
    return set(getattr(group, "commands", {}))


def test_the_command_table_names_every_command_each_module_registers() -> None:
    # Only the module of the command being run is registered (cold start): a command that a
    # module adds but the table does not name would be missing from `deploykit --help`'s run.
    full = _registered(cli.build_app([]))
    assert full == set(cli.COMMANDS)
    for module in cli.COMMAND_MODULES:
        named = {c for c, m in cli.COMMANDS.items() if m == module}
        some = next(iter(named))
        assert _registered(cli.build_app([some, "--help"])) == named


@pytest.mark.parametrize("command", ["probe", "config", "emulator", "validate"])
def test_a_command_runs_when_only_its_module_is_registered(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # probe and config are the only command of their module: the app must stay a group.
    assert cli.main([command, "--help"]) == 0
    assert f" {command} [OPTIONS]" in capsys.readouterr().out.splitlines()[0]


def test_version_prints_the_installed_version(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out == f"deploykit {version('deploykit')}\n"
