"""The audit log's signed head on the database: written after each commit that appended,
and checked (with an optional outside witness) when the log is verified."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import event
from sqlalchemy.orm import Session

from menwei.privacy.audit import AuditChain, VerifyReport
from menwei.privacy.audit_head import (
    AuditHead,
    Witness,
    check_head,
    check_witness,
    read_head,
    sign_head,
    write_head,
)
from menwei.privacy.errors import PrivacyError
from menwei.store.repositories.privacy import PrivacyStore


def sign_head_after_commit(
    session: Session, chain: AuditChain, key: Ed25519PrivateKey, head_file: Path
) -> None:
    """Once the entries ``chain`` appended are committed, sign the new head and write it.

    Only after the commit: a head for a rolled-back entry would make an intact log look cut.
    """

    def signed(_session: Session) -> None:
        last = chain.last_appended
        if last is not None:
            write_head(head_file, sign_head(key, last, datetime.now(UTC)))

    event.listen(session, "after_commit", signed)


class DamagedHead(PrivacyError):
    """The head file cannot be read: verification cannot vouch for the end of the log."""


def stored_head(head_file: Path | None) -> AuditHead | None:
    if head_file is None:
        return None
    try:
        return read_head(head_file)
    except (ValueError, KeyError, TypeError) as error:
        raise DamagedHead(
            f"审计日志头文件 {head_file} 已损坏，无法核对日志末尾。",
            f"The audit head file {head_file} is damaged; the end of the log cannot be checked.",
        ) from error


def check_ends(
    store: PrivacyStore,
    report: VerifyReport,
    head: AuditHead | None,
    public_key: Ed25519PublicKey,
    witness: Witness | None = None,
) -> VerifyReport:
    """Add to ``report`` what the signed head and the witness say about the log's end."""
    log = store.audit_log
    last_seq = log.last_seq()
    last = log.entry_at(last_seq) if last_seq else None
    if head is not None:
        at_head = log.entry_at(head.seq)
        report.problems.extend(check_head(head, at_head, last, public_key))
    if witness is not None:
        report.problems.extend(check_witness(witness, log.entry_at(witness.seq)))
    return report


class AuditHeadRepository:
    """The signed head of the audit log kept by one session's store (``uow.audit_head``)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def sign_after_commit(self, chain: AuditChain, key: Ed25519PrivateKey, head_file: Path) -> None:
        """Sign and write the head once this session's appended entries are committed."""
        sign_head_after_commit(self._session, chain, key, head_file)

    def check_ends(
        self,
        report: VerifyReport,
        head: AuditHead | None,
        public_key: Ed25519PublicKey,
        witness: Witness | None = None,
    ) -> VerifyReport:
        """Add to ``report`` what the signed head and the witness say about the log's end."""
        return check_ends(PrivacyStore(self._session), report, head, public_key, witness)
