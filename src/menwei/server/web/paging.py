"""Page numbers and the links between pages of a long list (residents, units, credentials).

A page number comes from a link the reader may have edited, so anything that is not a sensible
number reads as the first page instead of an error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

MAX_PAGE = 100_000


def page_number(text: str) -> int:
    """The page asked for in ``?page=``; page 1 for anything else."""
    return int(text) if text.isdigit() and 0 < int(text) <= MAX_PAGE else 1


def page_count(total: int, size: int) -> int:
    """How many pages ``total`` items fill, ``size`` to a page (at least one, even if empty)."""
    return max(1, -(-total // size))


@dataclass(frozen=True, slots=True)
class Pager:
    """What ``_pager.html`` shows: where the reader is, and the links either side."""

    page: int
    pages: int | None  # None when the list does not count itself
    previous: str | None
    following: str | None


def pager(
    page: int, link: Callable[[int], str], *, pages: int | None = None, more: bool = False
) -> Pager:
    """The links around ``page``: a next page when ``more`` is known or ``pages`` says so."""
    has_next = more if pages is None else page < pages
    return Pager(
        page=page,
        pages=pages,
        previous=link(page - 1) if page > 1 else None,
        following=link(page + 1) if has_next else None,
    )
