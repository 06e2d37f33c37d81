"""Cut the reference extract shipped in content/reference/ out of the whole ACL Anthology.

The shipped records are resolved against this extract, so a fresh clone can
re-create them (`make content`) without the 140 MB corpus. The extract holds
exactly the corpus entries that the seed listings resolve to.

    python benchmarks/make_seed_reference.py [CORPUS.bib.xz]
"""

from __future__ import annotations

import lzma
import re
import shutil
import sys
import tempfile
from pathlib import Path

from generator import store
from generator.importer import import_sources

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "acl-anthology.bib.xz"
OUTPUT = ROOT / "content" / "reference" / "acl-anthology-seeds.bib"
HEADER = """\
% Extract of the ACL Anthology (https://aclanthology.org), licensed CC BY 4.0.
% The entries the shipped example listings (content/raw/) resolve to, copied
% unchanged from the Anthology's BibTeX export; made by benchmarks/make_seed_reference.py.

"""
_ENTRY_START = re.compile(r"^@\w+\{([^,\s]+),", re.MULTILINE)


def referenced_keys(corpus: Path) -> set[str]:
    with tempfile.TemporaryDirectory() as scratch:
        content = Path(scratch)
        shutil.copy(ROOT / "content" / store.VENUES_FILE, content / store.VENUES_FILE)
        raw = sorted((ROOT / "content" / "raw").glob("*"))
        import_sources(raw, content, reference=corpus)
        papers = store.load_papers(content).papers
    return {s.key for paper in papers.values() for s in paper.sources if s.key and s.format == "bibtex"}


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CORPUS
    keys = referenced_keys(corpus)
    with lzma.open(corpus, "rt", encoding="utf-8") if corpus.suffix == ".xz" else open(corpus, encoding="utf-8") as f:
        text = f.read()
    starts = [m for m in _ENTRY_START.finditer(text)]
    chunks = []
    for n, found in enumerate(starts):
        if found.group(1) in keys:
            end = starts[n + 1].start() if n + 1 < len(starts) else len(text)
            chunks.append(text[found.start() : end].rstrip() + "\n")
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(HEADER + "".join(chunks), encoding="utf-8")
    print(f"{len(chunks)} of {len(keys)} referenced entries written to {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
