"""``--endpoint``, read the same way for every platform (PRODUCT.md "Deploy commands").

* a host (``pai-eas.cn-beijing.aliyuncs.com``, eascmd's ``-e`` form, reference/eas.md §2.1)
  or an ``https://`` URL;
* an ``http://`` URL on a loopback address (an emulator in CI): plain HTTP elsewhere would
  send signed requests, and STS or IAM tokens, in the clear;
* a loopback ``host:port`` without a scheme is taken as ``http://`` (emulators serve plain
  HTTP; TLS to them fails in a confusing way) and the caller says so in a note;
* ``local``: the platform's embedded emulator (each platform builds its own).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from deploykit.errors import ConfigError

LOCAL = "local"


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
