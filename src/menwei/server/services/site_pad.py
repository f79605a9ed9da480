"""A community's own liveness threshold: set from ``menwei calibrate pad``, pulled by its gates.

The server keeps it only for the shipped parameters it was calibrated against, and only inside
the site rule (never above the shipped threshold, never below its floor); the gate holds it to
the same rule again, so neither end alone can switch the check off.
"""

from __future__ import annotations

from datetime import UTC, datetime

from menwei.server.domain.caller import Caller
from menwei.server.domain.errors import InvalidRequest, NotFound
from menwei.store.repositories.site_pad import CHANGE_ENTITY, SitePadThreshold
from menwei.store.uow import UnitOfWork
from menwei.vision.liveness.model import SHIPPED_SHA256, load_model
from menwei.vision.liveness.site import FLOOR_DROP, MIN_LIVE_FRAMES


def get_threshold(uow: UnitOfWork, caller: Caller) -> SitePadThreshold:
    assert caller.community_id is not None
    with uow:
        found = uow.site_pad.get(caller.community_id)
    if found is None:
        raise NotFound(
            code="site_pad_threshold_not_set",
        )
    return found


def set_threshold(
    uow: UnitOfWork,
    caller: Caller,
    *,
    threshold: float,
    model_sha256: str,
    live_frames: int,
    bpcer: float,
) -> SitePadThreshold:
    """Keep the community's calibrated threshold and note the change for its gates."""
    assert caller.community_id is not None
    if model_sha256 != SHIPPED_SHA256:
        raise InvalidRequest(code="site_pad_other_parameters")
    if live_frames < MIN_LIVE_FRAMES:
        raise InvalidRequest(code="site_pad_too_few_frames", min_frames=MIN_LIVE_FRAMES)
    shipped = load_model().threshold
    if not shipped - FLOOR_DROP <= threshold <= shipped:
        raise InvalidRequest(
            code="site_pad_out_of_range", floor=shipped - FLOOR_DROP, shipped=shipped
        )
    value = SitePadThreshold(
        caller.community_id, threshold, model_sha256, live_frames, bpcer, datetime.now(UTC)
    )
    with uow:
        uow.site_pad.save(value)
        uow.changes.record(caller.community_id, CHANGE_ENTITY, caller.community_id, "upsert")
        uow.commit()
    return value
