"""Complete thin records from a reference bibliography (such as the whole ACL Anthology).

The reference is parsed once and indexed by keys computed from its raw LaTeX
values; only entries that match something are decoded and normalized, so a
100,000-entry reference costs one parse, not 100,000 LaTeX decodings.
"""

from __future__ import annotations

from pathlib import Path

from bibtexparser.model import Entry
from rapidfuzz import fuzz, process

from . import match
from .model import Paper, Problem, VenueCatalog
from .normalize import normalize_record
from .sources import decode_text, read_bytes
from .sources.bibtex import parse_entries, record_from_entry, resolve_value

# Whole volumes are not papers; their titles would only produce false matches.
_SKIPPED_TYPES = {"proceedings", "book"}


class ReferenceIndex:
    def __init__(self, label: str, entries: list[Entry], strings: dict[str, str], catalog: VenueCatalog) -> None:
        self.label = label
        self._catalog = catalog
        self._strings = strings
        self._entries = [entry for entry in entries if entry.entry_type.lower() not in _SKIPPED_TYPES]
        self._title_keys = [match.text_key(self._raw(entry, "title")) for entry in self._entries]
        self._by_title: dict[str, list[int]] = {}
        self._by_abstract_start: dict[str, list[int]] = {}
        self._abstract_keys: dict[int, str] = {}
        for position, (entry, title) in enumerate(zip(self._entries, self._title_keys)):
            if title:
                self._by_title.setdefault(title, []).append(position)
            abstract = match.text_key(self._raw(entry, "abstract"))
            if abstract:
                self._abstract_keys[position] = abstract
                self._by_abstract_start.setdefault(abstract[: match.ABSTRACT_BUCKET], []).append(position)
        self._normalized: dict[int, Paper] = {}

    @classmethod
    def from_file(cls, path: Path, label: str, catalog: VenueCatalog) -> tuple[ReferenceIndex, list[Problem]]:
        text, problems = decode_text(read_bytes(path), label)
        entries, strings, parse_problems = parse_entries(label, text)
        return cls(label, entries, strings, catalog), problems + parse_problems

    def __len__(self) -> int:
        return len(self._entries)

    def _paper(self, position: int) -> Paper:
        if position not in self._normalized:
            record, _ = record_from_entry(self.label, self._entries[position], self._strings)
            self._normalized[position], _ = normalize_record(record, self._catalog)
        return self._normalized[position]

    def lookup(self, paper: Paper) -> Paper | None:
        """The reference entry describing ``paper``, normalized, or None."""
        title = match.text_key(paper.title)
        for position in self._by_title.get(title, ()) if title else ():
            if match.authors_compatible(paper, self._paper(position)):
                return self._paper(position)
        abstract = match.text_key(paper.abstract)
        if abstract:
            for position in self._by_abstract_start.get(abstract[: match.ABSTRACT_BUCKET], ()):
                if match.abstracts_match(abstract, self._abstract_keys[position]):
                    return self._paper(position)
        if title:
            found = process.extractOne(title, self._title_keys, scorer=fuzz.ratio, score_cutoff=match.TITLE_THRESHOLD)
            if found is not None and match.authors_compatible(paper, self._paper(found[2])):
                return self._paper(found[2])
        return None

    def _raw(self, entry: Entry, key: str) -> str:
        """A field's value with macros resolved but LaTeX not yet decoded (enough for keys)."""
        field = entry.fields_dict.get(key)
        return resolve_value(field.value, self._strings) if field is not None and isinstance(field.value, str) else ""
