"""Paths, bodies, answers and errors as EAS has them (reference/eas.md §3.2, §3.3, §3.5, §3.6)."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from emulator_testkit import REGION, FakeClock, create, describe, image_service

ERROR_FIELDS = {"RequestId", "HostId", "Code", "Message", "HttpCode", "Success"}
REQUEST_ID = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, object]:
    body: dict[str, object] = response.json()
    assert response.status_code == status
    assert set(body) == ERROR_FIELDS
    assert (body["Code"], body["HttpCode"], body["Success"]) == (code, status, False)
    assert REQUEST_ID.match(str(body["RequestId"]))
    return body


def test_create_answers_like_eas(client: httpx.Client) -> None:
    body = create(client, image_service()).json()
    assert body["ServiceName"] == "image_test"
    assert body["Status"] == "Creating"
    assert body["Region"] == REGION
    assert re.match(r"^eas-m-[a-z0-9]{16}$", body["ServiceId"])
    assert REQUEST_ID.match(body["RequestId"])
    # §3.7: public and VPC endpoints of the invocation gateway.
    assert re.match(
        r"^http://\d{16}\.cn-shanghai\.pai-eas\.aliyuncs\.com/api/predict/image_test$",
        body["InternetEndpoint"],
    )
    assert body["IntranetEndpoint"] == body["InternetEndpoint"].replace(
        ".cn-shanghai.", ".vpc.cn-shanghai."
    )


def test_describe_returns_the_service_struct(client: httpx.Client) -> None:
    spec = image_service()
    create(client, spec)
    service = describe(client)
    assert json.loads(service["ServiceConfig"]) == spec  # a string holding the JSON (§3.3)
    assert service["Image"] == spec["containers"][0]["image"]
    assert (service["Cpu"], service["Memory"]) == (2, 4000)
    assert service["ServiceUid"] == service["ServiceId"]
    assert service["CreateTime"] == "2026-11-22T03:00:00Z"
    assert len(service["AccessToken"]) >= 32  # generated when the spec has no token (§1.1)


def test_a_token_in_the_spec_is_the_access_token(client: httpx.Client) -> None:
    create(client, {**image_service(), "token": "M5Mjk0NDZhM2EwYzUzOGE0OGMx"})
    assert describe(client)["AccessToken"] == "M5Mjk0NDZhM2EwYzUzOGE0OGMx"


def test_top_level_name_is_accepted(client: httpx.Client) -> None:
    # reference/eas.md §6: EasyRec's processor-style pmml.json names the service at top level.
    spec = {
        "name": "pmml_rank",
        "generate_token": "true",
        "model_path": "oss://examplebucket/easyrec/rank.tar.gz",
        "processor": "tensorflow_cpu_1.14",
        "metadata": {"instance": 1, "cpu": 4},
    }
    assert create(client, spec).json()["ServiceName"] == "pmml_rank"
    assert describe(client, "pmml_rank")["Status"] == "Creating"


def test_missing_name_is_409_invalid_parameter(client: httpx.Client) -> None:
    spec = image_service()
    del spec["metadata"]["name"]
    body = assert_error(create(client, spec), 409, "InvalidParameter")
    assert body["Message"] == "Service name is empty"  # §3.6, the real answer


def test_broken_json_is_invalid_parameter(client: httpx.Client) -> None:
    response = client.post("/api/v2/services", content=b'{"metadata": {"name": ')
    assert "not valid JSON" in str(assert_error(response, 409, "InvalidParameter")["Message"])


def test_a_taken_name_is_a_conflict_and_the_first_service_is_untouched(
    client: httpx.Client,
) -> None:
    create(client, image_service(instance=2))
    response = create(client, image_service(instance=7))
    assert_error(response, 409, "ServiceAlreadyExists")
    assert json.loads(describe(client)["ServiceConfig"])["metadata"]["instance"] == 2


def test_describe_of_a_missing_service_is_404_not_found(client: httpx.Client) -> None:
    response = client.get(f"/api/v2/services/{REGION}/no_such_service")
    body = assert_error(response, 404, "InvalidService.NotFound")
    assert body["Message"] == "Service [no_such_service] in region [cn-shanghai] does not exist"


def test_another_region_does_not_see_the_service(client: httpx.Client) -> None:
    create(client, image_service())
    assert_error(
        client.get("/api/v2/services/cn-beijing/image_test"), 404, "InvalidService.NotFound"
    )


def test_an_unknown_route_is_404(client: httpx.Client) -> None:
    assert_error(client.get("/api/v2/servicez"), 404, "InvalidAction.NotFound")
    assert_error(client.post(f"/api/v2/services/{REGION}/x/start"), 404, "InvalidAction.NotFound")


def test_update_merges_by_default(client: httpx.Client) -> None:
    create(client, image_service())
    response = client.put(
        f"/api/v2/services/{REGION}/image_test", json={"metadata": {"instance": 3}}
    )
    assert response.json()["Message"] == (
        "Succeed to update service [image_test] in region [cn-shanghai]"  # §3.3
    )
    config = json.loads(describe(client)["ServiceConfig"])
    assert config["metadata"] == {"name": "image_test", "instance": 3, "cpu": 2, "memory": 4000}
    assert config["containers"] == image_service()["containers"]


def test_update_replace_replaces_the_whole_config(client: httpx.Client) -> None:
    create(client, image_service())
    new = {"metadata": {"instance": 1}, "containers": [{"image": "nginx:1.25", "port": 8000}]}
    client.put(f"/api/v2/services/{REGION}/image_test", params={"UpdateType": "replace"}, json=new)
    config = json.loads(describe(client)["ServiceConfig"])
    assert config == {**new, "metadata": {"instance": 1, "name": "image_test"}}
    assert "storage" not in config


def test_update_cannot_rename(client: httpx.Client) -> None:
    create(client, image_service())
    response = client.put(
        f"/api/v2/services/{REGION}/image_test", json={"metadata": {"name": "renamed"}}
    )
    assert_error(response, 409, "InvalidParameter")


def test_update_of_a_stopped_service_keeps_it_stopped(
    client: httpx.Client, clock: FakeClock
) -> None:
    create(client, image_service())
    clock.advance(60)
    client.put(f"/api/v2/services/{REGION}/image_test/stop")
    clock.advance(60)
    client.put(f"/api/v2/services/{REGION}/image_test", json={"metadata": {"cpu": 8}})
    assert describe(client)["Status"] == "Stopped"
    assert describe(client)["Cpu"] == 8


@pytest.mark.parametrize("body", [{"Instance": -1}, {"Instance": "3"}, {}, {"instance": 3}])
def test_scale_needs_a_non_negative_instance(client: httpx.Client, body: object) -> None:
    create(client, image_service())
    response = client.put(f"/api/v2/services/{REGION}/image_test/scale", json=body)
    assert_error(response, 409, "InvalidParameter")


def test_operations_on_a_deleting_service_are_refused(client: httpx.Client) -> None:
    create(client, image_service())
    client.delete(f"/api/v2/services/{REGION}/image_test")
    response = client.put(f"/api/v2/services/{REGION}/image_test/start")
    assert_error(response, 409, "InvalidServiceStatus")
    # Deleting again is harmless.
    assert client.delete(f"/api/v2/services/{REGION}/image_test").status_code == 200


def test_list_pages_newest_first(client: httpx.Client, clock: FakeClock) -> None:
    for i in range(5):
        create(client, image_service(name=f"svc_{i}"))
        clock.advance(1)
    page = client.get("/api/v2/services", params={"PageSize": 2, "PageNumber": 2}).json()
    assert (page["TotalCount"], page["PageNumber"], page["PageSize"]) == (5, 2, 2)
    assert [s["ServiceName"] for s in page["Services"]] == ["svc_2", "svc_1"]
    last = client.get("/api/v2/services", params={"PageSize": 2, "PageNumber": 3}).json()
    assert [s["ServiceName"] for s in last["Services"]] == ["svc_0"]
    asc = client.get("/api/v2/services", params={"Order": "asc", "PageSize": 1}).json()
    assert asc["Services"][0]["ServiceName"] == "svc_0"


def test_list_filters_by_name(client: httpx.Client) -> None:
    for name in ("rank_v1", "rank_v2", "recall"):
        create(client, image_service(name=name))
    fuzzy = client.get("/api/v2/services", params={"Filter": "rank"}).json()
    assert sorted(s["ServiceName"] for s in fuzzy["Services"]) == ["rank_v1", "rank_v2"]
    exact = client.get("/api/v2/services", params={"ServiceName": "rank_v1"}).json()
    assert [s["ServiceName"] for s in exact["Services"]] == ["rank_v1"]


def test_list_defaults_and_bad_paging(client: httpx.Client) -> None:
    body = client.get("/api/v2/services").json()
    assert (body["PageNumber"], body["PageSize"], body["Services"]) == (1, 100, [])
    assert_error(client.get("/api/v2/services", params={"PageSize": "0"}), 409, "InvalidParameter")


def test_labels_and_workspace_from_the_query(client: httpx.Client) -> None:
    client.post(
        "/api/v2/services",
        params={"Labels": json.dumps({"team": "search"}), "WorkspaceId": "1405"},
        content=json.dumps(image_service()),
    )
    service = describe(client)
    assert service["Labels"] == [{"LabelKey": "team", "LabelValue": "search"}]
    assert service["WorkspaceId"] == "1405"
