"""Command line: parse options, call one function, print the report.

Exit codes: 0 all good, 1 problems found, 2 usage error.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from . import __version__
from .model import Problem
from .sources import READERS

CONTENT_OPTION = click.option(
    "--content",
    "content_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("content"),
    show_default=True,
    help="Content folder holding papers/, venues.yaml and site.yaml.",
)

OUT_OPTION = click.option(
    "--out", "output_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("site"), show_default=True
)
TEMPLATES_OPTION = click.option(
    "--templates",
    "templates_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("templates"),
    show_default=True,
)
STATIC_OPTION = click.option(
    "--static", "static_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("static"), show_default=True
)


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bibsite")
def main() -> None:
    """Turn publication listings into YAML records and a static bibliography site."""


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@CONTENT_OPTION
@click.option("--format", "fmt", type=click.Choice(sorted(READERS)), help="Read every file as this format.")
@click.option(
    "--resolve-with",
    "reference",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Reference bibliography (.bib, .bib.gz, .bib.xz) to complete thin records and resolve bare abstracts.",
)
def import_command(paths: tuple[Path, ...], content_dir: Path, fmt: str | None, reference: Path | None) -> None:
    """Read raw listings and write normalized records into CONTENT/papers/."""
    from .collector import cycle_collector_paused
    from .importer import import_sources
    from .versions import VERSIONS_FILE, propose_versions

    with cycle_collector_paused():
        report = import_sources(list(paths), content_dir, fmt=fmt, reference=reference,
                                progress=_progress_bar if sys.stderr.isatty() else None)
        proposals = propose_versions(content_dir, report.records)
    _print_problems(report.problems + report.rejected)
    for entry in report.unresolved:
        click.echo(f"{entry.file}:{entry.line}: unresolved: {entry.text[:70]}...", err=True)
    for line in report.account():
        click.echo(line)
    if reference is not None:
        click.echo(f"  {report.resolved_with_reference} completed from {reference.name}")
    if proposals:
        click.echo(f"  {proposals} new version groups proposed in {content_dir / VERSIONS_FILE} (confirm or reject them)")
    sys.exit(1 if report.problems or report.rejected else 0)


@main.command("export")
@CONTENT_OPTION
@click.option("--unicode", "is_unicode", is_flag=True, help="Keep UTF-8 instead of LaTeX escapes (for biber/biblatex).")
@click.option("--no-abstracts", is_flag=True, help="Leave abstracts out, for lean bundles.")
@click.option("--author", "person_id", help="Only this person's papers (the id in /authors/<id>/).")
@click.option("--venue", "venue_id", help="Only this venue's papers.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
def export_command(
    content_dir: Path, is_unicode: bool, no_abstracts: bool, person_id: str | None, venue_id: str | None,
    output: Path | None,
) -> None:
    """Write BibTeX for every paper, or one author's or venue's."""
    from .build import BuildError, load_library
    from .config import load_config
    from .export import BibtexStyle, export_selection

    config, _ = load_config(content_dir, Path("site"), Path("templates"), Path("static"))
    try:
        library, _ = load_library(config, check_folders=False)
    except BuildError as error:
        _print_problems(error.problems)
        sys.exit(1)
    try:
        text = export_selection(library, BibtexStyle(is_unicode, not no_abstracts), person_id, venue_id)
    except KeyError as error:
        raise click.UsageError(f"no such {error.args[0]}") from error
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@main.command("check")
@CONTENT_OPTION
def check_command(content_dir: Path) -> None:
    """Validate every record; list problems and unresolved entries."""
    from .check import check_content

    result = check_content(content_dir)
    _print_problems(result.problems)
    for entry in result.unresolved:
        click.echo(f"{entry.file}:{entry.line}: unresolved: {entry.text[:70]}...", err=True)
    _print_problems(result.findings)
    click.echo(f"{result.paper_count} records checked, {len(result.problems)} problems, {len(result.unresolved)} "
               f"unresolved entries, {len(result.findings)} things to decide (people, versions)")
    sys.exit(1 if result.problems else 0)


@main.command("build")
@CONTENT_OPTION
@OUT_OPTION
@TEMPLATES_OPTION
@STATIC_OPTION
@click.option("--base-url", help="Where the site will be published, e.g. https://example.org/lab/pubs/ (overrides site.yaml).")
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(".bibsite-cache"),
    show_default=True,
    help="Where the build remembers what it made, so the next build redoes only what changed.",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache: make every file.")
@click.option("--clean", is_flag=True, help="Make every file, then refresh the cache.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), help="Processes that render (default: one per core).")
@click.option("--timings", is_flag=True, help="Print how long each phase took.")
def build_command(
    content_dir: Path, output_dir: Path, templates_dir: Path, static_dir: Path, base_url: str | None,
    cache_dir: Path, no_cache: bool, clean: bool, jobs: int | None, timings: bool,
) -> None:
    """Render the site from CONTENT into OUT, atomically; only what changed since the last build."""
    from .build import BuildError, BuildOptions, build_site
    from .config import load_config

    config, problems = load_config(content_dir, output_dir, templates_dir, static_dir, base_url)
    _print_problems(problems)
    options = BuildOptions(None if no_cache else cache_dir, clean, jobs, _progress_bar if sys.stderr.isatty() else None)
    try:
        report = build_site(config, options)
    except BuildError as error:
        _print_problems(error.problems)
        click.echo(f"build failed; {output_dir} was left as it was", err=True)
        sys.exit(1)
    _print_problems(report.warnings)
    if report.is_unchanged:
        click.echo(f"nothing changed: {output_dir} is up to date ({report.papers} papers, {report.files_written} files)")
    elif report.files_rewritten < 0:
        click.echo(f"built {report.papers} papers into {output_dir} ({report.files_written} files)")
    else:
        click.echo(f"built {report.papers} papers into {output_dir} ({report.files_rewritten} of "
                   f"{report.files_written} files rewritten)")
    if timings:
        for phase, seconds, peak in report.timings:
            click.echo(f"  {phase:<16} {seconds:7.2f} s   peak {peak:>6} MiB")
        click.echo(f"  {'total':<8} {sum(seconds for _, seconds, _ in report.timings):7.2f} s")
    sys.exit(1 if problems else 0)


def _progress_bar(label: str, total: int) -> Callable[[int], None]:
    """A bar on stderr for one phase; it closes itself when the phase is done."""
    bar = click.progressbar(length=total, label=label, file=sys.stderr)
    bar.__enter__()
    done = 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        bar.update(count)
        if done >= total:
            bar.__exit__(None, None, None)

    return advance


@main.command("serve")
@CONTENT_OPTION
@OUT_OPTION
@TEMPLATES_OPTION
@STATIC_OPTION
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="0 picks a free port.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=Path(".bibsite-cache"),
              show_default=True, help="The build cache, so each rebuild redoes only what changed.")
def serve_command(content_dir: Path, output_dir: Path, templates_dir: Path, static_dir: Path, port: int,
                  cache_dir: Path) -> None:
    """Build, serve OUT on 127.0.0.1:PORT, and rebuild when CONTENT, TEMPLATES or STATIC change."""
    from .serve import SiteFolders, serve_site

    try:
        serve_site(SiteFolders(content_dir, output_dir, templates_dir, static_dir, cache_dir), port, echo=click.echo)
    except OSError as error:
        click.echo(f"cannot serve on port {port}: {error}", err=True)
        sys.exit(1)
