"""Readers for raw publication listings, looked up by format name.

Each reader takes the text of one file and returns ``RawRecord``s plus the
``Problem``s it met; it never builds a ``Paper``. ``read_source`` handles what is
common to all formats: decompression, encodings, BOMs and line endings, and files
that hold several formats (see ``regions``).
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import lzma
import re
import zlib
from collections.abc import Callable
from pathlib import Path

from ..model import Problem, RawRecord
from . import abstracts, anthology_page, bibtex, listing_page
from .regions import split_regions

Reader = Callable[[str, str], tuple[list[RawRecord], list[Problem]]]

READERS: dict[str, Reader] = {
    anthology_page.FORMAT: anthology_page.read_anthology_page,
    listing_page.FORMAT: listing_page.read_listing_page,
    abstracts.FORMAT: abstracts.read_abstracts,
    bibtex.FORMAT: bibtex.read_bibtex,
}

_OPENERS = {".gz": gzip.open, ".xz": lzma.open, ".bz2": bz2.open}
_BIBTEX_SUFFIXES = (".bib", ".bibtex")
_BIBTEX_START = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]", re.MULTILINE)
# What may come before the first entry of a BibTeX file: blank lines and `%` comments
# (JabRef writes "% Encoding: UTF-8" first).
_BIBTEX_PREAMBLE = re.compile(r"(?:[^\S\n]*(?:%[^\n]*)?\n)*")


class SourceError(Exception):
    """A file that cannot be read at all."""


def read_bytes(path: Path) -> bytes:
    opener = _OPENERS.get(path.suffix.lower())
    try:
        if opener is None:
            return path.read_bytes()
        with opener(path, "rb") as handle:
            return handle.read()
    except (OSError, EOFError, lzma.LZMAError, zlib.error) as error:
        raise SourceError(f"{path}: cannot read: {error}") from error


def decode_text(data: bytes, label: str) -> tuple[str, list[Problem]]:
    """Decode bytes as UTF-8 (BOM optional); fall back to cp1252 and say so."""
    problems: list[Problem] = []
    # The BOM goes first: it is no cp1252 text, and error offsets then count from the same byte.
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        try:
            text = data.decode("cp1252")
            encoding = "cp1252"
        except UnicodeDecodeError:
            text = data.decode("latin-1")
            encoding = "Latin-1"
        problems.append(Problem(label, line, f"not valid UTF-8; read as {encoding}, check the accents"))
    # One newline convention; every line number below counts these.
    return text.replace("\r\n", "\n").replace("\r", "\n"), problems


def detect_format(path: Path, text: str) -> str:
    if _is_bibtex_name(path) or _BIBTEX_START.match(text, _BIBTEX_PREAMBLE.match(text).end()):
        return bibtex.FORMAT
    if listing_page.looks_like(text):
        return listing_page.FORMAT
    if anthology_page.looks_like(text):
        return anthology_page.FORMAT
    return abstracts.FORMAT


def read_source(path: Path, label: str, fmt: str | None = None) -> tuple[list[RawRecord], list[Problem]]:
    """Read one raw listing. ``label`` is how the file is named in sources and messages.

    Without ``fmt`` a file named ``.bib`` is BibTeX; any other is cut into regions of one
    format each (``read_text``).
    """
    text, fmt, problems = load_source(path, label, fmt)
    records, reader_problems = READERS[fmt](label, text) if fmt else read_text(label, text)
    problems += reader_problems
    report_if_empty(label, records, problems)
    return records, problems


def load_source(path: Path, label: str, fmt: str | None = None) -> tuple[str, str | None, list[Problem]]:
    """The text of a file, the format it is read as (None: find its regions), and decoding problems."""
    text, problems = decode_text(read_bytes(path), label)
    if fmt is None and _is_bibtex_name(path):
        fmt = bibtex.FORMAT
    return text, fmt, problems


def report_if_empty(label: str, records: list, problems: list[Problem]) -> None:
    """Say so when a file gave nothing: no ``records`` (or what was made of them) and no rejection."""
    if not records and not any(problem.is_rejection for problem in problems):
        problems.append(Problem(label, None, "the file holds no entries"))


def read_text(label: str, text: str) -> tuple[list[RawRecord], list[Problem]]:
    """Read a text in whatever formats it holds; line numbers are those of ``text``.

    Text in no region is read as abstracts if the file holds nothing else, and is
    otherwise reported line by line as a rejection, so that nothing is lost silently.
    """
    lines = text.split("\n")
    regions, leftover = split_regions(lines)
    formats = list(dict.fromkeys(region.format for region in regions))
    if not formats:
        return abstracts.read_abstracts(label, text)
    if not leftover and (len(regions) == 1 or formats == [bibtex.FORMAT]):
        return READERS[formats[0]](label, text)  # one format, one page copy: the reader sees the file as is
    records: list[RawRecord] = []
    problems: list[Problem] = []
    # All BibTeX regions are read as one (macros, crossref, duplicate keys span the file); each page copy alone.
    parts = [[r for r in regions if r.format == bibtex.FORMAT]] + [[r] for r in regions if r.format != bibtex.FORMAT]
    for part in filter(None, parts):
        kept = {i for region in part for i in range(region.start, region.end)}
        masked = "\n".join(line if i in kept else "" for i, line in enumerate(lines))
        part_records, part_problems = READERS[part[0].format](label, masked)
        records.extend(part_records)
        problems.extend(part_problems)
    problems.extend(
        Problem(label, i + 1, f"text outside any entry; not read: {lines[i].strip()[:60]!r}", is_rejection=True)
        for i in leftover
    )
    return sorted(records, key=lambda r: r.line), sorted(problems, key=lambda p: p.line or 0)


def _is_bibtex_name(path: Path) -> bool:
    name = path.name.lower()
    for suffix in _OPENERS:
        name = name.removesuffix(suffix)
    return name.endswith(_BIBTEX_SUFFIXES)
