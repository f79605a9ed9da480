"""Every layer's error tree stands on one bilingual base, yet each layer is still caught alone."""

from __future__ import annotations

import pytest

from menwei.core.errors import BilingualError, CoreError, InvalidConfiguration
from menwei.governance.errors import GovernanceError, InvalidInput
from menwei.privacy.errors import ConsentRequired, PrivacyError
from menwei.store.errors import RecordNotFound, StoreError

LAYER_BASES = [CoreError, PrivacyError, StoreError, GovernanceError]


@pytest.mark.parametrize("base", LAYER_BASES)
def test_each_layer_base_is_a_bilingual_error(base: type[BilingualError]) -> None:
    error = base("中文说明", "English text", record="x")
    assert isinstance(error, BilingualError)
    assert error.message() == "中文说明"
    assert error.message("en-GB") == "English text"
    assert str(error) == "English text"
    assert error.details == {"record": "x"}


def test_a_store_error_keeps_its_code_message_and_details() -> None:
    error = RecordNotFound("门", "d-1")
    assert error.code == "not_found"
    assert error.details == {"kind": "门", "key": "d-1"}
    assert "d-1" in error.message("en") and "d-1" in error.message()


def test_one_layer_is_not_caught_as_another() -> None:
    """The gate catches ``CoreError`` while parsing records; a store error must not hide there."""
    samples = [
        InvalidConfiguration("甲", "a"),
        ConsentRequired("乙", "b"),
        RecordNotFound("人员", "p-1"),
        InvalidInput("name", "invalid_input.must_not_empty"),
    ]
    for sample in samples:
        layers = [base for base in LAYER_BASES if isinstance(sample, base)]
        assert len(layers) == 1, (sample, layers)
