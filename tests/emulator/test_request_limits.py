"""The emulator under hostile requests (users run it in CI): every one gets a 4xx with the
real error shape (reference/eas.md §3.6), nothing hostile is stored, and it keeps serving."""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
import pytest
from emulator_testkit import REGION, create, image_service, signed_client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deploykit.emulator import Emulator
from deploykit.emulator._errors import ApiFailure
from deploykit.emulator._request_limits import MAX_BODY_BYTES, MAX_INSTANCES, parse_json_object

ERROR_FIELDS = {"RequestId", "HostId", "Code", "Message", "HttpCode", "Success"}
SPEC = json.dumps(image_service())


def with_instance(raw: str) -> str:
    return SPEC.replace('"instance": 2', f'"instance": {raw}')


def named(name: str) -> str:
    return SPEC.replace('"image_test"', json.dumps(name))


def post(client: httpx.Client, body: bytes | str) -> httpx.Response:
    return client.post("/api/v2/services", content=body,
                       headers={"content-type": "application/json; charset=utf-8"})


def assert_refused(response: httpx.Response) -> dict[str, Any]:
    assert 400 <= response.status_code < 500, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == ERROR_FIELDS and body["HttpCode"] == response.status_code
    assert body["Success"] is False and body["RequestId"] == response.headers["x-acs-request-id"]
    return body


HOSTILE = {
    "5000-digit integer": with_instance("9" * 5000),
    "integer beyond int64": with_instance(str(2**63)),
    "100,000 levels of nesting": "[" * 100_000 + "]" * 100_000,
    "33 levels of objects": '{"a":' * 33 + "1" + "}" * 33,
    "lone surrogate in a value": SPEC.replace("python /app/serve.py", "python \\udc80.py"),
    "lone surrogate in a key": SPEC.replace('"cpu"', '"\\ud800"'),
    "NaN": with_instance("NaN"),
    "Infinity": with_instance("-Infinity"),
    "1e999": with_instance("1e999"),
    "1e9 instances": with_instance("1e9"),
    "a billion instances": with_instance("1000000000"),
    "not UTF-8": b"\xff\xfe{}",
    "not an object": "[1, 2]",
    "name ../etc/passwd": named("../etc/passwd"),
    "name a/b": named("a/b"),
    "name with CRLF": named("a\r\nX: 1"),
    "name one space": named(" "),
    "name of 10,000 characters": named("x" * 10_000),
    "name with upper case": named("ImageTest"),
}


@pytest.mark.parametrize("body", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_create_is_refused_with_the_real_shape_and_nothing_is_stored(
    client: httpx.Client, body: str | bytes
) -> None:
    assert_refused(post(client, body))
    assert client.get("/api/v2/services").json()["TotalCount"] == 0
    assert create(client, image_service()).status_code == 200  # still serving


def test_a_body_over_the_limit_is_413_and_one_at_it_is_accepted(client: httpx.Client) -> None:
    spec = image_service()
    spec["model_config"] = ""
    padding = MAX_BODY_BYTES - len(json.dumps(spec))
    spec["model_config"] = "x" * padding
    assert len(json.dumps(spec)) == MAX_BODY_BYTES
    assert create(client, spec).status_code == 200
    spec["metadata"]["name"] = "one_byte_more"
    spec["model_config"] += "x"
    assert assert_refused(create(client, spec))["Code"] == "RequestBodyTooLarge"


def test_instance_counts_are_bounded_in_update_and_scale(client: httpx.Client) -> None:
    assert create(client, image_service()).status_code == 200
    path = f"/api/v2/services/{REGION}/image_test"
    too_many = MAX_INSTANCES + 1
    assert_refused(client.put(path, json={"metadata": {"instance": too_many}}))
    assert_refused(client.put(path + "/scale", json={"Instance": too_many}))
    assert client.put(path + "/scale", json={"Instance": MAX_INSTANCES}).status_code == 200


def test_hostile_labels_are_refused(client: httpx.Client) -> None:
    labels = "[" * 10_000 + "]" * 10_000
    response = client.post("/api/v2/services", params={"Labels": labels}, json=image_service())
    assert_refused(response)


# -- fuzz: the request parser, alone and behind the signature ------------------------------

_LEAVES = (st.none() | st.booleans() | st.integers() | st.floats()
           | st.text() | st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)))
_JSON_VALUES = st.recursive(
    _LEAVES, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner,
                                                                          max_size=4),
    max_leaves=12,
)
_BODIES = st.one_of(
    st.binary(max_size=300),
    _JSON_VALUES.map(lambda v: json.dumps(v, allow_nan=True).encode()),
    st.fixed_dictionaries({"metadata": st.fixed_dictionaries({"name": st.text(max_size=70),
                                                               "instance": _LEAVES})})
    .map(lambda v: json.dumps(v, allow_nan=True).encode()),
    st.integers(1, 200_000).map(lambda n: ("[" * n + "]" * n).encode()),
    st.integers(1, 6000).map(lambda n: f'{{"metadata": {{"instance": {"9" * n}}}}}'.encode()),
    st.sampled_from([b"NaN", b"-Infinity", b"1e999", b'{"a": NaN}', b'"\\ud800"', b"\xed\xa0\x80"]),
)


@settings(max_examples=300, deadline=None)
@given(_BODIES)
def test_the_parser_returns_an_object_or_an_api_failure(body: bytes) -> None:
    try:
        data = parse_json_object(body, "The service config")
    except ApiFailure as failure:
        assert failure.code == "InvalidParameter" and 400 <= failure.status < 500
        return
    assert isinstance(data, dict)
    json.dumps(data, allow_nan=False).encode("utf-8")  # what it accepts can be answered


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=_BODIES)
def test_every_signed_request_gets_a_success_or_a_4xx_with_the_real_shape(body: bytes) -> None:
    errors = _Records()
    logging.getLogger("deploykit.emulator").addHandler(errors)
    emulator = Emulator()
    try:
        with signed_client(emulator) as client:
            for response in (
                post(client, body),
                client.put(f"/api/v2/services/{REGION}/image_test", content=body),
                client.put(f"/api/v2/services/{REGION}/image_test/scale", content=body),
            ):
                if response.status_code != 200:
                    assert_refused(response)
            listed = client.get("/api/v2/services")
            assert listed.status_code == 200 and json.loads(listed.content)  # valid JSON still
    finally:
        emulator.close()
        logging.getLogger("deploykit.emulator").removeHandler(errors)
    assert not errors.records  # no traceback logged
