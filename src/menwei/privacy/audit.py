"""The audit chain: an append-only, hash-linked log of every operation on face data.

Each entry records who did what to whose face data and when — never the data itself, never a
match score — and carries the SHA-256 of the entry before it. Every ``checkpoint_every`` entries
the processor signs the newest hash with its Ed25519 key. ``verify`` then finds:

- an **edited** entry (its recomputed hash differs from the stored one);
- a **deleted** entry (a gap in the sequence, or a link to a hash that is nowhere in the log);
- **reordered** entries (a link to a hash that exists, but elsewhere in the log);
- a **truncated** tail or a rewritten history (a signed checkpoint that no longer matches).

Subjects are stored as a keyed hash of the person id (HMAC-SHA-256 with the processor's pepper),
so the log names nobody to its readers, yet the person can list every entry about themselves.
Gate matches are logged once per person per day as a count, without scores.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections import Counter
from collections.abc import Callable, Collection, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from menwei.privacy.canonical import canonical_json

GENESIS_HASH = "0" * 64
DEFAULT_CHECKPOINT_EVERY = 1000


class AuditAction(StrEnum):
    """Operations on face data that the log records."""

    CONSENT = "consent"
    ENROL = "enrol"
    UPDATE = "update"
    SYNC_TO_DEVICE = "sync_to_device"
    GATE_MATCHES = "gate_matches"
    EXPORT = "export"
    STAFF_VIEW = "staff_view"
    WITHDRAWAL = "withdrawal"
    ERASURE = "erasure"
    KEY_ROTATION = "key_rotation"
    RETENTION_RUN = "retention_run"
    RIGHTS_REQUEST = "rights_request"
    ACCOUNT_RECOVERY = "account_recovery"


def subject_hash(pepper: bytes, person_id: object) -> str:
    """The person's pseudonym in the log: HMAC-SHA-256 of their id under the pepper."""
    return hmac.new(pepper, f"person:{person_id}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class AuditEntry:
    """One line of the log. ``entry_hash`` covers every other field except ``seq``."""

    seq: int
    at: datetime
    actor: str
    action: str
    subject: str | None
    community_id: str | None
    detail: dict[str, Any]
    prev_hash: str
    entry_hash: str


@dataclass(frozen=True)
class Checkpoint:
    """A signed statement: "entry ``seq`` of the log has hash ``entry_hash``"."""

    seq: int
    entry_hash: str
    at: datetime
    signature: str


def _iso(at: datetime) -> str:
    utc = at if at.tzinfo is UTC else at.astimezone(UTC)  # the store reads times back in UTC
    return utc.isoformat(timespec="microseconds")


def entry_digest(
    *,
    at: datetime,
    actor: str,
    action: str,
    subject: str | None,
    community_id: str | None,
    detail: dict[str, Any],
    prev_hash: str,
) -> str:
    """SHA-256 over the canonical JSON of the entry's fields and the previous hash."""
    body = {
        "at": _iso(at),
        "actor": actor,
        "action": action,
        "subject": subject,
        "community_id": community_id,
        "detail": detail,
        "prev": prev_hash,
    }
    return hashlib.sha256(canonical_json(body)).hexdigest()


def checkpoint_message(seq: int, entry_hash: str, at: datetime) -> bytes:
    return canonical_json(
        {"kind": "menwei-audit-checkpoint/1", "seq": seq, "hash": entry_hash, "at": _iso(at)}
    )


class AuditLog(Protocol):
    """Where entries and checkpoints are kept (the store implements it on the database)."""

    def last_entry(self) -> AuditEntry | None: ...
    def add_entry(self, entry: AuditEntry) -> None: ...
    def add_checkpoint(self, checkpoint: Checkpoint) -> None: ...
    def entries(self) -> Iterable[AuditEntry]: ...
    def entries_after(self, seq: int) -> Iterable[AuditEntry]: ...
    def entry_at(self, seq: int) -> AuditEntry | None: ...
    def seqs_of_hashes(self, hashes: Collection[str]) -> Mapping[str, int]: ...
    def checkpoints(self) -> Sequence[Checkpoint]: ...
    def entries_about(self, subject: str) -> Sequence[AuditEntry]: ...


class MemoryAuditLog:
    """The fake log for unit tests."""

    def __init__(self) -> None:
        self.rows: list[AuditEntry] = []
        self.signed: list[Checkpoint] = []

    def last_entry(self) -> AuditEntry | None:
        return self.rows[-1] if self.rows else None

    def add_entry(self, entry: AuditEntry) -> None:
        self.rows.append(entry)

    def add_checkpoint(self, checkpoint: Checkpoint) -> None:
        self.signed.append(checkpoint)

    def entries(self) -> Iterable[AuditEntry]:
        return sorted(self.rows, key=lambda e: e.seq)

    def entries_after(self, seq: int) -> Iterable[AuditEntry]:
        return [e for e in self.entries() if e.seq > seq]

    def entry_at(self, seq: int) -> AuditEntry | None:
        return next((e for e in self.rows if e.seq == seq), None)

    def seqs_of_hashes(self, hashes: Collection[str]) -> Mapping[str, int]:
        return {e.entry_hash: e.seq for e in self.entries() if e.entry_hash in hashes}

    def checkpoints(self) -> Sequence[Checkpoint]:
        return list(self.signed)

    def entries_about(self, subject: str) -> Sequence[AuditEntry]:
        return [e for e in self.entries() if e.subject == subject]


class AuditChain:
    """Appends linked entries and signs checkpoints. Callers pass the time in."""

    def __init__(
        self,
        log: AuditLog,
        *,
        signing_key: Ed25519PrivateKey,
        pepper: bytes,
        checkpoint_every: int = DEFAULT_CHECKPOINT_EVERY,
    ) -> None:
        self.log = log
        self._signing_key = signing_key
        self._pepper = pepper
        self.checkpoint_every = checkpoint_every
        # The entry this chain appended last: saves a query per append within one transaction.
        # A chain object lives for one transaction; a concurrent writer taking the same
        # sequence number makes the later commit fail on the primary key, never fork the chain.
        self._last: AuditEntry | None = None

    @property
    def last_appended(self) -> AuditEntry | None:
        """The newest entry this chain appended, if any."""
        return self._last

    def subject_of(self, person_id: object) -> str:
        return subject_hash(self._pepper, person_id)

    def append(
        self,
        *,
        at: datetime,
        actor: str,
        action: AuditAction | str,
        person_id: object | None = None,
        community_id: object | None = None,
        detail: dict[str, Any] | None = None,
    ) -> AuditEntry:
        """Add one entry after the current last one; sign a checkpoint when one is due."""
        last = self._last if self._last is not None else self.log.last_entry()
        prev = last.entry_hash if last else GENESIS_HASH
        seq = last.seq + 1 if last else 1
        subject = None if person_id is None else self.subject_of(person_id)
        community = None if community_id is None else str(community_id)
        detail = dict(detail or {})
        digest = entry_digest(
            at=at,
            actor=actor,
            action=str(action),
            subject=subject,
            community_id=community,
            detail=detail,
            prev_hash=prev,
        )
        entry = AuditEntry(seq, at, actor, str(action), subject, community, detail, prev, digest)
        self.log.add_entry(entry)
        self._last = entry
        if seq % self.checkpoint_every == 0:
            self.checkpoint(at)
        return entry

    def checkpoint(self, at: datetime) -> Checkpoint | None:
        """Sign the newest entry's hash now (also run at the end of each maintenance run)."""
        last = self.log.last_entry()
        if last is None:
            return None
        signature = self._signing_key.sign(checkpoint_message(last.seq, last.entry_hash, at))
        point = Checkpoint(last.seq, last.entry_hash, at, base64.b64encode(signature).decode())
        self.log.add_checkpoint(point)
        return point

    def record_gate_matches(
        self, matches: Iterable[tuple[object, object, datetime]], *, actor: str
    ) -> list[AuditEntry]:
        """One entry per person per day from ``(community, person, time)`` passages; no scores."""
        counts = aggregate_matches(matches)
        entries = []
        for (community, person, day), count in sorted(counts.items(), key=lambda kv: str(kv[0])):
            at = datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=UTC)
            entries.append(
                self.append(
                    at=at,
                    actor=actor,
                    action=AuditAction.GATE_MATCHES,
                    person_id=person,
                    community_id=community,
                    detail={"day": day.isoformat(), "count": count},
                )
            )
        return entries

    def entries_about(self, person_id: object) -> Sequence[AuditEntry]:
        """Every entry about this person, for their own eyes."""
        return self.log.entries_about(self.subject_of(person_id))


