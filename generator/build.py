"""`bibsite build`: content/ -> site/, all or nothing. Orchestration only.

Any problem in the content stops the build before anything is written, so a
broken record never reaches the site and the previous site stays as it was.

Phases (``--timings`` names them): inputs (a build with nothing changed ends here), load
(records and the Library), exports (each paper's BibTeX/CSL-JSON/RIS), search documents
(Pagefind then indexes them on a thread), related and plan (related papers in a child
process while every other file's key is worked out), render (only files whose key changed,
on every core), then publishing. With a cache, each phase redoes only what changed.
"""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from jinja2 import TemplateError, TemplateSyntaxError

try:
    import resource
except ImportError:  # not on Windows
    resource = None  # type: ignore[assignment]

from . import pages, render, search, store
from .cache import BuildCache, BuildState, digest, input_signature
from .check import assemble_library
from .collector import PausedCollector
from .config import SiteConfig
from .library import LibraryMemo, likely_unmerged_people
from .model import Library, Problem
from .outputs import (
    ArtifactTexts,
    BibtexView,
    MemoryArtifacts,
    Output,
    OutputPlanner,
    StoredArtifacts,
    global_key,
    make_artifacts,
    paper_key,
    template_names,
)
from .parallel import ChildJob, Progress, available_cores, parallel_map
from .records import load_records
from .related import inputs_digest, related_papers
from .write import SiteWriter, WriteError


@dataclass(frozen=True, slots=True)
class BuildOptions:
    cache_dir: Path | None = None  # None: no cache, every build makes every file
    clean: bool = False  # ignore what the cache says about the last build
    workers: int | None = None  # processes that render; None: one per core
    progress: Progress | None = None


@dataclass(frozen=True, slots=True)
class BuildReport:
    papers: int
    files_written: int  # files the site holds
    warnings: list[Problem] = field(default_factory=list)
    files_rewritten: int = -1  # files this build wrote; -1: all of them
    timings: tuple[tuple[str, float, int], ...] = ()  # per phase, in order: seconds, peak resident MiB so far

    @property
    def is_unchanged(self) -> bool:
        return self.files_rewritten == 0


