"""Counts of stored face data, never names: per recognition model, and per processor for filing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from menwei.privacy.compliance import FILING_THRESHOLD, FilingStatus, filing_status
from menwei.store.uow import UnitOfWork


@dataclass(frozen=True)
class ModelStatus:
    """Whose stored templates another recognition model made than the configured one."""

    model_id: str
    #: people per community whose newest template another model made (they must enrol again)
    to_reenrol: dict[uuid.UUID, int]
    #: people per community whose newest template the configured model made
    current: dict[uuid.UUID, int]
    #: the other models' ids, with how many people's templates each made
    other_models: dict[str, int]

    @property
    def people_to_reenrol(self) -> int:
        return sum(self.to_reenrol.values())


def model_status(uow: UnitOfWork, *, model_id: str) -> ModelStatus:
    """Counts, per community, of templates made by ``model_id`` and by any other model."""
    with uow:
        counts = uow.privacy.templates.models_in_use()
    to_reenrol: dict[uuid.UUID, int] = {}
    current: dict[uuid.UUID, int] = {}
    others: dict[str, int] = {}
    for (community, model), people in counts.items():
        if model == model_id:
            current[community] = current.get(community, 0) + people
        else:
            to_reenrol[community] = to_reenrol.get(community, 0) + people
            others[model] = others.get(model, 0) + people
    return ModelStatus(model_id, to_reenrol, current, others)


def filing_statuses(
    uow: UnitOfWork, *, threshold: int = FILING_THRESHOLD
) -> dict[uuid.UUID, FilingStatus]:
    """Per processor: distinct people with stored face data, against the filing threshold."""
    with uow:
        store = uow.privacy
        return {
            processor: filing_status(store.templates.people_with_face_data(processor), threshold)
            for processor in store.communities.processor_ids()
        }
