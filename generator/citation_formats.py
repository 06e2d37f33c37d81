"""CSL-JSON and RIS for each paper and for the whole site, from the same record as the BibTeX.

CSL-JSON follows what Zotero exports and pandoc/citeproc read: item types and variables of CSL 1.0.2,
names as ``{"family", "given"}`` (a mononym is a family name alone: ``literal`` is for institutions),
``issued`` as date parts, ``page`` with a plain hyphen. A preprint is Zotero's: type ``article``, the
server as ``publisher`` and its identifier as ``number`` (``arXiv:2402.01234``).

RIS follows the tags EndNote documents and Zotero writes: ``TAG  - value`` lines ending in CRLF, one
``AU`` per author as ``Family, Given``, ``DA`` as ``YYYY/MM//``, each record from ``TY`` to ``ER``.
Values are UTF-8 and on one line; abstracts are plain text (Markdown stripped).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from json.encoder import encode_basestring  # what json.dumps(..., ensure_ascii=False) quotes strings with
from typing import Any

from .export import container_title
from .markup import markdown_to_text
from .model import Library, Name, Paper, Venue, is_web_url


@dataclass(frozen=True, slots=True)
class CitationFormat:
    """A file offered next to the BibTeX on each paper page."""

    name: str  # as shown: "CSL-JSON"
    extension: str
    media_type: str
    readers: str  # programs that import it, shown as a hint


FORMATS = (
    CitationFormat("CSL-JSON", "json", "application/vnd.citationstyles.csl+json", "Zotero, pandoc"),
    CitationFormat("RIS", "ris", "application/x-research-info-systems", "EndNote, Mendeley"),
)

# BibTeX entry type -> CSL item type; a preprint (misc on arXiv or no venue) is "article", as Zotero maps it.
CSL_TYPES = {
    "inproceedings": "paper-conference",
    "article": "article-journal",
    "misc": "document",
    "proceedings": "book",
    "book": "book",
    "incollection": "chapter",
    "inbook": "chapter",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "techreport": "report",
    "unpublished": "manuscript",
}
# BibTeX entry type -> RIS reference type (RIS has no preprint type: GEN, with the server as PB).
RIS_TYPES = {
    "inproceedings": "CONF",
    "article": "JOUR",
    "misc": "GEN",
    "proceedings": "CONF",
    "book": "BOOK",
    "incollection": "CHAP",
    "inbook": "CHAP",
    "phdthesis": "THES",
    "mastersthesis": "THES",
    "techreport": "RPRT",
    "unpublished": "UNPB",
}
THESIS_GENRES = {"phdthesis": "PhD thesis", "mastersthesis": "Master's thesis"}
# Types whose record names a containing work: proceedings, journal, book.
_CONTAINED = {"inproceedings", "article", "incollection", "inbook", "misc"}
_PAGE_DASH = re.compile(r"\s*(?:--|[-\u2010-\u2015\u2212])\s*")
RIS_EOL = "\r\n"  # the RIS specification's line end; Zotero and EndNote write it too


def _venue(paper: Paper, library: Library) -> Venue | None:
    return library.venues.get(paper.venue_id) if paper.venue_id else None


def _container(paper: Paper, venue: Venue | None) -> str | None:
    """The proceedings, journal or book holding the paper; the same fallback to the venue as the BibTeX."""
    if paper.type not in _CONTAINED:
        return None
    if paper.type == "misc" and paper.journal and not paper.booktitle:
        return paper.journal
    return container_title(paper, venue)


def _publisher(paper: Paper, venue: Venue | None) -> str | None:
    """Who issued it: the institution of a report, the school of a thesis, the server of a preprint."""
    if paper.type == "techreport":
        return paper.extra.get("institution") or paper.publisher
    if paper.type in THESIS_GENRES:
        return paper.extra.get("school") or paper.publisher
    if paper.is_preprint and not paper.publisher:
        return venue.short if venue else "arXiv" if paper.arxiv else None
    return paper.publisher


def _web_url(paper: Paper) -> str | None:
    """The record's own http(s) address, else the arXiv page of a preprint."""
    if paper.url and is_web_url(paper.url.strip()):
        return paper.url
    return f"https://arxiv.org/abs/{paper.arxiv}" if paper.arxiv and paper.is_preprint else None


