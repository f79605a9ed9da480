"""Canonical JSON: the one byte form that hashes and signatures are computed over.

Keys sorted, no spaces, UTF-8, no NaN: the same record always gives the same bytes, on any
machine, so a hash or a signature made today can be checked years later.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

#: one encoder for every call (what ``json.dumps`` would build anew each time): the audit
#: chain's full verification encodes every entry, and the construction showed in its profile
_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


def canonical_json(value: Any) -> bytes:
    """``value`` as canonical JSON bytes."""
    return _ENCODER.encode(value).encode("utf-8")


def content_hash(value: Any) -> str:
    """SHA-256 of the canonical JSON of ``value``, as lowercase hex."""
    return hashlib.sha256(canonical_json(value)).hexdigest()
