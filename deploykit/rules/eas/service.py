"""EAS2xx: service name, metadata and resources, storage, processors, autoscaler, networking;
images and registry auth are in :mod:`deploykit.rules.eas.images`.

Facts are tables at the top, each citing its source; the checks below only read them.
Pointers are f-strings of fixed keys (no escaping needed): these checks run on every file.
"""

from __future__ import annotations

import re
from typing import Any

from deploykit import facts
from deploykit.diagnostics import Diagnostic, Severity
from deploykit.diagnostics.registry import rule
from deploykit.models.eas import Autoscaler, EasService, Metadata, service_name
from deploykit.models.eas_containers import StorageItem
from deploykit.rules.eas.images import check_images
from deploykit.rules.shape import field_path, was_given
from deploykit.secrets import redact_userinfo

# Service names: lowercase letters, digits, underscore. NOT official (the docs say only
# "unique within the same region"): aigc-apps/PAI-RAG docs/eas_deploy_deepseek.md
# ("只能使用小写字母+数字+下划线组成") and the aiops skill (`^[a-z0-9_]+$`, 3-63 chars),
# reference/eas.md §1.12. Hence a warning that states its source.
NAME_PATTERN = re.compile(rf"^{facts.EAS_SERVICE_NAME}$")
# Memory is an integer in MB: "4096 means 4 GB" (reference/eas.md §1.2). No model server
# runs in under 128 MB, so a smaller number was almost surely meant as GB.
MEMORY_FLOOR_MB = 128
# metadata.cuda: the versions the official page lists (reference/eas.md §1.2).
CUDA_VERSIONS = frozenset({"8.0", "9.0", "10.0", "10.1", "10.2", "11.0", "11.1", "11.2"})
# metadata.qos: "empty or BestEffort" (reference/eas.md §1.2).
QOS_VALUES = frozenset({"", "BestEffort"})
# The aiops skill says NLB listeners cannot use 8080 (reference/eas.md §1.6).
NLB_RESERVED_PORTS = frozenset({8080})
# processor_type -> the key that type requires (reference/eas.md §1.1, §1.12).
PROCESSOR_REQUIRES = {
    "cpp": "processor_entry",
    "python": "processor_entry",
    "java": "processor_mainclass",
}

# reference/eas.md §1.1: model_path is an OSS address, an HTTP address of an archive, "or a
# local path (only for the `test` command)"; processor_path takes the same formats.
PACKAGE_PATH_KEYS = ("model_path", "processor_path")

