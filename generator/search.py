"""Site search: run Pagefind over a built site, writing its index and UI into ``<site>/pagefind/``.

Pagefind comes from the PyPI package ``pagefind[extended]``, which ships the binary;
``python -m pagefind`` runs it. It indexes only the part of each page marked
``data-pagefind-body`` (the ``<main>`` of paper pages), so search results are papers.
The bundle is removed first, because Pagefind leaves stale index files behind.
Output is shown only when Pagefind fails, as problems; a run that works prints nothing.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

from .model import Problem

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
    if bundle.is_symlink() or bundle.is_file():
        bundle.unlink()
    elif bundle.exists():
        shutil.rmtree(bundle)
    # Run inside the site, so that no pagefind.yml of the caller's working folder changes the index.
    command = [sys.executable, "-m", "pagefind", "--site", ".", "--output-path", str(bundle.resolve()), "--quiet"]
    try:
        result = subprocess.run(
            command,
            cwd=site_dir,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return [Problem(str(site_dir), None, f"Pagefind did not finish within {TIMEOUT_SECONDS} s")]
    except OSError as error:
        return [Problem(str(site_dir), None, f"cannot run Pagefind: {error}")]
    if result.returncode != 0:
        return [Problem(str(site_dir), None, f"Pagefind failed (exit {result.returncode}): {_describe(result)}")]
    if not (bundle / "pagefind.js").is_file():
        return [Problem(str(site_dir), None, f"Pagefind wrote no {BUNDLE_DIR}/pagefind.js: {_describe(result)}")]
    return []


def _describe(result: subprocess.CompletedProcess[str]) -> str:
    """Pagefind's output in one line; it prints some errors on both streams, so repeated lines are dropped."""
    lines: list[str] = []
    for line in (result.stderr + "\n" + result.stdout).splitlines():
        line = line.strip()
        if line and line not in lines:
            lines.append(line)
    return " ".join(lines) or "no output"
