"""EAS1xx: every container rule fails on a realistic bad input and passes on the fixed one.

Inputs start from examples/eas/custom-image-service.json (the service users copy) and change
one thing, as a user's edit would.
"""

from __future__ import annotations

from typing import Any

import pytest
from spec_kit import check, found
from spec_kit import eas_service as service

from deploykit.diagnostics import Severity


def test_the_example_itself_has_no_findings() -> None:
    assert check(service()) == []


@pytest.mark.parametrize("port", [8080, 9090])
def test_reserved_container_port_is_eas101_with_the_documented_message(port: int) -> None:
    data = service()
    data["containers"][0]["port"] = port
    data["containers"][0]["health_check"]["http_get"]["port"] = port
    [diagnostic] = found(data, "EAS101")
    assert diagnostic.severity is Severity.ERROR
    assert diagnostic.pointer == "/containers/0/port"
    assert diagnostic.message == f"containers[0].port {port} is reserved by the EAS engine"
    assert diagnostic.suggestion == "listen on another port, e.g. 8000"


def test_reserved_probe_port_is_eas102() -> None:
    data = service()
    data["containers"][0]["health_check"]["http_get"]["port"] = 9090
    [diagnostic] = found(data, "EAS102")
    assert diagnostic.pointer == "/containers/0/health_check/http_get/port"
    assert "9090 is reserved by the EAS engine" in diagnostic.message
    assert found(data, "EAS112") == []  # one finding for one mistake


@pytest.mark.parametrize("port", [0, 65536, -1])
def test_port_outside_1_to_65535_is_eas103(port: int) -> None:
    data = service()
    data["containers"][0]["port"] = port
    [diagnostic] = found(data, "EAS103")
    assert diagnostic.pointer == "/containers/0/port"
    assert f"{port} is not a TCP port" in diagnostic.message


def test_neither_command_nor_script_is_an_error() -> None:
    data = service()
    del data["containers"][0]["command"]
    [diagnostic] = found(data, "EAS104")
    assert diagnostic.severity is Severity.ERROR
    assert diagnostic.pointer == "/containers/0"
    data["containers"][0]["script"] = "/home/run.sh"
    assert found(data, "EAS104") == []


def test_command_and_script_together_is_a_warning() -> None:
    data = service()
    data["containers"][0]["script"] = "/home/run.sh"
    [diagnostic] = found(data, "EAS105")
    assert diagnostic.severity is Severity.WARNING
    assert diagnostic.pointer == "/containers/0/script"


@pytest.mark.parametrize(
    ("command", "syntax"),
    [
        ("cd /home/app && python app.py", "&&"),
        ("pip install -r requirements.txt; python app.py", ";"),
        ("python app.py | tee /var/log/app.log", "|"),
        ("python app.py > /var/log/app.log", ">"),
    ],
)
def test_shell_syntax_in_command_suggests_script(command: str, syntax: str) -> None:
    data = service()
    data["containers"][0]["command"] = command
    [diagnostic] = found(data, "EAS106")
    assert diagnostic.pointer == "/containers/0/command"
    assert f"`{syntax}`" in diagnostic.message
    assert diagnostic.suggestion is not None and "script" in diagnostic.suggestion


@pytest.mark.parametrize(
    "command",
    [
        "/data/eas/ENV/bin/python /data/eas/app.py",  # seeds/004
        "sh -c 'cd /home/app && python app.py'",  # the shell is explicit: quoted, not syntax
        'gunicorn -b 0.0.0.0:8000 "app:create_app()"',
    ],
)
def test_single_commands_pass(command: str) -> None:
    data = service()
    data["containers"][0]["command"] = command
    assert found(data, "EAS106") == []


def test_bad_requirement_reports_the_entry_not_the_list() -> None:
    data = service()
    data["containers"][0]["prepare"] = {
        "pythonRequirements": ["numpy==1.16.4", "torch=2.1.0", "absl-py==0.11.0"]
    }
    [diagnostic] = found(data, "EAS107")
    assert diagnostic.pointer == "/containers/0/prepare/pythonRequirements/1"
    assert "`torch=2.1.0`" in diagnostic.message
    assert diagnostic.suggestion == "pin with `==`: torch==2.1.0"


def test_valid_requirements_including_urls_and_markers_pass() -> None:
    data = service()
    data["containers"][0]["prepare"] = {
        "pythonRequirements": [
            "numpy==1.16.4",
            "absl-py==0.11.0",
            "torch>=2.1,<3; python_version >= '3.8'",
            "mylib @ https://example.com/mylib-1.0-py3-none-any.whl",
        ]
    }
    assert found(data, "EAS107") == []


def test_requirement_url_credentials_are_not_echoed() -> None:
    data = service()
    data["containers"][0]["prepare"] = {
        "pythonRequirements": ["git+https://deploy:s3cr3tT0ken@git.example.com/ml/lib.git"]
    }
    [diagnostic] = found(data, "EAS107")
    assert "s3cr3tT0ken" not in diagnostic.message
    assert "****@git.example.com" in diagnostic.message