NO_NAME = rule(
    "EAS201", Severity.ERROR, "eas", "the service has no name",
    source="reference/eas.md §1.2, §3.6 (CreateService: 409 \"Service name is empty\")",
)
NAME_FORMAT = rule(
    "EAS202", Severity.WARNING, "eas",
    "service name is not 3-63 lowercase letters, digits and underscores",
    source="reference/eas.md §1.12 (PAI-RAG docs, aiops skill; not official)",
)
NEGATIVE_RESOURCE = rule(
    "EAS203", Severity.ERROR, "eas", "metadata instance, cpu, memory or gpu is negative",
    source="reference/eas.md §1.2",
)
MEMORY_UNIT = rule(
    "EAS204", Severity.WARNING, "eas", "metadata.memory looks like GB; it is in MB",
    source="reference/eas.md §1.2 (memory: integer, MB; 4096 = 4 GB)",
)
STORAGE_SOURCE = rule(
    "EAS208", Severity.ERROR, "eas", "storage item does not have exactly one source",
    source="reference/eas.md §1.7",
)
MOUNT_PATH = rule(
    "EAS209", Severity.ERROR, "eas", "storage mount_path is missing or not absolute",
    source="reference/eas.md §1.7",
)
DUPLICATE_MOUNT = rule(
    "EAS210", Severity.ERROR, "eas", "two storage items mount at the same path",
    source="reference/eas.md §1.7",
)
GIT_NOT_HTTPS = rule(
    "EAS211", Severity.ERROR, "eas", "git storage repo is not an https:// URL",
    source="reference/eas.md §1.7 (\"The Git protocol is not supported\")",
)
OSS_PATH = rule(
    "EAS212", Severity.ERROR, "eas", "oss storage path is not an oss:// URL",
    source="reference/eas.md §1.7 ({\"path\": \"oss://bucket/path/\"})",
)
NOTHING_TO_RUN = rule(
    "EAS213", Severity.ERROR, "eas", "the service has neither containers nor a processor",
    source="reference/eas.md §1.1, §1.5",
)
PROCESSOR_KEY = rule(
    "EAS214", Severity.ERROR, "eas",
    "processor_type needs processor_entry (cpp, python) or processor_mainclass (java)",
    source="reference/eas.md §1.1, §1.12",
)
AUTOSCALER_RANGE = rule(
    "EAS215", Severity.ERROR, "eas", "autoscaler max is not greater than min",
    source="reference/eas.md §1.8 (CreateServiceAutoScaler: max > min)",
)
RESOURCE_AND_CLOUD = rule(
    "EAS216", Severity.WARNING, "eas",
    "metadata.resource (dedicated group) and cloud.computing (public group) are both set",
    source="reference/eas.md §1.4 (aiops skill validator; not official)",
)
PROCESSOR_NO_MODEL = rule(
    "EAS217", Severity.WARNING, "eas", "built-in processor without model_path",
    source="reference/eas.md §1.1 (model_path: required with a processor)",
)
GPU_MEMORY_IGNORED = rule(
    "EAS218", Severity.WARNING, "eas", "metadata.gpu_memory has no effect when gpu is set",
    source="reference/eas.md §1.2 (PAI SDK)",
)
CUDA_VERSION = rule(
    "EAS219", Severity.WARNING, "eas", "metadata.cuda is not a documented version",
    source="reference/eas.md §1.2",
)
NLB_PORT = rule(
    "EAS220", Severity.WARNING, "eas", "NLB listener_port 8080 cannot be used",
    source="reference/eas.md §1.6 (aiops skill)",
)
NAME_CONFLICT = rule(
    "EAS221", Severity.WARNING, "eas", "top-level `name` and `metadata.name` differ",
    source="reference/eas.md §1.10 (the old PAI SDK reads the top-level name first)",
)
QOS_VALUE = rule(
    "EAS222", Severity.WARNING, "eas", "metadata.qos is not a documented value",
    source="reference/eas.md §1.2 (empty or BestEffort)",
)
NAME_CHARACTER = rule(
    "EAS225", Severity.ERROR, "eas",
    "service name holds a character no request can carry (a lone surrogate, a control "
    "character)",
    source="reference/eas.md §1.12 (names are lowercase letters, digits and `_`); RFC 8259 "
    "§8.1 (JSON text exchanged between systems is UTF-8, which has no lone surrogates)",
)
LOCAL_PACKAGE = rule(
    "EAS224", Severity.WARNING, "eas",
    "model_path or processor_path is a local path, which EAS reads only under `eascmd test`",
    source="reference/eas.md §1.1 (model_path: OSS, HTTP, or a local path for `test` only; "
    "processor_path: the same formats)",
)


def check_service(service: EasService, data: dict[str, Any]) -> list[Diagnostic]:
    """Every EAS2xx finding about one service (``data``: the input, see ``was_given``)."""
    # Runs on every file: each check appends to `found` (cheaper than nested generators), and
    # builds pointers and messages only once it has a finding.
    found: list[Diagnostic] = []
    _name(found, service, data)
    if service.metadata is not None:
        _metadata(found, service.metadata)
    check_images(found, service)
    if service.storage:
        _storage(found, service.storage, data)
    _processor(found, service, data)
    _package_paths(found, service)
    if service.autoscaler is not None:
        _autoscaler(found, service.autoscaler)
    _placement(found, service)
    for index, nlb in enumerate(service.networking.nlb or [] if service.networking else []):
        if nlb.listener_port in NLB_RESERVED_PORTS:
            at = f"/networking/nlb/{index}/listener_port"
            found.append(
                NLB_PORT(
                    at,
                    f"{field_path(at)} {nlb.listener_port} cannot be used for an NLB listener",
                    suggestion="listen on another port, e.g. 8000",
                )
            )
    return found


# --- name and metadata -------------------------------------------------------------------


def _name(found: list[Diagnostic], service: EasService, data: dict[str, Any]) -> None:
    name = service_name(data)
    if not name and not was_given(data, "name") and not was_given(data.get("metadata"), "name"):
        found.append(
            NO_NAME(
                "/metadata" if service.metadata is not None else "",
                'the service has no name; CreateService refuses it ("Service name is empty")',
                suggestion='set "metadata": {"name": "my_service", ...}',
            )
        )
        return
    if not name:
        return  # given, but not a string: a type error says so
    top = service.name
    if top:  # rare: the older top-level form (reference/eas.md §1.10)
        in_metadata = service.metadata.name if service.metadata else None
        if in_metadata and top != in_metadata:
            found.append(
                NAME_CONFLICT(
                    "/name",
                    f"top-level `name` `{top}` and metadata.name `{in_metadata}` differ; which "
                    "one EAS uses is undocumented (the old PAI SDK takes the top-level one)",
                    suggestion="keep only metadata.name",
                )
            )
    if not NAME_PATTERN.match(name):
        at = "/metadata/name" if service.metadata is not None and service.metadata.name else "/name"
        _name_format(found, name, at)


