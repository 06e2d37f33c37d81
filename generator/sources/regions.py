"""Files that hold more than one format: where each format's region begins and ends.

People paste an Anthology author page and an arXiv listing into one file, BibTeX
entries between listing entries, abstracts after a listing. ``split_regions`` cuts
the lines of a file into regions of one format each, plus the lines that belong
to none:

* BibTeX: from a line opening an entry (``@misc{``) to the line where its
  delimiters balance; an entry that never balances runs to the next ``@`` line or
  the end of the file. ``%`` comment lines outside entries belong to no region
  and are dropped, as BibTeX does.
* arXiv listing: from the page header (``Alert button`` / ``Picture for``), or
  else from the title of the first entry (the lines just before its date line),
  to the last ``Viaarxiv icon`` line of a run of entries. Text after that line
  is an unclosed last entry (kept, with a warning) only if it has a date line.
  A header after a closer starts a new listing (a second page copy).
* ACL Anthology page: from right after whatever precedes its first badge line
  (the page owner's name comes first) up to the next region.

The text of a region is given to its reader with every other line blanked out,
so line numbers stay those of the file. All BibTeX regions are read together:
``@string`` macros, ``crossref`` and duplicate keys span the whole file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import anthology_page, bibtex, listing_page

BIBTEX_ENTRY = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]")
_DELIMITER = re.compile(r"(?<!\\)[{}()]")
_COMMENT = re.compile(r"^\s*%")


@dataclass(frozen=True, slots=True)
class Region:
    format: str
    start: int  # index of the first line (0-based)
    end: int  # index after the last line


def split_regions(lines: list[str]) -> tuple[list[Region], list[int]]:
    """Regions in file order, and the indexes of non-blank lines in none of them."""
    regions: list[Region] = []
    gap_start = 0
    index = 0
    while index < len(lines):
        if BIBTEX_ENTRY.match(lines[index]):
            regions.extend(_page_regions(lines, gap_start, index))
            end = _bibtex_entry_end(lines, index)
            regions.append(Region(bibtex.FORMAT, index, end))
            gap_start = index = end
        else:
            index += 1
    regions.extend(_page_regions(lines, gap_start, len(lines)))
    covered = {i for region in regions for i in range(region.start, region.end)}
    has_bibtex = any(region.format == bibtex.FORMAT for region in regions)
    leftover = [
        i
        for i, line in enumerate(lines)
        if i not in covered and line.strip() and not (has_bibtex and _COMMENT.match(line))
    ]
    return regions, leftover


def _bibtex_entry_end(lines: list[str], start: int) -> int:
    """Index after the line where the entry opened on ``lines[start]`` closes."""
    opening = BIBTEX_ENTRY.match(lines[start])
    is_paren = opening.group().endswith("(")
    depth = braces = 0
    for index in range(start, len(lines)):
        if index > start and BIBTEX_ENTRY.match(lines[index]):
            return index  # never balanced: the entry ends where the next one begins
        line = lines[index][opening.end() - 1 :] if index == start else lines[index]
        for char in _DELIMITER.findall(line):
            if char in "{}":
                braces += 1 if char == "{" else -1
                if is_paren:
                    continue
                depth = braces
            elif is_paren and braces == 0:
                depth += 1 if char == "(" else -1
            else:
                continue
            if depth == 0:
                return index + 1
    return len(lines)


def _page_regions(lines: list[str], start: int, end: int) -> list[Region]:
    """Listing and Anthology regions among ``lines[start:end]``, which hold no BibTeX."""
    runs: list[list[int]] = []  # anchor line indexes; a run is one page copy
    kinds: list[str] = []
    previous = None
    for index in range(start, end):
        line = lines[index]
        if listing_page.is_closer(line):
            kind, anchor = listing_page.FORMAT, "closer"
        elif listing_page.is_header(line):
            kind, anchor = listing_page.FORMAT, "header"
        elif anthology_page.is_entry_start(line):
            kind, anchor = anthology_page.FORMAT, "badge"
        else:
            continue
        if kinds and kinds[-1] == kind and not (anchor == "header" and previous == "closer"):
            runs[-1].append(index)
        else:
            runs.append([index])
            kinds.append(kind)
        previous = anchor

    # Listings first: they say where they begin and end; Anthology pages fill up to them.
    listings: dict[int, Region] = {}
    for n, (kind, run) in enumerate(zip(kinds, runs)):
        if kind != listing_page.FORMAT:
            continue
        floor = runs[n - 1][-1] + 1 if n else start
        first = _listing_start(lines, floor, run[0])
        last = run[-1] + 1
        if n + 1 == len(runs) or kinds[n + 1] != anthology_page.FORMAT:
            ceiling = _listing_start(lines, last, runs[n + 1][0]) if n + 1 < len(runs) else end
            tail = lines[last:ceiling]
            # Text after the last closer is an unclosed entry if it has a date, or if the run has no closer at all.
            if any(listing_page.DATE.match(line) for line in tail) or not listing_page.is_closer(lines[run[-1]]):
                last = ceiling
        listings[n] = Region(listing_page.FORMAT, first, last)
    regions = []
    for n, kind in enumerate(kinds):
        if kind == listing_page.FORMAT:
            regions.append(listings[n])
        else:
            first = listings[n - 1].end if n else start
            last = listings[n + 1].start if n + 1 < len(runs) else end
            regions.append(Region(anthology_page.FORMAT, first, last))
    return regions


def _listing_start(lines: list[str], floor: int, anchor: int) -> int:
    """Where the listing whose first anchor is ``lines[anchor]`` begins: its header or its first title."""
    if listing_page.is_header(lines[anchor]):
        return anchor
    dates = [i for i in range(floor, anchor) if listing_page.DATE.match(lines[i])]
    if not dates:  # no date line: the entry is all there is since the floor
        return next((i for i in range(floor, anchor) if lines[i].strip()), anchor)
    index = dates[-1]
    while index > floor and not lines[index - 1].strip():
        index -= 1
    while index > floor and lines[index - 1].strip():
        index -= 1
    return index
