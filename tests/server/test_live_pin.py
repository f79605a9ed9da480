"""One live PIN per person, however many changes arrive at once; held by the database."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from menwei.store.tables import CredentialRow


def _live_pins(app, person_id: uuid.UUID) -> int:  # type: ignore[no-untyped-def]
    with app.state.engine.connect() as connection:
        return int(
            connection.scalar(
                sa.select(sa.func.count()).where(
                    CredentialRow.person_id == person_id,
                    CredentialRow.kind == "pin",
                    CredentialRow.revoked_at.is_(None),
                )
            )
        )


def test_eight_pin_changes_at_once_leave_one_live_pin(client, app, world) -> None:
    url = f"/api/v1/communities/{world.a.community_id}/people/{world.a.resident_id}/pins"
    staff = world.auth("community_staff")

    def change(n: int) -> int:
        return client.post(url, json={"pin": f"{n:02d}4791"}, headers=staff).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(change, range(8)))
    # The changes run one after the other: each succeeds and revokes the one before.
    assert statuses == [201] * 8, statuses
    assert _live_pins(app, world.a.resident_id) == 1


def test_the_database_refuses_a_second_live_pin_written_past_the_service(app, world) -> None:
    def pin_row() -> dict[str, object]:
        return {
            "id": uuid.uuid4(),
            "community_id": world.a.community_id,
            "person_id": world.a.resident_id,
            "kind": "pin",
            "valid_from": datetime.now(UTC),
            "pin_hash": "$argon2id$x",
            "failed_attempts": 0,
            "use_count": 0,
            "created_at": datetime.now(UTC),
        }

    with app.state.engine.begin() as connection:
        connection.execute(sa.insert(CredentialRow), [pin_row()])
    with pytest.raises(sa.exc.IntegrityError), app.state.engine.begin() as connection:
        connection.execute(sa.insert(CredentialRow), [pin_row()])
    assert _live_pins(app, world.a.resident_id) == 1