def _name_format(found: list[Diagnostic], name: str, at: str) -> None:
    """``name`` (at ``at``) breaks the naming rule: say how, never echoing what cannot print."""
    fixed = re.sub(r"[^a-z0-9_]", "_", name.lower())[:63]
    suggestion = f"use e.g. `{fixed}`" if len(fixed) >= 3 else "use 3-63 of a-z, 0-9, _"
    unsendable = _unsendable_character(name)
    if unsendable is not None:
        # The name is not shown: it cannot be printed or encoded as it is.
        found.append(
            NAME_CHARACTER(
                at,
                f"{field_path(at)} contains {unsendable}, which no request to EAS can carry; "
                "service names are lowercase letters, digits and `_`",
                suggestion=suggestion,
            )
        )
        return
    why = "a hyphen is not allowed" if "-" in name else "3-63 lowercase letters, digits, `_`"
    found.append(
        NAME_FORMAT(
            at,
            f"{field_path(at)} `{name}` does not follow the EAS naming rule ({why}); the rule "
            "comes from Alibaba's PAI-RAG docs and aiops skill, the official docs do not "
            "state one",
            suggestion=suggestion,
        )
    )


def _unsendable_character(name: str) -> str | None:
    """The first character that cannot travel in a UTF-8 JSON request, described."""
    for character in name:
        code = ord(character)
        if 0xD800 <= code <= 0xDFFF:
            return f"U+{code:04X}, a lone surrogate (not encodable as UTF-8)"
        if code < 0x20 or 0x7F <= code < 0xA0:
            return f"U+{code:04X}, a control character"
    return None


def _metadata(found: list[Diagnostic], metadata: Metadata) -> None:
    for key in ("instance", "cpu", "memory", "gpu"):
        value = getattr(metadata, key)
        if value is not None and value < 0:
            at = f"/metadata/{key}"
            message = f"{field_path(at)} is {value}; it cannot be negative"
            found.append(NEGATIVE_RESOURCE(at, message, suggestion="use 0 or more"))
    memory = metadata.memory
    if memory is not None and 0 < memory < MEMORY_FLOOR_MB:
        found.append(
            MEMORY_UNIT(
                "/metadata/memory",
                f"metadata.memory {memory} is in MB, so this is {memory} MB; "
                f"did you mean {memory} GB?",
                suggestion=f"write {memory * 1024} for {memory} GB",
            )
        )
    if metadata.gpu_memory is not None and metadata.gpu is not None and metadata.gpu >= 1:
        found.append(
            GPU_MEMORY_IGNORED(
                "/metadata/gpu_memory",
                "metadata.gpu_memory has no effect when metadata.gpu is 1 or more (whole cards)",
                suggestion="drop gpu_memory, or drop gpu to share a card by GPU memory",
            )
        )
    qos = metadata.qos
    if qos is not None and qos not in QOS_VALUES:
        found.append(
            QOS_VALUE(
                "/metadata/qos",
                f"metadata.qos `{qos}` is not a documented value (empty or BestEffort)",
                suggestion='use "BestEffort" for CPU sharing, or leave qos out',
            )
        )
    cuda = metadata.cuda
    if cuda is not None and cuda not in CUDA_VERSIONS:
        found.append(
            CUDA_VERSION(
                "/metadata/cuda",
                f"metadata.cuda `{cuda}` is not one of the documented versions "
                f"({', '.join(sorted(CUDA_VERSIONS))})",
                suggestion="use a documented version, or check the current EAS documentation",
            )
        )


# --- storage -----------------------------------------------------------------------------


def _storage(found: list[Diagnostic], items: list[StorageItem], data: dict[str, Any]) -> None:
    mounted: dict[str, int] = {}
    for index, item in enumerate(items):
        at = f"/storage/{index}"
        sources = item.sources()
        if len(sources) != 1:
            shown = ", ".join(f"`{s}`" for s in sources) or "none"
            found.append(
                STORAGE_SOURCE(
                    at,
                    f"{field_path(at)} must have exactly one source (oss, nfs, dataset, git, "
                    f"code, image, empty_dir); found {shown}",
                    suggestion="split it into one storage item per source",
                )
            )
        if item.mount_path is not None or not was_given(data["storage"][index], "mount_path"):
            _mount_path(found, item, at, mounted, index)
        git = item.git
        if git is not None and git.repo and not git.repo.startswith("https://"):
            where = f"{at}/git/repo"
            found.append(
                GIT_NOT_HTTPS(
                    where,
                    f"{field_path(where)} `{redact_userinfo(git.repo)}` is not https; EAS "
                    "clones over HTTPS only",
                    suggestion="use the https:// clone URL, with username and password for a "
                    "private repository",
                )
            )
        oss = item.oss
        if oss is not None and oss.path and not oss.path.startswith("oss://"):
            where = f"{at}/oss/path"
            found.append(
                OSS_PATH(
                    where,
                    f"{field_path(where)} `{oss.path}` is not an oss:// URL",
                    suggestion="write it as oss://<bucket>/<path>/",
                )
            )


