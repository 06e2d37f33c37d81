"""RawRecord -> Paper, as a tuple of small, named, idempotent steps.

Every step takes a RawRecord and the venue catalog and returns a RawRecord in a
more canonical shape; applying a step twice gives what applying it once does.
Nothing read is dropped: a field the steps do not understand ends up in
``Paper.extra``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

from .model import ENTRY_TYPES, AuthorRef, Name, Paper, Problem, RawRecord, Source, Venue, VenueCatalog
from .names import parse_name

Step = Callable[[RawRecord, VenueCatalog], RawRecord]

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"[^\S\n]+")
_PARAGRAPH_BREAK = re.compile(r"\s*\n\s*\n\s*")
_YEAR = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?!\d)")
_ORDINAL = re.compile(r"\b(\d{1,3})(?:st|nd|rd|th)\b", re.IGNORECASE)
_PAGE_RANGE = re.compile(r"^\s*([\w.]+)\s*(?:-+|–|—)\s*([\w.]+)\s*$")
_DOI = re.compile(r"^(?:\s*(?:https?://(?:dx\.)?doi\.org/|doi:))+\s*", re.IGNORECASE)
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/([a-z\-]+/\d{7}|\d{4}\.\d{4,5})(?:v\d+)?", re.IGNORECASE)
_ARXIV_ID = re.compile(r"^(?:arxiv:)?([a-z\-]+/\d{7}|\d{4}\.\d{4,5})(?:v\d+)?$", re.IGNORECASE)
_URL = re.compile(r"https?://[^\s<>\"'()\[\]{}]+", re.IGNORECASE)
_CODE_HOSTS = re.compile(r"//(?:www\.)?(?:github\.com|gitlab\.com|bitbucket\.org|codeberg\.org)/", re.IGNORECASE)
_DATA_HOSTS = re.compile(r"//(?:huggingface\.co/datasets|zenodo\.org|kaggle\.com/datasets)/", re.IGNORECASE)
# What ends a sentence or a quotation rather than a URL: "see https://github.com/a/b." or “…/b”.
_URL_TRAILER = ".,;:!?\u201d\u2019\u00bb\u203a\u2026"
# A comment naming a venue it was only sent to ("Submitted to ICLR 2024") states no venue.
_NOT_ACCEPTED = re.compile(r"\b(?:submitted|submission|under review|in review|rejected)\b", re.IGNORECASE)
# BibTeX entry types the record model has no name for; anything else unknown becomes ``misc``.
_ENTRY_TYPE_ALIASES = {"conference": "inproceedings", "report": "techreport", "thesis": "phdthesis"}

# Fields of RawRecord.fields that become Paper attributes; the rest go to ``extra``.
_READER_ONLY = {"page_owner", "key", "date", "venue_line", "comment", "entry_type", "eprint", "archiveprefix",
                "primaryclass", "author", "editor", "abstract_truncated", "_problems"}
_PAPER_FIELDS = {"title", "authors", "editors", "year", "month", "venue", "track", "booktitle", "journal", "volume",
                 "number", "pages", "publisher", "address", "doi", "url", "arxiv", "abstract", "note", "links", "type"}


def _clean(value: Any, keep_paragraphs: bool = False) -> Any:
    if isinstance(value, str):
        # Invisible characters go first: one between a letter and its accent blocks composition.
        text = unicodedata.normalize("NFC", value.translate(_INVISIBLE))
        if keep_paragraphs:
            return "\n\n".join(_SPACES.sub(" ", p.replace("\n", " ")).strip() for p in _PARAGRAPH_BREAK.split(text.strip()) if p.strip())
        return " ".join(text.split())
    if isinstance(value, list):
        return [_clean(item) for item in value]
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    return value


def clean_text(record: RawRecord, catalog: VenueCatalog) -> RawRecord:
    """Unicode NFC, invisible characters removed, whitespace collapsed (abstracts keep paragraphs)."""
    return record.with_fields(
        **{key: _clean(value, keep_paragraphs=key == "abstract") for key, value in record.fields.items()}
    )


def unify_fields(record: RawRecord, catalog: VenueCatalog) -> RawRecord:
    """Map BibTeX field names onto the record vocabulary."""
    fields = record.fields
    changes: dict[str, Any] = {}
    if "author" in fields and "authors" not in fields:
        changes["authors"], changes["author"] = fields["author"], None
    if "editor" in fields and "editors" not in fields:
        changes["editors"], changes["editor"] = fields["editor"], None
    eprint, prefix = fields.get("eprint"), str(fields.get("archiveprefix", "arxiv")).lower()
    if eprint and prefix == "arxiv" and "arxiv" not in fields:
        changes["arxiv"] = eprint
        changes["eprint"] = changes["archiveprefix"] = changes["primaryclass"] = None
    entry_type = fields.get("entry_type")
    if entry_type:
        if "type" in fields:  # BibTeX's own `type` field ("Research Note") is not the entry type
            changes["bibtex_type"] = fields["type"]
        if entry_type in _ENTRY_TYPE_ALIASES:
            changes["type"] = _ENTRY_TYPE_ALIASES[entry_type]
        elif entry_type in ENTRY_TYPES:
            changes["type"] = entry_type
        else:
            changes["type"] = "misc"
            changes["_problems"] = [*fields.get("_problems", []), f"entry type @{entry_type} is not known; kept as @misc"]
        changes["entry_type"] = None
    return record.with_fields(**changes)


def _name_fields(name: Name) -> dict[str, str]:
    return {"given": name.given, "family": name.family} if name.given else {"family": name.family}


def parse_authors(record: RawRecord, catalog: VenueCatalog) -> RawRecord:
    """Names as printed ("Hai-Tao Zheng", "van der Berg, Jan") become {given, family}."""
    changes = {}
    for key in ("authors", "editors"):
        names = record.fields.get(key)
        if isinstance(names, list) and any(isinstance(name, str) for name in names):
            changes[key] = [parsed for parsed in map(_parse_printed_name, names) if parsed]
    return record.with_fields(**changes)


def _parse_printed_name(name: Any) -> Any:
    if not isinstance(name, str):
        return name
    try:
        return _name_fields(parse_name(name))
    except ValueError:  # nothing but spaces and commas: no name to keep
        return None


def parse_month(text: Any) -> int | None:
    if isinstance(text, int):
        return text if 1 <= text <= 12 else None
    match = re.match(r"\s*([a-z]+|\d{1,2})", str(text), re.IGNORECASE)
    if not match:
        return None
    token = match.group(1).lower()
    if token.isdigit():
        return int(token) if 1 <= int(token) <= 12 else None
    return MONTHS.index(token[:3]) + 1 if token[:3] in MONTHS else None


def parse_date(record: RawRecord, catalog: VenueCatalog) -> RawRecord:
    """Year and month as integers, from BibTeX fields or a listing's date line."""
    fields = record.fields
    changes: dict[str, Any] = {}
    year, month = fields.get("year"), fields.get("month")
    problems = list(fields.get("_problems", []))
    if isinstance(year, str):
        found = _YEAR.search(year)
        changes["year"] = int(found.group(1)) if found else None
    if month is not None and not isinstance(month, int):
        changes["month"] = parse_month(month)
        if changes["month"] is None:
            problems.append(f"month {month!r} is not a month; left empty")
    date = fields.get("date")
    # The date line also stands in for a year that is missing or unreadable, so that a
    # second run (which no longer sees the unreadable year) finds the same year.
    if date and changes.get("year", fields.get("year")) is None and "comment_venue" not in fields:
        found = _YEAR.search(date)
        if found:
            changes["year"] = int(found.group(1))
            changes["month"] = parse_month(date)
    if isinstance(year, str) and changes["year"] is None:
        problems.append(f"year {year!r} is not a year; left empty")
    if len(problems) > len(fields.get("_problems", [])):
        changes["_problems"] = problems
    return record.with_fields(**changes)


