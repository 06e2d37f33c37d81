"""The one Markdown renderer. Raw HTML in data is shown as text; only http(s) and relative links
become links (never javascript:, data: or other schemes)."""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt

_SAFE_SCHEMES = ("http://", "https://")
# A relative link ("../all.bib", "#top") names no scheme: nothing before its first ':' is a scheme.
_RELATIVE = re.compile(r"^[^:/?#]*(?:[/?#]|$)")


def _validate_link(url: str) -> bool:
    url = url.strip().lower()
    return url.startswith(_SAFE_SCHEMES) or bool(_RELATIVE.match(url))


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # CommonMark with HTML disabled: `<script>` in an abstract is escaped, not passed through.
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = _validate_link
    return md


def render_markdown(text: str | None) -> str:
    return _markdown().render(text or "")
