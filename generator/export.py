"""BibTeX for a paper, an author, the site; plus the one-line formatted citation.

Fields follow the ACL Anthology's own export: ``author = "Family, Given and ..."``,
``month = jul`` as a macro, ``pages = "1--10"``. Values are plain ASCII with LaTeX
escapes (pylatexenc) so any BibTeX accepts them; capitals that must survive any
bibliography style are protected with braces (``{BERT}``).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from pylatexenc.latexencode import UnicodeToLatexEncoder

from .latex import decode_latex
from .model import Library, Name, Paper, Venue

MONTH_MACROS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MATH = re.compile(r"(\$[^$]+\$)")
# Characters that would end or unbalance a BibTeX value, or mean something to LaTeX.
_BRACES_ETC = {
    "{": r"\{", "}": r"\}", "~": r"{\textasciitilde}", "^": r"{\textasciicircum}", "\\": r"{\textbackslash}", '"': '{"}',
}
_ESCAPES = str.maketrans({**_BRACES_ETC, **{special: "\\" + special for special in "&%#_$"}})
_TO_ESCAPE = re.compile("[" + re.escape("".join(_BRACES_ETC) + "&%#_$") + "]")
_AND = re.compile(r"\band\b", re.IGNORECASE)
_FIELD_NAME = re.compile(r"[a-z][a-z0-9_-]*")
# A word whose case carries meaning: an acronym or a mixed-case name (BERT, bert2BERT, WebCPM, LLMs).
_WORD = re.compile(r"[^\W_]+")
# Stand-ins for the protecting braces while the text is escaped (escaping would turn real braces into \{).
_OPEN, _CLOSE = "\ue000", "\ue001"
# Entry types whose required container field BibTeX would miss; without one the entry becomes @misc.
_CONTAINER = {"inproceedings": "booktitle", "article": "journal", "incollection": "booktitle"}

logging.getLogger("pylatexenc.latexencode").setLevel(logging.ERROR)  # characters with no LaTeX form stay UTF-8


@dataclass(frozen=True, slots=True)
class BibtexStyle:
    """How entries are written: ASCII with LaTeX escapes (BibTeX) or UTF-8 (biber), with or without abstracts."""

    is_unicode: bool = False
    has_abstracts: bool = True


# Combining marks with a LaTeX accent command, for letters pylatexenc has no single macro for
# (Vietnamese stacks two accents: ế = e + circumflex + acute -> {\'{\^{e}}}).
_ACCENT_MACROS = {
    "\u0300": "`", "\u0301": "'", "\u0302": "^", "\u0303": "~", "\u0304": "=", "\u0306": "u", "\u0307": ".",
    "\u0308": '"', "\u030a": "r", "\u030b": "H", "\u030c": "v", "\u0323": "d", "\u0327": "c", "\u0328": "k",
    "\u0331": "b",
}


def _stacked_accents(char: str) -> str:
    """A letter with several accents as nested accent commands; the character itself if some mark has none."""
    base, *marks = unicodedata.normalize("NFD", char)
    if not base.isascii() or not marks or any(mark not in _ACCENT_MACROS for mark in marks):
        return char
    latex = base
    for mark in marks:
        latex = f"\\{_ACCENT_MACROS[mark]}{{{latex}}}"
    return "{" + latex + "}"


@lru_cache(maxsize=1)
def _encoder() -> UnicodeToLatexEncoder:
    return UnicodeToLatexEncoder(
        replacement_latex_protection="braces-all", non_ascii_only=True, unknown_char_policy=_stacked_accents
    )


@lru_cache(maxsize=4096)
def _char_to_latex(char: str) -> str:
    """One character as LaTeX, only if it decodes back to itself (pylatexenc writes Ŧ as a T with a macron)."""
    if char.isascii():
        return char
    latex = _encoder().unicode_to_latex(char)
    return latex if unicodedata.normalize("NFC", decode_latex(latex)) == char else char


@lru_cache(maxsize=1)
def proper_nouns() -> frozenset[str]:
    text = resources.files("generator").joinpath("data/proper_nouns.txt").read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def to_latex(text: str, is_unicode: bool = False) -> str:
    """Text -> a BibTeX value: specials escaped, non-ASCII as LaTeX unless ``is_unicode``; ``$...$`` kept."""
    if "$" not in text:  # no math: one part
        return _escape(text, is_unicode)
    parts = []
    for index, part in enumerate(_MATH.split(text)):
        parts.append(part if index % 2 and _is_safe_math(part) else _escape(part, is_unicode))
    return "".join(parts)


def _escape(text: str, is_unicode: bool) -> str:
    if _TO_ESCAPE.search(text):  # most text has nothing to escape, and a search costs less than a translation
        text = text.translate(_ESCAPES)
    if "--" in text:
        text = text.replace("--", "-{}-").replace("--", "-{}-")  # "--" would print as a dash
    # Plain ASCII (most text) has nothing left to encode.
    return text if is_unicode or text.isascii() else "".join(map(_char_to_latex, text))


def _is_safe_math(math: str) -> bool:
    """Math is kept as written only if it cannot end or unbalance the BibTeX value around it."""
    depth = 0
    for char in math.replace("\\{", "").replace("\\}", ""):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0 and not any(char in math for char in '"%#&')  # a comment or an error in math


def protect_case(text: str, opening: str = "{", closing: str = "}") -> str:
    """Brace what bibliography styles must not lower-case: acronyms and mixed-case words whole
    ({BERT}, {bert2BERT}, {LLMs}, {ÅSA}), listed proper nouns by their capital ({C}hinese). Math is left alone."""
    nouns = proper_nouns()

    def protect(match: re.Match[str]) -> str:
        word = match.group(0)
        # Two capitals or more always include one after the first letter.
        if not word[1:].islower() and any(map(str.isupper, word[1:])):
            return opening + word + closing
        if word in nouns:
            return opening + word[0] + closing + word[1:]
        return word

    parts = _MATH.split(text)
    return "".join(part if index % 2 else _WORD.sub(protect, part) for index, part in enumerate(parts))


def title_to_latex(title: str, is_unicode: bool = False) -> str:
    """The title as a BibTeX value: case protected on the Unicode text, then escaped."""
    latex = to_latex(protect_case(title, _OPEN, _CLOSE), is_unicode)
    return latex.replace(_OPEN, "{").replace(_CLOSE, "}")


def _as_identifier(text: str) -> str:
    """A URL or DOI inside a quoted value: only the characters that would break the value are percent-encoded."""
    return text.replace('"', "%22").replace("{", "%7B").replace("}", "%7D")


def _needs_group(text: str) -> bool:
    """A comma or a word "and" inside a name part would split it in BibTeX's name parser."""
    return "," in text or bool(_AND.search(text))


