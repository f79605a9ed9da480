"""Every failure answers in one JSON shape, in zh-CN unless English is asked for."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient


def _error(response) -> dict:  # type: ignore[no-untyped-def]
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    return body["error"]


def test_health_answers_without_a_database_round_trip(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readiness_checks_the_database(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_readiness_fails_with_the_error_shape_when_the_database_is_gone(app, client) -> None:  # type: ignore[no-untyped-def]
    from menwei.store.engine import make_engine

    app.state.engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert _error(response)["code"] == "database_unavailable"


def test_an_unknown_path_is_a_404_in_the_error_shape(client: TestClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    error = _error(response)
    assert error["code"] == "not_found"
    assert "找不到" in error["message"]


def test_a_wrong_method_is_a_405_in_the_error_shape(client: TestClient) -> None:
    response = client.delete("/healthz")
    assert response.status_code == 405
    assert _error(response)["code"] == "method_not_allowed"


def test_english_is_given_when_the_client_asks_for_it(client: TestClient) -> None:
    response = client.get("/api/v1/communities", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert response.status_code == 401
    assert _error(response)["message"] == "Please sign in first."


def test_an_unauthenticated_call_is_a_401_that_asks_for_a_bearer_token(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert _error(response)["code"] == "unauthenticated"


def test_a_forged_token_opens_nothing(client: TestClient) -> None:
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer mwu_forged"})
    assert response.status_code == 401


def test_a_validation_error_names_the_field(client: TestClient, world) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        f"/api/v1/communities/{world.a.community_id}/doors",
        json={"name": "东门", "kind": "portal", "accepts": ["card"]},
        headers=world.auth("community_staff"),
    )
    assert response.status_code == 422
    error = _error(response)
    assert error["code"] == "validation_error"
    assert [f["field"] for f in error["details"]["fields"]] == ["kind"]
    assert "kind" in error["message"]


def test_a_malformed_id_in_the_path_is_a_validation_error(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/communities/not-a-uuid", headers=world.auth("platform_admin"))
    assert response.status_code == 422
    assert _error(response)["details"]["fields"][0]["field"] == "community_id"


def test_malformed_json_is_a_validation_error_not_a_crash(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        f"/api/v1/communities/{world.a.community_id}/buildings",
        content=b"{not json",
        headers={**world.auth("community_staff"), "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert _error(response)["code"] == "validation_error"


def test_an_unexpected_exception_is_a_plain_500_without_a_trace(app, client, world, caplog) -> None:  # type: ignore[no-untyped-def]
    from menwei.server.services import places

    def explode(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("secret-token-value in a message")

    original = places.list_communities
    places.list_communities = explode
    try:
        response = client.get("/api/v1/communities", headers=world.auth("platform_admin"))
    finally:
        places.list_communities = original
    assert response.status_code == 500
    error = _error(response)
    assert error["code"] == "internal_error"
    assert "secret-token-value" not in response.text
    assert "Traceback" not in response.text
    assert "secret-token-value" not in caplog.text
    assert "RuntimeError" in caplog.text


def test_metrics_count_requests_by_route_template(client, world) -> None:  # type: ignore[no-untyped-def]
    client.get(f"/api/v1/communities/{world.a.community_id}", headers=world.auth("platform_admin"))
    text = client.get("/metrics").text
    assert 'route="/api/v1/communities/{community_id}"' in text
    assert str(world.a.community_id) not in text
    assert "menwei_http_request_duration_seconds_bucket" in text


def test_openapi_describes_the_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/v1/communities/{community_id}/doors" in paths
    assert "/api/v1/device/events" in paths


def test_a_random_uuid_community_is_not_found_for_the_platform_admin(client, world) -> None:  # type: ignore[no-untyped-def]
    path = f"/api/v1/communities/{uuid.uuid4()}"
    response = client.get(path, headers=world.auth("platform_admin"))
    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"


def test_the_access_log_names_the_route_not_the_ids_or_the_query(client, world, caplog) -> None:  # type: ignore[no-untyped-def]
    import logging

    caplog.set_level(logging.INFO, logger="menwei.access")
    client.get(
        f"/api/v1/communities/{world.a.community_id}/people?name=李娜",
        headers=world.auth("community_staff"),
    )
    lines = [r.getMessage() for r in caplog.records if r.name == "menwei.access"]
    assert any("/api/v1/communities/{community_id}/people 200" in line for line in lines)
    assert "李娜" not in caplog.text
    assert str(world.a.community_id) not in caplog.text