@lru_cache(maxsize=64)
def _plain_text(markdown: str | None) -> str | None:
    """An abstract as plain text on one line; cached because each paper's CSL and RIS both need it."""
    return markdown_to_text(markdown) or None


def _page_range(pages: str) -> tuple[str, str | None]:
    """Split a range at its dash ("101--112" -> "101", "112"); a single page has no end."""
    first, _, last = _PAGE_DASH.sub("-", pages.strip()).partition("-")
    return first, last or None


# ---------------------------------------------------------------- CSL-JSON


def _csl_name(name: Name) -> dict[str, str]:
    return {"family": name.family, "given": name.given} if name.given else {"family": name.family}


def paper_to_csl(paper: Paper, library: Library) -> dict[str, Any]:
    """One CSL-JSON item; variables without a value are left out."""
    venue = _venue(paper, library)
    csl_type = "article" if paper.type == "misc" and paper.is_preprint else CSL_TYPES.get(paper.type, "document")
    item: dict[str, Any] = {"id": paper.id, "citation-key": paper.id, "type": csl_type, "title": paper.title}
    if paper.authors:
        item["author"] = [_csl_name(author.name) for author in paper.authors]
    if paper.editors:
        item["editor"] = [_csl_name(name) for name in paper.editors]
    if paper.year:
        item["issued"] = {"date-parts": [[paper.year, paper.month] if paper.month else [paper.year]]}
    if paper.pages:
        first, last = _page_range(paper.pages)
        item["page"] = f"{first}-{last}" if last else first
    if paper.type == "article":
        item["issue"] = paper.number
    elif paper.type == "techreport":
        item["number"] = paper.number
    if paper.is_preprint and paper.arxiv:
        item["number"] = f"arXiv:{paper.arxiv}"
    item |= {
        "container-title": _container(paper, venue),
        "volume": paper.volume,
        "genre": THESIS_GENRES.get(paper.type),
        "publisher": _publisher(paper, venue),
        "publisher-place": paper.address,
        "DOI": paper.doi,
        "URL": _web_url(paper),
        "abstract": _plain_text(paper.abstract),
        "note": paper.note,
    }
    return {key: value for key, value in item.items() if value is not None}


def csl_json(papers: Iterable[Paper], library: Library) -> str:
    """A CSL-JSON file: an array of items, as pandoc and Zotero read it."""
    return join_csl(csl_entry(paper, library) for paper in papers)


def dump_csl_item(item: dict[str, Any]) -> str:
    """One item as it stands in an array (indented one level), so a file of many reuses each paper's text."""
    return "  " + _dump_json(item, "  ")


def _dump_json(value: Any, indent: str) -> str:
    """``json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2)`` nested ``indent`` deep; strings,
    integers, lists and dicts with string keys (all a CSL item holds) without json's slower indenting encoder."""
    if isinstance(value, str):
        return encode_basestring(value)
    if type(value) is int:
        return int.__repr__(value)
    inner = indent + "  "
    if type(value) is dict and value and all(type(key) is str for key in value):
        members = []
        for key, member in sorted(value.items()):
            text = encode_basestring(member) if type(member) is str else _dump_json(member, inner)
            members.append(f"{inner}{encode_basestring(key)}: {text}")
        return "{\n" + ",\n".join(members) + "\n" + indent + "}"
    if type(value) is list and value:
        separator = ",\n" + inner
        return "[\n" + inner + separator.join([_dump_json(member, inner) for member in value]) + "\n" + indent + "]"
    return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2).replace("\n", "\n" + indent)


def join_csl(dumped_items: Iterable[str]) -> str:
    """Items from ``dump_csl_item`` as one array: the bytes ``json.dumps(items, indent=2)`` would give."""
    body = ",\n".join(dumped_items)
    return f"[\n{body}\n]\n" if body else "[]\n"


def csl_chunks(dumped_items: Iterable[str]) -> Iterator[str]:
    """``join_csl``, piece by piece: a file of every paper is written without being held whole."""
    opening = "[\n"
    for item in dumped_items:
        yield opening + item
        opening = ",\n"
    yield "[]\n" if opening == "[\n" else "\n]\n"


# ---------------------------------------------------------------- RIS


