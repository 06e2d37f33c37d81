"""The BibTeX the site exports goes through real TeX toolchains, for the shipped content and the sample site.

* The ASCII export (``BibtexStyle()``): ``bibtex`` with ``plain`` and with the author-year ``plainnat``
  (natbib's style, the one ``acl_natbib.bst`` derives from), driven by a hand-written ``main.aux`` that cites
  every entry; the ``.blg`` must hold no warning and no error, the ``.bbl`` every key, and ``pdflatex`` must
  typeset the ``.bbl`` without an error or a missing glyph.
* The UTF-8 export (``BibtexStyle(is_unicode=True)``): ``biber --tool --validate-datamodel`` (biber's own
  parser, LaTeX decoding and biblatex's default data model; no ``.bcf``, so no biblatex needed) must print no
  WARN or ERROR line and keep every entry.

Each checker is first shown a broken entry, so a checker that accepts everything cannot pass here.
Debian packages: texlive-binaries, texlive-base, texlive-latex-base, biber (`make test` installs the missing
ones). Without them these tests fail, unless ``BIBSITE_SKIP_TEX=1``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata
from functools import cache
from pathlib import Path

import pytest
from pylatexenc.latex2text import LatexNodes2Text
from pylatexenc.latexencode import UnicodeToLatexEncoder

from generator import export, store
from generator.library import build_library
from generator.model import Library

REPO = Path(__file__).resolve().parents[1]
SITES = {"content": REPO / "content", "sample_site": REPO / "tests" / "sample_site"}
BIBTEX_STYLES = ("plain", "plainnat")
TIMEOUT_SECONDS = 60
PACKAGES = {"bibtex": "texlive-binaries", "kpsewhich": "texlive-binaries", "pdflatex": "texlive-latex-base", "biber": "biber"}

# What each checker prints about a bad entry. BibTeX: "Warning--empty journal in KEY", "I was expecting a `,'
# or a `}'---line 8 of file refs.bib", "(There was 1 error message)". Biber: "WARN - ..." and "ERROR - ...".
BLG_PROBLEM = re.compile(r"Warning--|error message|---line \d+|I couldn't open|I'm skipping")
BIBER_PROBLEM = re.compile(r"^(?:\[\d+\] \S+> )?(WARN|ERROR) - (.*)$", re.MULTILINE)
# pdflatex: errors ("! Undefined control sequence."), a glyph the font lacks, a font substituted.
LATEX_PROBLEM = re.compile(r"^!.*|^Missing character: .*|^LaTeX Font Warning: .*", re.MULTILINE)

# Problems the export is known to have, by (site, check): each would be a bug in generator/export.py, listed
# only while it is open. Any other problem fails; so does a listed one that is gone. None at present.
KNOWN_PROBLEMS: dict[tuple[str, str], frozenset[str]] = {}

# LaTeX's text accents, as combining marks (\` \' \^ \~ \= \u \. \" \r \H \v \d \c \k \b \t).
LATEX_ACCENTS = frozenset("\u0300\u0301\u0302\u0303\u0304\u0306\u0307\u0308\u030a\u030b\u030c\u0323\u0327\u0328\u0331\u0361")
ENTRY_START = re.compile(r"^@\w+\{([^,\s]+),", re.MULTILINE)
VERBATIM_FIELD = re.compile(r"^\s*((?:doi|url) = .*[\\{}].*?),?$", re.MULTILINE)


def tool_or_fail(name: str) -> str:
    path = shutil.which(name)
    if path:
        return path
    if os.environ.get("BIBSITE_SKIP_TEX") == "1":
        pytest.skip(f"BIBSITE_SKIP_TEX=1: {name} is not run")
    pytest.fail(
        f"`{name}` is not on PATH: install it (Debian: apt-get install --no-install-recommends {PACKAGES[name]}; "
        "`make test` installs what is missing), or set BIBSITE_SKIP_TEX=1 to skip the TeX toolchain tests",
        pytrace=False,
    )


def bst_or_fail(style: str) -> None:
    """The style file must be where BibTeX looks (plain.bst: texlive-base; plainnat.bst: texlive-latex-base)."""
    if not run([tool_or_fail("kpsewhich"), f"{style}.bst"], Path.cwd()).stdout.strip():
        pytest.fail(f"BibTeX style {style}.bst is not installed (Debian: texlive-base / texlive-latex-base)", pytrace=False)


@cache
def library(site: str) -> Library:
    content = SITES[site]
    catalog, _ = store.load_venues(content)
    people, _ = store.load_people(content)
    topics, _ = store.load_topics(content)
    return build_library(store.load_papers(content).papers, catalog, people, topics)


@cache
def bib_text(site: str, is_unicode: bool) -> str:
    entries = export.export_entries(library(site), export.BibtexStyle(is_unicode=is_unicode))
    return export.export_bundle(tuple(sorted(entries)), entries)


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, text=True, errors="replace",
        timeout=TIMEOUT_SECONDS, check=False,
    )


def run_bibtex(folder: Path, bib: str, style: str) -> tuple[subprocess.CompletedProcess[str], str, list[str]]:
    """``bibtex main`` over ``bib``: the run, the .blg and its problem lines (with their context)."""
    (folder / "refs.bib").write_text(bib, "utf-8")
    (folder / "main.aux").write_text(f"\\relax\n\\citation{{*}}\n\\bibstyle{{{style}}}\n\\bibdata{{refs}}\n", "ascii")
    result = run([tool_or_fail("bibtex"), "main"], folder)
    blg_path = folder / "main.blg"
    blg = blg_path.read_text("utf-8", errors="replace") if blg_path.exists() else ""
    return result, blg, [line for line in blg.splitlines() if BLG_PROBLEM.search(line)]


def run_biber(folder: Path, bib: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """``biber --tool`` over ``bib``: the run and its WARN/ERROR messages, from its output and its .blg."""
    (folder / "refs.bib").write_text(bib, "utf-8")
    command = [tool_or_fail("biber"), "--noconf", "--tool", "--validate-datamodel", "--output-file=out.bib", "refs.bib"]
    result = run(command, folder)
    blg_path = folder / "refs.bib.blg"
    blg = blg_path.read_text("utf-8", errors="replace") if blg_path.exists() else ""
    messages = [m.group(2) for m in BIBER_PROBLEM.finditer(result.stdout + "\n" + result.stderr + "\n" + blg)]
    return result, list(dict.fromkeys(messages))


def run_pdflatex(folder: Path, bbl: str) -> list[str]:
    """pdflatex over a document that typesets ``bbl`` (natbib and url loaded); its error and glyph lines."""
    (folder / "main.bbl").write_text(bbl, "utf-8")
    (folder / "doc.tex").write_text(
        "\\documentclass{article}\n\\usepackage[numbers]{natbib}\n\\usepackage{url}\n"
        "\\begin{document}\n\\input{main.bbl}\n\\end{document}\n",
        "ascii",
    )
    command = [tool_or_fail("pdflatex"), "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "doc.tex"]
    result = run(command, folder)
    log_path = folder / "doc.log"
    log = log_path.read_text("utf-8", errors="replace") if log_path.exists() else result.stdout
    problems = LATEX_PROBLEM.findall(log)
    if result.returncode != 0 and not problems:
        problems = [f"pdflatex exited {result.returncode}", log[-2000:]]
    return problems


def assert_only_known(site: str, check: str, problems: list[str], details: str = "") -> None:
    known = KNOWN_PROBLEMS.get((site, check), frozenset())
    new = [problem for problem in problems if problem not in known]
    gone = sorted(known - set(problems))
    assert not new, f"{site}, {check}: " + "\n".join(["new problems:", *new, details])
    assert not gone, f"{site}, {check}: fixed, delete from KNOWN_PROBLEMS:\n" + "\n".join(gone)


def has_latex_form(char: str) -> bool:
    """pylatexenc knows a macro that reads back as ``char``, or it is an ASCII letter under LaTeX text accents."""
    latex = UnicodeToLatexEncoder(non_ascii_only=True, unknown_char_policy=lambda c: c).unicode_to_latex(char)
    if latex != char and unicodedata.normalize("NFC", LatexNodes2Text().latex_to_text(latex)) == char:
        return True
    base, *marks = unicodedata.normalize("NFD", char)
    return base.isascii() and base.isalpha() and bool(marks) and set(marks) <= LATEX_ACCENTS


# -- the checkers catch a broken entry ---------------------------------------------------------------------------

BROKEN = {
    "unbalanced brace": '@article{broken,\n  title = {Unbalanced {brace},\n  author = "Doe, Jane",\n'
                        '  journal = "J",\n  year = "2020"\n}\n\n@misc{fine,\n  title = {Fine},\n  year = "2020"\n}\n',
    "empty required field": '@article{nojournal,\n  title = {T},\n  author = "Doe, Jane",\n  year = "2020"\n}\n',
}


@pytest.mark.parametrize("case", BROKEN)
def test_bibtex_reports_a_broken_entry(tmp_path: Path, case: str) -> None:
    bst_or_fail("plain")
    _, blg, problems = run_bibtex(tmp_path, BROKEN[case], "plain")
    assert problems, blg


def test_biber_reports_a_broken_entry(tmp_path: Path) -> None:
    result, messages = run_biber(tmp_path, BROKEN["unbalanced brace"])
    assert result.returncode != 0 and any("syntax error" in message for message in messages), result.stdout


def test_latex_reports_an_undefined_macro(tmp_path: Path) -> None:
    problems = run_pdflatex(tmp_path, "\\begin{thebibliography}{1}\n\\bibitem{x} \\nosuchmacro{}\n\\end{thebibliography}\n")
    assert any("Undefined control sequence" in problem for problem in problems), problems


# -- the exports -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("site", SITES)
def test_ascii_export_is_ascii_but_for_characters_without_latex_form(site: str) -> None:
    bib = bib_text(site, is_unicode=False)
    left = {}
    for key, entry in zip(ENTRY_START.findall(bib), re.split(r"\n(?=@)", bib), strict=True):
        for char in sorted({char for char in entry if not char.isascii()}):
            left.setdefault(char, []).append(key)
    with_form = {
        f"U+{ord(char):04X} {unicodedata.name(char, '?')} {char!r} in {', '.join(keys)}"
        for char, keys in left.items() if has_latex_form(char)
    }
    assert not with_form, "non-ASCII characters left in the ASCII export though LaTeX can write them:\n" + "\n".join(
        sorted(with_form)
    )


@pytest.mark.parametrize("site", SITES)
def test_doi_and_url_are_verbatim(site: str) -> None:
    """url.sty's \\url, natbib's \\doi and biblatex print these as typed, so nothing may be escaped in them."""
    bib = bib_text(site, is_unicode=False)
    problems = []
    for key, entry in zip(ENTRY_START.findall(bib), re.split(r"\n(?=@)", bib), strict=True):
        problems += [f"{key}: {field}" for field in VERBATIM_FIELD.findall(entry)]
    assert_only_known(site, "verbatim", problems)


@pytest.mark.parametrize("style", BIBTEX_STYLES)
@pytest.mark.parametrize("site", SITES)
def test_bibtex_and_latex_accept_ascii_export(tmp_path: Path, site: str, style: str) -> None:
    bst_or_fail(style)
    bib = bib_text(site, is_unicode=False)
    result, blg, problems = run_bibtex(tmp_path, bib, style)
    assert result.returncode == 0 and not problems, f"bibtex exited {result.returncode}:\n" + "\n".join(problems) + (
        f"\n\n{tmp_path / 'main.blg'}:\n{blg}"
    )
    bbl = (tmp_path / "main.bbl").read_text("utf-8")
    keys = ENTRY_START.findall(bib)
    missing = [key for key in keys if not re.search(r"(?:\\bibitem|\])\{" + re.escape(key) + r"\}", bbl)]
    assert not missing and bbl.count("\\bibitem") == len(keys), f"not in main.bbl: {missing}"
    latex_problems = run_pdflatex(tmp_path, bbl)
    assert not latex_problems, "pdflatex on main.bbl:\n" + "\n".join(latex_problems)


@pytest.mark.parametrize("site", SITES)
def test_biber_accepts_unicode_export(tmp_path: Path, site: str) -> None:
    bib = bib_text(site, is_unicode=True)
    result, messages = run_biber(tmp_path, bib)
    assert result.returncode == 0, f"biber exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    assert_only_known(site, "biber", messages, f"\nbiber's output:\n{result.stdout}")
    written = set(re.findall(r"^@\w+\{([^,\s]+),", (tmp_path / "out.bib").read_text("utf-8"), re.MULTILINE))
    assert written == set(ENTRY_START.findall(bib)), f"entries biber dropped: {set(ENTRY_START.findall(bib)) - written}"
