"""`bibsite import`: raw listings -> normalized, deduplicated records in content/papers/.

The only code that writes content/. Every entry read ends up in exactly one of:
a new record, a record it merged into, content/unresolved.yaml, or the list of
rejections with a reason; the account in ``ImportReport`` adds up.
"""

from __future__ import annotations

import dataclasses
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import merge, names, store
from .collector import cycle_collector_paused
from .model import Paper, Problem, RawRecord, Unresolved, is_web_url, with_fields
from .normalize import missing_fields, normalize_record
from .parallel import Progress, available_cores, map_shares
from .resolve import ReferenceIndex
from .sources import READERS, SourceError, bibtex, load_source, read_text, report_if_empty
from .sources.bibtex import BibtexPart, read_bibtex_part, split_bibtex


@dataclass
class ImportReport:
    files: int = 0
    entries_read: int = 0
    created: list[str] = field(default_factory=list)  # ids of new records
    entries_in_new: int = 0  # entries that went into new records
    entries_merged: int = 0  # entries that went into records already stored
    updated: list[str] = field(default_factory=list)  # ids of stored records that changed
    unresolved: list[Unresolved] = field(default_factory=list)
    rejected: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # warnings: the entry was still kept
    resolved_with_reference: int = 0
    # Every record after the import, for the steps that follow it (version proposals) to reuse.
    records: dict[str, Paper] = field(default_factory=dict, repr=False)

    @property
    def adds_up(self) -> bool:
        accounted = self.entries_in_new + self.entries_merged + len(self.unresolved) + len(self.rejected)
        return accounted == self.entries_read

    def account(self) -> list[str]:
        return [
            f"read {self.entries_read} entries from {self.files} files",
            f"  {len(self.created)} new records (from {self.entries_in_new} entries)",
            f"  {self.entries_merged} entries merged into existing records ({len(self.updated)} records changed)",
            f"  {len(self.unresolved)} unresolved (see {store.UNRESOLVED_FILE})",
            f"  {len(self.rejected)} rejected",
        ]


