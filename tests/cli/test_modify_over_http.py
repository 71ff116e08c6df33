"""``modify`` validates like ``create``, over real HTTP against ``emulator serve``'s app: a
change that leaves the service with errors, or names a path that does not exist, is refused
and the emulator never receives an UpdateService (issue #13)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from deploykit.cli.app import main
from deploykit.emulator import (
    DEFAULT_ACCESS_KEY_ID,
    DEFAULT_ACCESS_KEY_SECRET,
    Emulator,
    Reply,
    Timings,
)

sys.path.insert(0, str(Path(__file__).parent.parent / "emulator"))
from emulator_testkit import ServedEmulator

pytestmark = pytest.mark.slow
SPEC = Path(__file__).parent.parent / "deploy" / "specs" / "echo_service.json"
UPDATE_PATH = b"/api/v2/services/cn-shanghai/echo_service"


class Recorded:
    """The emulator's app, remembering every (method, path) it was asked."""

    def __init__(self) -> None:
        self.emulator = Emulator(timings=Timings(accept=0.01, per_instance=0.01))
        self.calls: list[tuple[str, bytes]] = []
        handle = self.emulator.handle

        def recording(method: str, raw_path: bytes, headers: Sequence[tuple[str, str]],
                      body: bytes) -> Reply:
            self.calls.append((method, raw_path.split(b"?")[0]))
            return handle(method, raw_path, headers, body)

        self.emulator.handle = recording  # type: ignore[method-assign]  # the served app calls it

    @property
    def updates(self) -> int:
        return self.calls.count(("PUT", UPDATE_PATH))


@pytest.fixture(autouse=True)
def credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", DEFAULT_ACCESS_KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", DEFAULT_ACCESS_KEY_SECRET)
    monkeypatch.setenv("DEPLOYKIT_CONFIG", str(tmp_path / "config.ini"))
    monkeypatch.setenv("ALIBABA_CLOUD_CREDENTIALS_FILE", str(tmp_path / "credentials.ini"))


@pytest.fixture
def served(capsys: pytest.CaptureFixture[str]) -> Iterator[tuple[Recorded, list[str]]]:
    recorded = Recorded()
    with ServedEmulator(recorded.emulator) as server:
        at = ["--endpoint", server.url]
        assert main(["create", str(SPEC), *at, "--no-wait"]) == 0
        capsys.readouterr()
        yield recorded, at
    recorded.emulator.close()


def live_config(capsys: pytest.CaptureFixture[str], at: list[str]) -> dict[str, Any]:
    assert main(["desc", "echo_service", *at, "--format", "json"]) == 0
    config: dict[str, Any] = json.loads(capsys.readouterr().out)["ServiceConfig"]
    return config


@pytest.mark.parametrize(
    ("pair", "exit_code", "said"),
    [
        ("metadata.instance=abc", 1, "EAS002 metadata.instance must be an integer"),
        ("metadata.instance=-1", 1, "EAS203 metadata.instance is -1"),
        ("containers=[]", 1, "EAS213"),
        ("containers[0].port=8080", 1, "EAS101 containers[0].port 8080 is reserved"),
        ("foo=bar", 2, "`foo` is neither in the live config of [echo_service]"),
        ("containers[1].port=8000", 2, "containers[1] does not exist"),
    ],
)
def test_a_bad_change_is_refused_and_never_sent(
    served: tuple[Recorded, list[str]], capsys: pytest.CaptureFixture[str],
    pair: str, exit_code: int, said: str,
) -> None:
    recorded, at = served
    before = live_config(capsys, at)
    assert main(["modify", "echo_service", "-D", pair, *at]) == exit_code
    err = capsys.readouterr().err
    assert said in err
    assert recorded.updates == 0
    assert live_config(capsys, at) == before


def test_a_partial_spec_with_a_reserved_port_points_into_that_file(
    served: tuple[Recorded, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    recorded, at = served
    partial = tmp_path / "partial.json"
    partial.write_text('{\n  "containers": [\n    {"image": "registry-vpc.cn-shanghai.aliyuncs.com'
                       '/deploykit/echo:1.1", "command": "python app.py", "port": 8080}\n  ]\n}\n')
    assert main(["modify", "echo_service", "-s", str(partial), *at, "--format", "json"]) == 1
    out, err = capsys.readouterr()
    report = json.loads(err[: err.rindex("}") + 1])  # the validate document, as for create
    (finding,) = report["files"][0]["diagnostics"]
    assert (finding["rule"], finding["pointer"]) == ("EAS101", "/containers/0/port")
    assert finding["line"] == 3  # in partial.json, where the user wrote 8080
    event = json.loads(out.splitlines()[-1])
    assert (event["exit"], event["code"]) == (1, "SpecRefused")
    assert recorded.updates == 0


def test_a_good_element_change_keeps_the_rest_of_the_live_config(
    served: tuple[Recorded, list[str]], capsys: pytest.CaptureFixture[str],
) -> None:
    recorded, at = served
    before = live_config(capsys, at)
    assert main(["modify", "echo_service", "-D", "containers[0].port=8001",
                 "-D", "metadata.eas.termination_grace_period=30", *at, "--no-wait"]) == 0
    capsys.readouterr()
    assert recorded.updates == 1
    after = live_config(capsys, at)
    assert after["containers"] == [{**before["containers"][0], "port": 8001}]
    assert after["metadata"] == {**before["metadata"], "eas.termination_grace_period": 30}
    assert set(after) == set(before)  # no literal "containers[0]" key, nothing else added
