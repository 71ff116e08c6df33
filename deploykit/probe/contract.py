"""What the platform will call on a server, read from the file the user is about to deploy.

- ``--config config.json`` (ModelArts): the health probes (``health``, ``readiness_health``,
  ``startup_health``; ``GET /health`` when none is declared) and every ``apis[]`` entry.
- ``--spec service.json`` (EAS): the container's health checks on the ports it declares
  (a TCP check of the container port when it declares none), and the hand-written request.
- Neither: the hand-written contract of ``--health-path``, ``--path`` and ``--data``.

The file is validated first, with the ``validate`` rules: a file with error-level findings
yields its report and no contract, so nothing is generated from a broken schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from deploykit import pointer as jp
from deploykit.diagnostics import Diagnostic, FileReport
from deploykit.errors import ConfigError
from deploykit.loading import LoadedSpec, Target, load_target
from deploykit.models.eas import EasService
from deploykit.models.eas_containers import Container
from deploykit.models.modelarts import Api, ApiMessage, ModelArtsConfig
from deploykit.probe import findings
from deploykit.probe.samples import sample
from deploykit.validation import validate


@dataclass(frozen=True)
class HealthCheck:
    """One probe the platform sends: ``http`` (GET path), ``tcp`` (connect) or ``exec``."""

    kind: str
    label: str  # how the message names it: "health", "containers[0].health_check"
    path: str = "/"
    port: int | None = None  # None: the port of the probed URL
    healthy: range = findings.MODELARTS_HEALTHY
    body: Any = None  # the JSON body to expect with a healthy status (None: any body)
    pointer: str | None = None


@dataclass(frozen=True)
class ApiCall:
    """One inference API, and the request built for it."""

    method: str
    path: str
    payload: Any  # the body: JSON-like, with FilePart values for uploads
    request_type: str = findings.DEFAULT_CONTENT_TYPE
    response_type: str | None = None
    response_schema: dict[str, Any] | None = None
    pointer: str | None = None  # "/apis/0"


@dataclass(frozen=True)
class Contract:
    path: str  # what the report is named by: the config/spec file, or the URL
    platform: str
    health: tuple[HealthCheck, ...] = ()
    apis: tuple[ApiCall, ...] = ()
    source: LoadedSpec | None = None  # the file, for locating findings in it
    checked: FileReport | None = None  # the file's own validate findings

    @property
    def refused(self) -> bool:
        """True when the file has error-level findings: nothing may be sent."""
        return self.checked is not None and self.checked.errors > 0


@dataclass(frozen=True)
class HandWritten:
    """The contract given on the command line (no file, or what an EAS spec leaves open)."""

    platform: str = "modelarts"
    health_path: str | None = None
    inference_path: str | None = None
    payload: Any = None  # None: {} (the first probe's default)


def from_command_line(url: str, given: HandWritten) -> Contract:
    healthy, body = _health_expectation(given.platform)
    check = HealthCheck("http", "health API", given.health_path or findings.MODELARTS_HEALTH_PATH,
                        healthy=healthy, body=body)
    return Contract(url, given.platform, (check,), (_hand_written_api(given),))


def from_config(path: str, given: HandWritten) -> Contract:
    """The ModelArts contract of ``config.json`` at ``path``."""
    if given.health_path or given.inference_path or given.payload is not None:
        raise ConfigError("--config declares the health and inference APIs; --health-path, "
                          "--path and --data are for probing without one",
                          hint="drop those options, or add the API to config.json apis[]")
    loaded, checked = _validated(path, "modelarts")
    if checked.errors:
        return Contract(path, "modelarts", source=loaded, checked=checked)
    from deploykit.rules.modelarts.document import SHAPE
    from deploykit.rules.shape import check_shape

    config, _ = check_shape(ModelArtsConfig, loaded.data, SHAPE)
    assert config is not None  # no error-level finding: the shape is whole
    return Contract(path, "modelarts", _config_health(config), _config_apis(config),
                    source=loaded, checked=checked)


def from_spec(path: str, url_port: int, given: HandWritten) -> Contract:
    """The EAS contract of the service JSON at ``path`` for the server on ``url_port``."""
    if given.health_path:
        raise ConfigError("--spec declares the health check; --health-path is for probing "
                          "without one", hint="drop --health-path, or edit the spec's "
                          "containers[].health_check")
    loaded, checked = _validated(path, "eas")
    if checked.errors:
        return Contract(path, "eas", source=loaded, checked=checked)
    from deploykit.rules.eas.document import SHAPE
    from deploykit.rules.shape import check_shape

    service, _ = check_shape(EasService, loaded.data, SHAPE)
    assert service is not None  # no error-level finding: the shape is whole
    index, container = _container_for(service, url_port, path)
    return Contract(path, "eas", _container_health(index, container),
                    (_hand_written_api(given),), source=loaded, checked=checked)


def _validated(path: str, platform: str) -> tuple[LoadedSpec, FileReport]:
    loaded = load_target(Target(path, "spec"), platform=platform)
    return loaded, validate(loaded)


def _health_expectation(platform: str) -> tuple[range, Any]:
    if platform == "eas":
        return findings.EAS_HEALTHY, None
    return findings.MODELARTS_HEALTHY, findings.HEALTH_BODY


def _hand_written_api(given: HandWritten) -> ApiCall:
    return ApiCall(findings.DEFAULT_METHOD, given.inference_path or findings.DEFAULT_API_URL,
                   {} if given.payload is None else given.payload)


def _config_health(config: ModelArtsConfig) -> tuple[HealthCheck, ...]:
    declared = {"health": config.health, "readiness_health": config.readiness_health,
                "startup_health": config.startup_health}
    checks = []
    for key, probe in declared.items():
        if probe is None:
            continue
        pointer = f"/{key}"
        if (probe.check_method or "HTTP").upper() == "EXEC":
            checks.append(HealthCheck("exec", key, pointer=pointer))
        else:
            checks.append(HealthCheck("http", key, probe.url or findings.MODELARTS_HEALTH_PATH,
                                      body=findings.HEALTH_BODY, pointer=jp.child(pointer, "url")))
    if not checks:  # none declared: the custom-image specification's own health API
        checks.append(HealthCheck("http", "health API", findings.MODELARTS_HEALTH_PATH,
                                  body=findings.HEALTH_BODY))
    return tuple(checks)


def _config_apis(config: ModelArtsConfig) -> tuple[ApiCall, ...]:
    if not config.apis:  # reference §1.4: the default API is POST /
        return (ApiCall(findings.DEFAULT_METHOD, findings.DEFAULT_API_URL, {}),)
    hint = config.model_algorithm or ""
    return tuple(_api_call(index, api, hint) for index, api in enumerate(config.apis))


def _api_call(index: int, api: Api, algorithm: str) -> ApiCall:
    path = api.url or findings.DEFAULT_API_URL
    request, response = api.request or ApiMessage(), api.response or ApiMessage()
    schema = request.data if isinstance(request.data, dict) else None
    return ApiCall(
        method=(api.method or findings.DEFAULT_METHOD).upper(),
        path=path,
        payload=sample(schema, image_hint=f"{path} {algorithm}") if schema is not None else {},
        request_type=request.content_type or findings.DEFAULT_CONTENT_TYPE,
        response_type=response.content_type,
        response_schema=response.data if isinstance(response.data, dict) else None,
        pointer=f"/apis/{index}",
    )


def _container_for(service: EasService, url_port: int, path: str) -> tuple[int, Container]:
    """The container the URL's server stands for: the one on that port, or the only one."""
    containers = service.containers or []
    for index, container in enumerate(containers):
        if container.port == url_port:
            return index, container
    if len(containers) == 1:
        return 0, containers[0]
    if not containers:
        raise ConfigError(f"{path} has no containers[]: it is not a custom-image service",
                          hint="probe a custom-image service spec (containers[].image)")
    ports = ", ".join(str(c.port) for c in containers)
    raise ConfigError(f"{path} has {len(containers)} containers (ports {ports}) and none "
                      f"listens on the URL's port {url_port}",
                      hint="give the URL of the container to probe, on its containers[].port")