def _mount_path(
    found: list[Diagnostic], item: StorageItem, at: str, mounted: dict[str, int], index: int
) -> None:
    path = item.mount_path
    if not path or not path.startswith("/"):
        shown = f" `{path}`" if path else ""
        found.append(
            MOUNT_PATH(
                f"{at}/mount_path" if path else at,
                f"{field_path(at)} mount_path{shown} must be an absolute path in the container",
                suggestion='e.g. "mount_path": "/mnt/data"',
            )
        )
        return
    key = path.rstrip("/") or "/"
    if key in mounted:
        where = f"{at}/mount_path"
        found.append(
            DUPLICATE_MOUNT(
                where,
                f"{field_path(where)} `{path}` is also mounted by storage[{mounted[key]}]",
                suggestion="give each storage item its own mount_path",
            )
        )
    else:
        mounted[key] = index


# --- processor, autoscaler, placement ----------------------------------------------------


def _processor(found: list[Diagnostic], service: EasService, data: dict[str, Any]) -> None:
    if not (
        was_given(data, "containers")
        or was_given(data, "processor")
        or was_given(data, "processor_path")
    ):
        found.append(
            NOTHING_TO_RUN(
                "",
                "the service has neither `containers` (custom image) nor `processor`/"
                "`processor_path` (processor service), so EAS has nothing to run",
                suggestion="add a containers[] entry with image, command and port",
            )
        )
    required = PROCESSOR_REQUIRES.get(service.processor_type or "")
    if required is not None and not getattr(service, required):
        found.append(
            PROCESSOR_KEY(
                "/processor_type",
                f"processor_type `{service.processor_type}` needs `{required}`",
                suggestion=f"set `{required}`, e.g. "
                + ("com.aliyun.TestProcessor" if required == "processor_mainclass" else "app.py"),
            )
        )
    if service.processor and not service.model_path:
        found.append(
            PROCESSOR_NO_MODEL(
                "/processor",
                f"processor `{service.processor}` is set but model_path is not; the docs "
                "require model_path for processor services",
                suggestion='set "model_path": "oss://<bucket>/<dir>/"',
            )
        )


def _package_paths(found: list[Diagnostic], service: EasService) -> None:
    for key in PACKAGE_PATH_KEYS:
        path = getattr(service, key)
        if not path or "://" in path:  # a URL; one with another scheme is not ours to judge
            continue
        found.append(
            LOCAL_PACKAGE(
                f"/{key}",
                f"{key} `{path}` is a local path: EAS reads local paths only when the spec is "
                "run with `eascmd test`; a service created from it cannot load the package",
                suggestion=f"upload it (e.g. ossutil cp {path} oss://<bucket>/<dir>/) and set "
                f"{key} to its oss:// URL, or to an http(s):// URL of the archive",
            )
        )


def _autoscaler(found: list[Diagnostic], scaler: Autoscaler) -> None:
    if scaler.min is None or scaler.max is None:
        return
    if scaler.max <= scaler.min:
        found.append(
            AUTOSCALER_RANGE(
                "/autoscaler/max",
                f"autoscaler.max {scaler.max} must be greater than autoscaler.min {scaler.min}",
                suggestion=f"set max to at least {scaler.min + 1}",
            )
        )


def _placement(found: list[Diagnostic], service: EasService) -> None:
    """The aiops skill's validator wants exactly one of the two; the official complete example
    sets both with a `dedicated_resource` entry, so only the other combinations warn."""
    computing = service.cloud.computing if service.cloud is not None else None
    if service.metadata is None or not service.metadata.resource or computing is None:
        return
    if any(spec.type == "dedicated_resource" for spec in computing.instances or []):
        return
    found.append(
        RESOURCE_AND_CLOUD(
            "/metadata/resource",
            "metadata.resource (a dedicated resource group) and cloud.computing (public "
            "resource group instance types) are both set; Alibaba's aiops skill says to set "
            "one of them",
            suggestion="drop cloud.computing on a dedicated group, or add "
            '{"type": "dedicated_resource"} to cloud.computing.instances to mix both',
        )
    )
