"""Reading a genshin-db npm package: its English data, images, release versions and provenance.

A package arrives as the `.tgz` that `npm pack genshin-db` writes, as that archive unpacked, or as
its data file alone (`src/min/data.min.json`, every language in one JSON document). Parsing uses the
standard library: about 6 s and 1 GB of memory for the whole file, once per game update, which does
not justify a streaming-parser dependency.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import tarfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.knowledge import DataVersion

log = logging.getLogger(__name__)

LANGUAGE = "English"
DATA_FILE = "src/min/data.min.json"
DEFAULT_LICENSE = "MIT License, Copyright (c) 2020 theBowja"
_GAME_VERSION = re.compile(r"\bv(\d+\.\d+)\b")


@dataclass(frozen=True)
class Source:
    """The parts of one genshin-db release Katheryne uses, with its provenance."""

    folders: dict[str, dict[str, Any]]  # English data: folder -> key -> record
    images: dict[str, dict[str, Any]]
    versions: dict[str, dict[str, Any]]
    version: DataVersion


def _read_package(path: Path) -> tuple[bytes, dict[str, Any], str | None]:
    """(data file bytes, package.json or {}, licence text or None) from a .tgz, folder or JSON."""
    if path.is_dir():
        data_file = path / DATA_FILE
        if not data_file.is_file():
            raise FileNotFoundError(f"{path} has no {DATA_FILE}: is it an unpacked genshin-db package?")
        return data_file.read_bytes(), _json_file(path / "package.json"), _text_file(path / "LICENSE")
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist")
    if tarfile.is_tarfile(path):
        with tarfile.open(path) as archive:
            members = {m.name.split("/", 1)[-1]: m for m in archive.getmembers() if m.isfile()}
            if DATA_FILE not in members:
                raise ValueError(f"{path} has no package/{DATA_FILE}: is it a genshin-db package?")
            log.info("reading %s from %s", DATA_FILE, path)

            def member(name: str) -> bytes | None:
                handle = archive.extractfile(members[name]) if name in members else None
                return handle.read() if handle else None

            package = member("package.json")
            licence = member("LICENSE")
            return (
                member(DATA_FILE) or b"",
                json.loads(package) if package else {},
                licence.decode("utf-8") if licence else None,
            )
    # A bare JSON file; if it is an unpacked package's data file, read that package's metadata.
    resolved = path.resolve()
    if resolved.as_posix().endswith("/" + DATA_FILE):
        root = resolved.parents[2]
        return resolved.read_bytes(), _json_file(root / "package.json"), _text_file(root / "LICENSE")
    return resolved.read_bytes(), {}, None


def _json_file(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _text_file(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


def _license_line(text: str | None) -> str:
    """ "MIT License, Copyright (c) 2020 theBowja" from the package's LICENSE file."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    copyright_line = next((line for line in lines if line.lower().startswith("copyright")), None)
    if not lines or copyright_line is None:
        return DEFAULT_LICENSE
    return f"{lines[0]}, {copyright_line}"


def read_source(path: Path, package_version: str | None = None, game_version: str | None = None) -> Source:
    """Parse a genshin-db package (.tgz, unpacked folder or data JSON), keeping English only.

    The package version comes from package.json unless given; the game version from the
    package's description ("Genshin Impact v6.7 JSON data") unless given. ValueError when neither
    says it, so a snapshot never carries an unknown version.
    """
    raw, package, licence = _read_package(path)
    digest = hashlib.sha256(raw).hexdigest()
    log.info("parsing %.0f MB of JSON (all languages; takes a few seconds)", len(raw) / 1e6)
    document = json.loads(raw)
    del raw
    try:
        folders = document["data"][LANGUAGE]
    except (KeyError, TypeError):
        raise ValueError(f"{path} is not genshin-db data: it has no data.{LANGUAGE}") from None
    package_version = package_version or package.get("version")
    if not package_version:
        raise ValueError(f"{path} has no package.json to read the version from: pass --package-version")
    if game_version is None:
        match = _GAME_VERSION.search(package.get("description", ""))
        if match is None:
            raise ValueError(f"cannot tell the game version of {path}: pass --game-version")
        game_version = match.group(1)
    version = DataVersion(
        source="genshin-db",
        package_version=package_version,
        game_version=game_version,
        sha256=digest,
        license=_license_line(licence),
        imported_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
    )
    return Source(folders, document.get("image") or {}, document.get("version") or {}, version)
