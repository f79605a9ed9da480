"""Paging for lists: ``limit``/``offset`` with a total, or a cursor for the event stream."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel

T = TypeVar("T")
S = TypeVar("S")

MAX_LIMIT = 500
#: Past a million rows a client pages by filter, not by offset; larger numbers overflow the
#: databases' 64-bit integers.
MAX_OFFSET = 1_000_000


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
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
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
