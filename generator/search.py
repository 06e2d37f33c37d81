"""Site search: run Pagefind over a built site, writing its index and UI into ``<site>/pagefind/``.

Pagefind comes from the PyPI package ``pagefind[extended]``, which ships the binary;
``python -m pagefind`` runs it. It indexes only the part of each page marked
``data-pagefind-body`` (the ``<main>`` of paper pages), so search results are papers.
The bundle is removed first, because Pagefind leaves stale index files behind; a rebuild
lends Pagefind the last index's files that did not change, and removes those it did not use.
Output is shown only when Pagefind fails, as problems; a run that works prints nothing.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Self

from .model import Problem
from .write import remove

BUNDLE_DIR = "pagefind"
TIMEOUT_SECONDS = 900
# Papers per search index. Pagefind holds a whole index in memory while it builds it (about 600 MB per
# 10,000 papers), so larger sites get several indexes, which the search box merges; an edit re-indexes
# only the index holding the paper. Sites up to this size have one index, as Pagefind makes by default.
SHARD_SIZE = 10_000


def shard_count(papers: int) -> int:
    return max(1, -(-papers // SHARD_SIZE))


def shard_of(paper_id: str, shards: int) -> int:
    """A paper's index: stable while the number of indexes stays the same."""
    return int(hashlib.blake2b(paper_id.encode("utf-8"), digest_size=8).hexdigest(), 16) % shards


def bundle_name(shard: int) -> str:
    """The folder of an index in the site: pagefind/, then pagefind-1/, pagefind-2/... (Pagefind's UI
    finds the site's root from any folder whose name starts with "pagefind")."""
    return BUNDLE_DIR if shard == 0 else f"{BUNDLE_DIR}-{shard}"


def index_site(site_dir: Path) -> list[Problem]:
    """Index the HTML under ``site_dir`` into ``site_dir/pagefind/``; the problems, if it failed."""
    return index_documents(site_dir, site_dir / BUNDLE_DIR)


def index_documents(site_dir: Path, bundle: Path, previous: Path | None = None) -> list[Problem]:
    """Index the HTML under ``site_dir`` into the folder ``bundle``; the problems, if it failed.

    The build indexes small search documents kept in its cache (one per paper, at the paper
    page's path), so the index does not depend on reading the whole published site.
    ``previous``, the last index of (mostly) the same documents, if any, saves Pagefind the
    compressing of every file that did not change (see ``_link_hashed_files``); the index is
    the same as without it.
    """
    if not site_dir.is_dir():
        return [Problem(str(site_dir), None, "site folder not found, so it cannot be indexed for search")]
    remove(bundle)
    linked = _link_hashed_files(previous, bundle) if previous is not None else []
    problems = _run_pagefind(site_dir, bundle)
    if problems or not linked or _drop_unused(bundle, linked, _version(previous)):
        return problems
    return index_documents(site_dir, bundle)  # the new index could not be read: made again, from nothing


def _run_pagefind(site_dir: Path, bundle: Path) -> list[Problem]:
    # Run inside the site, so that no pagefind.yml of the caller's working folder changes the index.
    # Output goes to a file, not a pipe: processes forked meanwhile (the build's workers) would
    # inherit a pipe's writing end and keep it open.
    command = [sys.executable, "-m", "pagefind", "--site", ".", "--output-path", str(bundle.resolve()), "--quiet"]
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as output:
        try:
            result = subprocess.run(command, cwd=site_dir, stdin=subprocess.DEVNULL, stdout=output,
                                    stderr=subprocess.STDOUT, timeout=TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            return [Problem(str(site_dir), None, f"Pagefind did not finish within {TIMEOUT_SECONDS} s")]
        except OSError as error:
            return [Problem(str(site_dir), None, f"cannot run Pagefind: {error}")]
        output.seek(0)
        printed = output.read()
    if result.returncode != 0:
        return [Problem(str(site_dir), None, f"Pagefind failed (exit {result.returncode}): {_describe(printed)}")]
    if not (bundle / "pagefind.js").is_file():
        return [Problem(str(site_dir), None, f"Pagefind wrote no {BUNDLE_DIR}/pagefind.js: {_describe(printed)}")]
    return []


class BackgroundIndexer:
    """Indexes folders of search documents one after another on a thread, while the caller goes on
    with other work: Pagefind runs as its own process, so it uses the core the caller leaves idle.

    Use as a context manager: leaving it waits for the index being made and starts no other.
    """

    def __init__(self) -> None:
        self._jobs: list[tuple[Path, Path, Path | None]] = []
        self._problems: list[Problem] = []
        self._error: Exception | None = None  # what stopped the thread, raised again by ``wait``
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, documents: Path, bundle: Path, previous: Path | None = None) -> None:
        self._jobs.append((documents, bundle, previous))

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="search-index", daemon=True)
        self._thread.start()

    def is_busy(self) -> bool:
        """Whether Pagefind is still at work (started, and not done with every index)."""
        return self._thread is not None and self._thread.is_alive()

    def wait(self) -> list[Problem]:
        """Every index made, or the problems that stopped one; an error the thread met is raised here,
        so that it stops the build instead of leaving an index half made."""
        self._join()
        if self._error is not None:
            raise self._error
        return list(self._problems)

    def _join(self) -> None:
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        try:
            for documents, bundle, previous in self._jobs:
                if self._stopping.is_set():
                    return
                self._problems = index_documents(documents, bundle, previous)
                if self._problems:
                    return
        except Exception as error:  # noqa: BLE001 - not swallowed: wait() raises it again in the caller's thread
            self._error = error

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stopping.set()
        self._join()  # what went wrong meanwhile is for wait() to say, not for an exit that has its own error


