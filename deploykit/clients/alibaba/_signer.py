"""ACS3-HMAC-SHA256 request signing (Alibaba Cloud V3 signature) as an ``httpx.Auth``.

The algorithm, step by step, is in reference/eas.md §4.1 (official "V3 request structure and
signature" page); the published test vector in §4.2 and the SDK unit-test vector in §4.3 are
reproduced by tests/clients/test_signer.py. The emulator verifies requests with the same
:func:`canonical_request`, so client and emulator cannot drift apart.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import quote

import httpx
from pydantic import SecretStr

ALGORITHM = "ACS3-HMAC-SHA256"
# reference/eas.md §4.1: hex(sha256(b"")), sent for bodiless requests.
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def percent_encode(value: str) -> str:
    """RFC 3986: keep ``A-Za-z0-9-_.~``, ``%XX`` everything else (§4.1 "Encoding")."""
    return quote(value, safe="~")


def canonical_query(params: Iterable[tuple[str, str]]) -> str:
    """Sorted ``k=v`` pairs joined by ``&``; an empty value gives ``k=`` (§4.1)."""
    encoded = sorted((percent_encode(k), percent_encode(v)) for k, v in params)
    return "&".join(f"{k}={v}" for k, v in encoded)


def canonical_headers(
    headers: Sequence[tuple[str, str]], names: Iterable[str]
) -> tuple[str, str]:
    """(CanonicalHeaders, SignedHeaders) for the lower-cased header ``names``.

    Values are trimmed; several values of one name are sorted and joined by ``,``, as the
    SDK's ``get_canonicalized_headers`` does (§4.1, "SDK behaviour").
    """
    wanted = sorted({n.lower() for n in names})
    values: dict[str, list[str]] = {n: [] for n in wanted}
    for name, value in headers:
        lowered = name.lower()
        if lowered in values:
            values[lowered].append(value.strip())
    lines = "".join(f"{n}:{','.join(sorted(values[n]))}\n" for n in wanted)
    return lines, ";".join(wanted)


def canonical_request(
    method: str,
    path: str,
    query: Iterable[tuple[str, str]],
    headers: Sequence[tuple[str, str]],
    signed_names: Iterable[str],
    payload_sha256: str,
) -> tuple[str, str]:
    """(CanonicalRequest, SignedHeaders). ``path`` is the encoded path as sent (ROA style)."""
    header_lines, signed = canonical_headers(headers, signed_names)
    text = "\n".join(
        [method.upper(), path or "/", canonical_query(query), header_lines, signed, payload_sha256]
    )
    return text, signed


def signature(secret: str, canonical: str) -> str:
    """hex(HMAC-SHA256(secret, "ACS3-HMAC-SHA256\\n" + hex(sha256(canonical)))) (§4.1 steps 2-3)."""
    string_to_sign = f"{ALGORITHM}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    return hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Authorization:
    access_key_id: str
    signed_headers: tuple[str, ...]
    signature: str


def parse_authorization(value: str) -> Authorization | None:
    """Split ``ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…``; None if malformed."""
    scheme, _, rest = value.partition(" ")
    if scheme != ALGORITHM:
        return None
    fields = dict(part.split("=", 1) for part in rest.split(",") if "=" in part)
    try:
        return Authorization(
            fields["Credential"].strip(),
            tuple(fields["SignedHeaders"].strip().split(";")),
            fields["Signature"].strip(),
        )
    except KeyError:
        return None


def signed_header_names(headers: Iterable[str]) -> list[str]:
    """The doc's set: ``host``, ``content-type`` and every ``x-acs-*`` header (§4.1)."""
    return [
        n.lower()
        for n in headers
        if n.lower() in ("host", "content-type") or n.lower().startswith("x-acs-")
    ]


def split_raw_path(raw_path: bytes) -> tuple[str, list[tuple[str, str]]]:
    """The encoded path and the decoded query pairs of an httpx/ASGI raw path."""
    path, _, query = raw_path.decode("ascii").partition("?")
    pairs = httpx.QueryParams(query).multi_items() if query else []
    return path, pairs


class Acs3Auth(httpx.Auth):
    """Signs each request as the official SDKs do (V3). Adds the ``x-acs-*`` headers it needs.

    ``action`` is taken from the request's ``x-acs-action`` header, which the EAS client sets
    per operation; ``clock`` and ``nonce`` are injectable for the published test vectors.
    """

    requires_request_body = True

    def __init__(
        self,
        access_key_id: str,
        access_key_secret: SecretStr,
        *,
        security_token: SecretStr | None = None,
        clock: Callable[[], datetime] | None = None,
        nonce: Callable[[], str] | None = None,
    ) -> None:
        self._access_key_id = access_key_id
        self._secret = access_key_secret
        self._token = security_token
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self._nonce = nonce or (lambda: uuid.uuid4().hex)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        self.sign(request)
        yield request

    def sign(self, request: httpx.Request) -> None:
        body = request.content
        payload = hashlib.sha256(body).hexdigest() if body else EMPTY_SHA256
        now = self._clock()
        request.headers["x-acs-date"] = now.strftime("%Y-%m-%dT%H:%M:%SZ")
        request.headers["x-acs-signature-nonce"] = self._nonce()
        request.headers["x-acs-content-sha256"] = payload
        if self._token is not None:
            request.headers["x-acs-security-token"] = self._token.get_secret_value()
            request.headers["x-acs-accesskey-id"] = self._access_key_id
        path, query = split_raw_path(request.url.raw_path)
        items = request.headers.multi_items()
        canonical, signed = canonical_request(
            request.method, path, query, items, signed_header_names(n for n, _ in items), payload
        )
        request.headers["Authorization"] = (
            f"{ALGORITHM} Credential={self._access_key_id},SignedHeaders={signed},"
            f"Signature={signature(self._secret.get_secret_value(), canonical)}"
        )
