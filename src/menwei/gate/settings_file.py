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

    [osdp]                      # card readers on an RS-485 bus, Secure Channel always on
    port = "/dev/ttyUSB0"
    baud = 9600
    readers = [{ address = 1, key = "000102030405060708090a0b0c0d0e0f" }]

The file holds reader keys: it must be readable by the gate's user only (mode 0600).
"""

from __future__ import annotations

import tomllib
from dataclasses import fields
from pathlib import Path
from typing import Any

from menwei.gate.errors import GateError
from menwei.gate.osdp import ReaderSettings
from menwei.gate.uhppote import UhppoteSettings

TOP_LEVEL = {"driver", "uhppote", "osdp"}


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
            f"Unknown setting(s) in {path}: {', '.join(unknown)}. Known: driver, [uhppote], [osdp]."
        )
    if "osdp" in data and path.stat().st_mode & 0o077:
        raise SettingsFileError(
            f"The settings file {path} holds OSDP reader keys and can be read by others. "
            f"Run: chmod 600 {path}"
        )
    return data


def osdp_settings(section: dict[str, Any]) -> tuple[str, int, list[ReaderSettings]]:
    """``[osdp]``: the serial port, its speed, and each reader's address and key."""
    unknown = sorted(set(section) - {"port", "baud", "readers"})
    if unknown:
        raise SettingsFileError(f"Unknown [osdp] setting(s): {', '.join(unknown)}.")
    if "port" not in section or not section.get("readers"):
        raise SettingsFileError("[osdp] needs port and at least one entry in readers.")
    readers = []
    for entry in section["readers"]:
        try:
            key = bytes.fromhex(str(entry["key"]))
            readers.append(ReaderSettings(int(entry["address"]), key, str(entry.get("name", ""))))
        except (KeyError, TypeError, ValueError):
            raise SettingsFileError(
                "Each [osdp] reader needs an address and a key of 32 hex digits."
            ) from None
    return str(section["port"]), int(section.get("baud", 9600)), readers


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
