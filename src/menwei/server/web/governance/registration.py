"""The governance pages in one registration: the office's votes, public notices and questions,
and the resident's own votes and questions."""

from __future__ import annotations

from fastapi import FastAPI


def include(app: FastAPI) -> None:
    from menwei.server.web.governance import public_notices, questions, resident_pages, votes

    app.include_router(votes.router)
    app.include_router(public_notices.router)
    app.include_router(questions.router)
    app.include_router(resident_pages.router)
