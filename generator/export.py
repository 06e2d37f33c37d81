"""BibTeX for a paper, an author, the site; plus the one-line formatted citation.

Fields follow the ACL Anthology's own export: ``author = "Family, Given and ..."``,
``month = jul`` as a macro, ``pages = "1--10"``. Values are plain ASCII with LaTeX
escapes (pylatexenc) so any BibTeX accepts them; capitals that must survive any
bibliography style are protected with braces (``{BERT}``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from functools import lru_cache

from pylatexenc.latexencode import UnicodeToLatexEncoder

from .model import Library, Name, Paper

MONTH_MACROS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MATH = re.compile(r"(\$[^$]+\$)")
_SPECIALS = re.compile(r"([&%#_])")
# Characters that would end or unbalance a BibTeX value, or mean something to LaTeX.
_BRACES_ETC = {
    "{": r"\{", "}": r"\}", "~": r"{\textasciitilde}", "^": r"{\textasciicircum}", "\\": r"{\textbackslash}", '"': '{"}',
}
# A word whose case carries meaning: an acronym or a mixed-case name (BERT, bert2BERT, WebCPM, LLMs).
_KEEP_CASE = re.compile(r"(?<![\w{\\])([A-Za-z0-9]*[A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*|[a-z0-9]+[A-Z][A-Za-z0-9]*)(?![\w}])")

logging.getLogger("pylatexenc.latexencode").setLevel(logging.ERROR)  # characters with no LaTeX form stay UTF-8


@lru_cache(maxsize=1)
def _encoder() -> UnicodeToLatexEncoder:
    return UnicodeToLatexEncoder(
        replacement_latex_protection="braces-all", non_ascii_only=True, unknown_char_policy="keep"
    )


def to_latex(text: str) -> str:
    """Unicode -> ASCII LaTeX; ``$...$`` math is kept as written."""
    parts = []
    for index, part in enumerate(_MATH.split(text)):
        if index % 2:
            parts.append(part)
            continue
        part = _SPECIALS.sub(r"\\\1", "".join(_BRACES_ETC.get(char, char) for char in part))
        # pylatexenc looks at every character; plain ASCII (most text) has nothing left for it to do.
        parts.append(part if part.isascii() else _encoder().unicode_to_latex(part))
    return "".join(parts)


def protect_case(latex: str) -> str:
    """Brace acronyms and mixed-case words so bibliography styles do not lower-case them."""
    parts = _MATH.split(latex)
    return "".join(part if index % 2 else _KEEP_CASE.sub(r"{\1}", part) for index, part in enumerate(parts))


def _names(names: tuple[Name, ...]) -> str:
    return " and\n      ".join(to_latex(name.as_last_first()) for name in names)


def paper_fields(paper: Paper, library: Library) -> list[tuple[str, str]]:
    """(field, BibTeX value) pairs in the Anthology's order; values are already delimited."""
    venue = library.venues.get(paper.venue_id) if paper.venue_id else None
    fields: list[tuple[str, str]] = [("title", "{" + protect_case(to_latex(paper.title)) + "}")]
    if paper.authors:
        fields.append(("author", '"' + _names(tuple(a.name for a in paper.authors)) + '"'))
    if paper.editors:
        fields.append(("editor", '"' + _names(paper.editors) + '"'))
    if paper.type == "article":
        journal = paper.journal or (venue.name if venue else None)
        if journal:
            fields.append(("journal", '"' + to_latex(journal) + '"'))
        fields += [(key, f'"{to_latex(value)}"') for key, value in (("volume", paper.volume), ("number", paper.number)) if value]
    elif paper.type == "misc":
        if paper.arxiv:
            fields += [("eprint", f'"{paper.arxiv}"'), ("archivePrefix", '"arXiv"')]
        elif venue and venue.kind == "preprint":
            fields.append(("howpublished", '"' + to_latex(venue.name) + '"'))
    else:
        booktitle = paper.booktitle or (f"{venue.name} {paper.year}" if venue and paper.year else venue.name if venue else None)
        if booktitle:
            fields.append(("booktitle", '"' + to_latex(booktitle) + '"'))
    if paper.month:
        fields.append(("month", MONTH_MACROS[paper.month - 1]))
    if paper.year:
        fields.append(("year", f'"{paper.year}"'))
    for key, value in (("address", paper.address), ("publisher", paper.publisher), ("note", paper.note)):
        if value:
            fields.append((key, '"' + to_latex(value) + '"'))
    if paper.url:
        fields.append(("url", '"' + paper.url + '"'))
    if paper.doi:
        fields.append(("doi", '"' + paper.doi + '"'))
    if paper.pages:
        fields.append(("pages", '"' + to_latex(paper.pages).replace("{\\textendash}", "--") + '"'))
    if paper.abstract:
        fields.append(("abstract", '"' + to_latex(paper.abstract.replace("\n\n", " ")) + '"'))
    return fields


def export_paper_bibtex(paper: Paper, library: Library) -> str:
    body = ",\n".join(f"    {key} = {value}" for key, value in paper_fields(paper, library))
    return f"@{paper.type}{{{paper.id},\n{body}\n}}\n"


def export_entries(library: Library) -> dict[str, str]:
    """Every paper's entry, made once per build and shared by its page and every bundle holding it."""
    return {paper_id: export_paper_bibtex(paper, library) for paper_id, paper in library.papers.items()}


def export_bundle(paper_ids: tuple[str, ...], entries: dict[str, str]) -> str:
    """Several entries in one file; each key once."""
    return "\n".join(entries[paper_id] for paper_id in dict.fromkeys(paper_ids))


def bibtex_files(library: Library, entries: dict[str, str]) -> Iterator[tuple[str, str]]:
    """Every .bib the site offers: one per paper, one per person, all.bib."""
    for paper_id in library.papers:
        yield f"papers/{paper_id}/{paper_id}.bib", entries[paper_id]
    for person_id, paper_ids in library.papers_by_person.items():
        yield f"authors/{person_id}/{person_id}.bib", export_bundle(paper_ids, entries)
    yield "all.bib", export_bundle(tuple(sorted(library.papers)), entries)


def format_citation(paper: Paper, library: Library) -> str:
    """One line in the ACL Anthology's style: authors. year. title. In venue, pages, address. publisher."""
    names = [a.name.as_first_last() for a in paper.authors]
    authors = names[0] if len(names) == 1 else ", ".join(names[:-1]) + (" and " if names else "") + (names[-1] if names else "")
    venue = library.venues.get(paper.venue_id) if paper.venue_id else None
    parts = [f"{authors}." if authors else "", f"{paper.year}." if paper.year else "", f"{paper.title.rstrip('.')}."]
    where = paper.booktitle or paper.journal or (venue.name if venue else None)
    if paper.is_preprint and paper.arxiv:
        where = f"arXiv preprint arXiv:{paper.arxiv}"
    if where and paper.type == "article" and paper.volume:
        where += f", {paper.volume}" + (f"({paper.number})" if paper.number else "")
    if where:
        details = [("In " if paper.booktitle else "") + where]
        if paper.pages:
            details.append(f"pages {paper.pages.replace('--', '–')}")
        if paper.address:
            details.append(paper.address)
        parts.append(", ".join(details) + ".")
    if paper.publisher:
        parts.append(f"{paper.publisher}.")
    return " ".join(part for part in parts if part)
