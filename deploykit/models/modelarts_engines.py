"""ModelArts AI engines (`model_type`) and their runtimes, as versioned data.

The allowed values differ between documentation versions (reference/modelarts.md §1.7–1.8),
and the live list is only available from the API (`GET /v1/{project_id}/models/
ai-engine-runtimes`). So each value records the documents that list it, and a value that no
document lists is a warning with "did you mean", never an error: a newer engine must not
stop a user who knows better than our snapshot.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

# Documentation versions, oldest first; the tags are the source tags of reference/modelarts.md.
EX_OLD = "EX-OLD 2018/19 (modelarts-example)"
OLD_CFG = "OLD-CFG (old Senior AI Engineers guide)"
CN21_CFG = "CN21-CFG 2021"
CN21_API = "CN21 API import-model 2021"
TF_PROVIDER = "terraform-provider-huaweicloud docs"
MA_SDK = "ModelArts SDK (OTC sdk-ref)"
OTC_API = "OTC API 2024-2025"


@dataclass(frozen=True)
class Engine:
    """One `model_type` value and the documents that list it."""

    name: str
    sources: tuple[str, ...]
    note: str = ""


# The custom-image engine: the value the custom-image rules key on (reference §1.2).
IMAGE = "Image"

# reference/modelarts.md §1.7, one row per value; OTC-CFG/HW-CFG 2025 defer to the runtime
# table ("Common AI engines and Image") and so add nothing here.
ENGINES: tuple[Engine, ...] = (
    Engine("TensorFlow", (EX_OLD, OLD_CFG, CN21_CFG, CN21_API, TF_PROVIDER, MA_SDK, OTC_API)),
    Engine("MXNet", (EX_OLD, OLD_CFG, CN21_CFG, CN21_API, TF_PROVIDER, MA_SDK)),
    Engine("Caffe", (EX_OLD, OLD_CFG, CN21_CFG, CN21_API, TF_PROVIDER)),
    Engine("Spark_MLlib", (EX_OLD, OLD_CFG, CN21_CFG, CN21_API, TF_PROVIDER, MA_SDK)),
    Engine("Scikit_Learn", (EX_OLD, OLD_CFG, CN21_CFG, CN21_API, TF_PROVIDER, MA_SDK)),
    Engine("XGBoost", (EX_OLD, OLD_CFG, CN21_CFG, CN21_API, TF_PROVIDER, MA_SDK)),
    Engine("PyTorch", (OLD_CFG, CN21_CFG, CN21_API, TF_PROVIDER, MA_SDK, OTC_API)),
    Engine("MindSpore", (EX_OLD, CN21_CFG, MA_SDK, OTC_API)),
    Engine(IMAGE, (EX_OLD, OLD_CFG, CN21_CFG, CN21_API, TF_PROVIDER, MA_SDK, OTC_API),
           note="custom image"),
    Engine("Template", (CN21_API, TF_PROVIDER, OTC_API),
           note="API only, with a `template` object"),
    Engine("AutoModel", (EX_OLD,), note="2018 documents only"),
)

# Documents from 2021 on; an engine none of them lists is out of date (MA102).
CURRENT_SOURCES = frozenset({CN21_CFG, CN21_API, TF_PROVIDER, MA_SDK, OTC_API})

ENGINES_BY_NAME: Mapping[str, Engine] = {engine.name: engine for engine in ENGINES}

# reference/modelarts.md §1.8: the 2021 table (CN `从OBS中选择元模型.md`). Engines missing
# here (MindSpore, Template, Image) have no documented runtime list.
RUNTIMES_2021 = "CN 2021 runtime table"
RUNTIMES: Mapping[str, tuple[str, ...]] = {
    "TensorFlow": (
        "python3.6", "python2.7",
        "tf1.13-python2.7-gpu", "tf1.13-python2.7-cpu",
        "tf1.13-python3.6-gpu", "tf1.13-python3.6-cpu",
        "tf1.13-python3.7-cpu", "tf1.13-python3.7-gpu",
        "tf2.1-python3.7",
    ),
    "MXNet": ("python3.7", "python3.6", "python2.7"),
    "Caffe": (
        "python2.7", "python3.6", "python3.7",
        "python2.7-gpu", "python3.6-gpu", "python3.7-gpu",
        "python2.7-cpu", "python3.6-cpu", "python3.7-cpu",
    ),
    "Spark_MLlib": ("python2.7", "python3.6"),
    "Scikit_Learn": ("python2.7", "python3.6"),
    "XGBoost": ("python2.7", "python3.6"),
    "PyTorch": ("python2.7", "python3.6", "python3.7", "pytorch1.4-python3.7"),
}

# Later "unified" runtime names, `<engine_version>-<cpu|cuda_x|cann_x>-<py_x>-<os>-<arch>`,
# e.g. `tensorflow_2.1.0-cuda_10.1-py_3.7-ubuntu_18.04-x86_64` (reference §1.8, OTC FAQ
# "which AI frameworks does ModelArts support"). Accepted for any engine: the live list is
# per region and only the API knows it.
UNIFIED_RUNTIME = re.compile(
    r"^[a-z]+_[0-9][0-9.]*-(?:cpu|cuda_[0-9.]+|cann_[0-9.]+)-py_[0-9.]+-[a-z]+_[0-9.]+-"
    r"(?:x86_64|aarch64)$"
)

# Runtimes seen in published platform examples that neither the 2021 table nor the unified
# pattern covers (reference §1.8: OTC 2024 example).
EXTRA_RUNTIMES: Mapping[str, tuple[str, ...]] = {
    "TensorFlow": ("tf1.15-aarch64-c75-d910",),
}


def known_runtimes(engine: str) -> tuple[str, ...]:
    """Every documented runtime name of ``engine`` (empty when none is documented)."""
    return RUNTIMES.get(engine, ()) + EXTRA_RUNTIMES.get(engine, ())


def is_known_runtime(engine: str, runtime: str) -> bool:
    return runtime in known_runtimes(engine) or UNIFIED_RUNTIME.match(runtime) is not None


def is_current(name: str) -> bool:
    """True when a 2021-or-later document lists engine ``name``."""
    engine = ENGINES_BY_NAME.get(name)
    return engine is not None and not CURRENT_SOURCES.isdisjoint(engine.sources)
