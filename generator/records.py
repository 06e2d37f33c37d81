"""Every record under content/papers/, loaded once per build: unchanged files come from the build cache,
the others are parsed and validated on every core.

Equivalent to ``store.load_papers`` (same papers, same problems), only faster; it also gives
each record file's digest, which the keys of the files showing the paper are made from.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import store
from .cache import BuildCache, file_digest
from .model import Paper, Problem
from .parallel import parallel_map

Loaded = tuple[Paper | None, list[Problem]]


def load_records(content_dir: Path, cache: BuildCache | None = None, workers: int | None = None) -> store.LoadedPapers:
    folder = content_dir / store.PAPERS_DIR
    files = sorted(_record_files(folder))
    cached = cache.load_records() if cache else {}
    results: dict[str, tuple[Loaded, str]] = {}
    stale: list[tuple[str, int, int]] = []
    for name, size, mtime in files:
        hit = cached.get(name)
        if hit is not None and hit[0] == size and hit[1] == mtime:
            results[name] = hit[2]
        else:
            stale.append((name, size, mtime))
    for (name, _, _), loaded in zip(stale, parallel_map(lambda item: _load(folder / item[0]), stale, workers)):
        results[name] = loaded
    gone = cached.keys() - results.keys()
    if cache and (stale or gone):
        cache.save_records({name: (size, mtime, results[name]) for name, size, mtime in files},
                           [name for name, _, _ in stale] + sorted(gone))

    papers: dict[str, Paper] = {}
    digests: dict[str, str] = {}
    problems: list[Problem] = []
    for name, _, _ in files:
        (paper, paper_problems), stored_digest = results[name]
        problems.extend(paper_problems)
        if paper is not None:
            papers[paper.id] = paper
            digests[paper.id] = stored_digest
    return store.LoadedPapers(papers, problems, digests)


def _load(path: Path) -> tuple[Loaded, str]:
    """A record file, loaded, with the digest of the file (kept in the cache, so computed once): the
    record is a function of the file's bytes, and hashing them costs less than describing the record."""
    paper, problems = store.load_record_file(path)
    return (paper, problems), file_digest(path) if paper is not None else ""


def _record_files(folder: Path) -> list[tuple[str, int, int]]:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    found = []
    for entry in entries:
        if entry.name.endswith(".yaml") and entry.is_file():
            info = entry.stat()
            found.append((entry.name, info.st_size, info.st_mtime_ns))
    return found