def display_path(path: Path) -> str:
    """How a file is named in sources: relative to the working directory when inside it."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def import_sources(
    paths: list[Path],
    content_dir: Path,
    fmt: str | None = None,
    reference: Path | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    with cycle_collector_paused():
        return _import_sources(paths, content_dir, fmt, reference, progress)


def _import_sources(paths: list[Path], content_dir: Path, fmt: str | None, reference: Path | None,
                    progress: Progress | None) -> ImportReport:
    report = ImportReport()
    catalog, venue_problems = store.load_venues(content_dir)
    report.problems.extend(venue_problems)
    loaded = store.load_papers(content_dir)
    report.problems.extend(loaded.problems)
    stored = dict(loaded.papers)

    labels = list(dict.fromkeys(display_path(path) for path in paths))
    drafts = _read_drafts([Path(label) for label in labels], labels, fmt, catalog, report, progress)
    groups = merge.group_papers(drafts)
    if reference is not None:
        groups = _complete_from_reference(groups, reference, catalog, report)

    stored_index = merge.PaperIndex()
    stored_ids = sorted(stored)
    for position, paper_id in enumerate(stored_ids):
        stored_index.add(stored[paper_id], position)
    new_papers: list[Paper] = []
    for group in groups:
        entries = sum(1 for source in group.sources if source.file in labels)
        position = stored_index.find(group)
        if position is not None:
            paper_id = stored_ids[position]
            stored[paper_id] = merge.merge_into_stored(stored[paper_id], group)
            stored_index.add(stored[paper_id], position)
            report.entries_merged += entries
        elif group.title:
            new_papers.append(group)
            report.entries_in_new += entries
        else:
            report.unresolved.extend(
                Unresolved(source.file, source.line, group.abstract or "") for source in group.sources
            )

    taken = {paper_id.lower() for paper_id in stored}
    for paper in new_papers:
        first = paper.authors[0].name.family if paper.authors else None
        second = paper.authors[1].name.family if len(paper.authors) > 1 else None
        paper_id = names.mint_id(names.id_stem(first, second, len(paper.authors), paper.year), paper.title, taken)
        taken.add(paper_id)
        stored[paper_id] = with_fields(paper, id=paper_id)
        report.created.append(paper_id)

    changed = [stored[paper_id] for paper_id in sorted(stored)
               if paper_id not in loaded.papers or stored[paper_id] != loaded.papers[paper_id]]
    created = set(report.created)
    for paper, (problems, is_written) in zip(changed, _save_papers(content_dir, changed, progress)):
        report.problems.extend(problems)
        if is_written and paper.id not in created:
            report.updated.append(paper.id)

    kept = [entry for entry in store.load_unresolved(content_dir) if entry.file not in labels]
    store.save_unresolved(content_dir, sorted(kept + report.unresolved, key=lambda e: (e.file, e.line)))
    report.records = stored
    return report


# Fields the schema checks whose value can be kept as text when it fails (a `javascript:` URL, a DOI
# that is not one): it moves to ``extra``, where it is exported but never becomes a link.
_MOVABLE_FIELDS = frozenset({"url", "doi", "arxiv", "volume", "number", "pages", "publisher", "address", "note"})


def make_storable(paper: Paper) -> tuple[Paper, dict[str, Any], list[Problem]]:
    """The record as the schema accepts it, its fields as written to its file, and its problems;
    a field that fails moves to ``extra``, and says so."""
    where = paper.sources[0] if paper.sources else None
    label, line = (where.file, where.line) if where else (paper.id, None)
    problems = []
    data = store.paper_to_dict(paper)
    for problem in store.validate_paper_dict(data, label):
        field = problem.message.split(":", 1)[0]
        value = getattr(paper, field, None) if field in _MOVABLE_FIELDS else None
        if value is not None:
            paper = dataclasses.replace(paper, **{field: None}, extra={**paper.extra, field: str(value)})
            problems.append(Problem(label, line, f"{field}: {problem.message.split(': ', 1)[1]}; kept as extra.{field}"))
        elif field == "links":
            safe = {name: url for name, url in paper.links.items() if is_web_url(url)}
            paper = dataclasses.replace(paper, links=safe)
            problems.append(Problem(label, line, f"links: only http(s) links are kept: {problem.message}"))
        else:
            problems.append(Problem(label, line, problem.message))
    return paper, (store.paper_to_dict(paper) if problems else data), problems


def _read_drafts(paths: list[Path], labels: list[str], fmt: str | None, catalog, report: ImportReport,
                 progress: Progress | None = None) -> list[Paper]:
    drafts = []
    for path, label in zip(paths, labels):
        try:
            problems, outcomes = _read_file(path, label, fmt, catalog, progress)
        except SourceError as error:
            report.problems.append(Problem(label, None, str(error).removeprefix(f"{path}: ")))
            continue
        report.files += 1
        for problem in problems:
            (report.rejected if problem.is_rejection else report.problems).append(problem)
        report.entries_read += len(outcomes) + sum(1 for p in problems if p.is_rejection)
        for paper, record_problems in outcomes:
            report.problems.extend(problem for problem in record_problems if not problem.is_rejection)
            rejections = [problem for problem in record_problems if problem.is_rejection]
            if rejections:  # at most one: the entry is accounted for once
                report.rejected.append(rejections[0])
                continue
            drafts.append(paper)
    return drafts


# Below these amounts the work stays in one process: a fork costs more than it saves.
PARALLEL_MIN_CHARACTERS = 2_000_000  # of BibTeX text
PARALLEL_MIN_RECORDS = 2_000  # records to write


def _read_file(path: Path, label: str, fmt: str | None, catalog,
               progress: Progress | None = None) -> tuple[list[Problem], list[Outcome]]:
    """The file's problems, and each entry normalized (a Paper, or None if rejected) with its own problems.

    A large BibTeX file is read in parts, one per process (see ``bibtex.split_bibtex``).
    """
    text, fmt, problems = load_source(path, label, fmt)
    processes = _processes() if fmt == bibtex.FORMAT and len(text) >= PARALLEL_MIN_CHARACTERS else 1
    # This process reads the first piece; each child's piece is smaller, as it also has to pickle its result.
    pieces = split_bibtex(text, processes, first_share=1.08 / processes) if processes > 1 else []
    if len(pieces) > 1:
        # The bar follows this process's piece; the others go at about the same pace.
        bar = _Bar(progress, f"Reading {label}", text.count("\n@") + 1, len(pieces))
        arguments = [(label, offset, piece, catalog) for offset, piece in pieces]
        parts = map_shares(lambda share: _read_bibtex_part(share, bar if share is arguments[0] else None), arguments)
        bar.finish()
        keys = [key for part, _ in parts for key in dict.fromkeys(part.keys)]
        if len(keys) == len(set(keys)):  # else an entry is a duplicate of one in another part: read it whole
            problems += [problem for part, _ in parts for problem in part.failed]
            problems += [problem for part, _ in parts for problem in part.entry_problems]
            outcomes = [outcome for _, part_outcomes in parts for outcome in part_outcomes]
            report_if_empty(label, outcomes, problems)
            return problems, outcomes
    records, reader_problems = READERS[fmt](label, text) if fmt else read_text(label, text)
    problems += reader_problems
    report_if_empty(label, records, problems)
    bar = _Bar(progress, f"Reading {label}", len(records))
    outcomes = []
    for record in records:
        outcomes.append(_normalize(record, catalog))
        bar.step()
    return problems, outcomes


Outcome = tuple[Paper | None, list[Problem]]


def _read_bibtex_part(arguments: tuple, bar: _Bar | None = None) -> tuple[BibtexPart, list[Outcome]]:
    label, offset, text, catalog = arguments
    part = read_bibtex_part(label, text, offset)
    outcomes = []
    for record in part.records:
        outcomes.append(_normalize(record, catalog))
        if bar:
            bar.step()
    part.records = []  # normalized: the raw fields need not travel back to the parent process
    return part, outcomes


def _normalize(record: RawRecord, catalog) -> Outcome:
    """The record as a Paper with its problems; a rejection among them means the Paper is not kept."""
    try:
        paper, problems = normalize_record(record, catalog)
    except Exception as error:  # noqa: BLE001 -- one entry that trips a bug must not stop the rest
        return None, [Problem(record.path, record.line, f"cannot normalize entry ({type(error).__name__}: {error})", True)]
    return paper, problems + missing_fields(paper, problems)


def _save_papers(content_dir: Path, papers: list[Paper],
                 progress: Progress | None = None) -> list[tuple[list[Problem], bool]]:
    """``make_storable`` and ``store.save_paper_dict`` for each paper: its problems, and whether its file was written."""
    processes = _processes() if len(papers) >= PARALLEL_MIN_RECORDS else 1
    shares = [(content_dir, papers[index::processes]) for index in range(processes)]
    bar = _Bar(progress, "Writing records", len(papers), processes)  # follows this process's share
    results = map_shares(lambda share: _save_share(share, bar if share is shares[0] else None), shares)
    bar.finish()
    # Shares are interleaved (paper i is in share i % processes): put the results back in order.
    return [results[index % processes][index // processes] for index in range(len(papers))]


def _save_share(arguments: tuple[Path, list[Paper]], bar: _Bar | None = None) -> list[tuple[list[Problem], bool]]:
    content_dir, papers = arguments
    saved = []
    for paper in papers:
        _, data, problems = make_storable(paper)
        saved.append((problems, store.save_paper_dict(content_dir, data)))
        if bar:
            bar.step()
    return saved


class _Bar:
    """A progress bar (when a ``progress`` is given) that this process moves on behalf of ``shares``
    processes working at the same pace: each step counts ``shares`` items, never beyond the total."""

    def __init__(self, progress: Progress | None, label: str, total: int, shares: int = 1) -> None:
        self._advance = progress(label, total) if progress and total else None
        self._left = total
        self._shares = shares

    def step(self) -> None:
        self._move(self._shares)

    def finish(self) -> None:
        self._move(self._left)

    def _move(self, count: int) -> None:
        count = min(count, self._left)
        if self._advance and count > 0:
            self._left -= count
            self._advance(count)


# ---------------------------------------------------------------- using every core


def _processes() -> int:
    """How many processes to share work between: the cores this process may use, if it may fork."""
    if not hasattr(os, "fork") or threading.active_count() > 1:  # forking a threaded process is unsafe
        return 1
    return min(available_cores(), 4)


def _complete_from_reference(groups: list[Paper], reference: Path, catalog, report: ImportReport) -> list[Paper]:
    try:
        index, problems = ReferenceIndex.from_file(reference, display_path(reference), catalog)
    except SourceError as error:
        report.problems.append(Problem(str(reference), None, str(error)))
        return groups
    report.problems.extend(problems)
    completed = []
    for group in groups:
        found = index.lookup(group)
        if found is not None:
            report.resolved_with_reference += 1
            group = merge.merge_papers(group, found)
        completed.append(group)
    # A resolved abstract now has a title and may be the same paper as another group.
    return merge.group_papers(completed)
