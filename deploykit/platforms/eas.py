"""Alibaba Cloud PAI-EAS as a deploy platform: connect, load service JSON, print like eascmd.

Connecting (PRODUCT.md "Deploy commands"; the endpoint forms are in ``_endpoint``):

* no ``--endpoint``: ``https://pai-eas.<region>.aliyuncs.com`` (reference/eas.md §3.1);
* a host like eascmd's ``-e pai-eas.cn-beijing.aliyuncs.com`` (§2.1): the region is read
  from the host when not given otherwise;
* an emulator on a loopback address: its default region when none is given;
* ``local``: the embedded emulator, in process, with its state in a SQLite file so that
  ``create`` then ``ls`` in a later process agree. Its documented default credentials are
  used when none are configured.

Printing is eascmd's (reference/eas.md §2.3): the create table, ``desc`` rows, ``ls``
columns. The service token is ``****`` unless the user asked for it, and ``ServiceConfig``
never shows a secret, whatever was asked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from deploykit import credentials as creds
from deploykit.credentials import AccessKey
from deploykit.credentials.alibaba import ALIBABA
from deploykit.deploy.eascmd_text import column_table, key_value_table
from deploykit.errors import ConfigError
from deploykit.platforms._contract import Change, ConnectOptions, CreateOptions, Platform, Target
from deploykit.platforms._endpoint import locate
from deploykit.secrets import REDACTED, redact_json

if TYPE_CHECKING:
    import httpx

    from deploykit.clients._api import ServiceClient
    from deploykit.clients.alibaba.eas import EasClient
    from deploykit.deploy.specs import LoadedSpecs

# The emulator's default region (its contract: Emulator(region="cn-shanghai")).
LOCAL_REGION = "cn-shanghai"
# reference/eas.md §3.1: regional host, also the legacy VPC form eascmd users paste.
_REGION_IN_HOST = re.compile(r"^pai-eas(?:-vpc)?\.([a-z0-9-]+)\.aliyuncs\.com$")
_EXAMPLE_HOST = "pai-eas.cn-shanghai.aliyuncs.com"


@dataclass(frozen=True)
class Connection:
    """A resolved target: base URL, region, the key to sign with, and the transport to use."""

    base_url: str
    region: str
    credentials: AccessKey
    transport: httpx.BaseTransport | None = None
    note: str | None = None


class EasPlatform:
    name = "eas"
    title = "PAI-EAS"
    credentials = ALIBABA

    def __init__(self) -> None:
        self.view = EasView()

    def connect(self, target: Target, options: ConnectOptions) -> EasClient:
        from deploykit.clients._http import build_client
        from deploykit.clients._invoke import ServiceCaller
        from deploykit.clients.alibaba._signer import Acs3Auth
        from deploykit.clients.alibaba.eas import EasClient

        connection = resolve_connection(target, options.env)
        if connection.note and options.notice is not None:
            options.notice(connection.note)
        key = connection.credentials
        transport = options.transport or connection.transport
        http = build_client(
            connection.base_url,
            auth=Acs3Auth(
                key.access_key_id, key.access_key_secret, security_token=key.security_token
            ),
            transport=transport,
            log=options.log,
        )
        # Services' own endpoints over the same transport: with `--endpoint local`, the
        # embedded emulator's gateway answers for them (emulator/eas/_gateway.py).
        return EasClient(http, connection.region, policy=options.policy,
                         on_retry=options.on_retry, caller=ServiceCaller(transport, options.log))

    def load_specs(
        self, paths: Sequence[str], *, options: CreateOptions | None = None
    ) -> LoadedSpecs:
        from deploykit.clients.alibaba.eas import service_name
        from deploykit.deploy.specs import load_specs

        _refuse_options(options)
        return load_specs(paths, platform=self.name, name_of=service_name,
                          what="an EAS service JSON or YAML file")

    def load_change(self, client: ServiceClient, name: str, change: Change) -> LoadedSpecs:
        """``eascmd modify``'s two forms, a file of the keys to change or ``-D`` pairs, merged
        into the live config as UpdateService will and validated (``partial_update``)."""
        from deploykit.deploy.apply import SpecToApply
        from deploykit.deploy.partial_update import prepare_update
        from deploykit.deploy.specs import LoadedSpecs

        _refuse_options(change.options)
        update = prepare_update(client, name, spec_path=change.spec, pairs=change.pairs,
                                replace=change.replace)
        return LoadedSpecs([SpecToApply(change.spec or "-D", name, update.body)], update.report)


def _refuse_options(options: CreateOptions | None) -> None:
    given = options.given() if options is not None else []
    if given:
        raise ConfigError(
            f"{', '.join(given)} {'is' if len(given) == 1 else 'are'} for --platform modelarts",
            hint="an EAS service JSON says everything itself: set it there "
            "(e.g. metadata.name, metadata.instance)",
        )


def resolve_connection(target: Target, env: Mapping[str, str] | None = None) -> Connection:
    """Apply the rules above; ``ConfigError`` (exit 2) for anything missing or unsafe."""
    where = locate(
        ALIBABA, target, env, region_in_host=_REGION_IN_HOST, local_region=LOCAL_REGION,
        example_host=_EXAMPLE_HOST,
        region_hint="pass --region cn-shanghai (or set ALIBABA_CLOUD_REGION_ID, or "
        "`deploykit config -r REGION`)",
    )
    if where.local:
        return _local(where.settings, where.region)
    from deploykit.clients.alibaba.eas import regional_host

    endpoint = where.endpoint
    base_url = endpoint.base_url if endpoint else f"https://{regional_host(where.region)}"
    key = creds.require(ALIBABA, where.settings)
    return Connection(base_url, where.region, key, note=endpoint.note if endpoint else None)


def _local(settings: creds.Settings[AccessKey], region: str) -> Connection:
    from deploykit.clients.alibaba.eas import regional_host
    from deploykit.emulator import DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, embedded

    key = settings.credentials or AccessKey(
        DEFAULT_ACCESS_KEY_ID, SecretStr(DEFAULT_ACCESS_KEY_SECRET), source="emulator defaults"
    )
    emulator = embedded("eas", key, region)
    return Connection(f"https://{regional_host(region)}", region, key, emulator.mock_transport())


# -- printing (reference/eas.md §2.3) ------------------------------------------------------

# §2.3 "ls columns" (official), in order, and the Service field each one shows.
LS_COLUMNS: tuple[tuple[str, str], ...] = (
    ("SERVICENAME", "ServiceName"),
    ("REGION", "Region"),
    ("INSTANCE", "TotalInstance"),
    ("CREATETIME", "CreateTime"),
    ("UPDATETIME", "UpdateTime"),
    ("STATUS", "Status"),
    ("WEIGHT", "Weight"),
    ("SERVICEPATH", "ServicePath"),
)
# §2.3 "desc rows" (official), in order; rows the API does not return are left out.
DESC_ROWS = (
    "Status", "ServiceName", "Region", "CreateTime", "UpdateTime", "AccessToken",
    "TotalInstance", "RunningInstance", "PendingInstance", "Cpu", "Gpu", "Memory", "Image",
    "Weight", "LatestVersion", "CurrentVersion", "Message", "InternetEndpoint",
    "IntranetEndpoint",
)  # fmt: skip
# §2.3 desc shows CPU/GPU in capitals and Memory with an M suffix ("1000M").
_DESC_LABELS = {"Cpu": "CPU", "Gpu": "GPU"}
TOKEN_FIELD = "AccessToken"  # noqa: S105 - a field name


class EasView:
    """eascmd's tables over DescribeService/ListServices answers (reference/eas.md §3.3)."""

    def created_rows(
        self, service: Mapping[str, Any], *, show_token: bool
    ) -> list[tuple[str, str]]:
        """The create table (PRODUCT.md): Internet and Intranet endpoints, then the token."""
        rows = [
            (label, str(service[key]))
            for label, key in (("Internet Endpoint", "InternetEndpoint"),
                               ("Intranet Endpoint", "IntranetEndpoint"))
            if service.get(key)
        ]
        token = service.get(TOKEN_FIELD)
        if token:
            rows.append(("Token", str(token) if show_token else REDACTED))
        return rows

    def ls_text(self, services: Sequence[Mapping[str, Any]]) -> str:
        rows = [[_cell(_ls_value(s, key)) for _, key in LS_COLUMNS] for s in services]
        return column_table([h for h, _ in LS_COLUMNS], rows)

    def desc_text(self, service: Mapping[str, Any], *, show_token: bool) -> str:
        """§2.3 desc: the rows in eascmd's order, then ``ServiceConfig`` as pretty JSON."""
        rows: list[tuple[str, str]] = []
        for key in DESC_ROWS:
            if key not in service or service[key] in (None, ""):
                continue
            value = _cell(_ls_value(service, key))
            if key == TOKEN_FIELD and not show_token:
                value = REDACTED
            elif key == "Memory":
                value = f"{value}M"
            rows.append((_DESC_LABELS.get(key, key), value))
        config = service.get("ServiceConfig")
        if config:
            pretty = json.dumps(safe_config(config), indent=2, ensure_ascii=False)
            rows.append(("ServiceConfig", pretty))
        return key_value_table(rows)

    def document(self, service: Mapping[str, Any], *, show_token: bool) -> dict[str, Any]:
        """A service for ``--format json``: the API's fields, secrets removed, config parsed.

        PRODUCT.md: the token is printed in full where a user asks for it, and ``--format json``
        is such a place; ``dockerAuth`` never is.
        """
        keep = frozenset({TOKEN_FIELD}) if show_token else frozenset()
        document: dict[str, Any] = redact_json(
            {k: v for k, v in service.items() if k != "ServiceConfig"}, keep=keep
        )
        if "ServiceConfig" in service:
            document["ServiceConfig"] = safe_config(service["ServiceConfig"])
        return document


def safe_config(config: Any) -> Any:
    """``ServiceConfig`` (a JSON string, §3.3) parsed, with every secret replaced."""
    if isinstance(config, str):
        try:
            config = json.loads(config)
        except ValueError:
            return REDACTED  # unreadable: do not risk showing a secret inside it
    return redact_json(config)


def _ls_value(service: Mapping[str, Any], key: str) -> Any:
    if key == "ServicePath":
        # §2.3 ls example: /api/predict/<name>, the path of the invocation endpoint (§3.7).
        return f"/api/predict/{service.get('ServiceName', '')}"
    if key in ("CreateTime", "UpdateTime"):
        # §2.3 shows "2019-02-21 16:35:41"; the API gives RFC 3339 (§3.3).
        return str(service.get(key) or "").replace("T", " ").rstrip("Z")
    return service.get(key, "")


def _cell(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


# Typed as the protocol: mypy checks that EAS supplies everything the seam asks for.
EAS: Platform = EasPlatform()
