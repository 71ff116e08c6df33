"""modify's change, applied to the live config as UpdateService merges it (reference/eas.md
§3.5) and validated with create's rules before anything is sent."""

from __future__ import annotations

import json
from typing import Any

import pytest
from eas_testkit import eas_client, echo_spec

from deploykit.deploy.partial_update import (
    build_body,
    merge_update,
    parse_assignment,
    parse_value,
    prepare_update,
)
from deploykit.emulator import Emulator, Timings
from deploykit.errors import ConfigError

LIVE = echo_spec()


def body_for(*pairs: str) -> dict[str, Any]:
    return build_body(LIVE, [parse_assignment(p) for p in pairs], "echo_service")


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("2", 2), ("true", True), ("[]", []), ('{"keepalive": 5000}', {"keepalive": 5000}),
        ('"2"', "2"), ("python app.py", "python app.py"), ("", ""),
        # Not JSON (RFC 8259 §6), so the text itself: never NaN or Infinity in a request.
        ("NaN", "NaN"), ("Infinity", "Infinity"), ("1e999", "1e999"),
        ("9" * 5000, "9" * 5000),
    ],
)
def test_values_are_json_where_they_parse_as_json_else_text(raw: str, value: Any) -> None:
    assert parse_value(raw, f"x={raw}") == value


def test_an_element_path_sends_the_whole_list_with_that_element_changed() -> None:
    body = body_for("containers[0].port=8001")
    assert body == {"containers": [{**LIVE["containers"][0], "port": 8001}]}
    # Merged as the server merges it: the change and nothing else.
    merged = merge_update(LIVE, body)
    assert merged["containers"][0]["port"] == 8001
    assert merged["metadata"] == LIVE["metadata"] and "containers[0]" not in merged


def test_dots_nest_and_objects_merge_key_by_key() -> None:
    body = body_for("metadata.instance=3", "metadata.rpc.keepalive=6000")
    assert body == {"metadata": {"instance": 3, "rpc": {"keepalive": 6000}}}
    merged = merge_update(LIVE, body)
    assert merged["metadata"] == {**LIVE["metadata"], "instance": 3, "rpc": {"keepalive": 6000}}


def test_a_key_eas_writes_with_a_dot_stays_one_key() -> None:
    # reference/eas.md §1.3: "eas.termination_grace_period" is documented only as a dotted key.
    body = body_for("metadata.eas.termination_grace_period=30")
    assert body == {"metadata": {"eas.termination_grace_period": 30}}


def test_later_assignments_see_the_earlier_ones() -> None:
    two = json.dumps([{"image": "a:1", "command": "x", "port": 8000}] * 2)
    body = body_for(f"containers={two}", "containers[1].port=8001")
    assert [c["port"] for c in body["containers"]] == [8000, 8001]


@pytest.mark.parametrize(
    ("pair", "named"),
    [
        ("foo=bar", "`foo` is neither in the live config"),
        ("metadata.helth_check=1", "`helth_check`"),
        ("containers[3].port=8000", "containers[3] does not exist"),
        ("metadata.instance.x=1", "metadata.instance is a number"),
        ("storage[0].mount_path=/m", "storage[0] does not exist"),
        ("a[x]=1", "`a[x]` is not a key path"),
        ("metadata.instance", "is not key=value"),
    ],
)
def test_a_path_that_does_not_exist_is_an_error_naming_it(pair: str, named: str) -> None:
    with pytest.raises(ConfigError, match=named.replace("[", r"\[").replace("]", r"\]")):
        body_for(pair)


def test_a_misspelled_field_gets_did_you_mean() -> None:
    with pytest.raises(ConfigError) as caught:
        body_for("containers[0].helth_check={}")
    assert caught.value.hint == "did you mean `health_check`?"


def test_free_form_maps_take_any_key() -> None:
    assert body_for("labels.team=ml") == {"labels": {"team": "ml"}}
    assert body_for("features.anything=1") == {"features": {"anything": 1}}


def test_the_live_services_own_findings_do_not_block_an_unrelated_change() -> None:
    # A server may hand numbers back as strings ("instance": "2", deploy/changes.py): create's
    # rules call that an error, but this change does not touch it.
    emulator = Emulator(timings=Timings(accept=0.0, per_instance=0.0))
    client = eas_client(emulator)
    client.create({**LIVE, "metadata": {**LIVE["metadata"], "instance": "2"}})
    update = prepare_update(client, "echo_service", pairs=["metadata.cpu=4"])
    assert not update.refused and update.body == {"metadata": {"cpu": 4}}
    # ...but a change that touches the value it is wrong about is judged by it.
    update = prepare_update(client, "echo_service", pairs=["metadata.instance=\"3\""])
    assert update.refused
    emulator.close()


@pytest.mark.parametrize(
    "pairs",
    [
        ["containers[0].port=8001", "metadata.rpc.keepalive=6000"],
        ["metadata.eas.termination_grace_period=30", "labels.team=ml"],
        ['containers[0].env=[{"name": "MODEL_DIR", "value": "/models"}]'],
    ],
)
def test_the_predicted_config_is_what_the_server_stores(pairs: list[str]) -> None:
    emulator = Emulator(timings=Timings(accept=0.0, per_instance=0.0))
    client = eas_client(emulator)
    client.create(LIVE)
    update = prepare_update(client, "echo_service", pairs=pairs)
    assert not update.refused
    client.update("echo_service", update.body)
    stored = json.loads(client.describe("echo_service")["ServiceConfig"])
    assert stored == update.result
    emulator.close()
