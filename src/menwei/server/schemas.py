"""The bases of the API's models: the text rules and the null rule for what comes in, in one
place, and reading a service's answer by attribute for what goes out.

Every body and query model of the API subclasses ``ApiModel`` (a test holds each route to it),
so every text a client sends is checked the same way before any rule or database sees it:

- no control characters (NUL and the other C0 codes but tab and line breaks, DEL) and no lone
  surrogates: nobody types them, PostgreSQL refuses NUL and surrogates with a bare error where
  SQLite would store them, and both must answer the same 422 naming the field;
- lengths and numbers are bounded by each field's own ``Field(max_length=…, le=…)``, which the
  same test checks in the OpenAPI document.

``PatchModel`` adds the rule of partial updates: leaving a field out keeps it, and ``null`` is
refused except for the fields a class names as clearable, instead of reaching the domain as a
missing name or door list.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from menwei.store.errors import ControlCharacters
from menwei.store.repositories.checks import CONTROL_OR_SURROGATE


def _plain(value: Any) -> None:
    if isinstance(value, str):
        if CONTROL_OR_SURROGATE.search(value):
            raise PydanticCustomError(
                ControlCharacters.code, "holds a control character or an unpaired surrogate"
            )
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            _plain(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _plain(key)
            _plain(item)


class ApiModel(BaseModel):
    """A request body or query: every text in it is plain text."""

    @field_validator("*", mode="after")
    @classmethod
    def _plain_text(cls, value: Any) -> Any:
        _plain(value)
        return value


class PatchModel(ApiModel):
    """A partial update: absent keeps, ``null`` clears only the fields in ``clearable``."""

    clearable: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _no_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.clearable:
            raise ValueError("may not be null; leave the field out to keep its value")
        return value


class ResponseModel(BaseModel):
    """An answer read from a service's dataclass by attribute, field for field."""

    model_config = ConfigDict(from_attributes=True)