def _container_health(index: int, container: Container) -> tuple[HealthCheck, ...]:
    where, eas = f"/containers/{index}", findings.EAS_HEALTHY
    probes = container.probes()
    if not probes:
        # reference/eas.md §1.5: without a health check, EAS uses a TCP readiness probe.
        return (HealthCheck("tcp", f"containers[{index}] TCP readiness", port=container.port,
                            healthy=eas,
                            pointer=jp.child(where, "port") if container.port else None),)
    checks = []
    for key, probe in probes.items():
        pointer, label = jp.child(where, key), f"containers[{index}].{key}"
        if probe.http_get is not None:
            checks.append(HealthCheck("http", label, probe.http_get.path or "/",
                                      port=probe.http_get.port or container.port, healthy=eas,
                                      pointer=jp.child(pointer, "http_get")))
        elif probe.tcp_socket is not None:
            checks.append(HealthCheck("tcp", label, port=probe.tcp_socket.port or container.port,
                                      healthy=eas, pointer=jp.child(pointer, "tcp_socket")))
        else:
            checks.append(HealthCheck("exec", label, pointer=pointer))
    return tuple(checks)


def located(contract: Contract, found: list[Diagnostic]) -> FileReport:
    """The report of a probe: the file's own findings, then the probe's, each placed in the
    file (line and column) when it names a pointer into it."""
    own = list(contract.checked.diagnostics) if contract.checked is not None else []
    placed = [_placed(contract.source, d) for d in found]
    return FileReport(contract.path, contract.platform, [*own, *placed])


def _placed(source: LoadedSpec | None, diagnostic: Diagnostic) -> Diagnostic:
    if source is None or diagnostic.pointer is None:
        return diagnostic
    position = source.source_map.locate(diagnostic.pointer, diagnostic.anchor)
    return diagnostic.located(*position) if position else diagnostic