def aggregate_matches(
    matches: Iterable[tuple[object, object, datetime]],
) -> Counter[tuple[str, str, date]]:
    """Count face passages per community, person and UTC day."""
    counts: Counter[tuple[str, str, date]] = Counter()
    for community, person, at in matches:
        counts[(str(community), str(person), at.astimezone(UTC).date())] += 1
    return counts


@dataclass(frozen=True)
class ChainProblem:
    """Where verification failed and how. ``seq`` is the entry (or checkpoint) concerned."""

    seq: int
    kind: str  # edited | deleted | reordered | checkpoint
    explanation: str


@dataclass(frozen=True)
class ChainPosition:
    """How far a verification reached: the last entry it checked and the checkpoints it saw.

    ``checkpoints_digest`` fingerprints the signed checkpoints verified so far, so a later,
    incremental verification can tell that none of them changed since.
    """

    seq: int
    entry_hash: str
    checkpoints: int
    checkpoints_digest: str


GENESIS_POSITION = ChainPosition(0, GENESIS_HASH, 0, hashlib.sha256(b"").hexdigest())


@dataclass
class VerifyReport:
    entries: int = 0
    checkpoints: int = 0
    problems: list[ChainProblem] = field(default_factory=list)
    #: where the verification stopped; meaningful only when ``ok``
    position: ChainPosition = GENESIS_POSITION

    @property
    def ok(self) -> bool:
        return not self.problems


