"""BibTeX files, through bibtexparser v2; LaTeX in text fields is decoded to Unicode."""

from __future__ import annotations

import bisect
import dataclasses
import logging
import re
from dataclasses import dataclass
from functools import lru_cache

import bibtexparser
from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, Entry, ParsingFailedBlock

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


def parse_entries(label: str, text: str) -> tuple[list[Entry], dict[str, str], list[Problem]]:
    """Entries with raw values (in file order), the resolved @string table, and failed blocks."""
    entries, strings, problems, _ = _parse(label, text)
    return entries, strings, problems


def _parse(label: str, text: str) -> tuple[list[Entry], dict[str, str], list[Problem], list[str]]:
    """``parse_entries``, plus the keys of the entries bibtexparser registered (its duplicate check)."""
    # No middleware: values come raw (braces, quotes, `#`) and are resolved here, because
    # bibtexparser resolves a @string only when it is a field's whole value.
    library = bibtexparser.parse_string(text, parse_stack=[])
    strings = _resolve_strings(library.strings)
    problems = []
    entries = list(library.entries)
    keys = [entry.key for entry in entries]
    for block in library.failed_blocks:
        if isinstance(block, DuplicateFieldKeyBlock) and isinstance(block.ignore_error_block, Entry):
            entries.append(block.ignore_error_block)  # read; record_from_entry keeps the first value
        else:
            problems.append(describe_failure(label, block))
    return sorted(entries, key=lambda e: e.start_line or 0), strings, problems, keys


def read_bibtex(label: str, text: str) -> tuple[list[RawRecord], list[Problem]]:
    """Every entry as a RawRecord, with what its ``crossref`` entry gives it.

    Missing titles, authors and years are the business of ``normalize`` (a year may come from the booktitle).
    """
    part = read_bibtex_part(label, text)
    problems = part.failed + part.entry_problems
    by_key: dict[str, RawRecord] = {}
    for record in part.records:
        by_key.setdefault(str(record.fields["key"]).lower(), record)
    records = [_inherit(record, by_key, problems) for record in part.records]
    return records, problems


@dataclass
class BibtexPart:
    """What ``read_bibtex`` reads from a stretch of a file, before crossref inheritance."""

    records: list[RawRecord]
    failed: list[Problem]  # blocks that could not be read
    entry_problems: list[Problem]  # warnings about entries that were read
    keys: list[str]  # entry keys as bibtexparser's duplicate check saw them


def read_bibtex_part(label: str, text: str, line_offset: int = 0) -> BibtexPart:
    """The entries of ``text``; lines are counted from ``line_offset`` (where ``text`` starts in its file)."""
    entries, strings, failed, keys = _parse(label, text)
    records, entry_problems = [], []
    for entry in entries:
        record, problems = record_from_entry(label, entry, strings)
        records.append(record)
        entry_problems.extend(problems)
    if line_offset:
        records = [RawRecord(r.path, r.line + line_offset, r.format, r.fields) for r in records]
        failed, entry_problems = _shift(failed, line_offset), _shift(entry_problems, line_offset)
    return BibtexPart(records, failed, entry_problems, keys)


def _shift(problems: list[Problem], lines: int) -> list[Problem]:
    return [dataclasses.replace(p, line=p.line + lines) if p.line is not None else p for p in problems]


# Where a file may be cut so that each part reads as it would in the whole file: before an entry
# that starts a line. bibtexparser starts a new block there whatever came before (an unclosed
# entry fails at that point, as it fails at the end of a part).
_PART_START = re.compile(r"\n(?=@\w*[ \t]*\{)")
# What spans parts: @string macros and crossref. A file that mentions either is read whole.
# (Searched in ASCII-lower-cased bytes: str.lower() of a large non-ASCII text is ten times slower;
# and as two searches: an alternation makes the regex engine try every position of the text.)
_STRING_MACRO = re.compile(rb"@\s*string")


