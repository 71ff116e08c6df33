"""IAM token authentication (``X-Auth-Token``) as an ``httpx.Auth``.

reference/modelarts.md §4.1: ``POST {iam}/v3/auth/tokens`` with the password method, scoped
to the region's project (ModelArts needs a project-scoped token), answers 201 with the token
in the ``X-Subject-Token`` header; calls then send it as ``X-Auth-Token``. A token lives 24 h
and should be cached (IAM API reference, "Obtaining a User Token Through Password
Authentication", iam_30_0001). The token is fetched inside ``auth_flow`` as a sub-request, as
httpx documents for token flows, so it goes through the client's transport, timeouts and
(redacted) ``--verbose`` log.

The IAM page also says a token can die before ``expires_at`` (password, key or permission
changes invalidate it within 30 minutes): a 401 therefore fetches a new token and resends
once; a second 401 stands and reaches the caller's error table.

Neither the password nor the token appears in any message this module raises; both are
``SecretStr`` here. Thread-safe for the shared-client use of ``deploykit apply``: the cached
token is swapped whole; concurrent first requests may each fetch one (all are valid).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
from pydantic import SecretStr

from deploykit.clients.huawei._dialect import MODELARTS_DIALECT
from deploykit.errors import AuthError

TOKEN_PATH = "/v3/auth/tokens"  # noqa: S105 - a URL path
HEADER_AUTH_TOKEN = "X-Auth-Token"  # noqa: S105 - a header name
HEADER_SUBJECT_TOKEN = "X-Subject-Token"  # noqa: S105 - a header name
# §4.1: "Token valid 24 h" — used when the answer does not say when it expires.
TOKEN_LIFETIME = timedelta(hours=24)
# iam_30_0001: make sure a token has enough time left before using it. Five minutes covers
# one request and a client clock a little ahead of IAM's; a 401 covers the rest.
REFRESH_MARGIN = timedelta(minutes=5)


@dataclass(frozen=True)
class _Token:
    value: SecretStr
    expires_at: datetime


def password_auth_body(
    user_name: str, password: SecretStr, domain_name: str, project_name: str
) -> dict[str, Any]:
    """The §4.1 request body: password method, scoped to a project by name (the region)."""
    user = {
        "name": user_name,
        "password": password.get_secret_value(),
        "domain": {"name": domain_name},
    }
    return {
        "auth": {
            "identity": {"methods": ["password"], "password": {"user": user}},
            "scope": {"project": {"name": project_name}},
        }
    }


class IamTokenAuth(httpx.Auth):
    """Adds ``X-Auth-Token``; fetches, caches and refreshes the IAM token it needs.

    ``iam_endpoint`` comes from ``_endpoints.iam_endpoint(region)``; ``project_name`` is the
    region's project (``cn-north-4``, or a sub-project name). ``clock`` is injectable.
    Raises, out of ``client.send``: the typed error or ``RetryableFailure`` of
    ``MODELARTS_DIALECT.classify`` when IAM refuses or fails, ``AuthError`` when it answers
    without a token, and httpx transport errors as they are.
    """

    requires_request_body = True  # the request may be sent twice
    requires_response_body = True  # the token answer's body says when the token expires

    def __init__(
        self,
        iam_endpoint: str,
        *,
        user_name: str,
        password: SecretStr,
        domain_name: str,
        project_name: str,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._url = iam_endpoint.rstrip("/") + TOKEN_PATH
        self._user_name = user_name
        self._password = password
        self._domain_name = domain_name
        self._project_name = project_name
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self._token: _Token | None = None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self._cached() or (yield from self._fetch())
        request.headers[HEADER_AUTH_TOKEN] = token.value.get_secret_value()
        response = yield request
        if response.status_code != httpx.codes.UNAUTHORIZED:
            return
        if self._token is token:  # unless another request has replaced it already
            self._token = None
        fresh = self._cached() or (yield from self._fetch())
        request.headers[HEADER_AUTH_TOKEN] = fresh.value.get_secret_value()
        yield request

    def _cached(self) -> _Token | None:
        token = self._token
        if token is not None and self._clock() < token.expires_at - REFRESH_MARGIN:
            return token
        return None

    def _fetch(self) -> Generator[httpx.Request, httpx.Response, _Token]:
        body = password_auth_body(
            self._user_name, self._password, self._domain_name, self._project_name
        )
        # iam_30_0001: nocatalog leaves out the service catalog (tens of KB we do not read).
        response = yield httpx.Request(
            "POST",
            self._url,
            params={"nocatalog": "true"},
            json=body,
            headers={"Content-Type": "application/json;charset=utf8"},
        )
        what = (
            f"IAM token for user {self._user_name!r} of account {self._domain_name!r}, "
            f"project {self._project_name!r}"
        )
        if not response.is_success:
            raise MODELARTS_DIALECT.classify(response, what)
        value = response.headers.get(HEADER_SUBJECT_TOKEN)
        if not value:
            raise AuthError(
                f"{what}: IAM answered {response.status_code} without an X-Subject-Token header",
                hint="check the IAM endpoint (--endpoint for IAM, or the region)",
            )
        token = _Token(SecretStr(value), self._expiry(response))
        self._token = token
        return token

    def _expiry(self, response: httpx.Response) -> datetime:
        """``token.expires_at`` of the answer (``2020-01-04T09:05:22.701000Z``), else 24 h."""
        try:
            stamp = response.json()["token"]["expires_at"]
            expires = datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
        except (ValueError, KeyError, TypeError):
            return self._clock() + TOKEN_LIFETIME
        return expires if expires.tzinfo else expires.replace(tzinfo=timezone.utc)
