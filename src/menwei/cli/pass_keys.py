"""``menwei keys rotate-pass-key / revoke-pass-key / pass-keys``: a community's QR pass keys."""

from __future__ import annotations

import hashlib
import uuid
from typing import Annotated

import typer

from menwei.cli.keys import fail, privacy_context

Community = Annotated[str, typer.Option("--community", help="The community's id.")]


def _community(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        typer.echo("小区编号格式不正确 / The community id is not a valid id.", err=True)
        raise typer.Exit(2) from None


def fingerprint(public: bytes) -> str:
    """A short SHA-256 fingerprint of a public key, to compare by eye."""
    digest = hashlib.sha256(public).hexdigest()[:32]
    return ":".join(digest[i : i + 4] for i in range(0, len(digest), 4))


def register(keys_app: typer.Typer) -> None:
    @keys_app.command("rotate-pass-key")
    def rotate_pass_key(community: Community) -> None:
        """Sign new QR passes with a new key; passes of the old key stay valid till they end."""
        from menwei.privacy.errors import PrivacyError
        from menwei.privacy.pass_keys import PassKeyRing, pass_key_folder
        from menwei.store.errors import StoreError
        from menwei.store.repositories.pass_key_changes import rotate_pass_key as rotate

        community_id = _community(community)
        with privacy_context() as (settings, uow, _kit):
            ring = PassKeyRing(pass_key_folder(settings.resolved_key_file))
            try:
                key = rotate(uow, ring, community_id)
            except (PrivacyError, StoreError) as error:
                fail(error)
        typer.echo(
            f"通行证密钥已轮换 / Pass key rotated: key {key.key_id}, "
            f"fingerprint {fingerprint(key.public_bytes)}."
        )

    @keys_app.command("revoke-pass-key")
    def revoke_pass_key(
        community: Community,
        key_id: Annotated[int, typer.Option("--key-id", help="The key to revoke.")],
    ) -> None:
        """Revoke a pass key: every pass it signed stops opening doors at the gates' next sync."""
        from menwei.privacy.errors import PrivacyError
        from menwei.privacy.pass_keys import PassKeyRing, pass_key_folder
        from menwei.store.errors import StoreError
        from menwei.store.repositories.pass_key_changes import revoke_pass_key as revoke

        community_id = _community(community)
        with privacy_context() as (settings, uow, _kit):
            ring = PassKeyRing(pass_key_folder(settings.resolved_key_file))
            try:
                key = revoke(uow, ring, community_id, key_id)
            except (PrivacyError, StoreError) as error:
                fail(error)
        typer.echo(f"通行证密钥已吊销 / Pass key {key.key_id} revoked.")

    @keys_app.command("pass-keys")
    def pass_keys(community: Community) -> None:
        """List a community's pass keys with their fingerprints."""
        from menwei.privacy.errors import PrivacyError
        from menwei.privacy.pass_keys import PassKeyRing, pass_key_folder
        from menwei.settings import get_settings

        community_id = _community(community)
        ring = PassKeyRing(pass_key_folder(get_settings().resolved_key_file))
        try:
            keys = ring.keys(community_id)
        except PrivacyError as error:
            fail(error)
        if not keys:
            typer.echo("此小区还没有通行证密钥 / This community has no pass key yet.")
        for key in keys:
            state = "revoked" if key.revoked_at else "live"
            typer.echo(f"{key.key_id}\t{state}\t{fingerprint(key.public_bytes)}")
