"""LaTeX -> Unicode for text read from BibTeX and LaTeX-flavoured listings.

pylatexenc does the decoding. Two things it gets wrong for bibliographic data are
handled around it: a bare ``%`` (literal in BibTeX values and in listings, but a
comment to LaTeX) and URLs inside ``\\url{}``/``\\href{}``, which must survive
untouched.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

_BARE_PERCENT = re.compile(r"(?<!\\)%")
# \url takes one argument, \href two (URL, then label); a group after \url is ordinary text.
_URL_MACRO = re.compile(r"\\url\s*\{\s*([^{}]*?)\s*\}|\\href\s*\{\s*([^{}]*?)\s*\}\s*\{([^{}]*)\}")
# A URL written out: `~`, `--`, `%` and `_` in it are characters, not LaTeX.
_BARE_URL = re.compile(r"\bhttps?://[^\s{}\\]+", re.IGNORECASE)
_PLACEHOLDER = "\uf8ffURL{}\uf8ff"
_PLACEHOLDER_RE = re.compile("\uf8ffURL(\\d+)\uf8ff")
# Anything that can make LaTeX decoding change the text.
_LATEX_SIGNS = re.compile(r"[\\{}$~%`']|--")


@lru_cache(maxsize=1)
def _decoder() -> LatexNodes2Text:
    # Math stays verbatim: `$O(n^2)$` is better shown as written than as a lossy approximation.
    context = get_default_latex_context_db()
    # pylatexenc reads \textasciicircum as the modifier letter ˆ (U+02C6); it is the ASCII caret.
    context.add_context_category("bibsite", prepend=True, macros=[MacroTextSpec("textasciicircum", simplify_repl="^")])
    return LatexNodes2Text(latex_context=context, math_mode="verbatim", strict_latex_spaces=False)


def has_latex(text: str) -> bool:
    return bool(_LATEX_SIGNS.search(text))


def decode_latex(text: str) -> str:
    """Turn a LaTeX-encoded string into plain Unicode text."""
    if not has_latex(text):
        return text
    urls: list[str] = []

    def keep_url(match: re.Match[str]) -> str:
        if match.re is _BARE_URL:
            url, label = match.group(0), None
        else:
            url, label = match.group(1) or match.group(2) or "", match.group(3)
        urls.append(url if not label or label == url else f"{label} ({url})")
        return _PLACEHOLDER.format(len(urls) - 1)

    protected = _BARE_URL.sub(keep_url, _URL_MACRO.sub(keep_url, text))
    protected = _BARE_PERCENT.sub(r"\\%", protected)
    try:
        decoded = _decoder().latex_to_text(protected)
    except Exception:  # noqa: BLE001 -- pylatexenc is lenient, but no input may stop an import
        decoded = protected
    return _PLACEHOLDER_RE.sub(lambda m: urls[int(m.group(1))], decoded)
