"""The one Markdown renderer. Raw HTML in data is shown as text; only http(s) and relative links
become links (never javascript:, data: or other schemes)."""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt

from .model import is_web_url

# A relative link ("../all.bib", "#top") names no scheme: nothing before its first ':' is a scheme.
_RELATIVE = re.compile(r"^[^:/?#]*(?:[/?#]|$)")


def _validate_link(url: str) -> bool:
    url = url.strip().lower()
    return is_web_url(url) or bool(_RELATIVE.match(url))


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # CommonMark with HTML disabled: `<script>` in an abstract is escaped, not passed through.
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = _validate_link
    return md


def render_markdown(text: str | None) -> str:
    return _markdown().render(text or "")


def markdown_to_text(text: str | None, limit: int | None = None) -> str:
    """Markdown as plain text (for meta descriptions, JSON-LD, feeds), cut at a word when ``limit`` is given."""
    plain = []
    for token in _markdown().parse(text or ""):
        for child in token.children or ():
            if child.type in ("text", "code_inline"):
                plain.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                plain.append(" ")
        if token.type in ("paragraph_close", "list_item_close", "heading_close"):
            plain.append(" ")
    result = " ".join("".join(plain).split())
    if limit is not None and len(result) > limit:
        result = result[: limit - 1].rsplit(" ", 1)[0].rstrip(",.;:") + "…"
    return result
