"""Text copied from an ACL Anthology author page.

Layout: the page owner's name on the first line; then per entry a badge line
(``pdf bib``, ``pdf bib abs``, ``bib`` ...), the title, the authors joined by
`` | ``, the venue line (the booktitle as published), a blank line and an
optional abstract paragraph.
"""

from __future__ import annotations

import re

from ..model import Problem, RawRecord

FORMAT = "anthology-page"

_BADGES = r"(?:pdf|bib|abs|video|software|code|data|dataset|poster|slides|presentation|attachment|note|supplementary|erratum|revision)"
# Every entry has a `bib` (and nearly always a `pdf`) badge; requiring one keeps a
# one-word title such as "Data" or "Code" from being read as a badge line.
BADGE_LINE = re.compile(
    rf"^\s*(?=(?:{_BADGES}\s+)*(?:pdf|bib)\b){_BADGES}(?:\s+{_BADGES})*\s*$", re.IGNORECASE
)
_AUTHOR_SEPARATOR = " | "
# Tells a venue line from a lone author when an entry has only two head lines.
_VENUE_WORDS = re.compile(
    r"\b(?:19|20)\d\d\b|Proceedings|Findings|Conference|Workshop|Journal|Transactions|Symposium|Volume|Meeting",
    re.IGNORECASE,
)


def looks_like(text: str) -> bool:
    return any(is_entry_start(line) for line in text.split("\n"))


def is_entry_start(line: str) -> bool:
    """A badge line with a ``bib`` badge: what tells an Anthology page copy from other text."""
    return bool(BADGE_LINE.match(line)) and "bib" in line.lower()


def read_anthology_page(label: str, text: str) -> tuple[list[RawRecord], list[Problem]]:
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if BADGE_LINE.match(line)]
    problems: list[Problem] = []
    preamble = [(i, line.strip()) for i, line in enumerate(lines[: starts[0] if starts else len(lines)]) if line.strip()]
    owner = preamble[0][1] if preamble else None
    for i, line in preamble[1:]:
        problems.append(Problem(label, i + 1, f"text before the first entry is not part of any entry: {line[:60]!r}"))
    records = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        record, problem = _read_entry(label, lines, start, end, owner)
        if record is not None:
            records.append(record)
        if problem is not None:
            problems.append(problem)
    return records, problems


def _read_entry(
    label: str, lines: list[str], start: int, end: int, owner: str | None
) -> tuple[RawRecord | None, Problem | None]:
    body = [line.strip() for line in lines[start + 1 : end]]
    while body and not body[0]:
        body.pop(0)
    head: list[str] = []
    while body and body[0]:
        head.append(body.pop(0))
    if not head:
        return None, Problem(label, start + 1, "entry has no title; skipped", is_rejection=True)
    fields: dict[str, object] = {"title": head[0]}
    rest = head[1:]
    if rest and (_AUTHOR_SEPARATOR in rest[0] or len(rest) >= 2 or not _VENUE_WORDS.search(rest[0])):
        fields["authors"] = [name.strip() for name in rest[0].split("|") if name.strip()]
        rest = rest[1:]
    if rest:
        fields["venue_line"] = " ".join(rest)
    abstract = "\n\n".join(_paragraphs(body))
    if abstract:
        fields["abstract"] = abstract
    if owner:
        fields["page_owner"] = owner
    return RawRecord(label, start + 1, FORMAT, fields), None


def _paragraphs(lines: list[str]) -> list[str]:
    paragraphs, current = [], []
    for line in lines + [""]:
        if line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    return paragraphs
