"""The one Markdown renderer. Raw HTML in data is shown as text; only http(s) and relative links
become links (never javascript:, data: or other schemes)."""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

from .model import is_web_url

# Markdown syntax that may stand anywhere (inline markup, an entity), and block syntax at a line's start
# (a list, heading, quote, fence, setext underline or ordered list). Paragraphs of other text, whose
# lines neither start nor end with whitespace (indentation, a hard break), are plain: markdown-it only
# splits them at blank lines and escapes them, so their HTML and text are made here without parsing.
_SYNTAX_CHARS = "\\`*_[<\r\x00"
_ENTITY = re.compile(r"&(?:#|[A-Za-z][A-Za-z0-9]*;)")
_BLOCK_START = re.compile(r"[-+=#>~]|\d+[.)]")
_BLANK_LINES = re.compile(r"\n\n+")

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


def _is_plain(text: str) -> bool:
    """True if the text is paragraphs without Markdown syntax; False if it may have some."""
    if any(char in text for char in _SYNTAX_CHARS) or ("&" in text and _ENTITY.search(text)):
        return False
    return not any(
        line and (line[0].isspace() or line[-1].isspace() or _BLOCK_START.match(line)) for line in text.split("\n")
    )


def xml_text(text: str) -> str:
    """Text as XML character data, for SVG and feeds: what ``xml.sax.saxutils.escape`` writes, without
    its dict loop (a large site escapes millions of names)."""
    if "&" in text or "<" in text or ">" in text:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


def render_markdown(text: str | None) -> str:
    text = text or ""
    if not _is_plain(text):
        return _render(text)
    paragraphs = _BLANK_LINES.split(text.strip("\n"))
    return "".join(f"<p>{escapeHtml(paragraph)}</p>\n" for paragraph in paragraphs if paragraph)


def markdown_to_text(text: str | None, limit: int | None = None) -> str:
    """Markdown as plain text (for meta descriptions, JSON-LD, feeds), cut at a word when ``limit`` is given."""
    text = text or ""
    result = " ".join(text.split()) if _is_plain(text) else _to_text(text)
    if limit is not None and len(result) > limit:
        result = result[: limit - 1].rsplit(" ", 1)[0].rstrip(",.;:") + "…"
    return result


# Text with Markdown syntax is parsed; a page, its feed entry and its citation files each ask for it.


@lru_cache(maxsize=4096)
def _render(text: str) -> str:
    return _markdown().render(text)


@lru_cache(maxsize=4096)
def _to_text(text: str) -> str:
    plain = []
    for token in _markdown().parse(text):
        for child in token.children or ():
            if child.type in ("text", "code_inline"):
                plain.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                plain.append(" ")
        if token.type in ("paragraph_close", "list_item_close", "heading_close"):
            plain.append(" ")
    return " ".join("".join(plain).split())