def split_bibtex(text: str, parts: int, first_share: float | None = None) -> list[tuple[int, str]]:
    """``text`` cut into at most ``parts`` pieces, each with the line it starts after.

    The first piece holds about ``first_share`` of the text (by default, as much as each other).

    Read one by one with ``read_bibtex_part`` and put together in order (failed blocks first,
    then entry warnings), the pieces give what ``read_bibtex`` gives for the whole text, except
    that an entry key in two pieces is a duplicate the pieces cannot see (callers check ``keys``).
    """
    if parts < 2:
        return [(0, text)]
    lowered = text.encode().lower()
    if b"crossref" in lowered or _STRING_MACRO.search(lowered):
        return [(0, text)]
    first_share = first_share or 1 / parts
    # Reading an entry costs about as much as reading 400 characters of its text: pieces are
    # balanced on characters plus 400 per entry (ACL Anthology: short old entries, long new ones).
    starts = [found.end() for found in _PART_START.finditer(text)]
    weights = [start + 400 * index for index, start in enumerate(starts)]
    total = len(text) + 400 * len(starts)
    cuts = sorted({starts[min(bisect.bisect_left(weights, total * share), len(starts) - 1)]
                   for share in (first_share + index * (1 - first_share) / (parts - 1) for index in range(parts - 1))}
                  if starts else set())
    pieces = []
    start = offset = 0
    for cut in [*cuts, len(text)]:
        piece = text[start:cut]
        pieces.append((offset, piece))
        # bibtexparser counts a line break only where no backslash precedes it.
        offset += piece.count("\n") - piece.count("\\\n")
        start = cut
    return pieces


# A crossref parent's own identity is not passed on: its DOI, URL, eprint, pages and abstract
# describe the volume, and an inherited abstract would even make every child the same paper.
_NOT_INHERITED = frozenset(
    {"entry_type", "key", "crossref", "title", "shorttitle", "subtitle", "titleaddon", "abstract", "doi", "url",
     "eprint", "archiveprefix", "primaryclass", "pages", "ids"}
)
# Parents whose title is the title of the book a child appears in (biber's default inheritance).
_VOLUME_TYPES = frozenset({"proceedings", "book", "collection", "mvproceedings", "mvbook", "mvcollection", "reference"})


def _inherit(record: RawRecord, by_key: dict[str, RawRecord], problems: list[Problem]) -> RawRecord:
    """``crossref = {key}``: the fields the entry lacks, from the entry ``key`` of the same file.

    The ``crossref`` field itself is dropped; a parent's own crossref is followed too (as biber does).
    """
    fields = record.fields
    if "crossref" not in fields:
        return record
    inherited: dict[str, object] = {}
    seen = {str(fields["key"]).lower()}
    target = str(fields["crossref"]).strip()
    while target:
        parent = by_key.get(target.lower())
        if parent is None:
            problems.append(Problem(record.path, record.line, f"{fields['key']}: crossref to unknown entry {target!r}"))
            break
        if target.lower() in seen:
            problems.append(Problem(record.path, record.line, f"{fields['key']}: crossref cycle at {target!r}; not followed"))
            break
        seen.add(target.lower())
        for name, value in parent.fields.items():
            if name not in _NOT_INHERITED and name not in fields and name not in inherited and value not in ("", []):
                inherited[name] = list(value) if isinstance(value, list) else value
        title = parent.fields.get("title")
        if "booktitle" not in fields and "booktitle" not in inherited and title and parent.fields["entry_type"] in _VOLUME_TYPES:
            inherited["booktitle"] = title
        target = str(parent.fields.get("crossref", "")).strip()
    fields = {name: value for name, value in fields.items() if name != "crossref"}
    fields.update(inherited)
    return RawRecord(record.path, record.line, record.format, fields)


