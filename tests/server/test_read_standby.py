"""``read_database_url``: the supervisor's aggregates and the public pages read the standby;
everything else, sign-in included, reads and writes the primary.

The "standby" here is a second migrated database that never received the world, so what a page
shows says which database it read.
"""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.server.conftest import make_settings

from menwei.server import create_app
from menwei.store.migrate import upgrade


def test_aggregates_and_public_pages_read_the_standby_and_the_rest_the_primary(  # type: ignore[no-untyped-def]
    settings, world, empty_database_url, tmp_path
) -> None:
    upgrade(empty_database_url)
    split = make_settings(
        settings.resolved_database_url, tmp_path, read_database_url=empty_database_url
    )
    app = create_app(split)
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            supervisor = world.auth("supervisor")
            # Signed in against the primary; the aggregates come from the (empty) standby.
            assert client.get("/api/v1/me", headers=supervisor).status_code == 200
            listed = client.get("/api/v1/supervision/communities", headers=supervisor)
            assert listed.status_code == 200, listed.text
            assert listed.json() == []
            assert client.get(f"/c/{world.a.community_id}").status_code == 404
            # Staff pages read the primary, where the community is.
            doors = client.get(
                f"/api/v1/communities/{world.a.community_id}/doors",
                headers=world.auth("community_staff"),
            )
            assert doors.status_code == 200 and doors.json()["items"]
    finally:
        app.state.engine.dispose()
        app.state.read_engine.dispose()


def test_without_a_standby_the_aggregates_read_the_primary(client, world) -> None:  # type: ignore[no-untyped-def]
    listed = client.get("/api/v1/supervision/communities", headers=world.auth("supervisor"))
    assert [row["community_id"] for row in listed.json()] == [str(world.a.community_id)]
    assert client.get(f"/c/{world.a.community_id}").status_code == 200