def _name(name: Name, style: BibtexStyle) -> str:
    family = to_latex(name.family, style.is_unicode)
    if not name.given:
        # A mononym is one family name even when it has several words ("Barnes and Noble").
        return "{" + family + "}" if " " in name.family or _needs_group(name.family) else family
    given = to_latex(name.given, style.is_unicode)
    family = "{" + family + "}" if _needs_group(name.family) else family
    given = "{" + given + "}" if _needs_group(name.given) else given
    return f"{family}, {given}"


def _names(names: tuple[Name, ...], style: BibtexStyle) -> str:
    return " and\n      ".join(_name(name, style) for name in names)


def container_title(paper: Paper, venue: Venue | None) -> str | None:
    """The journal or proceedings holding the paper, falling back to the venue's name (and year)."""
    if paper.type == "article":
        return paper.journal or (venue.name if venue else None)
    if paper.booktitle:
        return paper.booktitle
    if venue and venue.kind != "preprint":
        return f"{venue.name} {paper.year}" if paper.year else venue.name
    return None


def _entry_type(paper: Paper, container: str | None) -> str:
    return paper.type if paper.type not in _CONTAINER or container else "misc"


def paper_fields(paper: Paper, library: Library, style: BibtexStyle = BibtexStyle()) -> tuple[str, list[tuple[str, str]]]:
    """The entry type and (field, BibTeX value) pairs in the Anthology's order; values already delimited."""
    def quoted(text: str) -> str:
        return '"' + to_latex(text, style.is_unicode) + '"'

    venue = library.venues.get(paper.venue_id) if paper.venue_id else None
    container = container_title(paper, venue)
    entry_type = _entry_type(paper, container)
    fields: list[tuple[str, str]] = [("title", "{" + title_to_latex(paper.title, style.is_unicode) + "}")]
    if paper.authors:
        fields.append(("author", '"' + _names(tuple(a.name for a in paper.authors), style) + '"'))
    if paper.editors:
        fields.append(("editor", '"' + _names(paper.editors, style) + '"'))
    if entry_type == "article":
        fields.append(("journal", quoted(container or "")))
        fields += [(key, quoted(value)) for key, value in (("volume", paper.volume), ("number", paper.number)) if value]
    elif entry_type in ("inproceedings", "incollection"):
        fields.append(("booktitle", quoted(container or "")))
    elif entry_type == "misc":
        if paper.arxiv:
            # plain/plainnat ignore eprint; howpublished keeps the id visible in every style.
            fields += [("howpublished", f'"arXiv preprint arXiv:{paper.arxiv}"'), ("eprint", f'"{paper.arxiv}"'),
                       ("archivePrefix", '"arXiv"')]
        elif venue or paper.booktitle or paper.journal:
            fields.append(("howpublished", quoted(paper.booktitle or paper.journal or venue.name)))
    elif entry_type == "techreport":
        fields.append(("institution", quoted(paper.extra.get("institution") or paper.publisher or "")))
    # biblatex's @article/@report have no publisher or location; BibTeX's styles ignore them there.
    skipped = {"address", "publisher"} if (entry_type == "article" and style.is_unicode) or entry_type == "techreport" else set()
    if paper.month:
        fields.append(("month", MONTH_MACROS[paper.month - 1]))
    if paper.year:
        fields.append(("year", f'"{paper.year}"'))
    for key, value in (("address", paper.address), ("publisher", paper.publisher), ("note", paper.note)):
        if value and key not in skipped:
            fields.append((key, quoted(value)))
    if paper.url:
        fields.append(("url", '"' + _as_identifier(paper.url) + '"'))
    if paper.doi:
        # Identifiers are written as they are: \doi and \url print them verbatim, so an escape would show.
        fields.append(("doi", '"' + _as_identifier(paper.doi) + '"'))
    if paper.pages:
        fields.append(("pages", quoted(paper.pages).replace("-{}-", "--").replace("{\\textendash}", "--")))
    for key, value in sorted(paper.extra.items()):
        name = "type" if key == "bibtex_type" else key
        if name not in {field for field, _ in fields} and _FIELD_NAME.fullmatch(name):
            fields.append((name, quoted(value)))
    if paper.abstract and style.has_abstracts:
        fields.append(("abstract", quoted(paper.abstract.replace("\n\n", " "))))
    return entry_type, fields