class BuildError(Exception):
    """The build stopped; ``problems`` says why. Nothing was published."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


class _Timer:
    def __init__(self) -> None:
        self.phases: list[tuple[str, float, int]] = []

    @contextmanager
    def __call__(self, phase: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.phases.append((phase, time.perf_counter() - started, _peak_mib()))


def _peak_mib() -> int:
    """The largest resident size of this process or any worker it waited for."""
    if resource is None:
        return 0
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, workers) // 1024


def build_site(config: SiteConfig, options: BuildOptions = BuildOptions()) -> BuildReport:
    # Loading and planning make millions of lasting objects and next to no cycles: the collector stays
    # off until the pages are written (which make short-lived garbage, cycles among it).
    collector = PausedCollector()
    try:
        return _build_site(config, options, collector)
    finally:
        collector.resume()
        gc.unfreeze()  # once garbage, what the build made may be collected (a server builds again and again)


def _build_site(config: SiteConfig, options: BuildOptions, collector: PausedCollector) -> BuildReport:
    timer = _Timer()
    cache = BuildCache(options.cache_dir) if options.cache_dir else None
    with timer("inputs"):
        problems = _check_folders(config)
        if problems:
            raise BuildError(problems)
        signature = input_signature((config.content_dir, config.templates_dir, config.static_dir), repr(config))
        output_dir = str(config.output_dir.resolve())
        usable = cache is not None and not options.clean and config.output_dir.is_dir()
        stamp = cache.load_stamp() if cache is not None and usable else None
        if stamp is not None and stamp.signature == signature and stamp.output_dir == output_dir:
            return BuildReport(stamp.papers, stamp.files, list(stamp.warnings), 0, tuple(timer.phases))
        state = cache.load_state() if cache is not None and usable else None
        if state is not None and state.output_dir != output_dir:
            state = None  # the last build wrote somewhere else
    with timer("load"):
        library, record_digests, warnings = _load_library(config, cache, options.workers)
    try:
        return _build(library, record_digests, warnings, config, options, cache, state, signature, timer, collector)
    except (TemplateError, WriteError) as error:
        raise BuildError([_describe_error(error, config)]) from error


def _build(library: Library, record_digests: dict[str, str], warnings: list[Problem], config: SiteConfig,
           options: BuildOptions,
           cache: BuildCache | None, state: BuildState | None, signature: str, timer: _Timer,
           collector: PausedCollector) -> BuildReport:
    with timer("exports"):
        env = render.make_environment(config.templates_dir, cache.compiled_templates_dir() if cache else None)
        for name in template_names(config.templates_dir):
            env.get_template(name)  # compiled once here, not once per worker
        markdown_pages = pages.load_markdown_pages(config.content_dir)
        keys = {paper_id: paper_key(paper, record_digests[paper_id]) for paper_id, paper in library.papers.items()}
        site_key = global_key(config, library, _registry(config), markdown_pages)
        artifacts = _artifacts(library, keys, site_key, cache, options)
    shards = search.shard_count(len(library.papers))
    if cache:
        cache.forget_state()  # the search documents and the output are about to change
    # The files of the last build, and its search index folders (ending in "/"), which a build may replace.
    previous = {**state.outputs, **{f"{bundle}/": "" for bundle in state.bundles}} if state is not None else None
    # Left in reverse order: the indexer stops before its documents' folder goes, both before publishing.
    with (SiteWriter(config.output_dir, previous=previous) as writer, _search_folder(cache) as search_dir,
          search.BackgroundIndexer() as indexer):
        planner = pages.PagePlanner(library, config, BibtexView(artifacts), markdown_pages, shards)
        output_planner = OutputPlanner(library, config, env, planner, artifacts, keys, site_key)
        with timer("search documents"):
            search_docs = _update_search(output_planner.search_documents(shards), shards, writer, search_dir,
                                         state if cache else None, indexer, options)
        # A site of one search index is small: Pagefind indexes it at once, beside everything below.
        # On a larger site it starts once the related papers are done, and pages are written by this
        # process alone until it is done, so that Pagefind's memory and a child's (the related
        # papers' or a writer's) are never needed at the same time.
        bounded = shards > 1
        if not bounded:
            indexer.start()
        with timer("related and plan"):
            # Related papers come from the cache when nothing they depend on changed; else they are worked
            # out in a child process while this one plans every file but the papers' pages, which show them.
            related_inputs = inputs_digest(library, config.related_papers)
            known = cache.load_related(related_inputs) if cache else None
            source, job = _related_source(library, config.related_papers, options.workers, known)
            try:
                planned = output_planner.outputs(source)
            finally:
                if job:
                    job.cancel()  # only if it is still running: planning failed
            if cache and known is None and config.related_papers:
                cache.save_related(related_inputs, dict(output_planner.related))
        if bounded:
            indexer.start()
        collector.resume()
        with timer("render"):
            made = []
            for output in planned:
                if previous is not None and previous.get(output.path) == output.key:
                    writer.keep(output.path)
                else:
                    path = writer.claim(output.path)
                    made.append(output if path == output.path else replace(output, path=path))
            _make_all(made, writer.staging_root, options, "Writing pages",
                      may_fork=(lambda: not indexer.is_busy()) if bounded else None)
        with timer("search index"):  # what is left of indexing once the pages are written
            problems = indexer.wait()
            if problems:
                raise BuildError(problems)
    if cache:
        outputs = {output.path: output.key for output in planned}
        bundles = tuple(search.bundle_name(shard) for shard in range(shards))
        cache.save_state(BuildState(signature, str(config.output_dir.resolve()), outputs, search_docs, bundles,
                                    len(library.papers), tuple(warnings)))
    report = writer.report
    return BuildReport(len(library.papers), report.files_written, warnings,
                       report.files_rewritten if previous is not None else -1, tuple(timer.phases))


def _related_source(library: Library, limit: int, workers: int | None, known: dict[str, tuple[str, ...]] | None,
                    ) -> tuple[Callable[[], Mapping[str, tuple[str, ...]]], ChildJob | None]:
    """Where the related papers come from: the cache; a child process working on them meanwhile; or,
    with one job, this process once they are asked for. The child, if any, to cancel on failure."""
    if known is not None or not limit:
        return (lambda: known or {}), None
    if workers == 1 or (workers is None and available_cores() == 1):
        return (lambda: related_papers(library, limit)), None
    job = ChildJob(related_papers, library, limit)
    return job.result, job


def _artifacts(library: Library, keys: dict[str, str], site_key: str, cache: BuildCache | None,
               options: BuildOptions) -> ArtifactTexts:
    """Every paper's BibTeX, CSL-JSON and RIS: made on every core where the cache has no texts under the
    paper's key; with a cache they are read back from it one at a time when a file needs them."""
    artifact_keys = {paper_id: digest(site_key, keys[paper_id]) for paper_id in library.papers}
    stored = cache.artifacts() if cache else None
    known = stored.keys() if stored else {}
    stale = [paper_id for paper_id, key in artifact_keys.items() if known.get(paper_id) != key]
    made = parallel_map(lambda paper_id: make_artifacts(library.papers[paper_id], library), stale, options.workers,
                        _advance(options, "Exporting citations", len(stale)))
    if stored is None:
        return MemoryArtifacts(dict(zip(stale, made)))
    stored.update(((paper_id, artifact_keys[paper_id], (texts.bibtex, texts.csl_item, texts.ris))
                   for paper_id, texts in zip(stale, made)), [paper_id for paper_id in known if paper_id not in keys])
    return StoredArtifacts(stored, library.papers)


