"""``--endpoint``, read the same way for every platform (PRODUCT.md "Deploy commands").

* a host (``pai-eas.cn-beijing.aliyuncs.com``, eascmd's ``-e`` form, reference/eas.md §2.1)
  or an ``https://`` URL;
* an ``http://`` URL on a loopback address (an emulator in CI): plain HTTP elsewhere would
  send signed requests, and STS or IAM tokens, in the clear;
* a loopback ``host:port`` without a scheme is taken as ``http://`` (emulators serve plain
  HTTP; TLS to them fails in a confusing way) and the caller says so in a note;
* ``local``: the platform's embedded emulator (each platform builds its own).

:func:`locate` resolves a target's credentials, endpoint and region for every platform.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar
from urllib.parse import urlsplit

from deploykit import credentials
from deploykit.errors import ConfigError

if TYPE_CHECKING:
    from deploykit.platforms._contract import Target

LOCAL = "local"
K = TypeVar("K")


@dataclass(frozen=True)
class Endpoint:
    base_url: str  # scheme://host[:port]
    host: str
    loopback: bool
    note: str | None = None  # what was assumed, for the user to see


def parse_endpoint(endpoint: str, *, example_host: str) -> Endpoint:
    """A user's ``--endpoint`` as a base URL; ``ConfigError`` (exit 2) if unusable or unsafe."""
    text = endpoint.strip().rstrip("/")
    note = None
    if "://" not in text:
        host = urlsplit(f"//{text}").hostname or ""
        if is_loopback(host):
            note = (f"note: --endpoint {text} has no scheme; using http://{text} "
                    "(a loopback address: an emulator serves plain HTTP)")
            text = f"http://{text}"
        else:
            text = f"https://{text}"
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise _not_a_url(endpoint, example_host) from None
    if parts.scheme not in ("http", "https") or not host:
        raise _not_a_url(endpoint, example_host)
    if "@" in parts.netloc:
        raise ConfigError(
            "--endpoint must not hold a user name or password",
            hint="give only the scheme, host and port; credentials come from `deploykit config`",
        )
    loopback = is_loopback(host)
    if parts.scheme == "http" and not loopback:
        raise ConfigError(
            f"--endpoint {endpoint!r}: plain http is allowed only on a loopback address",
            hint="use https:// for a remote endpoint (signed requests must not travel in clear)",
        )
    return Endpoint(f"{parts.scheme}://{parts.netloc}", host, loopback, note)


@dataclass(frozen=True)
class Location(Generic[K]):
    """Where a deploy command acts: the credentials found, the ``--endpoint`` (None when not
    given, or ``local``) and the region."""

    settings: credentials.Settings[K]
    endpoint: Endpoint | None
    region: str
    local: bool = False


class RegionalProvider(credentials.Provider[K], Protocol[K]):
    """A credentials provider that also says where a region is looked for."""

    def region_places(self, env: Mapping[str, str]) -> str:
        """Where a region is looked for, for the "no region" error."""
        ...


def locate(
    provider: RegionalProvider[K],
    target: Target,
    env: Mapping[str, str] | None,
    *,
    region_in_host: re.Pattern[str],
    local_region: str,
    example_host: str,
    region_hint: str,
) -> Location[K]:
    """Credentials, endpoint and region of ``target``, the same way for every platform.

    The region is the one given (``--region``, the environment, a profile), else the one in
    the endpoint's host (``region_in_host``'s first group), else ``local_region`` for an
    emulator (``local`` or a loopback address); anything else is a ``ConfigError`` naming
    where it looked.
    """
    settings = credentials.resolve(provider, profile=target.profile, region=target.region,
                                   endpoint=target.endpoint, env=env)
    if settings.endpoint == LOCAL:
        return Location(settings, None, settings.region or local_region, local=True)
    endpoint = (
        parse_endpoint(settings.endpoint, example_host=example_host) if settings.endpoint
        else None
    )
    in_host = region_in_host.match(endpoint.host) if endpoint is not None else None
    region = settings.region or (in_host.group(1) if in_host else None)
    if not region and endpoint is not None and endpoint.loopback:
        region = local_region  # an emulator on this machine: its default region
    if not region:
        places = provider.region_places(os.environ if env is None else env)
        raise ConfigError(f"no region given; looked at: {places}, the --endpoint host",
                          hint=region_hint)
    return Location(settings, endpoint, region)


def _not_a_url(endpoint: str, example_host: str) -> ConfigError:
    return ConfigError(
        f"--endpoint {endpoint!r} is not a URL or host name",
        hint=f"use e.g. {example_host}, http://127.0.0.1:8765 or local",
    )


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
