"""plan: field-by-field differences under merge semantics, secrets never shown."""

from __future__ import annotations

import json

from eas_testkit import DOCKER_AUTH, echo_spec

from deploykit.deploy.changes import changes_only, diff, live_config


def test_unchanged_spec_has_no_changes_even_with_server_added_keys() -> None:
    live = echo_spec()
    live["metadata"]["region"] = "cn-shanghai"  # the server adds its own (reference §2.3 desc)
    live["generate_token"] = "true"
    found = diff(live, echo_spec())
    assert changes_only(found) == []
    assert {c.pointer for c in found if c.kind == "keep"} == {"/generate_token",
                                                              "/metadata/region"}


def test_changed_and_added_fields_are_listed_with_pointers() -> None:
    wanted = echo_spec(instance=4)
    wanted["metadata"]["gpu"] = 1
    found = {c.pointer: c for c in changes_only(diff(echo_spec(), wanted))}
    assert found["/metadata/instance"].kind == "change"
    assert (found["/metadata/instance"].before, found["/metadata/instance"].after) == (2, 4)
    assert found["/metadata/gpu"].kind == "add"


def test_numbers_given_back_as_strings_are_not_changes() -> None:
    live = echo_spec()
    live["metadata"]["instance"] = "2"
    assert changes_only(diff(live, echo_spec())) == []


def test_a_changed_secret_is_reported_but_never_shown() -> None:
    live = echo_spec()
    live["dockerAuth"] = "b2xkOm9sZA=="
    (change,) = changes_only(diff(live, echo_spec()))
    assert change.pointer == "/dockerAuth"
    assert DOCKER_AUTH not in json.dumps(change.as_dict())
    assert "b2xkOm9sZA==" not in json.dumps(change.as_dict())


def test_live_config_reads_the_service_config_string() -> None:
    service = {"ServiceConfig": json.dumps(echo_spec())}
    assert live_config(service)["metadata"]["name"] == "echo_service"
    assert live_config({}) == {}


def test_a_change_inside_a_list_is_shown_at_its_element() -> None:
    from deploykit.deploy.eascmd_text import plan_lines

    wanted = echo_spec()
    wanted["containers"][0]["port"] = 8001
    found = diff(echo_spec(), wanted)
    assert [(c.pointer, c.before, c.after) for c in changes_only(found)] == [
        ("/containers/0/port", 8000, 8001)
    ]
    assert "  ~ /containers/0/port: 8000 -> 8001" in plan_lines("echo_service", "update", found)


def test_list_elements_added_and_removed_under_merge_semantics() -> None:
    live = echo_spec()
    live["containers"][0]["env"] = [{"name": "MODEL_DIR", "value": "/models"}]
    live["containers"].append({"image": "sidecar:1", "command": "run", "port": 9000})
    wanted = echo_spec()
    wanted["containers"][0]["prepare"] = {"pythonRequirements": ["numpy==1.26.4"]}
    found = {c.pointer: c.kind for c in changes_only(diff(live, wanted))}
    # The merge replaces `containers` whole: what only the live list has goes away.
    assert found == {
        "/containers/0/env": "remove",
        "/containers/0/prepare": "add",
        "/containers/1": "remove",
    }


def test_a_secret_inside_a_list_is_never_shown() -> None:
    live = echo_spec()
    live["storage"] = [{"mount_path": "/code", "git": {"repo": "https://x/r.git",
                                                       "password": "old-git-pass"}}]
    wanted = echo_spec()
    wanted["storage"] = [{"mount_path": "/code", "git": {"repo": "https://x/r.git",
                                                         "password": "new-git-pass"}}]
    (change,) = changes_only(diff(live, wanted))
    assert change.pointer == "/storage/0/git/password"
    assert "git-pass" not in json.dumps(change.as_dict())