def checkpoints_digest(checkpoints: Sequence[Checkpoint]) -> str:
    """A fingerprint of the signed checkpoints, in the order they were written."""
    digest = hashlib.sha256()
    for point in checkpoints:
        digest.update(
            canonical_json([point.seq, point.entry_hash, _iso(point.at), point.signature])
        )
    return digest.hexdigest()


#: Where a link's hash is found in the whole log: ``{hash: seq}`` for the hashes asked about
#: that some entry has (the store answers it with one indexed query).
HashLocator = Callable[[Collection[str]], Mapping[str, int]]


def verify_chain(
    entries: Iterable[AuditEntry],
    checkpoints: Sequence[Checkpoint],
    public_key: Ed25519PublicKey,
    *,
    locate: HashLocator | None = None,
) -> VerifyReport:
    """Check every link and every signed checkpoint; report each problem with its place.

    With ``locate`` the entries are read once, in the order given (which must be by ``seq``),
    and never held together: memory stays flat however long the chain. A link to the wrong
    hash is then looked up with ``locate`` to tell a reordered entry from a deleted one.
    Without it, the entries are sorted in memory and looked up there.
    """
    if locate is None:
        rows = sorted(entries, key=lambda e: e.seq)
        entries, locate = rows, _locator(rows)
    report = VerifyReport(checkpoints=len(checkpoints))
    walk = _check_links(entries, GENESIS_POSITION, report, locate, {p.seq for p in checkpoints})
    _check_checkpoints(checkpoints, walk.kept, public_key, report)
    report.position = _reached(walk.last, GENESIS_POSITION, checkpoints)
    return report


def verify_chain_after(
    position: ChainPosition,
    anchor: AuditEntry | None,
    entries: Iterable[AuditEntry],
    checkpoints: Sequence[Checkpoint],
    public_key: Ed25519PublicKey,
) -> VerifyReport | None:
    """Check only what was written after ``position``, an earlier verification's end.

    ``anchor`` is the stored entry at ``position.seq`` and ``entries`` those after it; the
    first of them must link to the anchor's hash. The checkpoints verified then must be
    unchanged, and each new one must name an entry from the anchor on. Returns ``None`` when
    the checkpoints changed in any other way: only a full verification can judge that.
    Tampering with entries before the anchor is not seen here; that is what the periodic full
    verification is for.
    """
    old, new = checkpoints[: position.checkpoints], checkpoints[position.checkpoints :]
    if len(old) < position.checkpoints or checkpoints_digest(old) != position.checkpoints_digest:
        return None
    if any(point.seq < position.seq for point in new):
        return None
    rows = sorted(entries, key=lambda e: e.seq)
    report = VerifyReport(checkpoints=len(new))
    if position.seq and (
        anchor is None
        or anchor.entry_hash != position.entry_hash
        or _digest_of(anchor) != anchor.entry_hash
    ):
        report.entries = len(rows)
        report.problems.append(
            ChainProblem(
                position.seq,
                "edited" if anchor is not None else "deleted",
                f"entry {position.seq} differs from when it was last verified",
            )
        )
        return report
    walk = _check_links(rows, position, report, _locator(rows), {p.seq for p in new})
    known = walk.kept
    if anchor is not None:
        known[anchor.seq] = anchor
    _check_checkpoints(new, known, public_key, report)
    report.position = _reached(walk.last, position, checkpoints)
    return report


def _locator(rows: Sequence[AuditEntry]) -> HashLocator:
    """``locate`` over entries already in memory."""
    stored = {e.entry_hash: e.seq for e in rows}

    def locate(hashes: Collection[str]) -> Mapping[str, int]:
        return {h: stored[h] for h in hashes if h in stored}

    return locate