# Pagefind names most of its files by a hash of their content (the index's metadata, one fragment per
# page, chunks of the word and filter indexes), and writes such a file only where none of that name is
# yet: compressing each at gzip's best level is most of its work. Its other files (pagefind.js, the
# entry, the UI) it rewrites in place, so those are never linked from a published index.
HASHED_FOLDERS = ("fragment", "index", "filter")
META_SUFFIX = ".pf_meta"
_META_MAGIC = b"pagefind_dcd"  # before the CBOR of a decompressed hashed file


def _link_hashed_files(previous: Path, bundle: Path) -> list[Path]:
    """Hard links (copies where links cannot be made) in ``bundle`` to the hashed files of the index
    ``previous``, so that Pagefind compresses only the files that changed; the files made."""
    if not (previous / "pagefind-entry.json").is_file():
        return []
    made = []
    for folder in ("", *HASHED_FOLDERS):
        source = previous / folder
        if not source.is_dir():
            continue
        target = bundle / folder
        target.mkdir(parents=True, exist_ok=True)
        with os.scandir(source) as entries:
            names = sorted(entry.name for entry in entries
                           if entry.is_file(follow_symlinks=False) and (folder or entry.name.endswith(META_SUFFIX)))
        for name in names:
            try:
                os.link(source / name, target / name)
            except OSError:
                shutil.copyfile(source / name, target / name)
            made.append(target / name)
    return made


def _drop_unused(bundle: Path, linked: list[Path], previous_version: str | None) -> bool:
    """Remove the linked files the new index does not use (a changed page's old fragment, a changed
    word chunk, the old metadata), which Pagefind leaves behind. False if the new index could not be
    read, or was made by another Pagefind than the linked files (then nothing is removed)."""
    try:
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        if entry["version"] != previous_version:
            return False
        used: set[str] = set()
        pages = 0
        for language in entry["languages"].values():
            meta = f"pagefind.{language['hash']}{META_SUFFIX}"
            used.add(meta)
            used |= _cbor_text_strings(_hashed_file_data(bundle / meta))
            pages += language["page_count"]
    except (OSError, ValueError, KeyError, TypeError, EOFError, IndexError):
        return False
    unused = [path for path in linked if path.name not in used and path.name.split(".", 1)[0] not in used]
    fragments = bundle / "fragment"
    kept = len(os.listdir(fragments)) - sum(path.parent == fragments for path in unused) if fragments.is_dir() else 0
    if kept != pages:  # every page has its fragment: anything else means the metadata was misread
        return False
    for path in unused:
        path.unlink()
    return True


def _version(bundle: Path | None) -> str | None:
    """The version of Pagefind that made the index ``bundle``."""
    try:
        return json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _hashed_file_data(path: Path) -> bytes:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(_META_MAGIC):
        raise ValueError(f"{path}: not a Pagefind file")
    return data[len(_META_MAGIC):]


def _cbor_text_strings(data: bytes) -> set[str]:
    """Every text string in one CBOR item (RFC 8949; definite lengths, as Pagefind writes): the names of
    the hashed files a Pagefind index uses are among them. ValueError if ``data`` is not exactly one item."""
    found: set[str] = set()
    position = 0
    pending = [1]  # items still to read at each open array or map
    while pending:
        if not pending[-1]:
            pending.pop()
            continue
        pending[-1] -= 1
        if position >= len(data):
            raise ValueError("CBOR: the item ends early")
        major, info = data[position] >> 5, data[position] & 31
        position += 1
        if info < 24:
            argument = info
        elif info <= 27:
            size = 1 << (info - 24)
            argument = int.from_bytes(data[position:position + size], "big")
            position += size
        else:
            raise ValueError(f"CBOR: indefinite or reserved length at byte {position - 1}")
        if major in (2, 3):  # bytes, text
            if major == 3:
                found.add(data[position:position + argument].decode("utf-8"))
            position += argument
        elif major == 4:  # array
            pending.append(argument)
        elif major == 5:  # map: keys and values
            pending.append(2 * argument)
        elif major == 6:  # a tag, then its item
            pending[-1] += 1
        # 0, 1: integers, 7: simple values and floats: their argument was all there was
    if position != len(data):
        raise ValueError(f"CBOR: the item ends at byte {position} of {len(data)}")
    return found


def _describe(printed: str) -> str:
    """Pagefind's output in one line; it prints some errors on both streams, so repeated lines are dropped."""
    lines: list[str] = []
    for line in printed.splitlines():
        line = line.strip()
        if line and line not in lines:
            lines.append(line)
    return " ".join(lines) or "no output"