def test_pip_option_in_requirements_is_only_a_warning() -> None:
    data = service()
    data["containers"][0]["prepare"] = {
        "pythonRequirements": ["--extra-index-url https://mirrors.aliyun.com/pypi/simple", "six"]
    }
    [diagnostic] = found(data, "EAS107")
    assert diagnostic.severity is Severity.WARNING


def test_relative_requirements_path_warns() -> None:
    data = service()
    data["containers"][0]["prepare"] = {"pythonRequirementsPath": "code/requirements.txt"}
    [diagnostic] = found(data, "EAS108")
    assert diagnostic.pointer == "/containers/0/prepare/pythonRequirementsPath"
    data["containers"][0]["prepare"] = {"pythonRequirementsPath": "/data_oss/requirements.txt"}
    assert found(data, "EAS108") == []


def test_probe_with_two_kinds_or_none_is_eas109() -> None:
    data = service()
    probe = data["containers"][0]["health_check"]
    probe["tcp_socket"] = {"port": 8000}
    [two] = found(data, "EAS109")
    assert "`http_get`, `tcp_socket`" in two.message
    del probe["tcp_socket"], probe["http_get"]
    [none] = found(data, "EAS109")
    assert none.pointer == "/containers/0/health_check"


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("success_threshold", 0),
        ("failure_threshold", 0),
        ("initial_delay_seconds", -3),
        ("period_seconds", 0),
    ],
)
def test_probe_thresholds_at_least_1_and_delays_not_negative(setting: str, value: int) -> None:
    data = service()
    data["containers"][0]["health_check"][setting] = value
    [diagnostic] = found(data, "EAS110")
    assert diagnostic.pointer == f"/containers/0/health_check/{setting}"


def test_initial_delay_of_zero_is_allowed() -> None:
    data = service()
    data["containers"][0]["health_check"]["initial_delay_seconds"] = 0
    assert found(data, "EAS110") == []


def test_http_get_path_must_start_with_slash() -> None:
    data = service()
    data["containers"][0]["health_check"]["http_get"]["path"] = "health"
    [diagnostic] = found(data, "EAS111")
    assert diagnostic.suggestion == "write /health"


def test_probe_port_other_than_container_port_warns() -> None:
    data = service()
    data["containers"][0]["health_check"]["http_get"]["port"] = 8001
    [diagnostic] = found(data, "EAS112")
    assert diagnostic.severity is Severity.WARNING
    assert diagnostic.suggestion == "probe port 8000"


def test_timeout_above_period_warns() -> None:
    data = service()
    data["containers"][0]["health_check"]["timeout_seconds"] = 5
    [diagnostic] = found(data, "EAS113")
    assert diagnostic.pointer == "/containers/0/health_check/timeout_seconds"


def test_every_probe_key_is_checked() -> None:
    data = service()
    data["containers"][0]["startup_check"] = {"tcp_socket": {"port": 8080}}
    [diagnostic] = found(data, "EAS102")
    assert diagnostic.pointer == "/containers/0/startup_check/tcp_socket/port"


def test_container_without_image_is_an_error() -> None:
    data = service()
    del data["containers"][0]["image"]
    [diagnostic] = found(data, "EAS114")
    assert diagnostic.pointer == "/containers/0"


def test_env_without_name_and_duplicates() -> None:
    data = service()
    env = data["containers"][0]["env"]  # PORT and GUNICORN_WORKERS
    env += [{"value": "1"}, {"name": "GUNICORN_WORKERS", "value": "4"}]
    [nameless] = found(data, "EAS115")
    assert nameless.pointer == "/containers/0/env/2"
    [twice] = found(data, "EAS116")
    assert twice.pointer == "/containers/0/env/3/name"


@pytest.mark.parametrize("entry", [{"name": "MODEL_DIR"}, {"name": "MODEL_DIR", "value": None}])
def test_env_without_value_warns_at_the_entry(entry: dict[str, Any]) -> None:
    data = service()
    env = data["containers"][0]["env"]
    env.append(entry)
    [diagnostic] = found(data, "EAS117")
    at = f"/containers/0/env/{len(env) - 1}"
    assert (diagnostic.severity, diagnostic.pointer) == (Severity.WARNING, at)
    assert "empty" in diagnostic.message


@pytest.mark.parametrize("value", ["", 8001])
def test_env_with_an_empty_or_mistyped_value_is_not_called_valueless(value: Any) -> None:
    data = service()
    data["containers"][0]["env"].append({"name": "MODEL_DIR", "value": value})
    assert found(data, "EAS117") == []  # "" is meant; 8001 is a type error (EAS002)


def test_second_container_is_located_by_its_own_index() -> None:
    data = service()
    data["containers"].append(
        {"image": data["containers"][0]["image"], "command": "nginx", "port": 9090}
    )
    [diagnostic] = found(data, "EAS101")
    assert diagnostic.pointer == "/containers/1/port"
