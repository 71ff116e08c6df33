"""Calls to a deployed service's own endpoint (its data plane), for ``deploykit invoke``.

Not the management API: nothing is signed (the service token is the credential), and a
request is sent once — an inference may be slow, costly or not idempotent, so a lost answer
is reported, never silently repeated. The httpx client comes from ``_http.build_client``, so
``--verbose`` logs these calls as it logs management calls, the token header redacted; it
uses the transport the platform connected with, so ``--endpoint local`` reaches the embedded
emulator's gateway and nothing else.
"""

from __future__ import annotations

from functools import cached_property

import httpx

from deploykit.clients._capabilities import ServiceAnswer, ServiceRequest
from deploykit.clients._http import LogSink, build_client
from deploykit.clients._retry import transport_failure
from deploykit.errors import TransportError


class ServiceCaller:
    """Sends :class:`ServiceRequest` s over ``transport`` (None: the network)."""

    def __init__(
        self, transport: httpx.BaseTransport | None = None, log: LogSink | None = None
    ) -> None:
        self._transport = transport
        self._log = log

    @cached_property
    def _http(self) -> httpx.Client:
        # Built on first use: most commands never call a service.
        return build_client("", transport=self._transport, log=self._log)

    def send(self, request: ServiceRequest, *, timeout: httpx.Timeout) -> ServiceAnswer:
        headers = {"accept": "*/*", **request.headers}
        headers.update({k: v.get_secret_value() for k, v in request.secret_headers.items()})
        try:
            response = self._http.request(request.method, request.url, content=request.body,
                                          headers=headers, timeout=timeout)
        except httpx.TransportError as err:
            cause = transport_failure(err, "invoke").error
            raise TransportError(
                cause.message,
                hint="check that this machine can reach the service's endpoint (an intranet "
                "endpoint answers only inside its VPC); the request was sent once, not retried",
            ) from None
        return ServiceAnswer(response.status_code, response.reason_phrase,
                             response.headers.get("content-type", ""), response.content)
