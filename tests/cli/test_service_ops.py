"""events, instances (w), logs, versions, rollback, restart and invoke against the emulator
over real HTTP (uvicorn on 127.0.0.1:<free port>), in both formats, and their bad inputs.

The emulator's service endpoints point at the server itself, as under ``emulator serve``, so
``invoke`` reaches its gateway over HTTP too.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from deploy_testkit import DOCKER_AUTH, SPEC, ServedEmulator

from deploykit.cli._deploy_options import Common
from deploykit.cli.app import main
from deploykit.emulator import DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Emulator, Timings

pytestmark = pytest.mark.slow
CRASHLOOP = Path(__file__).parents[2] / "examples" / "broken" / "eas-crashloop.json"
QUICK = Timings(accept=0.05, per_instance=0.05)


@pytest.fixture(autouse=True)
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", DEFAULT_ACCESS_KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", DEFAULT_ACCESS_KEY_SECRET)


@pytest.fixture(autouse=True)
def quick_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    """Waits poll every 0.05-0.2 s (the emulator is quick), still bounded by --timeout."""
    policy = Common.wait_policy
    monkeypatch.setattr(Common, "wait_policy", lambda common, **kw: replace(
        policy(common, **kw), initial=0.05, maximum=0.2))


def serve(timings: Timings = QUICK) -> Iterator[list[str]]:
    emulator = Emulator(timings=timings)
    with ServedEmulator(emulator) as server:
        emulator.serve_at(server.url)  # what `emulator serve` does: endpoints point here
        yield ["--endpoint", server.url]
    emulator.close()


@pytest.fixture
def at() -> Iterator[list[str]]:
    yield from serve()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert DOCKER_AUTH not in out + err
    assert "Traceback (most recent call last)" not in err
    return code, out, err


def created(capsys: pytest.CaptureFixture[str], at: list[str], spec: Path = SPEC) -> str:
    code, _, err = run(capsys, "create", str(spec), *at)
    assert code == (4 if spec == CRASHLOOP else 0), err
    name: str = json.loads(spec.read_text())["metadata"]["name"]
    return name


def token_of(capsys: pytest.CaptureFixture[str], at: list[str], name: str) -> str:
    code, out, _ = run(capsys, "desc", name, *at, "--format", "json", "--show-token")
    assert code == 0
    token: str = json.loads(out)["AccessToken"]
    return token


# -- what a failing service shows ------------------------------------------------------------


@pytest.fixture
def crashed(at: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """The README's crash-looping service, created (exit 4): its name."""
    return created(capsys, at, CRASHLOOP)