# A workshop held at a conference ("... Workshop on X (NLP4X @ ACL 2022)") is not the conference;
# the conference's own student workshop is one of its tracks.
_WORKSHOP = re.compile(r"\bworkshops?\b(?<!student research workshop)", re.IGNORECASE)


def _find_venue(text: str, catalog: VenueCatalog, include_preprints: bool = True) -> Venue | None:
    is_workshop = bool(_WORKSHOP.search(text))
    for venue in catalog.venues:
        if not include_preprints and venue.kind == "preprint":
            continue
        if is_workshop and venue.kind != "workshop":
            continue
        if any(pattern.search(text) for pattern in venue.patterns):
            return venue
    return None


def _find_track(text: str, catalog: VenueCatalog) -> str | None:
    for track in catalog.tracks:
        if any(pattern.search(text) for pattern in track.patterns):
            return track.id
    return None


def _venue_year(text: str, venue: Venue | None) -> int | None:
    found = _YEAR.search(text)
    if found:
        return int(found.group(1))
    ordinal = _ORDINAL.search(text)
    if ordinal and venue and venue.ordinal_year_base:
        return venue.ordinal_year_base + int(ordinal.group(1))
    return None


def detect_venue(record: RawRecord, catalog: VenueCatalog) -> RawRecord:
    """Venue id, track and year from the venue line, booktitle, journal or an arXiv comment."""
    fields = record.fields
    if "venue" in fields:
        return record
    changes: dict[str, Any] = {}
    venue_line = fields.get("venue_line")
    if venue_line:
        venue = _find_venue(venue_line, catalog)
        kind = venue.kind if venue else "conference"
        changes["journal" if kind == "journal" else "booktitle"] = venue_line
        changes["venue_line"] = None
        changes["type"] = venue.entry_type if venue else "inproceedings"
        text = venue_line
    else:
        text = fields.get("journal") or fields.get("booktitle") or ""
        venue = _find_venue(text, catalog) if text else None
    if venue_line is None and not text and record.format == "arxiv-listing":
        comment = fields.get("comment") or ""
        # A comment states a venue only if it names one and a year ("Accepted to AAAI 2022").
        stated = _find_venue(comment, catalog, include_preprints=False) if comment else None
        if stated and _YEAR.search(comment) and not _NOT_ACCEPTED.search(comment):
            venue, text = stated, comment
            changes.update(type=stated.entry_type, comment=None, comment_venue=comment)
            changes["year"], changes["month"] = _venue_year(comment, stated), None
        else:
            venue = catalog.get("arxiv")
            changes["type"] = "misc"
    if venue is not None:
        changes["venue"] = venue.id
    if text:
        track = _find_track(text, catalog)
        if track:
            changes["track"] = track
        if not isinstance(fields.get("year"), int) and "year" not in changes:
            year = _venue_year(text, venue)
            if year:
                changes["year"] = year
    return record.with_fields(**changes)


