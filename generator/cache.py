"""The build cache (``.bibsite-cache/``): what the last build read and wrote, so the next one redoes only what changed.

Four files, each replaced atomically:

- ``stamp.pickle``: the input signature of the last build (every input file's name, size and
  modification time, the settings and the generator's own code) and what it reported: small, so
  a build with nothing to do reads only this.
- ``state.pickle``: for every output file of the last build, the key it was made from (a digest of
  everything its bytes depend on; see ``outputs.py``).
- ``records.pickle``: each record file's size and modification time with the Paper parsed from it,
  so an unchanged record is neither parsed nor validated again.
- ``artifacts.pickle``: each paper's BibTeX, CSL-JSON and RIS text under the paper's key, for bundles.

A cache that cannot be read, or was written by other code, is ignored: the build is then a
clean one. The cache never changes what a build writes, only how much work it takes.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

CACHE_DIR = Path(".bibsite-cache")
STAMP_FILE = "stamp.pickle"
STATE_FILE = "state.pickle"
RECORDS_FILE = "records.pickle"
ARTIFACTS_FILE = "artifacts.pickle"
SEARCH_DIR = "search"  # the documents Pagefind indexes, kept between builds


def digest(*parts: str) -> str:
    """A short, stable digest of strings (never Python's randomised ``hash``)."""
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        hasher.update(part.encode("utf-8", "surrogatepass"))
        hasher.update(b"\0")
    return hasher.hexdigest()


@lru_cache(maxsize=1)
def code_digest() -> str:
    """The generator's own files: a changed bibsite makes every cached result stale."""
    package = Path(__file__).resolve().parent
    hasher = hashlib.blake2b(digest_size=16)
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".json", ".txt", ".yaml"):
            hasher.update(path.relative_to(package).as_posix().encode())
            hasher.update(path.read_bytes())
    return hasher.hexdigest()


def file_digest(path: Path) -> str:
    return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()


def input_signature(folders: Iterable[Path], settings: str) -> str:
    """Names, sizes and modification times of every file under ``folders``, the settings and the code.

    Equal signatures mean nothing a build reads has changed, so the build has nothing to do.
    """
    hasher = hashlib.blake2b(digest_size=16)
    hasher.update(f"{code_digest()}\0{settings}\0".encode())
    for folder in folders:
        hasher.update(f"[{folder}]\0".encode())
        for relative, size, mtime in _walk(folder):
            hasher.update(f"{relative}\0{size}\0{mtime}\0".encode("utf-8", "surrogateescape"))
    return hasher.hexdigest()


def _walk(folder: Path) -> list[tuple[str, int, int]]:
    found: list[tuple[str, int, int]] = []
    stack = [(str(folder), "")]
    while stack:
        directory, prefix = stack.pop()
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for entry in entries:
            name = prefix + entry.name
            if entry.is_dir(follow_symlinks=True):
                stack.append((entry.path, name + "/"))
            else:
                try:
                    info = entry.stat()
                except OSError:
                    continue
                found.append((name, info.st_size, info.st_mtime_ns))
    found.sort()
    return found


@dataclass(frozen=True)
class BuildStamp:
    """What a build with nothing to do needs: the last build's input signature and its report."""

    signature: str
    output_dir: str
    papers: int
    files: int
    warnings: tuple[Any, ...]  # repeated by a build that finds nothing changed


@dataclass
class BuildState:
    """What the last build read and wrote."""

    signature: str = ""
    output_dir: str = ""
    outputs: dict[str, str] = field(default_factory=dict)  # output path -> key it was made from
    search_docs: dict[str, str] = field(default_factory=dict)  # search document path -> key
    bundles: tuple[str, ...] = ()  # the search index folders in the output
    papers: int = 0
    warnings: tuple[Any, ...] = ()  # repeated by a build that finds nothing changed


@dataclass
class BuildCache:
    """The cache folder; every read tolerates a missing or unreadable file."""

    folder: Path

    def load_stamp(self) -> BuildStamp | None:
        stamp = self._load(STAMP_FILE)
        return stamp if isinstance(stamp, BuildStamp) else None

    def load_state(self) -> BuildState | None:
        state = self._load(STATE_FILE)
        return state if isinstance(state, BuildState) else None

    def save_state(self, state: BuildState) -> None:
        self._save(STATE_FILE, state)
        # The stamp last: it vouches for the state written before it.
        self._save(STAMP_FILE, BuildStamp(state.signature, state.output_dir, state.papers, len(state.outputs),
                                          state.warnings))

    def forget_state(self) -> None:
        """Before a build publishes anything: a build that stops halfway leaves no state that claims otherwise."""
        (self.folder / STAMP_FILE).unlink(missing_ok=True)
        (self.folder / STATE_FILE).unlink(missing_ok=True)

    def load_records(self) -> dict[str, tuple[int, int, Any]]:
        records = self._load(RECORDS_FILE)
        return records if isinstance(records, dict) else {}

    def save_records(self, records: dict[str, tuple[int, int, Any]]) -> None:
        self._save(RECORDS_FILE, records)

    def load_artifacts(self) -> dict[str, tuple[str, tuple[str, str, str]]]:
        artifacts = self._load(ARTIFACTS_FILE)
        return artifacts if isinstance(artifacts, dict) else {}

    def save_artifacts(self, artifacts: dict[str, tuple[str, tuple[str, str, str]]]) -> None:
        self._save(ARTIFACTS_FILE, artifacts)

    @property
    def search_dir(self) -> Path:
        return self.folder / SEARCH_DIR

    def _load(self, name: str) -> Any:
        try:
            with open(self.folder / name, "rb") as file:
                version, payload = pickle.load(file)
        except Exception:  # noqa: BLE001 -- any unreadable cache only means a slower build
            return None
        return payload if version == code_digest() else None

    def _save(self, name: str, payload: Any) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = self.folder / f".{name}.tmp-{os.getpid()}"
        with open(temporary, "wb") as file:
            pickle.dump((code_digest(), payload), file, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(self.folder / name)
