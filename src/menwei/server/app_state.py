"""What the app holds for every request, read from ``app.state`` for routers and pages.

The services take these as plain values (a kit, a clock, a hook); only this module knows they
live on the running app.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import Request

from menwei.governance.vote import DEFAULT_MINIMUM_VOTING_DAYS
from menwei.privacy.compliance import OwnersVoteHook
from menwei.server.services.governance import Clock
from menwei.server.services.privacy_kit import PrivacyKit
from menwei.server.services.template_delivery import privacy_kit as _open_kit


def privacy_kit(request: Request) -> PrivacyKit:
    """The app's one ``PrivacyKit`` (shared with template delivery), opened on first use.

    Opening lazily keeps an app that never touches face data (route listings, probes) from
    creating a key file; the keys themselves always stay outside the database.
    """
    return _open_kit(request.app.state, request.app.state.settings)


def clock(request: Request) -> Clock:
    """The app's clock (``app.state.clock`` when given, so windows can be tested), else UTC now."""
    given = getattr(request.app.state, "clock", None)
    return given if given is not None else (lambda: datetime.now(UTC))


def owners_votes(request: Request) -> OwnersVoteHook | None:
    """A hook the app was given (``app.state.owners_votes``), else ``None``: read the ballots."""
    return getattr(request.app.state, "owners_votes", None)


def minimum_voting_days(request: Request) -> int:
    """The installation's shortest voting period (``MENWEI_VOTE_MINIMUM_DAYS``, 7 by default)."""
    settings = getattr(request.app.state, "settings", None)
    return int(getattr(settings, "vote_minimum_days", DEFAULT_MINIMUM_VOTING_DAYS))
