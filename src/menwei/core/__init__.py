"""The access-control domain as plain dataclasses and pure functions (standard library only)."""