def normalize_identifiers(record: RawRecord, catalog: VenueCatalog) -> RawRecord:
    """DOI without resolver prefix, arXiv id without version, page ranges with ``--``."""
    fields = record.fields
    changes: dict[str, Any] = {}
    if fields.get("doi"):
        changes["doi"] = _DOI.sub("", fields["doi"]).strip()
    arxiv = fields.get("arxiv")
    if arxiv:
        found = _ARXIV_ID.match(arxiv.strip())
        changes["arxiv"] = found.group(1) if found else arxiv.strip()
    elif fields.get("url") and _ARXIV_URL.search(fields["url"]):
        changes["arxiv"] = _ARXIV_URL.search(fields["url"]).group(1)
    pages = fields.get("pages")
    if pages:
        found = _PAGE_RANGE.match(pages)
        changes["pages"] = f"{found.group(1)}--{found.group(2)}" if found else pages.strip()
    return record.with_fields(**changes)


def extract_links(record: RawRecord, catalog: VenueCatalog) -> RawRecord:
    """Code and data URLs written in the abstract also go to ``links``."""
    abstract = record.fields.get("abstract") or ""
    links = dict(record.fields.get("links") or {})
    for url in _URL.findall(abstract):
        url = url.rstrip(_URL_TRAILER)
        if _CODE_HOSTS.search(url):
            links.setdefault("code", url)
        elif _DATA_HOSTS.search(url):
            links.setdefault("data", url)
    return record.with_fields(links=links or None)


