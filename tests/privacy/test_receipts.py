"""A deletion receipt can be checked offline, and any change to it is caught."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from menwei.privacy.errors import InvalidReceipt
from menwei.privacy.keys import ProcessorKeys, load_public_key
from menwei.privacy.receipts import (
    DeletionReceipt,
    issue_receipt,
    parse_receipt,
    receipt_names,
    verify_receipt,
)

AT = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)


@pytest.fixture
def keys() -> ProcessorKeys:
    return ProcessorKeys.generate()


@pytest.fixture
def receipt(keys) -> dict:
    return issue_receipt(
        signing_key=keys.signing_key,
        processor="阳光物业",
        community_id="c1",
        person_id="3f1c-person",
        template_versions=[2, 1],
        devices_told=["gate-north", "gate-east"],
        reason="withdrawal",
        deleted_at=AT,
        issued_at=AT,
    )


def test_a_fresh_receipt_verifies_with_the_processors_published_key(receipt, keys):
    published = load_public_key(keys.public_key_pem().encode())
    assert verify_receipt(parse_receipt(json.dumps(receipt)), published) is not None


def test_the_receipt_names_what_was_deleted_but_not_the_person(receipt):
    assert receipt["deleted"]["face_template_versions"] == [1, 2]
    assert receipt["deleted"]["devices_told_to_delete"] == ["gate-east", "gate-north"]
    assert receipt["deleted"]["personal_data_key"] == "destroyed"
    assert "3f1c-person" not in json.dumps(receipt)


def test_the_typed_receipt_gives_back_the_signed_document_byte_for_byte(receipt, keys):
    typed = DeletionReceipt.from_document(json.loads(json.dumps(receipt)))
    assert typed.document() == receipt
    assert typed.face_template_versions == (1, 2)
    assert typed.key_destroyed
    assert verify_receipt(typed.document(), keys.public_key)


def test_a_document_missing_parts_is_not_a_typed_receipt(receipt):
    del receipt["subject"]
    with pytest.raises(InvalidReceipt):
        DeletionReceipt.from_document(receipt)


def test_the_person_can_recognise_their_own_receipt(receipt):
    assert receipt_names(receipt, "3f1c-person")
    assert not receipt_names(receipt, "someone-else")


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("deleted", "devices_told_to_delete"), ["gate-east"]),
        (("deleted_at",), "2025-01-01T00:00:00+00:00"),
        (("subject", "sha256"), "0" * 64),
        (("processor",), "另一家物业"),
    ],
)
def test_any_edit_to_a_receipt_is_caught(receipt, keys, path, value):
    target = receipt
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(InvalidReceipt) as refused:
        verify_receipt(receipt, keys.public_key)
    assert "changed after it was signed" in refused.value.message("en")


def test_a_receipt_signed_by_another_key_is_refused_against_the_published_key(receipt):
    stranger = ProcessorKeys.generate()
    with pytest.raises(InvalidReceipt) as refused:
        verify_receipt(receipt, stranger.public_key)
    assert "not issued by this processor" in refused.value.message("en")


def test_a_receipt_resigned_by_a_forger_with_their_own_embedded_key_fails_the_published_key(
    receipt, keys
):
    forger = ProcessorKeys.generate()
    forged = issue_receipt(
        signing_key=forger.signing_key,
        processor="阳光物业",
        community_id="c1",
        person_id="x",
        template_versions=[1],
        devices_told=[],
        reason="withdrawal",
        deleted_at=AT,
        issued_at=AT,
    )
    assert verify_receipt(forged)  # self-consistent ...
    with pytest.raises(InvalidReceipt):
        verify_receipt(forged, keys.public_key)  # ... but not from this processor


@pytest.mark.parametrize("text", ["", "[]", "{not json", '{"format": "other"}'])
def test_something_that_is_not_a_receipt_gets_a_clear_error(text):
    with pytest.raises(InvalidReceipt):
        parse_receipt(text)


def test_a_receipt_without_a_signature_is_refused(receipt):
    del receipt["signature"]
    with pytest.raises(InvalidReceipt):
        verify_receipt(receipt)


def test_a_huge_file_is_refused_without_parsing_it():
    with pytest.raises(InvalidReceipt) as refused:
        parse_receipt(b"{" * (1024 * 1024))
    assert "too large" in refused.value.message("en")
