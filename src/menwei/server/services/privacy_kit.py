"""The privacy kit: everything the privacy services need that lives outside the database.

The processor's keys, the key store holding each person's data key, the vault that seals and
opens templates with them, the per-community QR pass keys, and where the audit log's signed head
is written. ``open_kit`` loads (or on first run creates) them beside the key file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from menwei.privacy.audit import AuditChain
from menwei.privacy.audit_head import head_file_for
from menwei.privacy.keys import KekRing, ProcessorKeys, load_processor_keys
from menwei.privacy.keystore import FileKeyStore, KeyStore, key_store_path
from menwei.privacy.pass_keys import PassKeyRing, pass_key_folder
from menwei.privacy.vault import Vault
from menwei.store.repositories.privacy import PrivacyStore

#: The actor named in audit entries that no person caused (retention runs, key rotation).
SYSTEM_ACTOR = "system:maintenance"


@dataclass
class PrivacyKit:
    """What the privacy operations need from outside the database."""

    keys: ProcessorKeys
    key_store: KeyStore
    vault: Vault
    processor_name: str = "menwei"
    checkpoint_every: int = 1000
    #: where the signed head of the audit log is written after each commit that appended;
    #: outside the database, so a database admin cannot roll the log back unseen
    head_file: Path | None = None
    #: the per-community QR pass keys, in the key folder
    pass_keys: PassKeyRing | None = None

    def chain(self, store: PrivacyStore) -> AuditChain:
        """The audit chain on ``store``'s transaction; its head is signed once that commits."""
        chain = AuditChain(
            store.audit_log,
            signing_key=self.keys.signing_key,
            pepper=self.keys.subject_pepper,
            checkpoint_every=self.checkpoint_every,
        )
        if self.head_file is not None:
            store.sign_head_after_commit(chain, self.keys.signing_key, self.head_file)
        return chain


def open_kit(
    key_file: Path,
    *,
    processor_name: str = "menwei",
    environ: Mapping[str, str] | None = None,
    create: bool = True,
) -> PrivacyKit:
    """Load (or on first run create) the key file and open the key store beside it."""
    keys = load_processor_keys(key_file, environ, create=create)
    store = FileKeyStore(key_store_path(key_file))

    def reload_keks() -> KekRing:
        return load_processor_keys(key_file, environ, create=False).kek_ring

    vault = Vault(keys.kek_ring, store, reload_keks=reload_keks)
    return PrivacyKit(
        keys,
        store,
        vault,
        processor_name,
        head_file=head_file_for(key_file),
        pass_keys=PassKeyRing(pass_key_folder(key_file)),
    )
