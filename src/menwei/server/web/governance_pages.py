"""The governance pages in one registration: the office's votes, public notices and questions,
and the resident's own votes and questions."""

from __future__ import annotations

from fastapi import FastAPI


def include(app: FastAPI) -> None:
    from menwei.server.web import (
        console_notices,
        console_questions,
        console_votes,
        resident_governance,
    )

    app.include_router(console_votes.router)
    app.include_router(console_notices.router)
    app.include_router(console_questions.router)
    app.include_router(resident_governance.router)