def record_from_entry(label: str, entry: Entry, strings: dict[str, str]) -> tuple[RawRecord, list[Problem]]:
    """One entry from ``parse_entries`` as a RawRecord: macros resolved, prose and names decoded."""
    problems = []
    fields: dict[str, object] = {"entry_type": entry.entry_type.lower(), "key": entry.key}
    for field in entry.fields:
        name = field.key.lower()
        value = resolve_value(field.value if isinstance(field.value, str) else str(field.value), strings)
        if name in fields:
            problems.append(Problem(label, entry.start_line + 1, f"{entry.key}: field {name!r} repeated; first kept"))
            continue
        if name in NAME_FIELDS:
            fields[name] = [dict(_decode_name(raw)) for raw in split_bibtex_names(value)]
        elif name in _OWN_TEXT_FIELDS:
            fields[name] = decode_latex(value)
        elif name in TEXT_FIELDS:
            fields[name] = _decode_shared(value)
        else:
            fields[name] = value.strip()
    return RawRecord(label, entry.start_line + 1, FORMAT, fields), problems


_BRACE = re.compile(r"(?<!\\)[{}]")


def _split_concatenation(value: str) -> list[str]:
    """``acl # " 2023"`` -> ``["acl ", ' " 2023"']``: split on ``#`` outside braces and quotes."""
    parts, depth, in_quotes, start = [], 0, False, 0
    for index, char in enumerate(value):
        if index and value[index - 1] == "\\":
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif char == '"' and depth == 0:
            in_quotes = not in_quotes
        elif char == "#" and depth == 0 and not in_quotes:
            parts.append(value[start:index])
            start = index + 1
    parts.append(value[start:])
    return parts


def _encloses(value: str, opening: str, closing: str) -> bool:
    """Whether the delimiter at the first character is closed by the last one."""
    if len(value) < 2 or value[0] != opening or value[-1] != closing:
        return False
    if opening == '"':
        return True
    depth = 0
    for match in _BRACE.finditer(value):
        depth += 1 if match.group() == "{" else -1
        if depth <= 0:
            return match.end() == len(value)
    return False


def resolve_value(value: str, strings: dict[str, str]) -> str:
    """A raw BibTeX value: ``{...}`` and ``"..."`` unwrapped, @string macros expanded, ``#`` joined.

    An unknown macro (``month = oct``) is kept as its name.
    """
    parts = _split_concatenation(value) if "#" in value else [value]
    resolved = []
    for part in parts:
        part = part.strip()
        if _encloses(part, "{", "}") or _encloses(part, '"', '"'):
            resolved.append(part[1:-1])
        else:
            resolved.append(strings.get(part.lower(), part))
    return "".join(resolved)


def _resolve_strings(blocks: list) -> dict[str, str]:
    """@string definitions in file order; a definition may use the ones before it."""
    strings: dict[str, str] = {}
    for block in blocks:
        strings[block.key.lower()] = resolve_value(str(block.value), strings)
    return strings


# Prose fields each entry has its own of; the others (booktitle, publisher, address...) repeat
# from entry to entry and are decoded once.
_OWN_TEXT_FIELDS = frozenset({"title", "abstract", "note", "keywords"})


@lru_cache(maxsize=1 << 14)
def _decode_shared(value: str) -> str:
    return decode_latex(value)


@lru_cache(maxsize=1 << 16)
def _decode_name(raw: str) -> dict[str, str]:
    """One name, decoded; the same dict for every entry that has it, so callers copy it."""
    name = parse_name(raw)
    # A family name that decodes to nothing ("{") is kept as written rather than lost.
    decoded = {"family": decode_latex(name.family).strip() or name.family}
    given = decode_latex(name.given).strip() if name.given else None
    if given:
        decoded["given"] = given
    return decoded


def describe_failure(label: str, block: object) -> Problem:
    line = (getattr(block, "start_line", None) or 0) + 1
    if isinstance(block, DuplicateBlockKeyBlock):
        return Problem(label, line, f"duplicate key {block.key!r}; this entry was not read", is_rejection=True)
    if isinstance(block, ParsingFailedBlock):
        raw = block.raw.strip().split("\n", 1)[0][:60]
        return Problem(label, line, f"cannot parse entry {raw!r} (unbalanced braces or quotes?); skipped", is_rejection=True)
    return Problem(label, line, f"cannot read block: {type(block).__name__}", is_rejection=True)
