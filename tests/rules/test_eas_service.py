"""EAS2xx: name, metadata, dockerAuth, registries, storage, processors, autoscaler.

Inputs are the examples users copy (examples/eas/) with one realistic change each.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
import spec_kit
from spec_kit import check, found
from spec_kit import eas_service as service

from deploykit.diagnostics import Severity
from deploykit.rules.eas.images import registry_host


def example(name: str) -> Any:
    return spec_kit.example(f"eas/{name}")


# --- name --------------------------------------------------------------------------------


def test_no_name_anywhere_is_an_error_citing_the_api_answer() -> None:
    data = service()
    del data["metadata"]["name"]
    [diagnostic] = found(data, "EAS201")
    assert diagnostic.severity is Severity.ERROR
    assert "Service name is empty" in diagnostic.message
    assert diagnostic.pointer == "/metadata"


def test_top_level_name_counts_as_a_name() -> None:
    data = example("seed-image.json")
    assert found(data, "EAS201") == []


def test_hyphenated_name_warns_and_suggests_underscores() -> None:
    data = service()
    data["metadata"]["name"] = "resnet-classifier"
    [diagnostic] = found(data, "EAS202")
    assert diagnostic.severity is Severity.WARNING
    assert diagnostic.pointer == "/metadata/name"
    assert "hyphen" in diagnostic.message and "not state" in diagnostic.message
    assert diagnostic.suggestion == "use e.g. `resnet_classifier`"


def test_uppercase_top_level_name_is_located_at_the_top_level() -> None:
    data = example("seed-image.json")
    data["name"] = "ImageTest"
    [diagnostic] = found(data, "EAS202")
    assert diagnostic.pointer == "/name"
    assert diagnostic.suggestion == "use e.g. `imagetest`"


# --- metadata ----------------------------------------------------------------------------


def test_negative_instance_is_an_error_and_zero_is_fine() -> None:
    data = service()
    data["metadata"]["instance"] = -1
    [diagnostic] = found(data, "EAS203")
    assert diagnostic.pointer == "/metadata/instance"
    data["metadata"]["instance"] = 0  # a stopped service has 0 instances
    assert found(data, "EAS203") == []


def test_memory_that_looks_like_gb_warns() -> None:
    data = service()
    data["metadata"]["memory"] = 16
    [diagnostic] = found(data, "EAS204")
    assert diagnostic.suggestion == "write 16384 for 16 GB"
    data["metadata"]["memory"] = 2000  # the official example: 2000 MB
    assert found(data, "EAS204") == []


def test_gpu_memory_with_whole_gpus_warns() -> None:
    data = service()
    data["metadata"].update(gpu=1, gpu_memory=10)
    assert [d.pointer for d in found(data, "EAS218")] == ["/metadata/gpu_memory"]


def test_undocumented_cuda_version_warns() -> None:
    data = service()
    data["metadata"]["cuda"] = "12.4"
    assert len(found(data, "EAS219")) == 1
    data["metadata"]["cuda"] = "11.2"
    assert found(data, "EAS219") == []


# --- dockerAuth --------------------------------------------------------------------------

SECRET_USER, SECRET_PASSWORD = "robot$deploy", "Harb0r-pa55"


def with_docker_auth(value: str) -> dict[str, Any]:
    data = example("seed-console-harbor.json")
    data["dockerAuth"] = value
    return data


def test_seed_docker_auth_is_valid() -> None:
    assert found(example("seed-console-harbor.json"), "EAS205") == []  # base64("abc:bcd")


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (f"{SECRET_USER}:{SECRET_PASSWORD}", "not base64"),  # forgot to encode
        (base64.b64encode(SECRET_PASSWORD.encode()).decode(), "does not decode"),  # no user
        (base64.b64encode(f"{SECRET_USER}:{SECRET_PASSWORD}\n".encode()).decode(), "newline"),
    ],
)
def test_bad_docker_auth_is_reported_without_echoing_it(raw: str, problem: str) -> None:
    diagnostics = check(with_docker_auth(raw))
    [diagnostic] = [d for d in diagnostics if d.rule == "EAS205"]
    assert diagnostic.severity is Severity.ERROR
    assert problem in diagnostic.message
    for d in diagnostics:
        text = f"{d.message} {d.suggestion}"
        assert raw not in text
        assert SECRET_PASSWORD not in text
        assert SECRET_USER not in text


# --- images ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ("python:3.10-slim", "docker.io"),
        ("pytorch/torchserve:0.9.0-cpu", "docker.io"),
        ("registry-vpc.cn-shanghai.aliyuncs.com/x/y:z", "registry-vpc.cn-shanghai.aliyuncs.com"),
        ("localhost:5000/app:1", "localhost:5000"),
    ],
)
def test_registry_host(image: str, expected: str) -> None:
    assert registry_host(image) == expected


def test_public_container_registry_address_suggests_the_vpc_address() -> None:
    data = service()
    data["containers"][0]["image"] = "registry.cn-shanghai.aliyuncs.com/deploykit/echo:1.0"
    [diagnostic] = found(data, "EAS206")
    assert diagnostic.severity is Severity.WARNING
    assert diagnostic.pointer == "/containers/0/image"
    assert diagnostic.suggestion == (
        "use the VPC address: registry-vpc.cn-shanghai.aliyuncs.com/deploykit/echo:1.0"
    )


def test_enterprise_edition_public_address_suggests_its_vpc_address() -> None:
    data = service()
    data["containers"][0]["image"] = "myacr-registry.cn-hangzhou.cr.aliyuncs.com/ml/app:2"
    [diagnostic] = found(data, "EAS206")
    assert diagnostic.suggestion is not None
    assert "myacr-registry-vpc.cn-hangzhou.cr.aliyuncs.com/ml/app:2" in diagnostic.suggestion


@pytest.mark.parametrize(
    "image", ["vllm/vllm-openai:v0.6.3", "ghcr.io/huggingface/text-generation-inference:2.4"]
)
def test_internet_registries_warn(image: str) -> None:
    data = service()
    data["containers"][0]["image"] = image
    [diagnostic] = found(data, "EAS206")
    assert "no internet access" in diagnostic.message


def test_vpc_addresses_do_not_warn() -> None:
    for name in ("custom-image-service.json", "pai-rag-multi-container.json"):
        assert found(example(name), "EAS206") == []


def harbor_service() -> dict[str, Any]:
    """seeds/004's console config with a filled-in image (its `xxx/yyy:zzz` is DK010's)."""
    data = example("seed-console-harbor.json")
    data["containers"][0]["image"] = "myharbor.com/ml-team/resnet50:v3"
    return data


def test_self_managed_registry_without_docker_auth_warns() -> None:
    data = harbor_service()
    del data["dockerAuth"]
    [diagnostic] = found(data, "EAS207")
    assert "myharbor.com" in diagnostic.message
    assert found(harbor_service(), "EAS207") == []


# --- storage -----------------------------------------------------------------------------


def test_storage_item_with_two_sources_or_none() -> None:
    data = example("seed-console-harbor.json")
    data["storage"][0]["nfs"] = {"path": "/", "server": "0c9a.cn-beijing.nas.aliyuncs.com"}
    data["storage"][1] = {"mount_path": "/root/code"}
    diagnostics = found(data, "EAS208")
    assert [d.pointer for d in diagnostics] == ["/storage/0", "/storage/1"]
    assert "`oss`, `nfs`" in diagnostics[0].message


def test_mount_path_missing_or_relative() -> None:
    data = example("seed-console-harbor.json")
    data["storage"][0]["mount_path"] = "models/"
    del data["storage"][1]["mount_path"]
    diagnostics = found(data, "EAS209")
    assert [d.pointer for d in diagnostics] == ["/storage/0/mount_path", "/storage/1"]


def test_duplicate_mount_paths_ignore_a_trailing_slash() -> None:
    data = example("seed-console-harbor.json")
    data["storage"][1]["mount_path"] = "/models"
    [diagnostic] = found(data, "EAS210")
    assert diagnostic.pointer == "/storage/1/mount_path"
    assert "storage[0]" in diagnostic.message


def test_git_must_be_https_and_its_password_is_never_echoed() -> None:
    data = service()
    data["storage"] = [
        {
            "mount_path": "/home/code",
            "git": {
                "repo": "git@github.com:acme/model-server.git",
                "branch": "main",
                "username": "ci-bot",
                "password": "ghp_notARealTokenButSecret123",
            },
        }
    ]
    diagnostics = check(data)
    [diagnostic] = [d for d in diagnostics if d.rule == "EAS211"]
    assert diagnostic.pointer == "/storage/0/git/repo"
    assert all("ghp_notARealTokenButSecret123" not in d.message for d in diagnostics)
    data["storage"][0]["git"]["repo"] = "https://github.com/acme/model-server.git"
    assert found(data, "EAS211") == []


def test_oss_path_must_be_an_oss_url() -> None:
    data = example("seed-console-harbor.json")
    data["storage"][0]["oss"]["path"] = "example-cn-beijing/models/"
    [diagnostic] = found(data, "EAS212")
    assert diagnostic.pointer == "/storage/0/oss/path"


# --- processors, autoscaler, placement ---------------------------------------------------


def test_nothing_to_run_is_an_error() -> None:
    data = service()
    del data["containers"]
    [diagnostic] = found(data, "EAS213")
    assert diagnostic.severity is Severity.ERROR
    assert found(example("easyrec-pmml.json"), "EAS213") == []  # processor-style


@pytest.mark.parametrize(
    ("processor_type", "key"), [("python", "processor_entry"), ("java", "processor_mainclass")]
)
def test_processor_type_needs_its_entry(processor_type: str, key: str) -> None:
    data = example("python-processor.json")
    data["processor_type"] = processor_type
    data.pop("processor_entry")
    [diagnostic] = found(data, "EAS214")
    assert f"`{key}`" in diagnostic.message


def test_python_processor_example_has_its_entry() -> None:
    assert found(example("python-processor.json"), "EAS214") == []


def test_autoscaler_max_must_exceed_min() -> None:
    data = service()
    data["autoscaler"] = {"min": 5, "max": 2, "strategies": {"qps": 10}}
    [diagnostic] = found(data, "EAS215")
    assert diagnostic.pointer == "/autoscaler/max"
    data["autoscaler"] = {
        "min": 2,
        "max": 5,
        "scaleStrategies": [{"metricName": "qps", "threshold": 10}],
    }
    assert found(data, "EAS215") == []


def test_dedicated_group_and_public_instance_type_warn() -> None:
    data = service()
    data["metadata"]["resource"] = "eas-r-9lkbl2jvdm0puv"
    [diagnostic] = found(data, "EAS216")
    assert diagnostic.severity is Severity.WARNING
    assert found(example("official-complete.json"), "EAS216") == []  # mixes via dedicated_resource


def test_builtin_processor_without_model_path_warns() -> None:
    data = example("easyrec-pmml.json")
    del data["model_path"]
    assert [d.severity for d in found(data, "EAS217")] == [Severity.WARNING]


def test_nlb_listener_on_8080_warns() -> None:
    data = service()
    data["networking"] = {"nlb": [{"id": "default", "listener_port": 8080, "netType": "intranet"}]}
    [diagnostic] = found(data, "EAS220")
    assert diagnostic.pointer == "/networking/nlb/0/listener_port"


def test_two_different_names_warn() -> None:
    data = service()
    data["name"] = "deploykit_echo_v2"
    [diagnostic] = found(data, "EAS221")
    assert diagnostic.pointer == "/name"
    data["name"] = data["metadata"]["name"]
    assert found(data, "EAS221") == []


def test_undocumented_qos_warns_and_best_effort_passes() -> None:
    data = service()
    data["metadata"]["qos"] = "Burstable"
    [diagnostic] = found(data, "EAS222")
    assert diagnostic.severity is Severity.WARNING
    data["metadata"]["qos"] = "BestEffort"
    assert found(data, "EAS222") == []


def test_enterprise_registry_needs_a_vpc_connection() -> None:
    data = service()
    data["containers"][0]["image"] = "myacr-registry-vpc.cn-shanghai.cr.aliyuncs.com/ml/echo:1.0"
    [diagnostic] = found(data, "EAS223")
    assert diagnostic.pointer == "/containers/0/image"
    data["cloud"]["networking"] = {
        "vpc_id": "vpc-uf6bkwqpbaq3s1x7z****",
        "vswitch_id": "vsw-uf6jm8hfe8bmj1h1r****",
        "security_group_id": "sg-uf6b4c4v2lfg3zyd****",
    }
    assert found(data, "EAS223") == []


def test_eas_own_registry_needs_nothing() -> None:
    data = service()
    data["containers"][0]["image"] = (
        "eas-registry-vpc.cn-shanghai.cr.aliyuncs.com/pai-eas/vllm:0.6.3"
    )
    assert [d for d in check(data) if d.rule.startswith("EAS2")] == []


def test_self_managed_registry_with_auth_still_needs_a_vpc() -> None:
    [diagnostic] = found(harbor_service(), "EAS223")
    assert "myharbor.com" in diagnostic.message


# --- processor packages ------------------------------------------------------------------


@pytest.mark.parametrize("path", ["./echo.tar.gz", "echo.tar.gz", "/home/me/echo.tar.gz"])
def test_a_local_processor_path_warns_to_upload_it(path: str) -> None:
    # reference/eas.md §1.1: a local path is read only by `eascmd test`.
    data = example("python-processor.json")
    data["processor_path"] = path
    [diagnostic] = found(data, "EAS224")
    assert (diagnostic.severity, diagnostic.pointer) == (Severity.WARNING, "/processor_path")
    assert "eascmd test" in diagnostic.message
    assert "oss://" in (diagnostic.suggestion or "")


@pytest.mark.parametrize(
    "path", ["oss://eas-model-shanghai/demo/p.tar.gz", "https://example.com/p.tar.gz", ""]
)
def test_uploaded_or_empty_package_paths_pass(path: str) -> None:
    data = example("python-processor.json")
    data["processor_path"] = path
    data["model_path"] = path
    assert found(data, "EAS224") == []


def test_a_local_model_path_warns_too() -> None:
    data = example("python-processor.json")
    data["model_path"] = "./resnet50.tar.gz"
    assert [d.pointer for d in found(data, "EAS224")] == ["/model_path"]


@pytest.mark.parametrize(("name", "shown"), [("svc_\ud800", "U+D800"), ("svc\n1", "U+000A")])
def test_a_name_no_request_can_carry_is_an_error_at_the_name(name: str, shown: str) -> None:
    # issue #13: a lone surrogate passed with a warning; EAS names are a-z, 0-9 and `_`.
    data = service()
    data["metadata"]["name"] = name
    [diagnostic] = [d for d in spec_kit.report(data).diagnostics if d.pointer == "/metadata/name"]
    assert (diagnostic.rule, diagnostic.severity) == ("EAS225", Severity.ERROR)
    assert shown in diagnostic.message and name not in diagnostic.message
    assert diagnostic.line == 3 and diagnostic.column is not None  # located like any other