def mark_comment_as_note(record: RawRecord, catalog: VenueCatalog) -> RawRecord:
    """A comment that states no venue ("10 pages, 4 figures") is kept as the note."""
    comment = record.fields.get("comment")
    if not comment:
        return record
    note = record.fields.get("note")
    return record.with_fields(note=f"{note}; {comment}" if note and comment not in note else note or comment, comment=None)


STEPS: tuple[Step, ...] = (
    clean_text,
    unify_fields,
    parse_authors,
    parse_date,
    detect_venue,
    mark_comment_as_note,
    normalize_identifiers,
    extract_links,
)


def normalize_record(record: RawRecord, catalog: VenueCatalog) -> tuple[Paper, list[Problem]]:
    """Run every step, then build an (id-less) Paper from the canonical fields."""
    for step in STEPS:
        record = step(record, catalog)
    return paper_from_record(record)


def missing_fields(paper: Paper, problems: list[Problem]) -> list[Problem]:
    """What a normalized BibTeX entry lacks: no title rejects it; no author nor editor, or no year, is reported.

    ``problems`` are the ones normalizing it gave: a year already reported unreadable is not reported again.
    Other formats are left alone (an abstract without a title goes to the unresolved list).
    """
    source = paper.sources[0] if paper.sources else None
    if source is None or source.format != "bibtex":
        return []
    where, key = (source.file, source.line), source.key
    if not paper.title:
        return [Problem(*where, f"{key}: no title; skipped", is_rejection=True)]
    found = []
    if not paper.authors and not paper.editors:
        found.append(Problem(*where, f"{key}: no author"))
    if paper.year is None and not any(problem.message.startswith("year ") for problem in problems):
        found.append(Problem(*where, f"{key}: no year"))
    return found


def paper_from_record(record: RawRecord) -> tuple[Paper, list[Problem]]:
    fields = record.fields
    problems = [Problem(record.path, record.line, message) for message in fields.get("_problems", [])]
    extra = {
        key: str(value)
        for key, value in fields.items()
        if key not in _PAPER_FIELDS and key not in _READER_ONLY and key != "comment_venue" and value not in (None, "")
    }
    source = Source(record.path, record.line, record.format, fields.get("key"))
    paper = Paper(
        id="",
        type=fields.get("type") or "misc",
        title=fields.get("title") or "",
        authors=tuple(AuthorRef(Name(a.get("given"), a["family"])) for a in fields.get("authors") or () if a.get("family")),
        year=fields.get("year"),
        month=fields.get("month"),
        venue_id=fields.get("venue"),
        track=fields.get("track"),
        booktitle=fields.get("booktitle"),
        journal=fields.get("journal"),
        volume=fields.get("volume"),
        number=fields.get("number"),
        pages=fields.get("pages"),
        editors=tuple(Name(e.get("given"), e["family"]) for e in fields.get("editors") or () if e.get("family")),
        publisher=fields.get("publisher"),
        address=fields.get("address"),
        doi=fields.get("doi"),
        url=fields.get("url"),
        arxiv=fields.get("arxiv"),
        abstract=fields.get("abstract") or None,
        is_abstract_truncated=bool(fields.get("abstract_truncated")),
        note=fields.get("note"),
        links=dict(fields.get("links") or {}),
        extra=extra,
        sources=(source,),
    )
    return paper, problems
