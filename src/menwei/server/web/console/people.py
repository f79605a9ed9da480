"""The office console's residents, units and households: list, look up, add, edit, move in/out.

Pages under ``/office/c/{community_id}``. Each concern lives in its own module; this one gathers
their routers so the app registers them in one line. Each form is checked where it is served
and a refusal is shown on the same form in plain words, with what was typed kept; nothing is
written unless all is valid. Face data is never shown, only whether consent is in force and a
template is held.
"""

from __future__ import annotations

from fastapi import APIRouter

from menwei.server.web.console import (
    people_list,
    person_delete,
    person_form,
    person_moves,
    person_page,
    unit_forms,
    units,
)

router = APIRouter(include_in_schema=False)
# The person form first: its ``/people/new`` must be matched before ``/people/{person_id}``.
router.include_router(people_list.router)
router.include_router(person_form.router)
router.include_router(person_page.router)
router.include_router(person_delete.router)
router.include_router(person_moves.router)
router.include_router(units.router)
router.include_router(unit_forms.router)
