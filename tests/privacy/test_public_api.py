"""The privacy room's public names exist, and every error in it has both languages."""

from __future__ import annotations

import inspect

import menwei.privacy as privacy
from menwei.privacy import errors


def test_every_public_name_is_importable_and_listed_once():
    assert len(privacy.__all__) == len(set(privacy.__all__))
    missing = [name for name in privacy.__all__ if not hasattr(privacy, name)]
    assert missing == []


def test_every_privacy_error_is_exported_and_says_what_to_do_in_both_languages():
    classes = [
        c
        for _, c in inspect.getmembers(errors, inspect.isclass)
        if issubclass(c, errors.PrivacyError)
    ]
    assert {c.__name__ for c in classes} <= set(privacy.__all__)
    codes = [c.code for c in classes]
    assert len(codes) == len(set(codes)), "each error needs its own stable code"
    opaque = errors.VaultError()
    assert opaque.message("zh-CN") != opaque.message("en")
    assert "Enrol again" in opaque.message("en")
