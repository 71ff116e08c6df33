"""Each inference API called as declared, and its answer checked against the declaration.

The request: the declared method and url; a JSON body, or ``multipart/form-data`` with a
file part for each ``"type": "file"`` property, with the declared ``Content-type``; for GET,
the sample's fields as query parameters. The answer: a 2xx status, the declared response
``Content-type``, the body valid against ``apis[].response.data`` (jsonschema, imported only
here), and a time under ModelArts' synchronous limit (reference/modelarts.md §2.1: 60 s).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import httpx

from deploykit import pointer as jp
from deploykit.diagnostics import Diagnostic, Severity
from deploykit.probe import findings
from deploykit.probe.contract import ApiCall
from deploykit.probe.http_checks import Endpoint, Say, client, describe
from deploykit.probe.samples import FilePart

MULTIPART = "multipart/form-data"
NOT_SERVED = (404, 405)  # no such path; no such method on it
# The standard JSON Schema types; any other (the platform's "file", or a `"list"` that
# validate already warned about, MA115) is accepted as is rather than stopping the check.
STANDARD_TYPES = frozenset({"object", "array", "string", "number", "integer", "boolean", "null"})


@dataclass(frozen=True)
class Limits:
    timeout: float  # seconds to connect; and to answer, on EAS
    sync_seconds: float | None  # ModelArts: a synchronous request fails after this long


def request_for(http: httpx.Client, endpoint: Endpoint, api: ApiCall) -> httpx.Request:
    """The request the platform would send for ``api``, built from its sample payload."""
    url = endpoint.url(api.path)
    payload = api.payload
    if api.method == "GET":
        params = ({k: _text(v) for k, v in payload.items() if not isinstance(v, dict | list)}
                  if isinstance(payload, dict) else {})
        return http.build_request("GET", url, params=params)
    media = api.request_type.split(";", 1)[0].strip().lower()
    if media == MULTIPART and isinstance(payload, dict):
        # Every field as a part (httpx sends a plain form field for a None filename), so the
        # body is multipart even when no field is a file.
        parts = {k: (v.filename, v.content, v.content_type) if isinstance(v, FilePart)
                 else (None, _text(v)) for k, v in payload.items()}
        return http.build_request(api.method, url, files=parts)
    body = json.dumps(payload, default=_file_name).encode()
    return http.build_request(api.method, url, content=body,
                              headers={"Content-Type": api.request_type})


def check_api(endpoint: Endpoint, api: ApiCall, limits: Limits, say: Say) -> list[Diagnostic]:
    where = f"{api.method} {endpoint.url(api.path)}"
    patience = limits.timeout if limits.sync_seconds is None else max(
        limits.timeout, limits.sync_seconds)
    with client(patience) as http:
        started = time.monotonic()
        try:
            response = http.send(request_for(http, endpoint, api))
        except httpx.HTTPError as err:
            return [_unanswered(api, where, err, time.monotonic() - started, limits)]
        seconds = time.monotonic() - started
    say(f"{where} -> {response.status_code} in {seconds * 1000:.0f} ms")
    found = _status(api, where, response.status_code)
    if not found:
        found = [*_content_type(api, where, response), *_body(api, where, response)]
    if limits.sync_seconds is not None and seconds > limits.sync_seconds:
        found.append(_slow(api, where, f"took {seconds:.1f} s", limits.sync_seconds))
    return found


def _unanswered(api: ApiCall, where: str, err: httpx.HTTPError, seconds: float,
                limits: Limits) -> Diagnostic:
    if (isinstance(err, httpx.ReadTimeout) and limits.sync_seconds is not None
            and seconds >= limits.sync_seconds):
        return _slow(api, where, f"did not answer within {seconds:.1f} s", limits.sync_seconds)
    return findings.BAD_INFERENCE(api.pointer, f"{where} did not answer: {describe(err)}",
                                  suggestion="see the server's log for the error")


def _slow(api: ApiCall, where: str, what: str, limit: float) -> Diagnostic:
    return findings.SLOW_REQUEST(
        api.pointer, f"{where} {what}; ModelArts fails a synchronous request after {limit:g} s",
        suggestion="make it faster, or deploy the model in asynchronous mode",
    )


def _status(api: ApiCall, where: str, status: int) -> list[Diagnostic]:
    if 200 <= status < 300:
        return []
    if status in NOT_SERVED:
        return [findings.API_NOT_SERVED(
            jp.child(api.pointer, "url") if api.pointer else None,
            f"{where} answered {status}: the server does not serve this API "
            f"{'method' if status == 405 else 'path'}",
            suggestion=f"serve {api.method} {api.path}, or declare the url the server uses"
            if api.pointer else "give the API the server serves with --path",
        )]
    if 400 <= status < 500:
        # The request was built from the declaration: it may still not be what the model wants.
        return [findings.BAD_INFERENCE(
            api.pointer, f"{where} answered {status} to a request built from its declaration",
            suggestion='give the request schema "examples" of a real request, so the probe '
            "sends one" if api.pointer else "send a request the model accepts with --data '<json>'",
            severity=Severity.WARNING,
        )]
    return [findings.BAD_INFERENCE(api.pointer, f"{where} answered {status}",
                                   suggestion="see the server's log for the error")]


def _content_type(api: ApiCall, where: str, response: httpx.Response) -> list[Diagnostic]:
    if api.response_type is None:
        return []
    declared = _media(api.response_type)
    actual = _media(response.headers.get("content-type", ""))
    if actual == declared:
        return []
    return [findings.RESPONSE_CONTENT_TYPE(
        f"{api.pointer}/response/Content-type" if api.pointer else None,
        f"{where} answered with Content-Type {actual or '(none)'!r}, but the API declares "
        f"{api.response_type!r}",
        suggestion=f"send Content-Type: {declared}, or declare {actual!r} in config.json",
    )]


def _body(api: ApiCall, where: str, response: httpx.Response) -> list[Diagnostic]:
    if api.response_schema is None:
        return []
    schema_at = f"{api.pointer}/response/data"
    try:
        document = json.loads(response.content)
    except ValueError:
        return [findings.RESPONSE_SCHEMA(
            schema_at, f"{where} answered a body that is not JSON, but the API declares a "
            "JSON Schema for it", suggestion="answer the JSON the response schema describes",
        )]
    return [
        findings.RESPONSE_SCHEMA(
            schema_at + path, f"{where}: the response at {instance or '/'} {message}",
            suggestion="answer what apis[].response.data declares, or correct the schema",
        )
        for instance, path, message in violations(api.response_schema, document)
    ]


def violations(schema: dict[str, Any], document: Any) -> list[tuple[str, str, str]]:
    """(pointer into the document, pointer into the schema, message) for each violation."""
    from jsonschema import Draft7Validator  # type: ignore[import-untyped]
    from jsonschema.validators import extend  # type: ignore[import-untyped]

    # Draft 7 reads the official examples' `"items": [...]` as the tuple form they are
    # (reference/modelarts.md §1.10), and knows `const`/`examples`; unknown types pass.
    unknown = _unknown_types(schema) | {"file"}
    checker = Draft7Validator.TYPE_CHECKER.redefine_many(
        dict.fromkeys(unknown, lambda _checker, _instance: True))
    validator = extend(Draft7Validator, type_checker=checker)(schema)
    found = []
    for error in sorted(validator.iter_errors(document), key=lambda e: list(e.path)):
        found.append((jp.join(*error.absolute_path), jp.join(*error.absolute_schema_path),
                      _clipped(error.message)))
    return found


def _unknown_types(schema: Any) -> set[str]:
    if isinstance(schema, list):
        return set().union(*(_unknown_types(s) for s in schema))
    if not isinstance(schema, dict):
        return set()
    kind = schema.get("type")
    names = {kind} if isinstance(kind, str) else set(kind) if isinstance(kind, list) else set()
    found = {n for n in names if isinstance(n, str) and n not in STANDARD_TYPES}
    return found.union(*(_unknown_types(v) for v in schema.values()))


def _media(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, default=_file_name)


def _file_name(value: Any) -> Any:
    if isinstance(value, FilePart):
        return value.filename
    raise TypeError(f"cannot send {type(value).__name__}")


def _clipped(text: str, width: int = 160) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."
