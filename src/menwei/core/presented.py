"""What a reader put before the decision: a card, a PIN, a face match, a QR code, or several.

The gate fills one ``Presented`` per attempt. A face arrives as the gallery's best candidate
and its similarity score; the score goes no further than ``decide``, and it is kept out of
``repr`` so it does not end up in a log by accident.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from menwei.core.credential import CredentialKind, normalise_card_uid
from menwei.core.direction import Direction


@dataclass(frozen=True, slots=True)
class PresentedCard:
    uid: str
    facility_code: int | None = None

    @property
    def key(self) -> tuple[str, int | None]:
        """The lookup key; a reader glitch that is not text matches no card."""
        if not isinstance(self.uid, str):
            return ("", self.facility_code)
        return (normalise_card_uid(self.uid), self.facility_code)


@dataclass(frozen=True, slots=True)
class PresentedPin:
    """Digits typed at the keypad; ``person_id`` when the keypad also took a unit number."""

    digits: str = field(repr=False)
    person_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class PresentedFace:
    """The gallery's best candidate (``None`` when the gallery is empty) and its score."""

    person_id: uuid.UUID | None
    score: float = field(repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Presented:
    card: PresentedCard | None = None
    pin: PresentedPin | None = None
    face: PresentedFace | None = None
    qr: str | None = field(default=None, repr=False)
    direction: Direction | None = None  # for a two-way door whose reader knows the way

    @property
    def kinds(self) -> frozenset[CredentialKind]:
        found = set()
        if self.card is not None:
            found.add(CredentialKind.CARD)
        if self.pin is not None:
            found.add(CredentialKind.PIN)
        if self.face is not None:
            found.add(CredentialKind.FACE)
        if self.qr is not None:
            found.add(CredentialKind.QR)
        return frozenset(found)
