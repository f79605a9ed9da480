"""The people list tells staff how many people match, not only whether there is another page."""

from __future__ import annotations


def test_the_people_list_reports_the_total_of_its_filters_across_pages(client, world) -> None:  # type: ignore[no-untyped-def]
    staff = world.auth("community_staff")
    base = f"/api/v1/communities/{world.a.community_id}/people"
    for name in ("王刚", "王敏", "王磊", "赵磊"):
        client.post(base, json={"name": name, "role": "owner"}, headers=staff)
    page = client.get(f"{base}?name=王&limit=2&offset=2", headers=staff).json()
    assert (len(page["items"]), page["total"], page["has_more"]) == (1, 3, False)
    owners = client.get(f"{base}?role=owner&limit=1", headers=staff).json()
    assert owners["total"] == 5


def test_the_total_never_counts_people_of_another_community(client, world) -> None:  # type: ignore[no-untyped-def]
    staff = world.auth("community_staff")
    mine = client.get(f"/api/v1/communities/{world.a.community_id}/people", headers=staff).json()
    assert mine["total"] == len(mine["items"])
    admin = world.auth("platform_admin")
    theirs = client.get(f"/api/v1/communities/{world.b.community_id}/people", headers=admin).json()
    assert theirs["total"] == len(theirs["items"])
