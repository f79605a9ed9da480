"""The office console's residents, units and households: list, look up, add, edit, move in/out.

Pages under ``/office/c/{community_id}``. Each concern lives in its own module; this one gathers
their routers so the app registers them in one line. Each form is checked where it is served
and a refusal is shown on the same form in plain words, with what was typed kept; nothing is
written unless all is valid. Face data is never shown, only whether consent is in force and a
template is held.
"""

from __future__ import annotations

from fastapi import APIRouter

from menwei.server.web import (
    console_people_list,
    console_person_delete,
    console_person_form,
    console_person_moves,
    console_person_page,
    console_unit_forms,
    console_units,
)

router = APIRouter(include_in_schema=False)
# The person form first: its ``/people/new`` must be matched before ``/people/{person_id}``.
router.include_router(console_people_list.router)
router.include_router(console_person_form.router)
router.include_router(console_person_page.router)
router.include_router(console_person_delete.router)
router.include_router(console_person_moves.router)
router.include_router(console_units.router)
router.include_router(console_unit_forms.router)