def _reached(
    last: AuditEntry | None, start: ChainPosition, checkpoints: Sequence[Checkpoint]
) -> ChainPosition:
    return ChainPosition(
        last.seq if last else start.seq,
        last.entry_hash if last else start.entry_hash,
        len(checkpoints),
        checkpoints_digest(checkpoints),
    )


def _digest_of(entry: AuditEntry) -> str:
    return entry_digest(
        at=entry.at,
        actor=entry.actor,
        action=entry.action,
        subject=entry.subject,
        community_id=entry.community_id,
        detail=entry.detail,
        prev_hash=entry.prev_hash,
    )


@dataclass(frozen=True, slots=True)
class _Unlinked:
    """An entry whose link names another hash than the entry before it: reordered or deleted,
    which only the place of that hash in the whole log can tell."""

    seq: int
    prev_hash: str
    prev_seq: int
    follows: bool  # no gap in the sequence before it

    def problem(self, found: Mapping[str, int]) -> ChainProblem | None:
        elsewhere = found.get(self.prev_hash)
        if elsewhere is not None and elsewhere != self.prev_seq:
            return ChainProblem(
                self.seq,
                "reordered",
                f"entry {self.seq} belongs after entry {elsewhere}, not after "
                f"entry {self.prev_seq}",
            )
        if self.follows:
            return ChainProblem(
                self.seq, "deleted", f"the entry that came before entry {self.seq} is missing"
            )
        return None


@dataclass
class _Walk:
    """What one pass over the entries leaves for the checks after it."""

    last: AuditEntry | None = None
    #: the entries whose ``seq`` was asked to be kept (those the checkpoints name)
    kept: dict[int, AuditEntry] = field(default_factory=dict)


def _check_links(
    rows: Iterable[AuditEntry],
    start: ChainPosition,
    report: VerifyReport,
    locate: HashLocator,
    keep: Container[int],
) -> _Walk:
    """Each entry's recomputed hash, sequence number and link to the one before ``rows[0]``.

    One pass in order; only the entries named in ``keep`` and the wrong links are held.
    """
    walk = _Walk()
    found: list[ChainProblem | _Unlinked] = []
    prev_hash, prev_seq = start.entry_hash, start.seq
    count = 0
    for entry in rows:
        count += 1
        if entry.seq in keep:
            walk.kept[entry.seq] = entry
        if entry.seq != prev_seq + 1:
            first, last = prev_seq + 1, entry.seq - 1
            span = f"entry {first} is" if first == last else f"entries {first}-{last} are"
            found.append(ChainProblem(first, "deleted", f"{span} missing before entry {entry.seq}"))
        if _digest_of(entry) != entry.entry_hash:
            found.append(
                ChainProblem(entry.seq, "edited", f"entry {entry.seq} was changed after writing")
            )
        elif entry.prev_hash != prev_hash:
            found.append(_Unlinked(entry.seq, entry.prev_hash, prev_seq, entry.seq == prev_seq + 1))
        prev_hash, prev_seq = entry.entry_hash, entry.seq
        walk.last = entry
    report.entries = count
    unlinked = [f for f in found if isinstance(f, _Unlinked)]
    places = locate({u.prev_hash for u in unlinked}) if unlinked else {}
    for item in found:
        problem = item.problem(places) if isinstance(item, _Unlinked) else item
        if problem is not None:
            report.problems.append(problem)
    return walk


def _check_checkpoints(
    checkpoints: Sequence[Checkpoint],
    by_seq: dict[int, AuditEntry],
    public_key: Ed25519PublicKey,
    report: VerifyReport,
) -> None:
    """Each checkpoint's signature, and that the entry it names still has the signed hash."""
    for point in checkpoints:
        message = checkpoint_message(point.seq, point.entry_hash, point.at)
        try:
            public_key.verify(base64.b64decode(point.signature), message)
        except (InvalidSignature, ValueError):
            report.problems.append(
                ChainProblem(point.seq, "checkpoint", f"checkpoint at {point.seq} is not signed")
            )
            continue
        held = by_seq.get(point.seq)
        if held is None:
            report.problems.append(
                ChainProblem(
                    point.seq,
                    "deleted",
                    f"signed checkpoint names entry {point.seq}, which is no longer in the log",
                )
            )
        elif held.entry_hash != point.entry_hash:
            report.problems.append(
                ChainProblem(
                    point.seq,
                    "checkpoint",
                    f"entry {point.seq} differs from the signed checkpoint: history rewritten",
                )
            )
