"""Per-community QR pass keys: Ed25519 key pairs held by the server, one ring per community.

The private keys stay in the server's key folder (beside the key file, outside the database);
gates receive only the public keys of their own community. A pass names its key id, so after a
rotation passes signed with the older key stay valid until they expire, unless that key is
revoked, which ends every pass it signed at the gates' next sync.
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from menwei.privacy.errors import PrivacyError

MAX_KEY_ID = 255


class PassKeyError(PrivacyError):
    code = "pass_key_error"


@dataclass(frozen=True)
class PassKey:
    key_id: int
    private_key: Ed25519PrivateKey
    created_at: datetime
    revoked_at: datetime | None = None

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    @property
    def public_bytes(self) -> bytes:
        return self.public_key.public_bytes_raw()


def _when(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def pass_key_folder(key_file: Path) -> Path:
    return key_file.with_name("pass-keys")


class PassKeyRing:
    """The pass keys of every community, one owner-only JSON file per community."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, community_id: uuid.UUID) -> Path:
        return self.folder / f"{uuid.UUID(str(community_id))}.json"

    def keys(self, community_id: uuid.UUID) -> list[PassKey]:
        """Every key of the community, oldest first, revoked ones included."""
        try:
            raw = json.loads(self._path(community_id).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except ValueError as error:
            raise PassKeyError(
                message_id="pass_key_error.key_file_damaged",
                values={"path": self._path(community_id)},
            ) from error
        return [
            PassKey(
                int(item["key_id"]),
                Ed25519PrivateKey.from_private_bytes(base64.b64decode(item["private_key"])),
                datetime.fromisoformat(item["created_at"]),
                None
                if item.get("revoked_at") is None
                else datetime.fromisoformat(item["revoked_at"]),
            )
            for item in raw["keys"]
        ]

    def _write(self, community_id: uuid.UUID, keys: list[PassKey]) -> None:
        body = {
            "community_id": str(community_id),
            "keys": [
                {
                    "key_id": key.key_id,
                    "private_key": base64.b64encode(key.private_key.private_bytes_raw()).decode(),
                    "created_at": key.created_at.isoformat(),
                    "revoked_at": None if key.revoked_at is None else key.revoked_at.isoformat(),
                }
                for key in keys
            ],
        }
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".pass-keys.")
        Path(temporary).chmod(0o600)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(body, out)
        Path(temporary).replace(self._path(community_id))

    def live(self, community_id: uuid.UUID) -> list[PassKey]:
        """The keys gates accept passes of: every key not revoked."""
        return [key for key in self.keys(community_id) if key.revoked_at is None]

    def current(self, community_id: uuid.UUID) -> PassKey:
        """The key new passes are signed with; made on first use."""
        live = self.live(community_id)
        return live[-1] if live else self.rotate(community_id)

    def rotate(self, community_id: uuid.UUID) -> PassKey:
        """A new signing key; older ones still verify the passes they signed."""
        keys = self.keys(community_id)
        key_id = max((key.key_id for key in keys), default=0) + 1
        if key_id > MAX_KEY_ID:
            raise PassKeyError(message_id="pass_key_error.community_used_every_pass")
        key = PassKey(key_id, Ed25519PrivateKey.generate(), datetime.now(UTC))
        self._write(community_id, [*keys, key])
        return key

    def revoke(self, community_id: uuid.UUID, key_id: int) -> PassKey:
        """Revoke a key: every pass it signed stops opening doors at the next sync."""
        keys = self.keys(community_id)
        found = [key for key in keys if key.key_id == key_id]
        if not found:
            raise PassKeyError(
                message_id="pass_key_error.community_no_pass_key", values={"key_id": key_id}
            )
        revoked = PassKey(key_id, found[0].private_key, found[0].created_at, datetime.now(UTC))
        self._write(community_id, [revoked if key.key_id == key_id else key for key in keys])
        return revoked
