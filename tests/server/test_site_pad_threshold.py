"""The server keeps a community's calibrated liveness threshold only inside the site rule."""

from __future__ import annotations

import pytest

from menwei.vision.liveness import load_model
from menwei.vision.liveness.model import SHIPPED_SHA256
from menwei.vision.liveness.site import FLOOR_DROP

SHIPPED = load_model().threshold


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"threshold": SHIPPED - FLOOR_DROP - 0.5}, "site_pad_out_of_range"),
        ({"threshold": SHIPPED + 0.5}, "site_pad_out_of_range"),
        ({"model_sha256": "0" * 64}, "site_pad_other_parameters"),
        ({"live_frames": 5}, "site_pad_too_few_frames"),
    ],
)
def test_the_server_refuses_a_threshold_outside_the_site_rule_in_both_languages(
    client, world, change: dict, code: str
) -> None:
    body = {"threshold": SHIPPED - 0.3, "model_sha256": SHIPPED_SHA256, "live_frames": 60}
    body |= {"bpcer": 0.05, **change}
    route = f"/api/v1/communities/{world.a.community_id}/liveness-threshold"
    answer = client.put(route, json=body, headers=world.auth("community_staff"))
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == code
    english = client.put(
        route, json=body, headers={**world.auth("community_staff"), "Accept-Language": "en"}
    )
    assert answer.json()["error"]["message"] != english.json()["error"]["message"]


def test_another_communitys_staff_cannot_set_this_communitys_threshold(client, world) -> None:
    body = {"threshold": SHIPPED - 0.3, "model_sha256": SHIPPED_SHA256, "live_frames": 60}
    route = f"/api/v1/communities/{world.b.community_id}/liveness-threshold"
    answer = client.put(route, json={**body, "bpcer": 0.05}, headers=world.auth("community_staff"))
    assert answer.status_code in (403, 404)
