"""What the access pages (credentials, doors, groups, devices) share beyond ``web.forms``:
their messages, and turning a refusal into a sentence the office can act on.

Messages are English msgids of the ``access`` catalog, translated in the templates.
"""

from __future__ import annotations

from fastapi import Request

from menwei.core.errors import CoreError
from menwei.server.domain.errors import ApiError
from menwei.server.web.templating import page_locale
from menwei.store.errors import StoreError

NAME_MAX = 100
TOO_LONG = "This is too long: at most %(limit)s characters."
REQUIRED = "Please fill this in."
NOT_FOUND = "Not found in this community. Reload the page and choose again."
CHOOSE_ONE = "Choose one of the listed options."

#: Every msgid this module or the access pages hand to ``_()`` from Python; the tests check
#: each has a Chinese translation.
MESSAGES: set[str] = {TOO_LONG, REQUIRED, NOT_FOUND, CHOOSE_ONE}


def message(msgid: str) -> str:
    """Register ``msgid`` as one the templates will translate, and return it."""
    MESSAGES.add(msgid)
    return msgid


def name_problem(name: str, limit: int = NAME_MAX) -> tuple[str, dict[str, object]] | None:
    """Why ``name`` cannot be saved, as (msgid, values), or ``None``."""
    if not name.strip():
        return REQUIRED, {}
    if len(name.strip()) > limit:
        return TOO_LONG, {"limit": limit}
    return None


def refusal_text(request: Request, error: Exception) -> str:
    """The domain's own translated sentence for a refusal (R1, a taken card number …)."""
    locale = page_locale(request)
    if isinstance(error, ApiError):
        return error.render(locale)
    if isinstance(error, CoreError | StoreError):
        return error.message(locale)
    raise error


REFUSALS = (ApiError, CoreError, StoreError)