def _make_all(made: list[Output], folder: str, options: BuildOptions, label: str,
              may_fork: Callable[[], bool] | None = None) -> None:
    """Make each output and write it at its path in ``folder``, on every core (see ``parallel_map``)."""
    def make_one(output: Output) -> None:
        _write(output, os.path.join(folder, output.path))

    for _ in parallel_map(make_one, made, options.workers, _advance(options, label, len(made)), may_fork):
        pass


def _write(output: Output, target: str) -> None:
    """Make ``output`` and write it as the whole of the file ``target``, through the bare descriptor:
    Python's file objects (a raw file, a buffer and a text wrapper, for one write each) cost as much as
    the writing itself for a small page, and a site has hundreds of thousands of them."""
    data = output.make()
    descriptor = os.open(target, _NEW_FILE, 0o666)
    try:
        if isinstance(data, bytes):
            _write_all(descriptor, data)
        elif isinstance(data, str):
            _write_all(descriptor, data.encode("utf-8"))
        else:  # a bundle's chunks: encoded in batches, never held whole
            for batch in _batches(data):
                _write_all(descriptor, batch.encode("utf-8"))
    finally:
        os.close(descriptor)


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)
_BATCH_CHARACTERS = 1 << 20


def _write_all(descriptor: int, data: bytes) -> None:
    written = os.write(descriptor, data)
    while written < len(data):  # a short write: rare, but allowed
        written += os.write(descriptor, memoryview(data)[written:])


def _batches(chunks: Iterable[str]) -> Iterator[str]:
    """The chunks joined into pieces of about ``_BATCH_CHARACTERS``."""
    batch: list[str] = []
    size = 0
    for chunk in chunks:
        batch.append(chunk)
        size += len(chunk)
        if size >= _BATCH_CHARACTERS:
            yield "".join(batch)
            batch, size = [], 0
    if batch:
        yield "".join(batch)


@contextmanager
def _search_folder(cache: BuildCache | None) -> Iterator[Path]:
    """Where the search documents are kept: in the cache, or for this build only."""
    if cache is not None:
        yield cache.search_dir
    else:
        with tempfile.TemporaryDirectory(prefix="bibsite-search-") as folder:
            yield Path(folder)


