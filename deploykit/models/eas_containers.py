"""The EAS service JSON's `containers[]` and `storage[]` (reference/eas.md §1.5, §1.7, §1.11).

Shape only: which keys exist and their JSON types. What the values mean (reserved ports,
command vs script, probe settings, mount paths) is checked by ``deploykit.rules.eas.containers``
and ``deploykit.rules.eas.service``.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, StrictBool, StrictInt

from deploykit.models._types import Port, Secret, SpecModel


class EnvVar(SpecModel):
    """`containers[].env[]`: one environment variable (§1.5)."""

    name: str | None = None
    value: str | None = None


class Prepare(SpecModel):
    """`containers[].prepare`: pip installs before the container starts (seeds/004)."""

    python_requirements: list[str] | None = Field(None, alias="pythonRequirements")
    python_requirements_path: str | None = Field(None, alias="pythonRequirementsPath")


class HttpGetProbe(SpecModel):
    """`http_get`: healthy when 200 <= status < 400 (§1.11)."""

    path: str | None = None
    port: Port | None = None
    scheme: str | None = None


class TcpSocketProbe(SpecModel):
    """`tcp_socket`: healthy when a TCP connection is established (§1.11)."""

    port: Port | None = None


class ExecProbe(SpecModel):
    """`exec`: healthy when the command exits 0 (§1.11)."""

    command: list[str] | None = None


class Probe(SpecModel):
    """`health_check`, `startup_check`, `liveness_check`, `readiness_check` (seeds/004; §1.11).

    seeds/004 documents defaults initial_delay_seconds 3, period_seconds 3, timeout_seconds 1.
    """

    http_get: HttpGetProbe | None = None
    tcp_socket: TcpSocketProbe | None = None
    exec: ExecProbe | None = None
    initial_delay_seconds: StrictInt | None = None
    period_seconds: StrictInt | None = None
    timeout_seconds: StrictInt | None = None
    success_threshold: StrictInt | None = None
    failure_threshold: StrictInt | None = None


class Container(SpecModel):
    """`containers[]`: one container of a custom-image service (§1.5, seeds/004).

    `args` and `resources` appear only in Alibaba's aiops skill docs (§1.5); accepted.
    """

    image: str | None = None
    env: list[EnvVar] | None = None
    command: str | None = None
    script: str | None = None
    args: list[str] | None = None
    port: Port | None = None
    prepare: Prepare | None = None
    resources: dict[str, Any] | None = None
    health_check: Probe | None = None
    startup_check: Probe | None = None
    liveness_check: Probe | None = None
    readiness_check: Probe | None = None

    def probes(self) -> dict[str, Probe]:
        """The probes this container declares, by key."""
        found = {
            "health_check": self.health_check,
            "startup_check": self.startup_check,
            "liveness_check": self.liveness_check,
            "readiness_check": self.readiness_check,
        }
        return {key: probe for key, probe in found.items() if probe is not None}


class OssMount(SpecModel):
    """`storage[].oss` (§1.7). Note camelCase `readOnly` here, snake_case in `dataset`."""

    path: str | None = None
    read_only: StrictBool | None = Field(None, alias="readOnly")
    endpoint: str | None = None


class NfsMount(SpecModel):
    """`storage[].nfs`: NAS or CPFS, same-region mount target only (§1.7)."""

    path: str | None = None
    server: str | None = None
    read_only: StrictBool | None = Field(None, alias="readOnly")
    resource_group: str | None = Field(None, alias="resourceGroup")


class DatasetMount(SpecModel):
    """`storage[].dataset`: an OSS-backed PAI dataset (§1.7)."""

    id: str | None = None
    version: str | None = None
    read_only: StrictBool | None = None


class GitMount(SpecModel):
    """`storage[].git`: HTTPS only, pulled read-only at instance start (§1.7)."""

    repo: str | None = None
    branch: str | None = None
    commit: str | None = None
    username: str | None = None
    password: Secret | None = None


class CodeMount(SpecModel):
    """`storage[].code`: a PAI code set (§1.7)."""

    id: str | None = None


class ImageMount(SpecModel):
    """`storage[].image`: a directory copied out of an image (§1.7)."""

    image: str | None = None
    path: str | None = None


class EmptyDirMount(SpecModel):
    """`storage[].empty_dir`: a local disk dir, or shared memory with `medium: memory` and
    `size_limit` in GB (§1.7)."""

    medium: str | None = None
    size_limit: StrictInt | None = None


class StorageProperties(SpecModel):
    """`storage[].properties` (§1.7): `resource_type` is "model" or "code" in every config
    seen, but no document lists the values, so any string is accepted."""

    resource_type: str | None = None


# A storage item's source keys, in one place for the model and the "exactly one" rule.
STORAGE_SOURCES = ("oss", "nfs", "dataset", "git", "code", "image", "empty_dir")


class StorageItem(SpecModel):
    """`storage[]`: a `mount_path` and exactly one source (§1.7)."""

    mount_path: str | None = None
    oss: OssMount | None = None
    nfs: NfsMount | None = None
    dataset: DatasetMount | None = None
    git: GitMount | None = None
    code: CodeMount | None = None
    image: ImageMount | None = None
    empty_dir: EmptyDirMount | None = None
    properties: StorageProperties | None = None

    def sources(self) -> list[str]:
        """The source keys this item sets."""
        return [key for key in STORAGE_SOURCES if getattr(self, key) is not None]
