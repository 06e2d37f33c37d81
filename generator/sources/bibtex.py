"""BibTeX files, through bibtexparser v2; LaTeX in text fields is decoded to Unicode."""

from __future__ import annotations

import logging

import bibtexparser
from bibtexparser.model import DuplicateBlockKeyBlock, Entry, ParsingFailedBlock

from ..latex import decode_latex
from ..model import Problem, RawRecord
from ..names import parse_name, split_bibtex_names

FORMAT = "bibtex"

# Fields whose values are prose that may carry LaTeX markup. Others (url, doi,
# pages, eprint...) are identifiers and are kept as written.
TEXT_FIELDS = frozenset(
    {
        "title", "booktitle", "journal", "abstract", "note", "publisher", "address",
        "series", "school", "institution", "organization", "howpublished", "type",
        "chapter", "edition", "keywords",
    }
)
NAME_FIELDS = ("author", "editor")

# bibtexparser logs every failed block itself; this reader reports them as problems instead.
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)


def read_bibtex(label: str, text: str) -> tuple[list[RawRecord], list[Problem]]:
    library = bibtexparser.parse_string(text)
    problems = [describe_failure(label, block) for block in library.failed_blocks]
    records = []
    for entry in library.entries:
        record, entry_problems = record_from_entry(label, entry)
        records.append(record)
        problems.extend(entry_problems)
    return records, problems


def record_from_entry(label: str, entry: Entry) -> tuple[RawRecord, list[Problem]]:
    """One parsed entry as a RawRecord, its prose and names decoded from LaTeX."""
    problems = []
    fields: dict[str, object] = {"entry_type": entry.entry_type.lower(), "key": entry.key}
    for field in entry.fields:
        name = field.key.lower()
        value = field.value if isinstance(field.value, str) else str(field.value)
        if name in fields:
            problems.append(Problem(label, entry.start_line + 1, f"{entry.key}: field {name!r} repeated; first kept"))
            continue
        if name in NAME_FIELDS:
            fields[name] = [_decode_name(raw) for raw in split_bibtex_names(value)]
        elif name in TEXT_FIELDS:
            fields[name] = decode_latex(value)
        else:
            fields[name] = value.strip()
    return RawRecord(label, entry.start_line + 1, FORMAT, fields), problems


def _decode_name(raw: str) -> dict[str, str]:
    name = parse_name(raw)
    decoded = {"family": decode_latex(name.family)}
    if name.given:
        decoded["given"] = decode_latex(name.given)
    return decoded


def describe_failure(label: str, block: object) -> Problem:
    line = getattr(block, "start_line", 0) + 1
    if isinstance(block, DuplicateBlockKeyBlock):
        return Problem(label, line, f"duplicate key {block.key!r}; this entry was not read", is_rejection=True)
    if isinstance(block, ParsingFailedBlock):
        raw = block.raw.strip().split("\n", 1)[0][:60]
        return Problem(label, line, f"cannot parse entry {raw!r} (unbalanced braces or quotes?); skipped", is_rejection=True)
    return Problem(label, line, f"cannot read block: {type(block).__name__}", is_rejection=True)
