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


def _refused(code: str, zh: str, en: str) -> InvalidRequest:
    return InvalidRequest(code=code, texts={"zh-CN": zh, "en": en})


def get_threshold(uow: UnitOfWork, caller: Caller) -> SitePadThreshold:
    assert caller.community_id is not None
    with uow:
        found = uow.site_pad.get(caller.community_id)
    if found is None:
        raise NotFound(
            code="site_pad_threshold_not_set",
            texts={
                "zh-CN": "本小区尚未校准活体检测阈值，门禁使用出厂阈值。",
                "en": "This community has no calibrated liveness threshold; gates use the "
                "shipped one.",
            },
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
        raise _refused(
            "site_pad_other_parameters",
            "该阈值是针对另一版活体检测参数校准的，请用本版本的 menwei calibrate pad 重新校准。",
            "The threshold was calibrated for other liveness parameters; calibrate again with "
            "this version's `menwei calibrate pad`.",
        )
    if live_frames < MIN_LIVE_FRAMES:
        raise _refused(
            "site_pad_too_few_frames",
            f"校准至少需要 {MIN_LIVE_FRAMES} 张真人照片。",
            f"Calibration needs at least {MIN_LIVE_FRAMES} live frames.",
        )
    shipped = load_model().threshold
    if not shipped - FLOOR_DROP <= threshold <= shipped:
        raise _refused(
            "site_pad_out_of_range",
            f"阈值须在 {shipped - FLOOR_DROP:.4f} 与出厂阈值 {shipped:.4f} 之间。",
            f"The threshold must lie between {shipped - FLOOR_DROP:.4f} and the shipped "
            f"{shipped:.4f}.",
        )
    value = SitePadThreshold(
        caller.community_id, threshold, model_sha256, live_frames, bpcer, datetime.now(UTC)
    )
    with uow:
        uow.site_pad.save(value)
        uow.changes.record(caller.community_id, CHANGE_ENTITY, caller.community_id, "upsert")
        uow.commit()
    return value
