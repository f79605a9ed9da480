"""``menwei receipt verify FILE``: check a deletion receipt offline, with no database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from menwei.cli.keys import EXIT_CHECK_FAILED, fail


def register(app: typer.Typer) -> None:
    receipt_app = typer.Typer(help="Deletion receipts (删除凭证).", no_args_is_help=True)
    app.add_typer(receipt_app, name="receipt")

    @receipt_app.command("verify")
    def verify(
        file: Annotated[Path, typer.Argument(help="The receipt (JSON) to check.")],
        public_key: Annotated[
            Path | None,
            typer.Option(
                "--public-key",
                help="The processor's published public key (PEM). Without it the receipt is "
                "only checked against the key it carries: proof it is intact, not of who "
                "issued it.",
            ),
        ] = None,
        person_id: Annotated[
            str | None,
            typer.Option("--person-id", help="Your own id, to check the receipt is about you."),
        ] = None,
        fingerprint: Annotated[
            str | None,
            typer.Option(
                "--fingerprint",
                help="The processor's key fingerprint as printed on the community's public "
                "page or the paper receipt, to check who issued the receipt.",
            ),
        ] = None,
    ) -> None:
        """Check a deletion receipt's signature; exit 1 if it was altered or is not genuine."""
        from menwei.privacy.errors import PrivacyError
        from menwei.privacy.keys import load_public_key
        from menwei.privacy.receipts import (
            MAX_RECEIPT_BYTES,
            embedded_key,
            key_fingerprint,
            parse_receipt,
            receipt_names,
            same_fingerprint,
            verify_receipt,
        )

        try:
            with file.open("rb") as handle:
                text = handle.read(MAX_RECEIPT_BYTES + 1)
            key = load_public_key(public_key.read_bytes()) if public_key else None
        except OSError as error:
            typer.echo(
                f"无法读取文件：{error.strerror} / Cannot read the file: {error.strerror}", err=True
            )
            raise typer.Exit(2) from None
        except PrivacyError as error:
            fail(error)
        try:
            receipt = verify_receipt(parse_receipt(text), key)
        except PrivacyError as error:
            fail(error, EXIT_CHECK_FAILED)
        if fingerprint is not None and not same_fingerprint(fingerprint, embedded_key(receipt)):
            typer.echo("签名有效，但不是由该指纹的处理者密钥签发的。", err=True)
            typer.echo(
                "The signature is valid, but not by the key with this fingerprint.", err=True
            )
            raise typer.Exit(EXIT_CHECK_FAILED)
        if person_id is not None and not receipt_names(receipt, person_id):
            typer.echo("签名有效，但该凭证不是关于此人的。", err=True)
            typer.echo(
                "The signature is valid, but the receipt is not about this person.", err=True
            )
            raise typer.Exit(EXIT_CHECK_FAILED)
        deleted = receipt.get("deleted") or {}
        origin = "the processor's published key" if key else "the key inside the receipt"
        if fingerprint is not None:
            origin = "the key with the fingerprint you gave"
        typer.echo(f"删除凭证有效 / Receipt is valid (signed by {origin}).")
        typer.echo(f"  key fingerprint: {key_fingerprint(embedded_key(receipt))}")
        typer.echo(f"  deleted at: {receipt.get('deleted_at')}  reason: {receipt.get('reason')}")
        typer.echo(f"  template versions: {deleted.get('face_template_versions')}")
        typer.echo(f"  devices told to delete: {len(deleted.get('devices_told_to_delete') or [])}")
