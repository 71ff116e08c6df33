"""From command-line choices (profile, region, endpoint) to a ready :class:`EasClient`.

``--endpoint`` accepts (PRODUCT.md "Deploy commands"):

* nothing: ``https://pai-eas.<region>.aliyuncs.com`` (reference/eas.md §3.1);
* a host like eascmd's ``-e pai-eas.cn-beijing.aliyuncs.com`` (reference/eas.md §2.1), or an
  ``https://`` URL; the region is read from the host when not given otherwise;
* an ``http://`` URL on a loopback address (an emulator in CI): plain HTTP elsewhere would
  send signed requests, and STS tokens, in the clear;
* ``local``: the embedded emulator, in process, with its state in a SQLite file so that
  ``create`` then ``ls`` in a later process agree. Its documented default credentials are
  used when none are configured.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pydantic import SecretStr

from deploykit import credentials as creds
from deploykit.errors import ConfigError

if TYPE_CHECKING:
    import httpx

    from deploykit.clients._retry import RetryableFailure, RetryPolicy
    from deploykit.clients.alibaba.eas import EasClient

LOCAL = "local"
# The emulator's default region (its contract: Emulator(region="cn-shanghai")).
LOCAL_REGION = "cn-shanghai"
SUPPORTED_PLATFORMS = ("eas",)
# reference/eas.md §3.1: regional host, also the legacy VPC form eascmd users paste.
_REGION_IN_HOST = re.compile(r"^pai-eas(?:-vpc)?\.([a-z0-9-]+)\.aliyuncs\.com$")


@dataclass(frozen=True)
class Target:
    """Where and as whom deploy commands act; every field as the user gave it (or None)."""

    platform: str = "eas"
    profile: str | None = None
    region: str | None = None
    endpoint: str | None = None


@dataclass(frozen=True)
class Connection:
    """A resolved target: base URL, region, the key to sign with, and the transport to use."""

    base_url: str
    region: str
    credentials: creds.Credentials
    transport: httpx.BaseTransport | None = None


def resolve_connection(target: Target, env: Mapping[str, str] | None = None) -> Connection:
    """Apply the rules above; ``ConfigError`` (exit 2) for anything missing or unsafe."""
    env = os.environ if env is None else env
    if target.platform not in SUPPORTED_PLATFORMS:
        raise ConfigError(
            f"deploying to {target.platform!r} is not supported yet; only PAI-EAS is",
            hint="use --platform eas, or convert the spec with "
            "`deploykit convert SPEC --to eas` first",
        )
    settings = creds.resolve(
        profile=target.profile, region=target.region, endpoint=target.endpoint, env=env
    )
    if settings.endpoint == LOCAL:
        return _local(settings)
    base_url, host_region = _base_url(settings.endpoint)
    region = settings.region or host_region
    if not region and base_url is not None and _is_loopback(urlsplit(base_url).hostname or ""):
        region = LOCAL_REGION  # an emulator on this machine: its default region
    if not region:
        raise ConfigError(
            f"no region given; looked at: --region, {creds.ENV_REGION}, the `region` of "
            f"{creds.config_path(env)} and {creds.alibaba_credentials_path(env)}, "
            "the --endpoint host",
            hint="pass --region cn-shanghai (or set ALIBABA_CLOUD_REGION_ID, or "
            "`deploykit config -r REGION`)",
        )
    if base_url is None:
        from deploykit.clients.alibaba.eas import regional_host

        base_url = f"https://{regional_host(region)}"
    return Connection(base_url, region, creds.require_credentials(settings))


def connect(
    target: Target,
    *,
    log: Callable[[str], None] | None = None,
    policy: RetryPolicy | None = None,
    on_retry: Callable[[RetryableFailure, float], None] | None = None,
    env: Mapping[str, str] | None = None,
    transport: httpx.BaseTransport | None = None,
) -> EasClient:
    """An EAS client for ``target``; ``transport`` overrides the network (tests, emulator)."""
    from deploykit.clients._http import build_client
    from deploykit.clients.alibaba._signer import Acs3Auth
    from deploykit.clients.alibaba.eas import EasClient

    connection = resolve_connection(target, env)
    key = connection.credentials
    http = build_client(
        connection.base_url,
        auth=Acs3Auth(key.access_key_id, key.access_key_secret, security_token=key.security_token),
        transport=transport or connection.transport,
        log=log,
    )
    return EasClient(http, connection.region, policy=policy, on_retry=on_retry)


def _local(settings: creds.Settings) -> Connection:
    from deploykit.clients.alibaba.eas import regional_host
    from deploykit.emulator import (
        DEFAULT_ACCESS_KEY_ID,
        DEFAULT_ACCESS_KEY_SECRET,
        Emulator,
        local_state_path,
    )

    key = settings.credentials or creds.Credentials(
        DEFAULT_ACCESS_KEY_ID, SecretStr(DEFAULT_ACCESS_KEY_SECRET), source="emulator defaults"
    )
    region = settings.region or LOCAL_REGION
    # The embedded emulator runs in this process and accepts exactly the key we sign with:
    # its signature checks still run, its state is shared through the SQLite file.
    emulator = Emulator(
        store=local_state_path(),
        credentials={key.access_key_id: key.access_key_secret.get_secret_value()},
        region=region,
    )
    return Connection(f"https://{regional_host(region)}", region, key, emulator.mock_transport())


def _base_url(endpoint: str | None) -> tuple[str | None, str | None]:
    """(base URL, region read from the host) for a user's --endpoint; (None, None) if unset."""
    if not endpoint:
        return None, None
    text = endpoint.strip().rstrip("/")
    if "://" not in text:
        text = f"https://{text}"
    parts = urlsplit(text)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        raise ConfigError(
            f"--endpoint {endpoint!r} is not a URL or host name",
            hint="use e.g. pai-eas.cn-shanghai.aliyuncs.com, http://127.0.0.1:8765 or local",
        )
    if parts.scheme == "http" and not _is_loopback(host):
        raise ConfigError(
            f"--endpoint {endpoint!r}: plain http is allowed only on a loopback address",
            hint="use https:// for a remote endpoint (signed requests must not travel in clear)",
        )
    match = _REGION_IN_HOST.match(host)
    return f"{parts.scheme}://{parts.netloc}", match.group(1) if match else None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
