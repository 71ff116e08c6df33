"""Platform detection on the specs users actually have (PRODUCT.md: platform detection)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from deploykit.loading import detect_platform, load_text

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

# seeds/004: the image service from the EAS custom-image guide.
SEED_004 = {
    "name": "image_test",
    "containers": [
        {
            "image": "registry-vpc.cn-shanghai.aliyuncs.com/xxx/yyy:zzz",
            "env": [{"name": "var_name", "value": "var_value"}],
            "command": "/data/eas/ENV/bin/python /data/eas/app.py",
            "port": 8000,
        }
    ],
    "metadata": {"cpu": 1, "instance": 1},
}

# reference/eas.md §6 (1): EasyRec pmml.json, processor style, no containers.
EASYREC_PMML = {
    "name": "ps_smart",
    "generate_token": "true",
    "model_path": "oss://examplebucket/ps_smart/model.tar.gz",
    "processor": "tensorflow_cpu_1.14",
    "metadata": {"instance": 1, "eas.enabled_model_verification": False, "cpu": 2},
}

# reference/eas.md §6 (3): EasyRec echo.json, processor style, no `containers`, and its
# `metadata` left out here to check that the processor keys alone are enough.
PROCESSOR_ONLY = {
    "name": "echo",
    "processor_path": "oss://bucket/processor/echo.tar.gz",
    "processor_entry": "libtf_predictor.so",
    "processor_type": "cpp",
    "model_config": '{"fg_mode": "tf"}',
}

# reference/modelarts.md §1.9: the terraform example has `model_type` but no `model_algorithm`.
TERRAFORM_IMAGE = {
    "protocol": "https",
    "port": 90,
    "model_type": "Image",
    "algorithm": "unknown_algorithm",
    "health": {"check_method": "EXEC", "command": "echo 1", "period_seconds": "1"},
}


@pytest.mark.parametrize(
    ("data", "platform"),
    [
        (SEED_004, "eas"),
        (EASYREC_PMML, "eas"),
        (PROCESSOR_ONLY, "eas"),
        (TERRAFORM_IMAGE, "modelarts"),
        ({"metadata": {"name": "svc"}}, "eas"),
        ({"model_algorithm": "image_classification"}, "modelarts"),
        # package.json: `name` alone is no reason to call a file an EAS service.
        ({"name": "web", "version": "1.0.0", "scripts": {"start": "node ."}}, "unknown"),
        ({}, "unknown"),
        ([SEED_004], "unknown"),
        # Converted halfway: more ModelArts keys than EAS keys.
        ({"model_type": "Image", "model_algorithm": "x", "metadata": {}}, "modelarts"),
        # One of each: nothing to go by.
        ({"model_type": "Image", "containers": []}, "unknown"),
    ],
)
def test_detect_platform(data: object, platform: str) -> None:
    assert detect_platform(data) == platform


def test_official_complete_example_is_eas() -> None:
    """reference/eas.md §1.13 mixes processor keys and containers; it is EAS either way."""
    text = json.dumps(
        {
            "token": "****M5Mjk0NDZhM2EwYzUzOGE0OGMx****",
            "processor": "tensorflow_cpu_1.12",
            "model_path": "oss://examplebucket/exampledir/",
            "metadata": {"name": "test_eascmd", "instance": 1, "cpu": 1, "memory": 2000},
            "containers": [{"image": "registry-vpc.cn-shanghai.aliyuncs.com/xxx/yyy:zzz"}],
        }
    )
    assert load_text(text, "complete.json").platform == "eas"


@pytest.mark.parametrize("path", sorted((EXAMPLES / "modelarts").glob("official-*.json")))
def test_official_modelarts_examples_are_modelarts(path: Path) -> None:
    spec = load_text(path.read_bytes(), str(path))
    assert spec.platform == "modelarts"


def test_forced_platform_wins_over_detection() -> None:
    text = json.dumps(SEED_004)
    assert load_text(text, "image.json", platform="modelarts").platform == "modelarts"
    assert load_text(text, "image.json", platform="auto").platform == "eas"
