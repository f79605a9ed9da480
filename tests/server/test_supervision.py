"""The supervisor sees aggregates of the communities they supervise, and nothing personal."""

from __future__ import annotations

import csv
import io
import re
import uuid

import pytest
from fastapi.testclient import TestClient

from menwei.server.deps import route_table
from menwei.server.policy import POLICY, PUBLIC_PATHS, AccountRole

from .conftest import World

#: What a supervisor may call: their own account, community facts, the aggregates, and answering
#: public questions (which never show private ones or who asked).
AGGREGATE_PERMISSIONS = {
    "me:read",
    "communities:read",
    "communities:stats",
    "supervision:read",
    "questions:answer_public",
    "supervision:order",  # orders face recognition off: reads nothing about anyone
}

#: Routes that return records about people (or that people made), which must answer 403.
PERSONAL = (
    "GET /api/v1/communities/{c}/people",
    "GET /api/v1/communities/{c}/people/{x}",
    "GET /api/v1/communities/{c}/people/{x}/households",
    "GET /api/v1/communities/{c}/people/{x}/credentials",
    "GET /api/v1/communities/{c}/people/{x}/consents",
    "GET /api/v1/communities/{c}/people/{x}/face",
    "GET /api/v1/communities/{c}/events",
    "GET /api/v1/communities/{c}/events.csv",
    "GET /api/v1/communities/{c}/requests",
    "GET /api/v1/me/privacy/audit",
    "GET /api/v1/communities/{c}/votes",
    "GET /api/v1/communities/{c}/votes/{x}/ballots",
    "GET /api/v1/communities/{c}/questions",
    "GET /api/v1/users",
)


def _fill(path: str, community_id: uuid.UUID) -> str:
    def value(match: re.Match[str]) -> str:
        return str(community_id) if match.group(1) in ("c", "community_id") else str(uuid.uuid4())

    return re.sub(r"\{(\w+)\}", value, path)


def test_the_supervisor_holds_no_permission_beyond_the_aggregates() -> None:
    held = {name for name, roles in POLICY.items() if AccountRole.SUPERVISOR in roles}

    assert held == AGGREGATE_PERMISSIONS


@pytest.mark.parametrize("route", PERSONAL)
def test_the_supervisor_is_refused_every_personal_record(
    client: TestClient, world: World, route: str
) -> None:
    method, path = route.split(" ")

    response = client.request(
        method, _fill(path, world.a.community_id), headers=world.auth("supervisor")
    )

    assert response.status_code == 403, response.text
    assert response.json()["error"]["code"] == "forbidden"


def test_every_guarded_route_outside_the_aggregates_refuses_the_supervisor(
    app, client: TestClient, world: World
) -> None:  # type: ignore[no-untyped-def]
    checked = 0
    for entry in route_table(app):
        if entry.path in PUBLIC_PATHS or entry.permission is None:
            continue
        if entry.permission in AGGREGATE_PERMISSIONS:
            continue
        method = sorted(entry.methods)[0]
        body = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
        path = _fill(entry.path, world.a.community_id)
        response = client.request(method, path, headers=world.auth("supervisor"), **body)
        assert response.status_code == 403, f"{method} {entry.path}: {response.status_code}"
        checked += 1
    assert checked > 50


def test_the_supervisor_sees_one_row_per_supervised_community_and_none_of_the_other(
    client: TestClient, world: World
) -> None:
    response = client.get("/api/v1/supervision/communities", headers=world.auth("supervisor"))

    assert response.status_code == 200
    [row] = response.json()
    assert row["community_id"] == str(world.a.community_id)
    assert str(world.b.community_id) not in response.text
    assert row["face_on"] is False
    assert row["face_doors"] == 1
    assert row["alternative_share"] == "100.0"
    assert row["residents"] == 1
    assert row["enrolled"] == 0
    assert row["audit_status"] == "verified"
    assert row["filing_status"] == "not_required"


def test_the_supervisor_rows_name_no_person(client: TestClient, world: World) -> None:
    response = client.get("/api/v1/supervision/communities", headers=world.auth("supervisor"))

    assert str(world.a.resident_id) not in response.text
    assert "李娜" not in response.text


def test_the_district_rollup_totals_the_supervised_communities(
    client: TestClient, world: World
) -> None:
    mine = client.get("/api/v1/supervision/rollup", headers=world.auth("supervisor")).json()
    everyone = client.get("/api/v1/supervision/rollup", headers=world.auth("platform_admin")).json()

    assert (mine["communities"], mine["residents"], mine["face_doors"]) == (1, 1, 1)
    assert (everyone["communities"], everyone["residents"], everyone["face_doors"]) == (2, 2, 2)


def test_both_tables_export_as_csv_with_headers_in_the_readers_language(
    client: TestClient, world: World
) -> None:
    headers = world.auth("supervisor") | {"Accept-Language": "en"}
    rows = client.get("/api/v1/supervision/communities.csv", headers=headers)
    totals = client.get("/api/v1/supervision/rollup.csv", headers=headers)

    assert rows.headers["content-type"].startswith("text/csv")
    assert totals.headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(rows.text)))
    assert len(table) == 2  # the header and community A
    assert "阳光小区" in rows.text and "翠湖小区" not in rows.text
    assert len(list(csv.reader(io.StringIO(totals.text)))) == 2


def test_staff_and_residents_have_no_supervisor_view(client: TestClient, world: World) -> None:
    for who in ("community_staff", "committee_member", "resident", "processor_admin"):
        response = client.get("/api/v1/supervision/communities", headers=world.auth(who))
        assert response.status_code == 403, who


def test_a_supervisor_of_a_asking_about_b_finds_nothing(client: TestClient, world: World) -> None:
    stats = client.get(
        f"/api/v1/communities/{world.b.community_id}/stats", headers=world.auth("supervisor")
    )
    community = client.get(
        f"/api/v1/communities/{world.b.community_id}", headers=world.auth("supervisor")
    )

    assert stats.status_code == 404
    assert community.status_code == 404