def _update_search(documents: list[Output], shards: int, writer: SiteWriter, folder: Path, state: BuildState | None,
                   indexer: search.BackgroundIndexer, options: BuildOptions) -> dict[str, str]:
    """Bring the search documents up to date and give the indexer each index whose documents changed; their keys."""
    keys = {document.path: document.key for document in documents}
    bundles = [search.bundle_name(shard) for shard in range(shards)]
    previous = state.search_docs if state is not None and folder.is_dir() else {}
    if not previous and folder.exists():
        shutil.rmtree(folder)
    changed = [document for document in documents if previous.get(document.path) != document.key]
    stale = sorted(set(previous) - set(keys))
    for path in stale:
        (folder / path).unlink(missing_ok=True)
    _make_documents(changed, folder, options)
    touched = {path.split("/", 1)[0] for path in stale} | {document.path.split("/", 1)[0] for document in changed}
    for bundle in bundles:
        published = writer.output_dir / bundle / "pagefind.js"
        if bundle in touched or not writer.is_incremental or not published.is_file():
            (folder / bundle).mkdir(parents=True, exist_ok=True)  # an index of no papers is still an index
            indexer.add(folder / bundle, writer.tree(bundle))
        else:
            writer.keep_tree(bundle)
    for leftover in sorted(set(os.listdir(folder)) - set(bundles)) if folder.is_dir() else ():  # a larger site's
        shutil.rmtree(folder / leftover)
    return keys


def _make_documents(documents: list[Output], folder: Path, options: BuildOptions) -> None:
    for document in documents:
        os.makedirs(os.path.join(folder, os.path.dirname(document.path)), exist_ok=True)
    _make_all(documents, str(folder), options, "Preparing search")


def _advance(options: BuildOptions, label: str, total: int) -> Callable[[int], None] | None:
    return options.progress(label, total) if options.progress and total else None


def _registry(config: SiteConfig) -> list[object]:
    people, _ = store.load_people(config.content_dir)
    return sorted(people.items())
def load_library(config: SiteConfig, check_folders: bool = True) -> tuple[Library, list[Problem]]:
    """The Library, plus warnings that do not stop a build; BuildError on any real problem."""
    problems = _check_folders(config) if check_folders else []
    if problems:
        raise BuildError(problems)
    library, _, warnings = _load_library(config)
    return library, warnings


def _load_library(config: SiteConfig, cache: BuildCache | None = None,
                  workers: int | None = None) -> tuple[Library, dict[str, str], list[Problem]]:
    """The Library, the digest of each record as stored, and warnings; BuildError on any real problem."""
    content = config.content_dir
    loaded = load_records(content, cache, workers)
    memo = cache.load_memo() if cache else None
    memo = memo if isinstance(memo, LibraryMemo) else LibraryMemo()
    library, _, problems = assemble_library(content, loaded, memo)
    if problems:
        raise BuildError(problems)
    warnings = likely_unmerged_people(library, str(content / store.PEOPLE_FILE), memo)
    if cache and memo.changed:
        memo.changed = False
        cache.save_memo(memo)
    return library, loaded.digests, warnings


def _check_folders(config: SiteConfig) -> list[Problem]:
    """The input folders exist, and replacing the output folder cannot delete any of them."""
    inputs = {
        "content": config.content_dir,
        "templates": config.templates_dir,
        "static": config.static_dir,
    }
    problems = [
        Problem(str(folder), None, f"{kind} folder not found") for kind, folder in inputs.items() if not folder.is_dir()
    ]
    output = config.output_dir.resolve()
    for kind, folder in {**inputs, "current": Path.cwd()}.items():
        if output == folder.resolve() or output in folder.resolve().parents:
            problems.append(
                Problem(str(config.output_dir), None, f"refusing to replace a folder holding the {kind} folder")
            )
    return problems


def _describe_error(error: Exception, config: SiteConfig) -> Problem:
    if isinstance(error, TemplateSyntaxError):
        return Problem(error.filename or str(config.templates_dir), error.lineno, error.message or str(error))
    if isinstance(error, WriteError):
        return Problem(str(config.output_dir), None, str(error))
    return Problem(str(config.templates_dir), None, f"{type(error).__name__}: {error}")