def test_events_show_why_a_crashing_service_failed(
    crashed: str, at: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    name = crashed
    code, out, _ = run(capsys, "events", name, *at, "--type", "warning")
    assert code == 0
    rows = [line for line in out.splitlines() if line.startswith("| 2")]
    assert len(rows) == 3  # a BackOff per instance, then the service's Failed
    assert all("| Warning | BackOff | Pod " in row for row in rows[:2])
    assert "| Warning | Failed  | Service  | Instances keep crashing (CrashLoopBackOff)" in rows[2]
    code, out, _ = run(capsys, "events", name, *at, "--format", "json", "--since", "10m")
    document = json.loads(out)
    assert code == 0 and document["service"] == name
    reasons = [e["reason"] for e in document["events"]]
    assert reasons[0] == "Creating" and reasons[-1] == "Failed"  # oldest first, Normal too
    assert all(e["time"].endswith("Z") for e in document["events"])


def test_instances_show_the_crash_loop_and_its_exit_code(
    crashed: str, at: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    name = crashed
    code, out, _ = run(capsys, "instances", name, *at)
    assert code == 0
    header, *rows = [line for line in out.splitlines() if line.startswith("| ")]
    assert header.split() == ["|", "INSTANCENAME", "|", "INNERIP", "|", "HOSTIP", "|",
                              "STARTAT", "|", "RESTARTS", "|", "STATUS", "|", "READY", "|",
                              "REASON", "|", "LASTSTATE", "|"]
    assert len(rows) == 2
    assert all("| CrashLoopBackOff | [0/1] |" in row for row in rows)
    assert all('{"reason": "Error", "exitCode": 1}' in row for row in rows)
    code, out, _ = run(capsys, "w", name, *at, "--format", "json")  # eascmd's alias
    listed = json.loads(out)["instances"]
    assert code == 0 and len(listed) == 2
    assert {(i["status"], i["ready"], i["total"]) for i in listed} == {("CrashLoopBackOff", 0, 1)}
    assert listed[0]["last_state"] == {"reason": "Error", "exit_code": 1}
    assert listed[0]["restarts"] >= 1 and listed[0]["ip"].startswith("10.")


def test_logs_find_the_traceback_of_a_failing_instance(
    crashed: str, at: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    name = crashed
    code, out, err = run(capsys, "logs", name, *at, "--keyword", "Traceback")
    assert code == 0
    assert out == "Traceback (most recent call last):\n"
    assert "(of 2; choose one with --instance)" in err  # which instance was read
    code, out, _ = run(capsys, "logs", name, *at, "--keyword", "no such words")
    assert code == 0 and out == ""  # no line matched: no output, not an empty line
    code, out, _ = run(capsys, "logs", name, *at, "--lines", "1", "--format", "json")
    document = json.loads(out)
    assert code == 0 and document["instance"].startswith("image-classify-")
    assert document["lines"] == [
        "FileNotFoundError: [Errno 2] No such file or directory: '/models/model.bin'"
    ]


def test_logs_of_a_named_instance(at: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    name = created(capsys, at)
    _, out, _ = run(capsys, "instances", name, *at, "--format", "json")
    second = json.loads(out)["instances"][1]["name"]
    code, out, err = run(capsys, "logs", name, *at, "--instance", second)
    assert code == 0 and "choose one" not in err
    assert out.splitlines()[-1].endswith("INFO listening on 0.0.0.0:8000")


# -- versions and rollback -------------------------------------------------------------------


def current_version(capsys: pytest.CaptureFixture[str], at: list[str], name: str) -> int:
    _, out, _ = run(capsys, "desc", name, *at, "--format", "json")
    version: int = json.loads(out)["CurrentVersion"]
    return version


def second_version(capsys: pytest.CaptureFixture[str], at: list[str], name: str) -> None:
    """An update to image 1.1, and its rollout done (modify's own wait is not under test)."""
    image = "registry-vpc.cn-shanghai.aliyuncs.com/deploykit/echo:1.1"
    assert run(capsys, "modify", name, "-D", f"containers[0].image={image}", *at,
               "--no-wait")[0] == 0
    deadline = time.monotonic() + 10
    while current_version(capsys, at, name) != 2:
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_versions_list_newest_first_and_mark_the_one_serving(
    at: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    name = created(capsys, at)
    second_version(capsys, at, name)
    code, out, _ = run(capsys, "versions", name, *at)
    assert code == 0
    rows = [line.split("|") for line in out.splitlines() if line.startswith("| ")]
    assert [r[1].strip() for r in rows] == ["VERSION", "2", "1"]
    assert [r[2].strip() for r in rows[1:]] == ["*", ""]
    assert rows[1][4].strip().endswith("/deploykit/echo:1.1")
    code, out, _ = run(capsys, "versions", name, *at, "--format", "json")
    listed = json.loads(out)["versions"]
    assert [(v["version"], v["serving"], v["runnable"]) for v in listed] == [
        (2, True, True), (1, False, True)]


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_rollback_waits_until_the_version_asked_for_serves(
    capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    # The hazard: for a second after UpdateServiceVersion the service still reports Running,
    # at version 2. A wait that took that for done would return before version 1 serves.
    for at in serve(Timings(accept=0.05, per_instance=0.05, rollout_lag=1.0)):
        name = created(capsys, at)
        second_version(capsys, at, name)
        code, out, _ = run(capsys, "rollback", name, "1", *at, "--format", fmt)
        assert code == 0
        if fmt == "text":
            assert out.splitlines()[1].startswith("[OK] Succeed to update service")
            assert out.splitlines()[-1] == "[OK] Service is running"
        else:
            events = [json.loads(line) for line in out.splitlines()]
            assert events[0]["event"] == "updating" and events[-1]["event"] == "running"
        assert current_version(capsys, at, name) == 1
        _, out, _ = run(capsys, "versions", name, *at, "--format", "json")
        assert [v["version"] for v in json.loads(out)["versions"] if v["serving"]] == [1]


# -- restart ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_restart_restarts_every_instance_and_waits(
    at: list[str], capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    name = created(capsys, at)
    code, out, _ = run(capsys, "restart", name, *at, "--format", fmt)
    assert code == 0
    if fmt == "text":
        assert out.splitlines()[1] == f"[OK] Service [{name}] in region [cn-shanghai] is restarting"
        assert out.splitlines()[-1] == "[OK] Service is running"
    else:
        events = [json.loads(line) for line in out.splitlines()]
        assert events[0]["event"] == "restarting" and events[-1] == {
            "event": "running", "service": name, "current_version": 1, "latest_version": 1}
    _, out, _ = run(capsys, "instances", name, *at, "--format", "json")
    assert [i["restarts"] for i in json.loads(out)["instances"]] == [1, 1]


# -- invoke ----------------------------------------------------------------------------------


def echoed(out: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(out)
    return document


def test_invoke_posts_to_the_endpoint_and_prints_the_answer(
    at: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    name = created(capsys, at)
    code, out, _ = run(capsys, "invoke", name, *at, "-d", '{"image": "cat.jpg"}',
                       "--path", "/v1/classify?top=3")
    assert code == 0
    echo = echoed(out)  # the emulator's gateway echoes what reached the instance
    assert (echo["method"], echo["path"]) == ("POST", f"/api/predict/{name}/v1/classify")
    assert echo["query"] == [["top", "3"]]
    assert json.loads(echo["body"]) == {"image": "cat.jpg"}
    assert echo["headers"]["content-type"] == "application/json"
    code, out, _ = run(capsys, "invoke", name, *at, "-d", "[1, 2]", "--format", "json")
    document = json.loads(out)
    assert code == 0 and (document["service"], document["status"]) == (name, 200)
    assert document["body"]["body"] == "[1, 2]"  # the answer, parsed: it is JSON


def test_invoke_sends_a_file_or_standard_input_as_it_is(
    at: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name = created(capsys, at)
    (tmp_path / "request.txt").write_bytes(b"plain text, not JSON\n")
    code, out, _ = run(capsys, "invoke", name, *at, "-f", str(tmp_path / "request.txt"))
    assert code == 0 and echoed(out)["body"] == "plain text, not JSON\n"
    assert echoed(out)["headers"]["content-type"] == "application/octet-stream"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b'{"from": "stdin"}')))
    code, out, _ = run(capsys, "invoke", name, *at, "-f", "-")
    assert code == 0 and json.loads(echoed(out)["body"]) == {"from": "stdin"}


def test_invoke_never_prints_the_token_even_verbose(
    at: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    name = created(capsys, at)
    token = token_of(capsys, at, name)
    code, out, err = run(capsys, "invoke", name, *at, "-d", "{}", "--verbose")
    assert code == 0
    assert token not in out + err
    gateway_request = err[err.index(f"> POST {at[1]}/api/predict/{name}"):]
    assert "> authorization: ****" in gateway_request.splitlines()[:12]
    assert '"AccessToken": "****"' in err  # DescribeService's answer, logged


# -- bad input: one line of cause and a fix, the documented exit code, no secret ------------


@pytest.mark.parametrize(
    "argv",
    [
        ["events", "nope"], ["instances", "nope"], ["w", "nope"], ["logs", "nope"],
        ["logs", "nope", "--instance", "nope-1"], ["versions", "nope"], ["rollback", "nope", "1"],
        ["restart", "nope"], ["invoke", "nope", "-d", "{}"],
    ],
)
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_an_unknown_service_is_exit_3(
    at: list[str], capsys: pytest.CaptureFixture[str], argv: list[str], fmt: str
) -> None:
    code, out, err = run(capsys, *argv, *at, "--format", fmt)
    assert code == 3
    assert err.splitlines()[0].startswith("error: HTTP 404 InvalidService.NotFound:")
    assert "Service [nope] in region [cn-shanghai] does not exist" in err
    if fmt == "json":
        assert json.loads(out.splitlines()[-1])["exit"] == 3
    else:
        assert out == ""


def test_a_version_that_does_not_exist_is_refused_before_anything_is_sent(
    at: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    name = created(capsys, at)
    code, out, err = run(capsys, "rollback", name, "7", *at)
    assert code == 3 and out == ""
    assert err.splitlines() == [
        f"error: service [{name}] has no version 7 (its versions: 1)",
        f"  fix: choose one listed by `deploykit versions {name}`",
    ]


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_invoking_a_stopped_service_is_exit_3_with_the_503(
    at: list[str], capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    name = created(capsys, at)
    token = token_of(capsys, at, name)
    assert run(capsys, "stop", name, *at)[0] == 0
    code, out, err = run(capsys, "invoke", name, *at, "-d", "{}", "--format", fmt)
    assert code == 3
    assert err.splitlines()[0] == (f"error: HTTP 503: invoke: service [{name}] answered "
                                   "Service Unavailable: no healthy upstream")
    assert "instances" in err.splitlines()[1]  # the fix names where to look
    assert token not in out + err
    if fmt == "json":
        event = json.loads(out)
        assert (event["event"], event["exit"]) == ("error", 3)
    else:
        assert out == ""


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["invoke", "svc", "-d", "{not json"], "error: -d is not JSON (line 1, column 2: "),
        (["invoke", "svc", "-d", "{}", "-f", "x.json"], "error: give either -d JSON or -f FILE"),
        (["invoke", "svc", "-f", "/no/such/file.json"], "error: -f /no/such/file.json: cannot"),
        (["invoke", "svc", "--path", "../other"], "error: --path '../other' is not a path"),
        (["events", "svc", "--since", "10x"], "error: --since '10x' is not a duration"),
        (["events", "svc", "--type", "Error"], "error: --type 'Error' is not one of: Normal"),
        (["rollback", "svc", "0"], "Invalid value for 'VERSION'"),
        (["logs", "svc", "--lines", "0"], "Invalid value for '--lines'"),
    ],
)
def test_bad_input_is_exit_2_with_a_line_and_a_fix(
    at: list[str], capsys: pytest.CaptureFixture[str], argv: list[str], said: str
) -> None:
    code, out, err = run(capsys, *argv, *at)
    assert code == 2 and out == ""
    assert said in err


@pytest.mark.parametrize(
    "argv",
    [["events", "svc"], ["instances", "svc"], ["logs", "svc"], ["versions", "svc"],
     ["rollback", "svc", "1"], ["restart", "svc"], ["invoke", "svc", "-d", "{}"]],
)
def test_a_platform_whose_client_cannot_do_it_is_told_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    class CreateOnlyClient:
        """A platform client with the ServiceClient operations and none of the others."""

        region = "cn-shanghai"

        def describe(self, name: str) -> dict[str, Any]:
            raise AssertionError("nothing may be asked of the platform")

    monkeypatch.setattr(Common, "client", lambda common: CreateOnlyClient())
    code, out, err = run(capsys, *argv, "--endpoint", "local")
    assert code == 2 and out == ""
    assert err.splitlines() == [
        f"error: `deploykit {argv[0]}` is EAS-only for now: deploykit cannot do it on PAI-EAS yet",
        "  fix: use it with --platform eas",
    ]
