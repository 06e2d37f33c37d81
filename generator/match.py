"""When two records describe the same paper: normalized keys and fuzzy comparison.

Keys work on Unicode and on raw LaTeX alike (``Müller`` and ``M{\\"u}ller``
give the same key), so a reference bibliography can be indexed without decoding
every entry first.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz, process
from unidecode import unidecode

from .model import Paper

TITLE_THRESHOLD = 92.0  # rapidfuzz ratio over title keys; typos and punctuation pass, other papers do not
ABSTRACT_THRESHOLD = 95.0
MIN_ABSTRACT_PREFIX = 100  # characters of key a cut-off abstract needs before a prefix match counts
ABSTRACT_BUCKET = 48  # key prefix length used to find abstract candidates

_LATEX_COMMAND = re.compile(r"\\[a-zA-Z]+\*?")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_WORD = re.compile(r"[a-z0-9]+")


class _AsciiTable(dict):
    """``str.translate`` table giving unidecode's spelling of each character, filled as characters are met.

    unidecode transliterates character by character, so this gives what it gives for a whole text,
    without walking long abstracts in Python.
    """

    def __missing__(self, codepoint: int) -> str:
        ascii_text = unidecode(chr(codepoint))
        if not 0xD800 <= codepoint <= 0xDFFF:  # unidecode warns about surrogates every time
            self[codepoint] = ascii_text
        return ascii_text


_ASCII = _AsciiTable()


def _as_ascii(text: str) -> str:
    return text if text.isascii() else text.translate(_ASCII)


def _plain_lower_ascii(text: str) -> str:
    """``text`` without LaTeX commands, transliterated to ASCII and lower-cased."""
    return _as_ascii(_LATEX_COMMAND.sub(" ", text) if "\\" in text else text).lower()


# Deletes every ASCII character but a-z and 0-9 (what is left of a text once transliterated and lower-cased).
_DROP_NOT_ALNUM = dict.fromkeys(code for code in range(128) if not ("a" <= chr(code) <= "z" or "0" <= chr(code) <= "9"))


@lru_cache(maxsize=1 << 18)
def text_key(text: str | None) -> str:
    """Case, accent, punctuation, spacing and LaTeX-markup insensitive form of a text."""
    if not text:
        return ""
    lowered = _plain_lower_ascii(text)
    return lowered.translate(_DROP_NOT_ALNUM) if lowered.isascii() else _NOT_ALNUM.sub("", lowered)


_STOPWORDS = frozenset(["a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "of", "on", "or", "the", "to", "with", "via", "using", "towards"])


@lru_cache(maxsize=1 << 17)
def title_words(title: str | None) -> frozenset[str]:
    """The distinctive words of a title, accent- and case-insensitive (for finding fuzzy-match candidates)."""
    if not title:
        return frozenset()
    words = _WORD.findall(_plain_lower_ascii(title))
    return frozenset(word for word in words if len(word) >= 3 and word not in _STOPWORDS)


def family_keys(paper: Paper) -> set[str]:
    return {text_key(author.name.family) for author in paper.authors}


def titles_match(a: str, b: str) -> bool:
    """Title keys that are equal, or close enough to be one title with a typo."""
    if not a or not b:
        return False
    return a == b or fuzz.ratio(a, b, score_cutoff=TITLE_THRESHOLD) > 0


def matching_titles(key: str, keys: list[str]) -> list[int]:
    """Indexes of the ``keys`` that ``titles_match`` the title key ``key``, in order (compared in one call)."""
    if not key or not keys:
        return []
    found = process.extract(key, keys, scorer=fuzz.ratio, score_cutoff=TITLE_THRESHOLD, limit=None)
    return sorted(index for _, _, index in found)


def abstracts_match(a: str, b: str) -> bool:
    """Abstract keys that are equal, or one a cut-off copy of the other."""
    if not a or not b:
        return False
    if a == b:
        return True
    shorter, longer = sorted((a, b), key=len)
    if len(shorter) < MIN_ABSTRACT_PREFIX:
        return False
    if longer.startswith(shorter):
        return True
    return fuzz.ratio(shorter, longer[: len(shorter)], score_cutoff=ABSTRACT_THRESHOLD) > 0


def authors_compatible(a: Paper, b: Paper) -> bool:
    """Guards a title match: two author lists must share a family name (if both are known)."""
    keys_a, keys_b = family_keys(a), family_keys(b)
    return not keys_a or not keys_b or bool(keys_a & keys_b)


def same_paper(a: Paper, b: Paper) -> bool:
    if titles_match(text_key(a.title), text_key(b.title)) and authors_compatible(a, b):
        return True
    return abstracts_match(text_key(a.abstract), text_key(b.abstract))