def export_paper_bibtex(paper: Paper, library: Library, style: BibtexStyle = BibtexStyle()) -> str:
    entry_type, fields = paper_fields(paper, library, style)
    body = ",\n".join(f"    {key} = {value}" for key, value in fields)
    return f"@{entry_type}{{{paper.id},\n{body}\n}}\n"


def export_entries(library: Library, style: BibtexStyle = BibtexStyle()) -> dict[str, str]:
    """Every paper's entry, made once per build and shared by its page and every bundle holding it."""
    return {paper_id: export_paper_bibtex(paper, library, style) for paper_id, paper in library.papers.items()}


def export_bundle(paper_ids: tuple[str, ...], entries: dict[str, str]) -> str:
    """Several entries in one file; each key once."""
    return "\n".join(entries[paper_id] for paper_id in dict.fromkeys(paper_ids))


def export_selection(
    library: Library, style: BibtexStyle, person_id: str | None = None, venue_id: str | None = None
) -> str:
    """One .bib: every paper, or one person's, or one venue's (KeyError names what is unknown)."""
    if person_id is not None:
        if person_id not in library.papers_by_person:
            raise KeyError(f"author {person_id!r}")
        paper_ids = library.papers_by_person[person_id]
    elif venue_id is not None:
        if venue_id not in library.papers_by_venue:
            raise KeyError(f"venue {venue_id!r}")
        paper_ids = library.papers_by_venue[venue_id]
    else:
        paper_ids = tuple(sorted(library.papers))
    return export_bundle(paper_ids, {pid: export_paper_bibtex(library.papers[pid], library, style) for pid in paper_ids})


def bibtex_files(library: Library, entries: dict[str, str]) -> Iterator[tuple[str, str]]:
    """Every .bib the site offers: one per paper, one per person, all.bib."""
    for paper_id in library.papers:
        yield f"papers/{paper_id}/{paper_id}.bib", entries[paper_id]
    for person_id, paper_ids in library.papers_by_person.items():
        yield f"authors/{person_id}/{person_id}.bib", export_bundle(paper_ids, entries)
    for venue_id, paper_ids in library.papers_by_venue.items():
        yield f"venues/{venue_id}/{venue_id}.bib", export_bundle(paper_ids, entries)
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
