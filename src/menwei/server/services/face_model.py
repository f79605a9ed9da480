"""Which recognition model this server runs, and who must enrol again because of it.

Templates carry the id of the model that made them. When the configured model (the model
folder's manifest, else the default SFace) differs from a stored template's, that template is
neither sent to gates nor matched: its person uses a card, PIN or QR code until they enrol
again, which replaces the template. This module gives the configured id to the data path and
counts, per community, the people affected: counts only, never who.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any

from menwei.server.domain.errors import Unavailable
from menwei.server.services.face_data_counts import ModelStatus, model_status
from menwei.store.uow import UnitOfWork

log = logging.getLogger("menwei.models")


class ModelUnavailable(Unavailable):
    """The model folder's manifest or files are broken: nothing face-related can proceed."""

    code = "face_model_unavailable"


def configured_model_id() -> str:
    """The configured recognition model's id, or 503 naming the manifest's fault."""
    from menwei.vision import VisionError
    from menwei.vision.models import active_model_id

    try:
        return active_model_id()
    except VisionError as error:
        raise ModelUnavailable(
            wording=error.wording,
            details={"cause": error.code},
        ) from None


def configured_thresholds() -> Any:
    """The configured model's match thresholds, or 503 saying to calibrate it first."""
    from menwei.vision import VisionError
    from menwei.vision.thresholds import default_thresholds

    try:
        return default_thresholds()
    except VisionError as error:
        raise ModelUnavailable(
            wording=error.wording,
            details={"cause": error.code},
        ) from None


def status(uow: UnitOfWork) -> ModelStatus:
    """Per community, how many people's templates the configured model made, and how many not."""
    return model_status(uow, model_id=configured_model_id())


@dataclass(frozen=True, slots=True)
class ModelSummary:
    """The configured model and how many of a community's people must enrol again.

    When the model folder is unusable, ``problem`` says why (by locale) and the counts are
    ``None``: nothing can be counted against a model that cannot be read.
    """

    model_id: str | None
    people_to_reenrol: int | None
    people_enrolled: int | None = None
    problem: dict[str, str] | None = None


def community_summary(uow: UnitOfWork, community_id: uuid.UUID) -> ModelSummary:
    """The configured model and how many of this community's people must enrol again."""
    try:
        found = status(uow)
    except ModelUnavailable as error:
        return ModelSummary(None, None, problem={loc: error.render(loc) for loc in ("zh-CN", "en")})
    return ModelSummary(
        found.model_id,
        found.to_reenrol.get(community_id, 0),
        found.current.get(community_id, 0),
    )


def log_at_start(uow: UnitOfWork) -> None:
    """One line at server start: the model, and how many people in how many communities must
    enrol again (no names, no ids of people)."""
    try:
        found = status(uow)
    except ModelUnavailable as error:
        log.error("face model unusable: %s / %s", error.render("zh-CN"), error.render("en"))
        return
    if not found.to_reenrol:
        log.info("face model %s: every stored template was made by it", found.model_id)
        return
    log.warning(
        "face model %s: %d person(s) in %d community(ies) have templates made by another model "
        "(%s); they use cards, PINs or QR codes until they enrol again "
        "(see `menwei models status`)",
        found.model_id,
        found.people_to_reenrol,
        len(found.to_reenrol),
        ", ".join(sorted(found.other_models)),
    )
