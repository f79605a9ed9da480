"""What a database driver raises when the database itself fails, for the commands to catch.

The commands report a database that is down or not migrated in both languages; they catch
``DatabaseFailure`` from here instead of naming the database library themselves.
"""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError as DatabaseFailure

__all__ = ["DatabaseFailure"]
