"""Site search: run Pagefind over a built site, writing its index and UI into ``<site>/pagefind/``.

Pagefind comes from the PyPI package ``pagefind[extended]``, which ships the binary;
``python -m pagefind`` runs it. It indexes only the part of each page marked
``data-pagefind-body`` (the ``<main>`` of paper pages), so search results are papers.
The bundle is removed first, because Pagefind leaves stale index files behind.
Output is shown only when Pagefind fails, as problems; a run that works prints nothing.
"""

from __future__ import annotations

import hashlib
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


def index_documents(site_dir: Path, bundle: Path) -> list[Problem]:
    """Index the HTML under ``site_dir`` into the folder ``bundle``; the problems, if it failed.

    The build indexes small search documents kept in its cache (one per paper, at the paper
    page's path), so the index does not depend on reading the whole published site.
    """
    if not site_dir.is_dir():
        return [Problem(str(site_dir), None, "site folder not found, so it cannot be indexed for search")]
    # Never into a folder holding an older index: Pagefind writes a file named by a short (7-digit)
    # hash of its content only where no file of that name is yet, so a changed file whose name met
    # an old one would keep the old content.
    remove(bundle)
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
        self._jobs: list[tuple[Path, Path]] = []
        self._problems: list[Problem] = []
        self._error: Exception | None = None  # what stopped the thread, raised again by ``wait``
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, documents: Path, bundle: Path) -> None:
        self._jobs.append((documents, bundle))

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
            for documents, bundle in self._jobs:
                if self._stopping.is_set():
                    return
                self._problems = index_documents(documents, bundle)
                if self._problems:
                    return
        except Exception as error:  # noqa: BLE001 - not swallowed: wait() raises it again in the caller's thread
            self._error = error

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stopping.set()
        self._join()  # what went wrong meanwhile is for wait() to say, not for an exit that has its own error


def _describe(printed: str) -> str:
    """Pagefind's output in one line; it prints some errors on both streams, so repeated lines are dropped."""
    lines: list[str] = []
    for line in printed.splitlines():
        line = line.strip()
        if line and line not in lines:
            lines.append(line)
    return " ".join(lines) or "no output"
