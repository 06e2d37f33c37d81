"""Check the fast LaTeX decoder against pylatexenc on every text field of a whole bibliography.

    python benchmarks/bench_latex.py [FILE.bib[.xz]]

Without an argument it reads the ACL Anthology beside the project
(../shared/corpus/acl-anthology.bib.xz) and says so when it is missing. Every value
``bibsite import`` decodes (prose fields, and the given and family part of each name)
goes through ``decode_latex`` and through ``decode_latex_with_pylatexenc``; any
difference is printed (the fast path must then be narrowed), and the exit status is 1.
pylatexenc is slow, so the reference runs in one process per core.
"""

from __future__ import annotations

import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.latex import decode_latex, decode_latex_with_pylatexenc, has_latex
from generator.names import parse_name, split_bibtex_names
from generator.sources import decode_text, read_bytes
from generator.sources.bibtex import NAME_FIELDS, TEXT_FIELDS, parse_entries, resolve_value

CORPUS = ROOT.parent / "shared" / "corpus" / "acl-anthology.bib.xz"


def decoded_values(path: Path) -> list[str]:
    """Every distinct string import hands to ``decode_latex`` for this file, in file order."""
    text, _ = decode_text(read_bytes(path), path.name)
    entries, strings, _ = parse_entries(path.name, text)
    values: dict[str, None] = {}
    for entry in entries:
        for field in entry.fields:
            name = field.key.lower()
            value = resolve_value(field.value if isinstance(field.value, str) else str(field.value), strings)
            if name in TEXT_FIELDS:
                values[value] = None
            elif name in NAME_FIELDS:
                for raw in split_bibtex_names(value):
                    parsed = parse_name(raw)
                    values[parsed.family] = None
                    if parsed.given:
                        values[parsed.given] = None
    return list(values)


def _reference(chunk: list[str]) -> list[str]:
    return [decode_latex_with_pylatexenc(value) for value in chunk]


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS
    if not path.exists():
        print(f"{path} is not there; nothing to check")
        return 0
    values = decoded_values(path)
    with_latex = [value for value in values if has_latex(value)]
    started = time.perf_counter()
    fast = [decode_latex(value) for value in with_latex]
    fast_seconds = time.perf_counter() - started

    started = time.perf_counter()
    workers = os.cpu_count() or 1
    size = len(with_latex) // workers + 1
    with ProcessPoolExecutor(workers) as pool:
        reference = [text for chunk in pool.map(_reference, [with_latex[i : i + size] for i in range(0, len(with_latex), size)]) for text in chunk]
    reference_seconds = time.perf_counter() - started

    mismatches = [(value, got, want) for value, got, want in zip(with_latex, fast, reference) if got != want]
    for value, got, want in mismatches[:50]:
        print(f"MISMATCH {value!r}\n   fast: {got!r}\n   pylatexenc: {want!r}")
    print(f"{path.name}: {len(values)} distinct values, {len(with_latex)} with LaTeX signs")
    print(f"  decode_latex: {fast_seconds:.1f} s; pylatexenc alone: {reference_seconds:.1f} s on {workers} processes")
    print(f"  {len(mismatches)} mismatches")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
