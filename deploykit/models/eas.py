"""The EAS service JSON, the file given to `eascmd create` (reference/eas.md §1).

Every documented key, plus the legacy and undocumented keys real configs use (§1.9), which
``deploykit.rules.eas`` accepts with a warning. All fields are optional in the model: a
required key that is absent is reported by a rule with the place it belongs, so one missing
key does not hide every other finding. ``REQUIRED`` below names them, and the JSON Schema
export carries them as ``required``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import ConfigDict, Field, StrictBool, StrictInt

from deploykit.models._types import IntOrPercent, LenientBool, Number, Scalar, Secret, SpecModel
from deploykit.models.eas_containers import Container, StorageItem

# Keys the official page marks Required=Yes (§1.1, §1.2), as (owner pointer, key).
# `metadata.name` may instead be the legacy top-level `name` (§1.10): a rule, EAS201.
REQUIRED = (("", "metadata"), ("/metadata", "instance"))


class Rpc(SpecModel):
    """`metadata.rpc` (§1.3). `enable_jemalloc` and `proxy_path` are undocumented (§1.3)."""

    batching: StrictBool | None = None
    keepalive: StrictInt | None = None
    io_threads: StrictInt | None = None
    max_batch_size: StrictInt | None = None
    max_batch_timeout: StrictInt | None = None
    max_queue_size: StrictInt | None = None
    worker_threads: StrictInt | None = None
    rate_limit: StrictInt | None = None
    enable_sigterm: StrictBool | None = None
    enable_jemalloc: StrictInt | StrictBool | None = None
    proxy_path: str | None = None


class RollingStrategy(SpecModel):
    """`metadata.rolling_strategy`: a positive integer or a percentage string (§1.3)."""

    max_surge: IntOrPercent | None = None
    max_unavailable: IntOrPercent | None = None


class Spread(SpecModel):
    policy: Literal["host", "zone", "default"] | None = None


class Scheduling(SpecModel):
    """`metadata.scheduling.spread.policy` (§1.3)."""

    spread: Spread | None = None


class Metadata(SpecModel):
    """`metadata`: general (§1.2) and advanced (§1.3) parameters.

    `rpc` is written both nested and as dotted keys such as `"rpc.keepalive"` (§1.10); both
    are modelled. `eas.termination_grace_period` is documented only dotted (§1.3).
    """

    model_config = ConfigDict(json_schema_extra={"required": ["instance"]})

    name: str | None = None
    instance: StrictInt | None = None
    workspace_id: str | None = None
    cpu: Number | None = None
    memory: StrictInt | None = None  # MB: 4096 is 4 GB (§1.2)
    gpu: StrictInt | None = None
    gpu_memory: StrictInt | None = None  # GB (§1.2, PAI SDK ResourceConfig)
    gpu_core_percentage: StrictInt | None = None
    qos: str | None = None  # documented: "" or "BestEffort"; others warn (EAS222)
    resource: str | None = None
    cuda: str | None = None
    rdma: StrictInt | None = None
    enable_grpc: StrictBool | None = None
    enable_webservice: LenientBool | None = None  # "true" in the Terraform module (§6.7)
    type: str | None = None
    rpc: Rpc | None = None
    rpc_batching: StrictBool | None = Field(None, alias="rpc.batching")
    rpc_keepalive: StrictInt | None = Field(None, alias="rpc.keepalive")
    rpc_io_threads: StrictInt | None = Field(None, alias="rpc.io_threads")
    rpc_max_batch_size: StrictInt | None = Field(None, alias="rpc.max_batch_size")
    rpc_max_batch_timeout: StrictInt | None = Field(None, alias="rpc.max_batch_timeout")
    rpc_max_queue_size: StrictInt | None = Field(None, alias="rpc.max_queue_size")
    rpc_worker_threads: StrictInt | None = Field(None, alias="rpc.worker_threads")
    rpc_rate_limit: StrictInt | None = Field(None, alias="rpc.rate_limit")
    rpc_enable_sigterm: StrictBool | None = Field(None, alias="rpc.enable_sigterm")
    rpc_enable_jemalloc: StrictInt | StrictBool | None = Field(None, alias="rpc.enable_jemalloc")
    rolling_strategy: RollingStrategy | None = None
    termination_grace_period: StrictInt | None = Field(None, alias="eas.termination_grace_period")
    scheduling: Scheduling | None = None
    resource_rebalancing: StrictBool | None = None
    workload_type: str | None = None
    resource_burstable: StrictBool | None = None
    shm_size: StrictInt | None = None  # GB (§1.3)
    # Legacy and undocumented (§1.9): accepted, a rule warns.
    region: str | None = None
    enabled_model_verification: StrictBool | None = Field(
        None, alias="eas.enabled_model_verification"
    )
    disk: str | None = None
    release: StrictBool | str | None = None
    group: str | None = None
    traffic_state: str | None = None
    role: str | None = None
    worker_count: StrictInt | None = None
    resource_id: str | None = None
    gateway: str | None = None
    quota_id: str | None = None


class InstanceSpec(SpecModel):
    """`cloud.computing.instances[]`: tried in order; `spot_price_limit` in USD (§1.4)."""

    type: str | None = None
    spot_price_limit: Number | None = None
    capacity: IntOrPercent | None = None


class Computing(SpecModel):
    """`cloud.computing` (§1.4). `instance_type` is in the PAI SDKs and Terraform modules."""

    instances: list[InstanceSpec] | None = None
    instance_type: str | None = None
    disable_spot_protection_period: StrictBool | None = None


class CloudNetworking(SpecModel):
    """`cloud.networking` (§1.4). `vswitch_id` may be comma-separated (aiops skill);
    `destination_cidrs` and `default_route` come from the old PAI SDK."""

    vpc_id: str | None = None
    vswitch_id: str | None = None
    security_group_id: str | None = None
    destination_cidrs: str | list[str] | None = None
    default_route: str | None = None


class Cloud(SpecModel):
    computing: Computing | None = None
    networking: CloudNetworking | None = None


class Limit(SpecModel):
    enable: StrictBool | None = None
    limit: StrictInt | None = None


class GatewayPolicy(SpecModel):
    """`networking.gateway_policy` (§1.6)."""

    rate_limit: Limit | None = None
    concurrency_limit: Limit | None = None


class Nlb(SpecModel):
    """`networking.nlb[]` (aiops skill only, §1.6)."""

    id: str | None = None
    listener_port: StrictInt | None = None
    net_type: str | None = Field(None, alias="netType")  # "intranet" | "internet" (skill)


class Networking(SpecModel):
    """`networking` (§1.6)."""

    gateway: str | None = None
    gateway_policy: GatewayPolicy | None = None
    nlb: list[Nlb] | None = None


class ScaleStrategy(SpecModel):
    """`autoscaler.scaleStrategies[]` (the AutoScaler API shape, §1.8)."""

    metric_name: str | None = Field(None, alias="metricName")
    threshold: Number | None = None
    service: str | None = None


class Autoscaler(SpecModel):
    """`autoscaler` in both shapes: the official `strategies` map (`{"qps": 10}`) and the
    `scaleStrategies` list of the AutoScaler API / aiops skill (§1.8)."""

    min: StrictInt | None = None
    max: StrictInt | None = None
    strategies: dict[str, Number] | None = None
    scale_strategies: list[ScaleStrategy] | None = Field(None, alias="scaleStrategies")
    behavior: dict[str, Any] | None = None


class MaxComputeSink(SpecModel):
    project: str | None = None
    table: str | None = None


class SlsSink(SpecModel):
    project: str | None = None
    logstore: str | None = None


class SinkerConfig(SpecModel):
    maxcompute: MaxComputeSink | None = None
    sls: SlsSink | None = None


class Sinker(SpecModel):
    """`sinker`: persist requests/responses to MaxCompute or SLS (§1.8)."""

    type: Literal["maxcompute", "sls"] | None = None
    config: SinkerConfig | None = None


class Runtime(SpecModel):
    """`runtime` (§1.1). `termination_grace_period` is from the aiops skill only (§1.8)."""

    enable_crash_block: StrictBool | None = None
    termination_grace_period: StrictInt | None = None


class Unit(SpecModel):
    """`unit.size`: machines per instance for distributed inference, default 2 (§1.1)."""

    size: StrictInt | None = None


class Confidential(SpecModel):
    """`confidential` (§1.1): `decryption_key` is a key *reference* such as `kbs:///…`."""

    trustee_endpoint: str | None = None
    decryption_key: str | None = None


class EasTopLevel(SpecModel):
    """Top-level `eas` object, shown only in one aiops skill file (§1.8, low confidence)."""

    termination_grace_period: StrictInt | None = None


class EasService(SpecModel):
    """An EAS service JSON: custom-image (`containers`) or processor-style (`processor`)."""

    model_config = ConfigDict(
        title="EAS service",
        json_schema_extra={
            "required": ["metadata"],
            "$comment": "Generated by `python -m deploykit.schema` from deploykit.models.eas",
        },
    )

    metadata: Metadata | None = None
    cloud: Cloud | None = None
    containers: list[Container] | None = None
    docker_auth: Secret | None = Field(None, alias="dockerAuth")
    networking: Networking | None = None
    storage: list[StorageItem] | None = None
    token: Secret | None = None
    aimaster: StrictBool | dict[str, Any] | None = None
    # Processor-style services (§1.1).
    model_path: str | None = None
    oss_endpoint: str | None = None
    model_entry: str | None = None
    processor_model_config: str | dict[str, Any] | None = Field(None, alias="model_config")
    processor: str | None = None
    processor_path: str | None = None
    processor_entry: str | None = None
    processor_mainclass: str | None = None
    processor_type: Literal["cpp", "java", "python", ""] | None = None
    warm_up_data_path: str | None = None
    runtime: Runtime | None = None
    autoscaler: Autoscaler | None = None
    # "key:value" (§1.1) or a map (§6); map values are strings in every config seen.
    labels: dict[str, Scalar] | list[str] | str | None = None
    unit: Unit | None = None
    sinker: Sinker | None = None
    confidential: Confidential | None = None
    features: dict[str, Any] | None = None  # free-form, e.g. "eas.aliyun.com/…": "100Gi"
    # Legacy and undocumented (§1.9): accepted, a rule warns.
    name: str | None = None
    generate_token: LenientBool | None = None
    baseimage: str | None = None
    data_image: str | None = None
    meta: dict[str, Any] | None = None
    options: dict[str, Any] | None = None
    source: str | dict[str, Any] | None = None
    eas: EasTopLevel | None = None


def service_name(spec: Mapping[str, Any]) -> str | None:
    """The service's name: ``metadata.name``, else the legacy top-level ``name`` (the old PAI
    SDK reads ``data.get("name") or metadata.get("name")``, reference/eas.md §1.10; a given
    ``metadata.name`` wins). None when there is none, or it is not a non-empty string.

    The one place the name is read from a spec: validation, the client and the emulator."""
    metadata = spec.get("metadata")
    name = metadata.get("name") if isinstance(metadata, Mapping) else None
    name = name or spec.get("name")
    return name if isinstance(name, str) and name else None
