"""The gate's settings file (TOML): hardware details an installer writes once per gate.

``menwei gate --settings gate.toml`` reads it; options on the command line win over it. Only
the sections below are known; an unknown key is refused with its name, so a typo does not
silently leave a controller unconfigured::

    driver = "uhppote"

    [uhppote]
    serial = 405419896          # on the controller's label
    address = "192.168.1.100:60000"
    door = 1                    # 1 to 4
    listen = "0.0.0.0:60001"    # where this gate receives the controller's events
    listener_address = "192.168.1.10:60001"  # this gate as the controller reaches it
    timezone = "Asia/Shanghai"
    max_clock_drift_s = 60
"""

from __future__ import annotations

import tomllib
from dataclasses import fields
from pathlib import Path
from typing import Any

from menwei.gate.errors import GateError
from menwei.gate.uhppote import UhppoteSettings

TOP_LEVEL = {"driver", "uhppote"}


class SettingsFileError(GateError):
    """The settings file is missing, not TOML, or has unknown or wrong values."""

    code = "settings_file"


def load(path: Path) -> dict[str, Any]:
    """The file's contents, checked for unknown sections and keys."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise SettingsFileError(f"The settings file {path} could not be read ({error}).") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SettingsFileError(f"The settings file {path} is not valid TOML: {error}.") from None
    unknown = sorted(set(data) - TOP_LEVEL)
    if unknown:
        raise SettingsFileError(
            f"Unknown setting(s) in {path}: {', '.join(unknown)}. Known: driver, [uhppote]."
        )
    return data


def uhppote_settings(section: dict[str, Any], overrides: dict[str, Any]) -> UhppoteSettings:
    """``[uhppote]`` merged with command-line ``overrides`` (``None`` values ignored)."""
    known = {f.name for f in fields(UhppoteSettings)}
    merged = {**section, **{k: v for k, v in overrides.items() if v is not None}}
    unknown = sorted(set(merged) - known)
    if unknown:
        raise SettingsFileError(
            f"Unknown [uhppote] setting(s): {', '.join(unknown)}. "
            f"Known: {', '.join(sorted(known))}."
        )
    missing = [name for name in ("serial", "address") if name not in merged]
    if missing:
        raise SettingsFileError(
            "The uhppote driver needs the controller's "
            + " and ".join(missing)
            + " (in [uhppote] of --settings, or --controller-serial / --controller-address)."
        )
    try:
        merged["serial"] = int(merged["serial"])
        merged["door"] = int(merged.get("door", 1))
        address = str(merged["address"])
        merged["address"] = address if ":" in address else f"{address}:60000"
        return UhppoteSettings(**merged)
    except (TypeError, ValueError) as error:
        raise SettingsFileError(f"A [uhppote] setting has a wrong value ({error}).") from None
