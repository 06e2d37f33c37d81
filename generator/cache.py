"""The build cache (``.bibsite-cache/``): what the last build read and wrote, so the next one redoes only what changed.

These files, each replaced atomically:

- ``stamp.pickle``: the input signature of the last build (every input file's name, size and
  modification time, the settings and the generator's own code) and what it reported: small, so
  a build with nothing to do reads only this.
- ``state.pickle``: for every output file of the last build, the key it was made from (a digest of
  everything its bytes depend on; see ``outputs.py``).
- ``records-00.pickle`` to ``records-31.pickle``: each record file's size and modification time
  with the Paper parsed from it, so an unchanged record is neither parsed nor validated again.
  A record file always goes to the same one of the 32 (by a digest of its name), so an edit
  rewrites one thirty-second of them.
- ``library.pickle``: what assembling the library worked out about names and texts (``LibraryMemo``).
- ``related.pickle``: the related papers, with the digest of what they were worked out from.
- ``artifacts.sqlite``: each paper's BibTeX, CSL-JSON and RIS text under the paper's key (see
  ``ArtifactStore``): a build reads them one at a time and writes only those that changed.
- ``search/``: one small HTML document per paper, which Pagefind indexes.
- ``templates-<code digest>/``: the templates as Jinja compiled them (Jinja checks each against
  its source before using it).

A cache that cannot be read, or was written by other code, is ignored: the build is then a
clean one. The cache never changes what a build writes, only how much work it takes.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

CACHE_DIR = Path(".bibsite-cache")
STAMP_FILE = "stamp.pickle"
STATE_FILE = "state.pickle"
RECORDS_SHARDS = 32  # files the parsed records are spread over
MEMO_FILE = "library.pickle"
RELATED_FILE = "related.pickle"
ARTIFACTS_FILE = "artifacts.sqlite"
SEARCH_DIR = "search"  # the documents Pagefind indexes, kept between builds
COMPILED_TEMPLATES_PREFIX = "templates-"  # + the code's digest: Jinja's compiled templates


def digest(*parts: str) -> str:
    """A short, stable digest of strings (never Python's randomised ``hash``)."""
    # Each part followed by a NUL byte, hashed in one call (a page's key has hundreds of parts).
    data = "\0".join(parts).encode("utf-8", "surrogatepass") + b"\0" if parts else b""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


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
        """record file name -> (size, modification time, what parsing it gave); a shard that cannot be
        read is left out, so its records are parsed again and the shard is written anew."""
        records: dict[str, tuple[int, int, Any]] = {}
        for shard in range(RECORDS_SHARDS):
            part = self._load(_records_file(shard))
            if isinstance(part, dict):
                records.update(part)
        return records

    def save_records(self, records: dict[str, tuple[int, int, Any]], changed: Iterable[str]) -> None:
        """Write the shards that hold a ``changed`` name (parsed again, added or gone) from ``records``."""
        parts: dict[int, dict[str, tuple[int, int, Any]]] = {_records_shard(name): {} for name in changed}
        for name, entry in records.items():
            part = parts.get(_records_shard(name))
            if part is not None:
                part[name] = entry
        for shard, part in sorted(parts.items()):
            self._save(_records_file(shard), part)

    def load_memo(self) -> Any:
        return self._load(MEMO_FILE)

    def save_memo(self, memo: Any) -> None:
        self._save(MEMO_FILE, memo)

    def load_related(self, inputs: str) -> dict[str, tuple[str, ...]] | None:
        """The related papers of the last build, if they were worked out from ``inputs``."""
        saved = self._load(RELATED_FILE)
        return saved[1] if isinstance(saved, tuple) and len(saved) == 2 and saved[0] == inputs else None

    def save_related(self, inputs: str, related: dict[str, tuple[str, ...]]) -> None:
        self._save(RELATED_FILE, (inputs, related))

    def artifacts(self) -> ArtifactStore:
        self.folder.mkdir(parents=True, exist_ok=True)
        return ArtifactStore(self.folder / ARTIFACTS_FILE)

    @property
    def search_dir(self) -> Path:
        return self.folder / SEARCH_DIR

    def compiled_templates_dir(self) -> Path:
        """Where Jinja keeps the templates it compiled (it checks each against its source). Compiling
        depends on the environment bibsite sets up, so each version of the code has its own folder;
        any other is removed."""
        folder = self.folder / f"{COMPILED_TEMPLATES_PREFIX}{code_digest()}"
        if self.folder.is_dir():
            for other in self.folder.glob(f"{COMPILED_TEMPLATES_PREFIX}*"):
                if other != folder:
                    shutil.rmtree(other, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)
        return folder

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


def _records_shard(name: str) -> int:
    return zlib.crc32(name.encode("utf-8", "surrogateescape")) % RECORDS_SHARDS


def _records_file(shard: int) -> str:
    return f"records-{shard:02d}.pickle"


ARTIFACT_COLUMNS = ("bibtex", "csl_item", "ris")
_SELECT_ONE = {column: f"SELECT {column} FROM artifacts WHERE id = ?" for column in ARTIFACT_COLUMNS}
_SELECT_ALL = {column: f"SELECT id, {column} FROM artifacts ORDER BY id" for column in ARTIFACT_COLUMNS}


class ArtifactStore:
    """Each paper's export texts (BibTeX, CSL-JSON, RIS) under the key they were made from, in SQLite.

    A build asks for the keys, writes the texts whose key changed and then reads texts one at a
    time while it writes files, so a large site's texts are never all in memory, and an edit
    rewrites one row, not the whole store. Forked workers read through a connection of their own.
    A store written by other code, or unreadable, is emptied.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None
        self._pid = 0

    def keys(self) -> dict[str, str]:
        """paper id -> the key of its stored texts."""
        try:
            return self._open()
        except sqlite3.DatabaseError:  # not a database, or a damaged one: start again
            self.close()
            self.path.unlink(missing_ok=True)
            return self._open()

    def update(self, made: Iterable[tuple[str, str, tuple[str, str, str]]], removed: Iterable[str]) -> None:
        """Store ``(paper id, key, (bibtex, csl_item, ris))`` rows and drop the papers ``removed``."""
        db = self._connection()
        with db:
            db.executemany("INSERT OR REPLACE INTO artifacts VALUES (?, ?, ?, ?, ?)",
                           ((paper_id, key, *texts) for paper_id, key, texts in made))
            db.executemany("DELETE FROM artifacts WHERE id = ?", ((paper_id,) for paper_id in removed))

    def text(self, paper_id: str, column: str) -> str:
        """One paper's text in one format: ``bibtex``, ``csl_item`` or ``ris``."""
        row = self._connection().execute(_SELECT_ONE[column], (paper_id,)).fetchone()
        if row is None:
            raise KeyError(paper_id)
        return row[0]

    def every_text(self, column: str) -> Iterator[tuple[str, str]]:
        """``(paper id, text)`` for every paper, by id (in Python's order: SQLite compares UTF-8 bytes,
        which order as code points do)."""
        return iter(self._connection().execute(_SELECT_ALL[column]))

    def close(self) -> None:
        if self._db is not None and self._pid == os.getpid():
            self._db.close()
        self._db = None

    def _open(self) -> dict[str, str]:
        db = self._connection()
        with db:
            db.execute("CREATE TABLE IF NOT EXISTS meta (code TEXT NOT NULL)")
            is_current = db.execute("SELECT code FROM meta").fetchall() == [(code_digest(),)]
        if not is_current:  # written by other code: start from an empty file, not one full of free pages
            self.close()
            self.path.unlink(missing_ok=True)
            db = self._connection()
            with db:
                db.execute("CREATE TABLE meta (code TEXT NOT NULL)")
                db.execute("INSERT INTO meta VALUES (?)", (code_digest(),))
                db.execute("CREATE TABLE artifacts (id TEXT PRIMARY KEY, key TEXT NOT NULL, "
                           "bibtex TEXT NOT NULL, csl_item TEXT NOT NULL, ris TEXT NOT NULL)")
        return dict(db.execute("SELECT id, key FROM artifacts"))

    def _connection(self) -> sqlite3.Connection:
        if self._db is None or self._pid != os.getpid():  # a forked worker never uses its parent's connection
            self._db = sqlite3.connect(self.path, check_same_thread=False)
            self._db.execute("PRAGMA synchronous = OFF")  # a cache: an interrupted write is rolled back, no fsync
            self._pid = os.getpid()
        return self._db
