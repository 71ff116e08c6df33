"""Huawei Cloud ModelArts as a deploy platform: connect, load config.json, print like eascmd.

Connecting (PRODUCT.md "Deploy commands"; the endpoint forms are in ``_endpoint``):

* no ``--endpoint``: ``https://modelarts.<region>.myhuaweicloud.com``, ``.cn`` for
  ``ap-southeast-1`` (reference/modelarts.md §3.1, ``clients.huawei._endpoints``);
* a host like ``modelarts.cn-north-4.myhuaweicloud.com``: the region is read from the host
  when not given otherwise; a loopback emulator: its default region;
* ``local``: the embedded emulator, in process, with its state in the SQLite file that EAS's
  uses too. Its documented default credentials and project are used when none are configured.

Every ModelArts path carries the project id (§3.1), so a key without one is a ``ConfigError``
(exit 2) of its own. Requests are signed with SDK-HMAC-SHA256 (§4.2).

What is deployed is a config.json plus ``create``'s options (``clients.huawei.deployment``);
it prints in eascmd's shapes (``deploy.eascmd_text``) with ModelArts's own fields.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from deploykit import credentials as creds
from deploykit.clients.huawei.deployment import first_config
from deploykit.credentials.huawei import HUAWEI, HuaweiKey
from deploykit.deploy.eascmd_text import column_table, key_value_table
from deploykit.errors import ConfigError
from deploykit.platforms._contract import Change, ConnectOptions, CreateOptions, Platform, Target
from deploykit.platforms._endpoint import locate
from deploykit.secrets import redact_json

if TYPE_CHECKING:
    import httpx

    from deploykit.clients._api import ServiceClient
    from deploykit.clients.huawei.modelarts import ModelArtsClient
    from deploykit.deploy.specs import LoadedSpecs

# The emulator's default region (emulator.modelarts.DEFAULT_REGION).
LOCAL_REGION = "cn-north-4"
# reference/modelarts.md §3.1: modelarts.<region>.myhuaweicloud.com (.cn for ap-southeast-1).
_REGION_IN_HOST = re.compile(r"^modelarts\.([a-z0-9-]+)\.myhuaweicloud\.(?:com|cn)$")
_EXAMPLE_HOST = "modelarts.cn-north-4.myhuaweicloud.com"
_WHAT = "a ModelArts config.json"


class ModelArtsPlatform:
    """Huawei Cloud ModelArts (v1 models and real-time services), signed with AK/SK."""

    name, title = "modelarts", "ModelArts"
    credentials = HUAWEI

    @property
    def view(self) -> ModelArtsView:
        return ModelArtsView()

    def connect(self, target: Target, options: ConnectOptions) -> ModelArtsClient:
        from deploykit.clients import _http
        from deploykit.clients.huawei import _signer, modelarts

        base_url, region, key, transport = self._resolve(target, options)
        project = str(key.project_id)
        signer = _signer.SdkHmacSha256Auth(key.access_key_id, key.access_key_secret,
                                           security_token=key.security_token, project_id=project)
        http = _http.build_client(base_url, auth=signer, transport=options.transport or transport,
                                  log=options.log)
        return modelarts.ModelArtsClient(http, region, project, policy=options.policy,
                                         on_retry=options.on_retry,
                                         on_progress=options.on_progress)

    def load_specs(
        self, paths: Sequence[str], *, options: CreateOptions | None = None
    ) -> LoadedSpecs:
        """Each config.json, validated, as a deployment with ``options`` (``--name`` …)."""
        from deploykit.clients.huawei.deployment import deployment
        from deploykit.deploy.apply import SpecToApply
        from deploykit.deploy.specs import LoadedSpecs, load_specs

        options = options or CreateOptions()
        if not options.name:
            raise ConfigError("a ModelArts deployment needs --name",
                              hint="e.g. --name echo (the service's and the model's name)")
        loaded = load_specs(paths, platform=self.name, name_of=lambda _: str(options.name),
                            what=_WHAT)
        specs = [
            SpecToApply(one.path, one.name, deployment(
                one.data, path=one.path, name=options.name,
                model_version=options.model_version, source_location=options.source_location,
                specification=options.specification, instance=options.instance,
                envs=options.envs, model_only=options.model_only,
            ))
            for one in loaded.specs
        ]
        return LoadedSpecs(specs, loaded.report)

    def load_change(self, client: ServiceClient, name: str, change: Change) -> LoadedSpecs:
        """``modify -s CONFIG_JSON`` (validated) and/or ``--model-version``, or ``-D`` pairs
        into the deployment (``-D service.instance_count=2``). The client merges it into the
        live deployment itself (``ModelArtsClient.update``)."""
        from deploykit.clients.huawei.deployment import check_version, merged
        from deploykit.deploy.apply import SpecToApply
        from deploykit.deploy.partial_update import nested_change
        from deploykit.deploy.specs import LoadedSpecs, load_specs

        options = change.options
        extra = [flag for flag in options.given() if flag != "--model-version"]
        if extra:
            raise ConfigError(f"modify does not take {', '.join(extra)}",
                              hint="change the service with -D service.<key>=<value>")
        body: dict[str, Any] = nested_change(change.pairs) if change.pairs else {}
        model: dict[str, Any] = {}
        loaded = LoadedSpecs()
        if change.spec is not None:
            loaded = load_specs([change.spec], platform=self.name, name_of=lambda _: "",
                                what=_WHAT)
            if loaded.refused:
                return loaded
            model["initial_config"] = dict(loaded.specs[0].data)
        if options.model_version:
            check_version(options.model_version)
            model["model_version"] = options.model_version
        if model:
            body = merged(body, {"model": model})
        return LoadedSpecs([SpecToApply(change.spec or "-D", name, body)], loaded.report)

    def _resolve(
        self, target: Target, options: ConnectOptions
    ) -> tuple[str, str, HuaweiKey, httpx.BaseTransport | None]:
        """Base URL, region, key (with its project) and, for ``local``, the transport."""
        import os

        from deploykit.clients.huawei._endpoints import modelarts_endpoint

        where = locate(
            HUAWEI, target, options.env, region_in_host=_REGION_IN_HOST,
            local_region=LOCAL_REGION, example_host=_EXAMPLE_HOST,
            region_hint="pass --region cn-north-4 (or set HUAWEICLOUD_SDK_REGION, or "
            "`deploykit config --platform modelarts -r REGION`)",
        )
        if where.local:
            return _local(where.settings, where.region)
        endpoint = where.endpoint
        if endpoint is not None and endpoint.note and options.notice is not None:
            options.notice(endpoint.note)
        base_url = endpoint.base_url if endpoint else modelarts_endpoint(where.region)
        key = creds.require(HUAWEI, where.settings)
        if not key.project_id:
            raise HUAWEI.missing_project(key, os.environ if options.env is None else options.env)
        return base_url, where.region, key, None


def _local(
    settings: creds.Settings[HuaweiKey], region: str
) -> tuple[str, str, HuaweiKey, httpx.BaseTransport]:
    from deploykit.emulator import embedded
    from deploykit.emulator import modelarts as emulated

    default = HuaweiKey(emulated.DEFAULT_ACCESS_KEY_ID,
                        SecretStr(emulated.DEFAULT_SECRET_ACCESS_KEY), source="emulator defaults",
                        project_id=emulated.DEFAULT_PROJECT_ID)
    key = settings.credentials or default
    if not key.project_id:  # the user's key, without a project: the emulator's is as good
        key = dataclasses.replace(key, project_id=default.project_id)
    emulator = embedded("modelarts", key, region, project_id=str(key.project_id))
    return f"https://modelarts.{region}.myhuaweicloud.com", region, key, emulator.mock_transport()


# -- printing ------------------------------------------------------------------------------

# ls columns, in order, and the ListServices field (reference/modelarts.md §3.3) each shows.
LS_COLUMNS: tuple[tuple[str, str], ...] = (
    ("SERVICENAME", "service_name"),
    ("SERVICEID", "service_id"),
    ("STATUS", "status"),
    ("INFERTYPE", "infer_type"),
    ("PUBLISHAT", "publish_at"),
    ("UPDATETIME", "update_time"),
)
# §3.3 ShowService fields shown by desc, in order; absent ones are left out.
DESC_ROWS: tuple[tuple[str, str], ...] = (
    ("Status", "status"),
    ("ServiceName", "service_name"),
    ("ServiceId", "service_id"),
    ("InferType", "infer_type"),
    ("Progress", "progress"),
    ("PublishAt", "publish_at"),
    ("UpdateTime", "update_time"),
    ("AccessAddress", "access_address"),
    ("ErrorMsg", "error_msg"),
)
# Epoch-millisecond fields (§3.3), shown as UTC times like eascmd's.
_TIMES = frozenset({"publish_at", "update_time"})


class ModelArtsView:
    """eascmd's table shapes over ModelArts service answers."""

    def created_rows(
        self, service: Mapping[str, Any], *, show_token: bool
    ) -> list[tuple[str, str]]:
        """After a create: the service id, the model it runs, the address to call."""
        first = first_config(service)
        rows = [("Service ID", str(service.get("service_id") or ""))]
        if first.get("model_name"):
            rows.append(("Model", f"{first['model_name']} {first.get('model_version', '')}"))
        if service.get("access_address"):
            rows.append(("Access Address", str(service["access_address"])))
        return [(label, value) for label, value in rows if value]

    def desc_text(self, service: Mapping[str, Any], *, show_token: bool) -> str:
        rows = [(label, _cell(key, service[key])) for label, key in DESC_ROWS
                if service.get(key) not in (None, "")]
        for i, entry in enumerate(_configs(service)):
            shown = redact_json(entry)  # envs values with secret names
            rows.append((f"Config[{i}]", json.dumps(shown, indent=2, ensure_ascii=False)))
        return key_value_table(rows)

    def ls_text(self, services: Sequence[Mapping[str, Any]]) -> str:
        rows = [[_cell(key, s.get(key)) for _, key in LS_COLUMNS] for s in services]
        return column_table([h for h, _ in LS_COLUMNS], rows)

    def document(self, service: Mapping[str, Any], *, show_token: bool) -> dict[str, Any]:
        """A service for ``--format json``: the API's fields, secrets removed."""
        document: dict[str, Any] = redact_json(dict(service))
        return document


def _configs(service: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    config = service.get("config")
    return [c for c in config if isinstance(c, Mapping)] if isinstance(config, list) else []


def _cell(key: str, value: Any) -> str:
    if key in _TIMES and isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


# Typed as the protocol: mypy checks that ModelArts supplies everything the seam asks for.
MODELARTS: Platform = ModelArtsPlatform()
