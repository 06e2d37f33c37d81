"""LaTeX -> Unicode for text read from BibTeX and LaTeX-flavoured listings.

pylatexenc does the decoding. Two things it gets wrong for bibliographic data are
handled around it: a bare ``%`` (literal in BibTeX values and in listings, but a
comment to LaTeX) and URLs inside ``\\url{}``/``\\href{}``, which must survive
untouched.

pylatexenc is slow (a long abstract with one apostrophe costs milliseconds), so the
text most BibTeX values hold is decoded here first: plain characters, the ligatures
pylatexenc knows (``--``, ``---``, ````` ``, ``''``, ``~``, ``&``...), escaped
characters such as ``\\%`` and braced groups (``{BERT}``, ``{\\"u}``). A braced group
is a closed scope, so a group holding a command decodes the same wherever it stands:
pylatexenc decodes it once, and the result is kept. Anything else (math, commands
outside braces, ``\\\\``) sends the whole text to pylatexenc. Both ways give the same
text; ``decode_latex_with_pylatexenc`` is the reference the tests compare against.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from pylatexenc.latexwalker import get_default_latex_context_db as get_default_walker_context_db
from pylatexenc.macrospec import LatexContextDb

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


@lru_cache(maxsize=1)
def _walker_context() -> LatexContextDb:
    # The parser's table of known commands; pylatexenc builds a new one per text unless given one.
    return get_default_walker_context_db()


def has_latex(text: str) -> bool:
    return bool(_LATEX_SIGNS.search(text))


def decode_latex(text: str) -> str:
    """Turn a LaTeX-encoded string into plain Unicode text."""
    return _decode(text, fast=True)


def decode_latex_with_pylatexenc(text: str) -> str:
    """``decode_latex`` with every text through pylatexenc: what the fast path must equal."""
    return _decode(text, fast=False)


def _decode(text: str, fast: bool) -> str:
    if not has_latex(text):
        return text
    protected, urls = _protect(text)
    decoded = _decode_simple(protected) if fast else None
    if decoded is None:
        decoded = _run_pylatexenc(protected)
    return _PLACEHOLDER_RE.sub(lambda m: urls[int(m.group(1))], decoded) if urls else decoded


def _protect(text: str) -> tuple[str, list[str]]:
    """URLs replaced by placeholders (returned in order), and every bare ``%`` escaped."""
    urls: list[str] = []

    def keep_url(match: re.Match[str]) -> str:
        if match.re is _BARE_URL:
            url, label = match.group(0), None
        else:
            url, label = match.group(1) or match.group(2) or "", match.group(3)
        urls.append(url if not label or label == url else f"{label} ({url})")
        return _PLACEHOLDER.format(len(urls) - 1)

    protected = _URL_MACRO.sub(keep_url, text) if "\\" in text else text
    protected = _BARE_URL.sub(keep_url, protected) if "://" in protected else protected
    return _BARE_PERCENT.sub(r"\\%", protected) if "%" in protected else protected, urls


def _run_pylatexenc(text: str) -> str:
    try:
        return _decoder().latex_to_text(text, latex_context=_walker_context())
    except Exception:  # noqa: BLE001 -- pylatexenc is lenient, but no input may stop an import
        return text


# ---------------------------------------------------------------- the fast path

# What pylatexenc reads as one "specials" token, longest first, and the text it gives.
_SPECIALS = {
    "---": "\N{EM DASH}",
    "--": "\N{EN DASH}",
    "``": "\N{LEFT DOUBLE QUOTATION MARK}",
    "''": "\N{RIGHT DOUBLE QUOTATION MARK}",
    "!`": "\N{INVERTED EXCLAMATION MARK}",
    "?`": "\N{INVERTED QUESTION MARK}",
    "~": "\N{NO-BREAK SPACE}",
    "&": "   ",
}


def _group_pattern(inside: str) -> str:
    """A braced group up to four levels deep (deeper ones go to pylatexenc) of ``inside`` characters."""
    pattern = rf"\{{{inside}*\}}"
    for _ in range(3):
        pattern = rf"\{{(?:{inside}|{pattern})*\}}"
    return pattern


_GROUP = _group_pattern(r"[^{}]")
# Inline math with balanced braces and no escaped dollar.
_MATH = r"\$(?:[^${}\\]|\\[^$]|" + _group_pattern(r"[^{}$]") + r")+\$"
# Every token that is not plain text: specials, escaped characters, a command with one braced
# argument, groups, math, and (last) the characters that start anything else. What lies
# between two tokens is plain text.
_TOKEN = re.compile(
    "(" + "|".join(map(re.escape, _SPECIALS)) + r"|\\[%&_#$]|\\[a-zA-Z]+" + _GROUP + "|" + _GROUP + "|" + _MATH
    + r"|[\\{}$])"
)
# Texts the fast path leaves to pylatexenc: `\\` (a line break, after which `%` starts a
# comment), and escaped braces (which the group pattern would miscount).
_NOT_SIMPLE = re.compile(r"\\[\\{}]")
# Commands whose reach a group does not bound, or that read what follows them verbatim.
_UNBOUNDED = re.compile(r"\\(?:begin|end|verb|[()\[\]])(?![a-zA-Z])")
_COMMAND_WITH_ARGUMENT = re.compile(r"\\([a-zA-Z]+)\{")
# Groups, escapes and commands decoded once by pylatexenc; None when not context-free.
_UNITS: dict[str, str | None] = {}
# Commands that give their argument's text and nothing else (\textit{...}): True or False.
_WRAPPERS: dict[str, bool] = {}
# Surroundings a unit must decode the same in, and arguments that probe a wrapper.
_CONTEXTS = (("a", "b"), (" ", " "), ("{a}", "{b}"), ("a ", "\nb"), ("", "[b]"))
_PROBES = ("x y", "{\\'e}--``a''~&\\%")


def _decode_simple(text: str) -> str | None:
    """What pylatexenc makes of ``text``, or None if the text is not of the kind decoded here."""
    if _NOT_SIMPLE.search(text):
        return None
    return _decode_tokens(text)


def _decode_tokens(text: str) -> str | None:
    parts = _TOKEN.split(text)
    if len(parts) == 1:
        return text
    for index in range(1, len(parts), 2):
        token = parts[index]
        decoded = _SPECIALS.get(token)
        if decoded is None:
            first = token[0]
            if first == "{" and len(token) > 1:
                decoded = _decode_tokens(token[1:-1])
                if decoded is None:
                    decoded = _decode_unit(token)
            elif first == "\\" and len(token) > 2:
                name = _COMMAND_WITH_ARGUMENT.match(token).group(1)
                if _is_wrapper(name):
                    decoded = _decode_tokens(token[len(name) + 2 : -1])
                if decoded is None:
                    decoded = _decode_unit(token)
            elif first == "$" and len(token) > 1:
                # Math is kept as written; a command in it may still reach past the closing `$`.
                decoded = token if "\\" not in token else _decode_unit(token)
            elif first == "\\" and len(token) == 2:
                decoded = _decode_unit(token)
            if decoded is None:
                return None
        parts[index] = decoded
    return "".join(parts)


def _decode_unit(unit: str) -> str | None:
    """A group, escape or command as pylatexenc decodes it, if it decodes the same in any surroundings."""
    try:
        return _UNITS[unit]
    except KeyError:
        pass
    decoded = _run_pylatexenc(unit) if not _UNBOUNDED.search(unit) else None
    if decoded is not None and not _is_context_free(unit, decoded):
        decoded = None
    _UNITS[unit] = decoded
    return decoded


def _is_context_free(unit: str, decoded: str) -> bool:
    return _run_pylatexenc(unit + unit) == decoded + decoded and all(
        _run_pylatexenc(before + unit + after) == _decode_tokens(before) + decoded + _decode_tokens(after)
        for before, after in _CONTEXTS
    )


def _is_wrapper(name: str) -> bool:
    """Whether ``\\name{x}`` is ``x`` decoded, wherever it stands."""
    try:
        return _WRAPPERS[name]
    except KeyError:
        pass
    is_wrapper = True
    for probe in _PROBES:
        command, expected = f"\\{name}{{{probe}}}", _decode_tokens(probe)
        if _run_pylatexenc(command) != expected or not _is_context_free(command, expected):
            is_wrapper = False
            break
    _WRAPPERS[name] = is_wrapper
    return is_wrapper
