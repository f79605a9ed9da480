"""A deletion receipt is checked against the processor's key fingerprint, which the resident
reads off the community's public page or the paper receipt, not out of the same file."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from tests.privacy.builders import signed_receipt
from typer.testing import CliRunner

from menwei.cli import app
from menwei.privacy.keys import ProcessorKeys
from menwei.privacy.receipts import key_fingerprint

AT = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)


def test_a_receipt_is_checked_against_the_published_fingerprint(tmp_path) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    processor = ProcessorKeys.generate()
    published = key_fingerprint(processor.public_key)
    genuine, forged = tmp_path / "genuine.json", tmp_path / "forged.json"
    genuine.write_text(json.dumps(signed_receipt(processor, AT)), encoding="utf-8")
    # someone else signs a receipt with their own key and puts that key inside: intact, but
    # not from the processor
    forged.write_text(json.dumps(signed_receipt(ProcessorKeys.generate(), AT)), encoding="utf-8")
    ok = runner.invoke(app, ["receipt", "verify", str(genuine), "--fingerprint", published])
    assert ok.exit_code == 0, ok.output
    assert published in ok.output
    bad = runner.invoke(app, ["receipt", "verify", str(forged), "--fingerprint", published])
    assert bad.exit_code == 1
    assert "not by the key with this fingerprint" in bad.output
    typed = published.replace(":", " ").upper()[:24]  # as read aloud or typed from paper
    assert (
        runner.invoke(app, ["receipt", "verify", str(genuine), "--fingerprint", typed]).exit_code
        == 0
    )


def test_a_corrupted_receipt_is_a_plain_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    receipt = signed_receipt(ProcessorKeys.generate(), AT)
    receipt["public_key"] = "-----BEGIN PUBLIC KEY-----\ngarbage\n-----END PUBLIC KEY-----\n"
    path = tmp_path / "r.json"
    path.write_text(json.dumps(receipt), encoding="utf-8")
    result = runner.invoke(app, ["receipt", "verify", str(path), "--fingerprint", "abcd" * 4])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
