"""Only the person speaks for themselves: one resident account per person, and no one but the
person sets its password once it is in use.

Staff may prepare an account and hand out the first invitation code; after the person has signed
in, nobody else can put a password on it. A lost phone goes through the recovery flow, which is
recorded and ends every session and token.
"""

from __future__ import annotations

import uuid

from menwei.server.domain.errors import Conflict, Forbidden
from menwei.server.policy import AccountRole, Principal
from menwei.store.ports import UnitOfWorkPort
from menwei.store.records import UserAccount

#: Token names that are one-time codes, not proof that the person has taken the account over.
ONE_TIME_CODES = frozenset({"invitation", "recovery"})


def person_has_account() -> Conflict:
    return Conflict(
        code="person_has_account",
    )


def account_of_person(uow: UnitOfWorkPort, person_id: uuid.UUID) -> UserAccount | None:
    return uow.accounts.by_person(person_id)


def in_use(uow: UnitOfWorkPort, account: UserAccount) -> bool:
    """Whether the person has taken the account over: signed in, or holds a token of their own."""
    if account.last_login_at is not None:
        return True
    return any(token.name not in ONE_TIME_CODES for token in uow.accounts.tokens_of(account.id))


def refuse_second_account(uow: UnitOfWorkPort, person_id: uuid.UUID | None) -> None:
    if person_id is not None and account_of_person(uow, person_id) is not None:
        raise person_has_account()


def refuse_setting_resident_password(actor: Principal | None, account: UserAccount) -> None:
    """Administrators never set a resident's password: only the person does, by recovery."""
    if actor is not None and account.role == AccountRole.RESIDENT.value:
        raise Forbidden(
            code="resident_password_is_personal",
        )
