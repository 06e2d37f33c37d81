"""Personal names and slugs.

Names are split with BibTeX's own rules (bibtexparser's implementation), which
handle both ``Given Family`` and ``Family, Given`` forms, particles such as
``van der`` and single-part names.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bibtexparser.middlewares.names import (
    InvalidNameError,
    parse_single_name_into_parts,
    split_multiple_persons_names,
)
from slugify import slugify

from .model import Name

_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
_SPACE = re.compile(r"\s+")


def is_suffix(word: str) -> bool:
    """``Jr.``, ``Sr``, ``III``: a generational suffix, not a name of its own."""
    return word.strip().lower() in _SUFFIXES


def _clean_name(text: str) -> str:
    return _SPACE.sub(" ", text).strip(" ,")


def parse_name(text: str) -> Name:
    """Parse one personal name, as printed or in BibTeX order, into given and family parts."""
    text = _clean_name(text)
    if not text:
        raise ValueError("empty name")
    suffix = None
    before, comma, after = text.rpartition(",")
    if comma and "," not in before and is_suffix(after):
        # "Martin Luther King, Jr.": display order, the comma only sets off the suffix.
        text, suffix = before.strip(), after.strip()
    elif "," not in text:
        # "Martin Luther King Jr." in display order: BibTeX has no place for a trailing suffix.
        *rest, last = text.split(" ")
        if rest and is_suffix(last):
            text, suffix = " ".join(rest), last
    try:
        # Strict: a name with unbalanced braces is kept as written, not "repaired".
        parts = parse_single_name_into_parts(text, strict=True)
    except InvalidNameError:
        return Name(None, text)
    family = " ".join(parts.von + parts.last)
    given = " ".join(parts.first) or None
    jr = " ".join(parts.jr) or suffix
    if jr:
        family = f"{family} {jr}"
    if not family:  # "Jane" alone, or only a particle: keep every character
        return Name(None, text)
    return Name(given, family)


def split_bibtex_names(text: str) -> list[str]:
    """Split a BibTeX ``author`` value on top-level ``and``."""
    return [name for name in split_multiple_persons_names(text) if _clean_name(name)]


# Names Windows will not create as files or folders, whatever the extension.
WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                              *(f"lpt{i}" for i in range(1, 10))})


def is_reserved_name(segment: str) -> bool:
    return segment.split(".", 1)[0].lower() in WINDOWS_RESERVED


def slug(text: str) -> str:
    """Lower-case ASCII words joined by ``-``; safe as a file name and URL segment on every system."""
    result = slugify(text, separator="-", lowercase=True, max_length=100, word_boundary=True)
    return f"{result}-x" if is_reserved_name(result) else result


# Words skipped when the first title word goes into an id ("A Study of X" -> "study").
TITLE_STOPWORDS = frozenset(
    ["a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "if", "in", "into", "is", "it", "its", "no", "not", "of", "on", "or", "over", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was", "will", "with"]
)


def id_stem(first_family: str | None, second_family: str | None, author_count: int, year: int | None) -> str:
    """``qin-etal-2023``, ``maggi-vitaletti-2025``, ``chen-2025``, ``anonymous-nd``."""
    parts = [_name_slug(first_family or "") or "anonymous"]
    if author_count == 2 and second_family:
        parts.append(_name_slug(second_family) or "anonymous")
    elif author_count >= 3:
        parts.append("etal")
    parts.append(str(year) if year else "nd")
    return "-".join(parts)


@lru_cache(maxsize=1 << 16)
def _name_slug(family: str) -> str:
    return slug(family)  # a family name heads many ids: slugify it once


def title_words(title: str) -> list[str]:
    return [word for word in slug(title).split("-") if word and word not in TITLE_STOPWORDS]


def mint_id(stem: str, title: str, taken: set[str]) -> str:
    """A new, unused id: the stem plus title words, then a number if every variant is taken.

    ``taken`` must hold lower-case ids; ids are compared case-insensitively so no
    two files can collide on a case-insensitive file system.
    """
    words = title_words(title) or ["untitled"]
    for count in range(1, min(len(words), 3) + 1):
        candidate = "-".join([stem, *words[:count]])
        if candidate not in taken:
            return candidate
    base = "-".join([stem, *words[:1]])
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"
