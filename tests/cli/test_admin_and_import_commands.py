"""``menwei admin`` and ``menwei import residents`` against the test database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from menwei.cli import app
from menwei.core import Community, Processor, ProcessorKind
from menwei.server.auth.passwords import verify_password
from menwei.settings import get_settings
from menwei.store.scope import CommunityScope
from menwei.store.uow import UnitOfWork

runner = CliRunner()


@pytest.fixture
def cli_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("MENWEI_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield database_url
    get_settings.cache_clear()


@pytest.fixture
def community_id(cli_database: str, uow: UnitOfWork) -> uuid.UUID:
    processor = Processor(
        id=uuid.uuid4(), name="物业", kind=ProcessorKind.PROPERTY_COMPANY, contact="1"
    )
    community = Community(id=uuid.uuid4(), processor_id=processor.id, name="测试小区")
    with uow:
        uow.places.add_processor(processor)
        uow.places.add_community(community)
        uow.commit()
    return community.id


def test_admin_creates_a_user_whose_password_is_hashed(cli_database: str, uow) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(
        app,
        ["admin", "create-user", "root", "--role", "platform_admin", "--password-stdin"],
        input="a-long-admin-password\n",
    )
    assert result.exit_code == 0, result.output
    with uow:
        account = uow.accounts.by_login("root")
    assert account is not None
    assert account.role == "platform_admin"
    assert account.password_hash.startswith("$argon2")
    assert verify_password(account.password_hash, "a-long-admin-password")


def test_admin_refuses_a_weak_password_and_creates_nothing(cli_database: str, uow) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(
        app,
        ["admin", "create-user", "root", "--role", "platform_admin", "--password-stdin"],
        input="short\n",
    )
    assert result.exit_code == 1
    assert "密码太弱" in result.output
    with uow:
        assert uow.accounts.by_login("root") is None


def test_admin_refuses_an_unknown_role(cli_database: str) -> None:
    result = runner.invoke(
        app, ["admin", "create-user", "x", "--role", "king", "--password-stdin"], input="p\n"
    )
    assert result.exit_code == 2
    assert "unknown role" in result.output


def test_admin_resets_a_password(cli_database: str, uow) -> None:  # type: ignore[no-untyped-def]
    runner.invoke(
        app,
        ["admin", "create-user", "staff1", "--role", "platform_admin", "--password-stdin"],
        input="first-password-1\n",
    )
    result = runner.invoke(
        app, ["admin", "reset-password", "staff1", "--password-stdin"], input="second-password-2\n"
    )
    assert result.exit_code == 0, result.output
    with uow:
        account = uow.accounts.by_login("staff1")
    assert verify_password(account.password_hash, "second-password-2")
    assert not verify_password(account.password_hash, "first-password-1")
    missing = runner.invoke(
        app, ["admin", "reset-password", "nobody", "--password-stdin"], input="x\n"
    )
    assert missing.exit_code == 1


def test_import_residents_reads_a_sheet_into_the_community(  # type: ignore[no-untyped-def]
    community_id: uuid.UUID, uow, tmp_path
) -> None:
    sheet = tmp_path / "住户.csv"
    sheet.write_text(
        "楼栋,户号,面积,姓名,身份,出生日期\n"
        "1号楼,101,90.5,刘洋,业主,1980-01-02\n"
        "1号楼,101,90.5,刘小雨,家属,2015-06-07\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["import", "residents", str(sheet), "--community", str(community_id)]
    )
    assert result.exit_code == 0, result.output
    assert "2 people" in result.output
    with uow:
        units = uow.places.units(community_id, CommunityScope.all())
    assert [(u.number, u.floor_area_m2) for u in units] == [("101", Decimal("90.5"))]


def test_import_residents_rejects_a_bad_sheet_and_names_the_line(  # type: ignore[no-untyped-def]
    community_id: uuid.UUID, uow, tmp_path
) -> None:
    sheet = tmp_path / "住户.csv"
    sheet.write_text(
        "楼栋,户号,面积,姓名,身份\n1号楼,101,90.5,刘洋,业主\n1号楼,102,abc,,业主\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["import", "residents", str(sheet), "--community", str(community_id)]
    )
    assert result.exit_code == 1
    assert "第 3 行" in result.output
    with uow:
        assert uow.places.units(community_id, CommunityScope.all()) == []


def test_import_residents_refuses_a_sheet_with_a_dtd_with_a_message(  # type: ignore[no-untyped-def]
    community_id: uuid.UUID, uow, tmp_path
) -> None:
    from tests.server.test_hostile_input import _xlsx_with_dtd

    sheet = tmp_path / "住户.xlsx"
    sheet.write_bytes(_xlsx_with_dtd())
    result = runner.invoke(
        app, ["import", "residents", str(sheet), "--community", str(community_id)]
    )
    assert result.exit_code == 1
    assert "DTD" in result.output and "Traceback" not in result.output
    with uow:
        assert uow.places.units(community_id, CommunityScope.all()) == []