def _ris_lines(tags: Iterable[tuple[str, str | None]]) -> list[str]:
    """``TAG  - value`` for each tag with a value, the value on one line; tags with only whitespace are left out."""
    lines = []
    for tag, value in tags:
        if value and (value := " ".join(value.split())):
            lines.append(f"{tag}  - {value}")
    return lines


def paper_to_ris(paper: Paper, library: Library) -> str:
    """One RIS record, TY first and ER last, every line ending in CRLF."""
    venue = _venue(paper, library)
    ris_type = RIS_TYPES.get(paper.type, "GEN")
    tags: list[tuple[str, str | None]] = [("TI", paper.title)]
    tags += [("AU", author.name.as_last_first()) for author in paper.authors]
    editor_tag = "A3" if ris_type == "BOOK" else "A2"  # a book's A2 is its series editor
    tags += [(editor_tag, name.as_last_first()) for name in paper.editors]
    tags.append(("T2", _container(paper, venue)))
    if ris_type == "CONF":
        tags.append(("C3", paper.booktitle))  # EndNote's and Zotero's "Proceedings Title"; others read only T2
    if paper.year:
        tags.append(("PY", str(paper.year)))
        if paper.month:
            tags.append(("DA", f"{paper.year:04d}/{paper.month:02d}//"))
    tags.append(("VL", paper.volume))
    if paper.type == "article":
        tags.append(("IS", paper.number))
    elif paper.type == "techreport":
        tags.append(("SN", paper.number))  # the report number, where EndNote and Zotero put it
    if paper.pages:
        first, last = _page_range(paper.pages)
        tags += [("SP", first), ("EP", last)]
    tags += [("PB", _publisher(paper, venue)), ("CY", paper.address), ("M3", THESIS_GENRES.get(paper.type))]
    if paper.is_preprint and paper.arxiv:
        tags.append(("M1", f"arXiv:{paper.arxiv}"))
    tags += [
        ("DO", paper.doi),
        ("UR", _web_url(paper)),
        ("AB", _plain_text(paper.abstract)),
        ("N1", paper.note),
    ]
    lines = [f"TY  - {ris_type}", *_ris_lines(tags), "ER  - "]
    return RIS_EOL.join(lines) + RIS_EOL


def join_ris(records: Iterable[str]) -> str:
    """Several records in one file, a blank line between them."""
    return RIS_EOL.join(records)


def joined_chunks(parts: Iterable[str], separator: str) -> Iterator[str]:
    """``separator.join(parts)``, piece by piece (see ``csl_chunks``)."""
    before = ""
    for part in parts:
        yield before + part
        before = separator


# ---------------------------------------------------------------- files


def csl_entry(paper: Paper, library: Library) -> str:
    """The paper's CSL-JSON item as ``dump_csl_item`` writes it; depends only on the paper and its venue."""
    return dump_csl_item(paper_to_csl(paper, library))


def csl_entries(library: Library) -> dict[str, str]:
    """Every paper's ``csl_entry``, made once per build and shared by its file and all.json."""
    return {paper_id: csl_entry(paper, library) for paper_id, paper in library.papers.items()}


def ris_entries(library: Library) -> dict[str, str]:
    """Every paper's RIS record, made once per build and shared by its file and all.ris."""
    return {paper_id: paper_to_ris(paper, library) for paper_id, paper in library.papers.items()}


def citation_files(
    library: Library, csl: Mapping[str, str] | None = None, ris: Mapping[str, str] | None = None
) -> Iterator[tuple[str, str]]:
    """Every CSL-JSON and RIS file: one of each per paper, beside its .bib, and all.json, all.ris.
    ``csl`` and ``ris`` are ``csl_entries`` and ``ris_entries``, if the caller has them already."""
    csl = csl_entries(library) if csl is None else csl
    ris = ris_entries(library) if ris is None else ris
    for paper_id in library.papers:
        yield f"papers/{paper_id}/{paper_id}.json", join_csl([csl[paper_id]])
        yield f"papers/{paper_id}/{paper_id}.ris", ris[paper_id]
    everything = sorted(library.papers)
    yield "all.json", join_csl(csl[paper_id] for paper_id in everything)
    yield "all.ris", join_ris(ris[paper_id] for paper_id in everything)
