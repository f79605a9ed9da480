"""Paging for lists: ``limit``/``offset`` with a total, or a cursor for the event stream."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel

T = TypeVar("T")
S = TypeVar("S")

MAX_LIMIT = 500
#: Far past any real list, and well inside a 64-bit integer on every database.
MAX_OFFSET = 10_000_000

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class CursorPage(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None
    total: int | None = None


class Paging(BaseModel):
    limit: int
    offset: int


async def paging(
    limit: Limit = 50,
    offset: Offset = 0,
) -> Paging:
    return Paging(limit=limit, offset=offset)


def page_of(items: Sequence[S], paged: Paging, convert: Callable[[S], T]) -> Page[T]:
    """One page of a list the repository returned whole (places, doors: tens, not thousands)."""
    window = items[paged.offset : paged.offset + paged.limit]
    return Page[T](
        items=[convert(item) for item in window],
        total=len(items),
        limit=paged.limit,
        offset=paged.offset,
    )
