"""The signed head of the audit log, kept outside the database.

The chain alone cannot show that its newest entries were cut off, or that the whole log was
rewritten with fresh hashes: whoever holds the database can do both. So after every commit
that appended entries, the newest entry's sequence number and hash are signed with the
processor's key (which lives in the key file, not in the database) and written to a head file
beside the key file. ``verify`` then demands that the log still reaches the signed head with the
same hash, and, when a witness (a sequence number and hash copied from the community's public
page or the supervisor's view) is given, that the log still holds that entry unchanged.
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from menwei.privacy.audit import AuditEntry, ChainProblem, _iso
from menwei.privacy.canonical import canonical_json

HEAD_KIND = "menwei-audit-head/1"
#: How many hex digits of the hash a witness shows; enough that guessing is hopeless.
SHORT_HASH = 16


@dataclass(frozen=True)
class AuditHead:
    """ "The log ends at entry ``seq``, whose hash is ``entry_hash``", signed at ``at``."""

    seq: int
    entry_hash: str
    at: datetime
    signature: str

    @property
    def short_hash(self) -> str:
        return self.entry_hash[:SHORT_HASH]


@dataclass(frozen=True)
class Witness:
    """A head seen outside the database: a sequence number and (a prefix of) its hash."""

    seq: int
    hash_prefix: str

    @classmethod
    def parse(cls, text: str) -> Witness:
        """``SEQ:HASH`` as printed on the public page, e.g. ``1042:9f3a5c0b7e21d4aa``."""
        seq_text, _, hash_text = text.strip().partition(":")
        hash_text = hash_text.strip().lower()
        if not seq_text.strip().isdigit() or len(hash_text) < 8:
            raise ValueError("a witness is SEQ:HASH, e.g. 1042:9f3a5c0b7e21d4aa")
        if any(ch not in "0123456789abcdef" for ch in hash_text):
            raise ValueError("the hash of a witness is hexadecimal")
        return cls(int(seq_text), hash_text)


def head_message(seq: int, entry_hash: str, at: datetime) -> bytes:
    return canonical_json({"kind": HEAD_KIND, "seq": seq, "hash": entry_hash, "at": _iso(at)})


def sign_head(key: Ed25519PrivateKey, entry: AuditEntry, at: datetime) -> AuditHead:
    signature = key.sign(head_message(entry.seq, entry.entry_hash, at))
    return AuditHead(entry.seq, entry.entry_hash, at, base64.b64encode(signature).decode())


def head_file_for(key_file: Path) -> Path:
    """The head file sits beside the key file, outside the database."""
    return key_file.with_name("audit-head.json")


def read_head(path: Path) -> AuditHead | None:
    """The stored head, or ``None`` when none was ever written. A damaged file is an error."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return AuditHead(
        int(raw["seq"]),
        str(raw["hash"]),
        datetime.fromisoformat(raw["at"]),
        str(raw["signature"]),
    )


def write_head(path: Path, head: AuditHead) -> bool:
    """Replace the stored head atomically, never with an older one; ``True`` if written."""
    try:
        current = read_head(path)
    except (ValueError, KeyError):
        current = None
    if current is not None and current.seq > head.seq:
        return False
    body = {
        "seq": head.seq,
        "hash": head.entry_hash,
        "at": _iso(head.at),
        "signature": head.signature,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".audit-head.")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(body, out)
    Path(temporary).replace(path)
    return True


def check_head(
    head: AuditHead | None,
    entry_at_head: AuditEntry | None,
    last: AuditEntry | None,
    public_key: Ed25519PublicKey,
) -> list[ChainProblem]:
    """Does the log still reach the signed head, with the hash that was signed?"""
    if head is None:
        return []
    try:
        public_key.verify(
            base64.b64decode(head.signature), head_message(head.seq, head.entry_hash, head.at)
        )
    except (InvalidSignature, ValueError):
        return [ChainProblem(head.seq, "head", "the audit head file is not signed by this key")]
    if last is None or last.seq < head.seq:
        reached = 0 if last is None else last.seq
        missing = (
            f"entry {head.seq} is"
            if reached + 1 == head.seq
            else f"entries {reached + 1}-{head.seq} are"
        )
        return [
            ChainProblem(
                reached + 1,
                "truncated",
                f"the signed head names entry {head.seq}; {missing} missing from the end",
            )
        ]
    if entry_at_head is None or entry_at_head.entry_hash != head.entry_hash:
        return [
            ChainProblem(
                head.seq,
                "rewritten",
                f"entry {head.seq} differs from the signed head: the log was rewritten",
            )
        ]
    return []


def check_witness(witness: Witness, entry: AuditEntry | None) -> list[ChainProblem]:
    """Does the log still hold the entry that was witnessed outside the database, unchanged?"""
    if entry is None:
        return [
            ChainProblem(
                witness.seq,
                "truncated",
                f"the witnessed entry {witness.seq} is no longer in the log",
            )
        ]
    if not entry.entry_hash.startswith(witness.hash_prefix):
        return [
            ChainProblem(
                witness.seq,
                "rewritten",
                f"entry {witness.seq} differs from the witnessed head: the log was rewritten",
            )
        ]
    return []
