"""Text copied from an arXiv-style author listing page.

Layout: a header (``Alert button`` / ``Picture for NAME`` / ``NAME`` /
``Alert button``), then per entry: title, a date such as ``Oct 05, 2023``, the
authors separated by commas, ``Figure N for ...`` lines (noise), the abstract
(often cut short by the page), an optional ``* comment`` line, and a closing
``Viaarxiv icon`` line.
"""

from __future__ import annotations

import re

from ..latex import decode_latex
from ..model import Problem, RawRecord
from ..names import is_suffix

FORMAT = "arxiv-listing"

_CLOSER = re.compile(r"^\s*via\s*arxiv\s+icon\s*$", re.IGNORECASE)
_ALERT = re.compile(r"^\s*alert\s+button\s*$", re.IGNORECASE)
_PICTURE = re.compile(r"^\s*picture\s+for\s+(.+?)\s*$", re.IGNORECASE)
_FIGURE = re.compile(r"^\s*figure\s+\d+\s+for\s", re.IGNORECASE)
# "* 10 pages, 4 figures"; the space tells it from an abstract opening with "*emphasis*".
_COMMENT = re.compile(r"^\s*\*(?:\s+(.*?))?\s*$")
DATE = re.compile(
    r"^\s*(?P<month>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})\s*$",
    re.IGNORECASE,
)
# The page cuts abstracts short; a complete one ends like a sentence.
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)\s*$")
_SENTENCE_END = re.compile(r"[.!?)\]\"'”’]\s*$")


def looks_like(text: str) -> bool:
    lines = text.split("\n")
    return any(_CLOSER.match(line) for line in lines) or (
        any(_ALERT.match(line) for line in lines[:10]) and any(_PICTURE.match(line) for line in lines[:10])
    )


def is_closer(line: str) -> bool:
    """The ``Viaarxiv icon`` line that ends every entry."""
    return bool(_CLOSER.match(line))


def is_header(line: str) -> bool:
    """An ``Alert button`` or ``Picture for NAME`` line of the page header."""
    return bool(_ALERT.match(line) or _PICTURE.match(line))


def read_listing_page(label: str, text: str) -> tuple[list[RawRecord], list[Problem]]:
    numbered = list(enumerate(text.split("\n"), start=1))
    owner, numbered = _strip_header(numbered)
    blocks: list[list[tuple[int, str]]] = [[]]
    for number, line in numbered:
        if _CLOSER.match(line):
            blocks.append([])
        else:
            blocks[-1].append((number, line.strip()))
    records, problems = [], []
    for index, block in enumerate(blocks):
        content = [(n, line) for n, line in block if line]
        if not content:
            continue
        record, block_problems = _read_entry(label, content, owner)
        problems.extend(block_problems)
        if record is None:
            continue
        if index == len(blocks) - 1:
            problems.append(Problem(label, record.line, "last entry is not closed by 'Viaarxiv icon' (cut off?); kept"))
        records.append(record)
    return records, problems


def _strip_header(numbered: list[tuple[int, str]]) -> tuple[str | None, list[tuple[int, str]]]:
    """Drop the page header; return the page owner's name if the header names one."""
    owner = None
    position = 0
    for position, (_, line) in enumerate(numbered):
        picture = _PICTURE.match(line)
        if picture:
            owner = picture.group(1)
        elif line.strip() and not _ALERT.match(line) and line.strip() != owner:
            break
    else:
        position = len(numbered)
    return owner, numbered[position:]


def _read_entry(
    label: str, content: list[tuple[int, str]], owner: str | None
) -> tuple[RawRecord | None, list[Problem]]:
    problems = []
    date_at = next((i for i, (_, line) in enumerate(content) if DATE.match(line)), None)
    first_line = content[0][0]
    if date_at is None:
        problems.append(Problem(label, first_line, "entry has no date line; year unknown"))
        title_lines, rest = content[:1], content[1:]
    else:
        title_lines, rest = content[:date_at], content[date_at + 1 :]
    if not title_lines:
        return None, [Problem(label, first_line, "entry has no title; skipped", is_rejection=True)]
    fields: dict[str, object] = {"title": " ".join(line for _, line in title_lines)}
    if date_at is not None:
        fields["date"] = content[date_at][1]
    rest = [(n, line) for n, line in rest if not _FIGURE.match(line)]
    if rest and not _COMMENT.match(rest[0][1]):
        fields["authors"] = _split_authors(rest[0][1])
        rest = rest[1:]
    comments = [_COMMENT.match(line).group(1) or "" for _, line in rest if _COMMENT.match(line)]
    paragraphs = [line for _, line in rest if not _COMMENT.match(line)]
    if any(comments):
        fields["comment"] = decode_latex(" ".join(c for c in comments if c))
    if paragraphs:
        # Listing pages show arXiv's LaTeX source text (`0.05\%`, ``quotes'').
        abstract = decode_latex("\n\n".join(paragraphs))
        is_truncated = bool(_ELLIPSIS.search(abstract)) or not _SENTENCE_END.search(abstract)
        fields["abstract"] = _ELLIPSIS.sub("", abstract)
        if is_truncated:
            fields["abstract_truncated"] = True
    if owner:
        fields["page_owner"] = owner
    return RawRecord(label, title_lines[0][0], FORMAT, fields), problems


def _split_authors(line: str) -> list[str]:
    """Comma-separated names; a suffix after a comma ("King, Jr.") stays with its name."""
    names: list[str] = []
    for name in (part.strip() for part in line.split(",")):
        if names and is_suffix(name):
            names[-1] = f"{names[-1]}, {name}"
        elif name:
            names.append(name)
    return names
