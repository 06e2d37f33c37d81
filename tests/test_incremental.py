"""Incremental builds: after any edit, a build that reuses the cache writes exactly what a clean build writes.

Each test edits a copy of the shipped content, builds it incrementally (with the cache of the build
before the edit) and from scratch (no cache, another folder), and compares every byte of the two
sites, the search index included. It also checks that only the files showing the edit were rewritten.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
from pathlib import Path

import pytest

from generator import search
from generator.build import BuildError, BuildOptions, BuildReport, build_site
from generator.config import load_config

REPO = Path(__file__).resolve().parents[1]
EDITED = "qin-etal-2023-webcpm"  # a shipped record with several authors, a venue and topics


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class Project:
    """A copy of the shipped content, its templates and static files, a site and a cache."""

    def __init__(self, root: Path) -> None:
        self.root = root
        for name in ("content", "templates", "static"):
            shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("raw", "reference"))
        self.site = root / "site"
        self.cache = root / ".bibsite-cache"

    def build(self, cache: bool = True, output: Path | None = None) -> BuildReport:
        config, problems = load_config(self.root / "content", output or self.site, self.root / "templates",
                                       self.root / "static")
        assert problems == []
        return build_site(config, BuildOptions(cache_dir=self.cache if cache else None))

    def clean_build(self) -> dict[str, bytes]:
        output = self.root / "clean-site"
        shutil.rmtree(output, ignore_errors=True)
        self.build(cache=False, output=output)
        return snapshot(output)

    def record(self, paper_id: str) -> Path:
        return self.root / "content" / "papers" / f"{paper_id}.yaml"

    def edit(self, path: Path, old: str, new: str) -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        _bump(path)


def _bump(path: Path) -> None:
    """A later modification time, as an editor saving a second later would leave."""
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))


@pytest.fixture
def project(tmp_path: Path) -> Project:
    project = Project(tmp_path)
    first = project.build()
    assert first.files_rewritten == -1 and first.files_written > 500
    return project


def rewritten(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {path for path in after if before.get(path) != after[path]} | (set(before) - set(after))


def test_a_second_build_with_nothing_changed_writes_nothing(project: Project) -> None:
    before = snapshot(project.site)
    report = project.build()
    assert report.is_unchanged and report.files_rewritten == 0
    assert report.files_written == len([path for path in before if not path.startswith("pagefind/")])
    assert snapshot(project.site) == before


def test_editing_a_title_rewrites_only_the_pages_that_show_it(project: Project) -> None:
    before = snapshot(project.site)
    project.edit(project.record(EDITED), "title: 'WebCPM", "title: 'Revised WebCPM")
    report = project.build()
    after = snapshot(project.site)
    assert after == project.clean_build()
    changed = rewritten(before, after)
    assert f"papers/{EDITED}/index.html" in changed and f"papers/{EDITED}/{EDITED}.bib" in changed
    assert {"all.bib", "all.json", "all.ris", "index.html"} & changed
    assert any(path.startswith("authors/") for path in changed) and any(path.startswith("years/") for path in changed)
    # Other papers' files stay, except the pages listing the edited paper among their related papers.
    untouched = [p for p in before if p.startswith("papers/") and EDITED not in p and EDITED.encode() not in before[p]]
    assert untouched and not changed & set(untouched), "files of unrelated papers were rewritten"
    assert 0 < report.files_rewritten < report.files_written / 4


def test_a_renamed_record_moves_its_pages_and_deletes_the_old_ones(project: Project) -> None:
    old = project.record(EDITED)
    text = old.read_text(encoding="utf-8").replace(f"id: {EDITED}", "id: qin-etal-2023-renamed", 1)
    old.unlink()
    project.record("qin-etal-2023-renamed").write_text(text, encoding="utf-8")
    project.build()
    after = snapshot(project.site)
    assert after == project.clean_build()
    assert "papers/qin-etal-2023-renamed/index.html" in after
    assert not any(EDITED in path for path in after)
    assert not (project.site / "papers" / EDITED).exists(), "the old paper's folder is left behind"


def test_a_deleted_record_and_a_new_one(project: Project) -> None:
    text = project.record(EDITED).read_text(encoding="utf-8")
    project.record(EDITED).unlink()
    new = text.replace(f"id: {EDITED}", "id: newcomer-2031-paper", 1).replace("year: 2023", "year: 2031", 1)
    project.record("newcomer-2031-paper").write_text(new, encoding="utf-8")
    project.build()
    after = snapshot(project.site)
    assert after == project.clean_build()
    assert "years/2031/index.html" in after and not (project.site / "years" / "2023" / "index.html").read_bytes().count(
        EDITED.encode())


def test_a_changed_author_name_updates_other_authors_pages(project: Project) -> None:
    record = project.record(EDITED)
    family = re.search(r"family: (\S+)", record.read_text(encoding="utf-8"))
    assert family
    project.edit(record, f"family: {family.group(1)}", "family: Renamedperson")
    project.build()
    assert snapshot(project.site) == project.clean_build()


@pytest.mark.parametrize("edited", ["templates/paper.html", "static/style.css", "content/topics.yaml",
                                    "content/venues.yaml", "content/site.yaml", "content/people.yaml"])
def test_edits_to_shared_inputs(project: Project, edited: str) -> None:
    path = project.root / edited
    suffix = "\n<!-- edited -->\n" if edited.endswith(".html") else ("\n/* edited */\n" if edited.endswith(".css") else "\n# edited\n")
    path.write_text(path.read_text(encoding="utf-8") + suffix, encoding="utf-8")
    _bump(path)
    project.build()
    assert snapshot(project.site) == project.clean_build()


def test_a_broken_record_leaves_the_site_and_the_next_build_recovers(project: Project) -> None:
    before = snapshot(project.site)
    record = project.record(EDITED)
    good = record.read_text(encoding="utf-8")
    record.write_text(good + "year: [not, a, year\n", encoding="utf-8")
    _bump(record)
    with pytest.raises(BuildError):
        project.build()
    assert snapshot(project.site) == before
    record.write_text(good.replace("title: 'WebCPM", "title: 'Fixed WebCPM", 1), encoding="utf-8")
    _bump(record)
    project.build()
    assert snapshot(project.site) == project.clean_build()


def test_an_unreadable_cache_means_a_clean_build(project: Project) -> None:
    cache_files = [file for file in project.cache.iterdir() if file.is_file()]
    assert {file.suffix for file in cache_files} == {".pickle", ".sqlite"}
    for file in cache_files:
        file.write_bytes(b"neither a pickle nor a database")
    project.edit(project.record(EDITED), "title: 'WebCPM", "title: 'Again WebCPM")
    report = project.build()
    assert report.files_rewritten == -1
    assert snapshot(project.site) == project.clean_build()


def test_a_deleted_output_file_is_made_again_by_a_clean_build(project: Project) -> None:
    shutil.rmtree(project.site)
    report = project.build()
    assert not report.is_unchanged
    assert snapshot(project.site) == project.clean_build()


def test_a_large_site_re_indexes_only_the_search_index_holding_the_edit(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "SHARD_SIZE", 20)  # the 51 shipped papers as a large site: 3 indexes
    project = Project(tmp_path)
    project.build()
    bundles = [search.bundle_name(shard) for shard in range(3)]
    entry_files = {bundle: (project.site / bundle / "pagefind-entry.json").stat().st_ino for bundle in bundles}
    project.edit(project.record(EDITED), "title: 'WebCPM", "title: 'Revised WebCPM")
    project.build()
    assert snapshot(project.site) == project.clean_build()
    reindexed = {b for b in bundles if (project.site / b / "pagefind-entry.json").stat().st_ino != entry_files[b]}
    assert reindexed == {search.bundle_name(search.shard_of(EDITED, 3))}

    for paper in sorted((project.root / "content" / "papers").glob("*.yaml"))[:15]:  # 36 papers: 2 indexes
        paper.unlink()
    project.build()
    assert snapshot(project.site) == project.clean_build()
    assert not (project.site / bundles[2]).exists()


def test_a_build_with_nothing_changed_reads_only_the_stamp(project: Project) -> None:
    (project.cache / "state.pickle").write_bytes(b"not a pickle")  # the large file: not read when nothing changed
    assert project.build().is_unchanged
    project.edit(project.record(EDITED), "title: 'WebCPM", "title: 'Stamped WebCPM")
    assert project.build().files_rewritten == -1  # without the state, the edit means a clean build
    assert snapshot(project.site) == project.clean_build()


def test_a_failing_search_index_publishes_nothing(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(project.site)
    project.edit(project.record(EDITED), "title: 'WebCPM", "title: 'Unindexed WebCPM")
    monkeypatch.setattr(search, "index_documents",
                        lambda documents, bundle: [search.Problem(str(documents), None, "Pagefind failed (exit 1)")])
    with pytest.raises(BuildError, match="Pagefind failed"):
        project.build()
    assert snapshot(project.site) == before
    monkeypatch.undo()
    project.build()
    assert snapshot(project.site) == project.clean_build()


def test_an_error_while_indexing_stops_the_build_and_publishes_nothing(project: Project,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(project.site)
    project.edit(project.record(EDITED), "title: 'WebCPM", "title: 'Broken WebCPM")

    def broken(documents: Path, bundle: Path) -> list[search.Problem]:
        bundle.mkdir(parents=True, exist_ok=True)
        raise OSError("disk full")

    monkeypatch.setattr(search, "index_documents", broken)
    with pytest.raises(OSError, match="disk full"):
        project.build()
    assert snapshot(project.site) == before  # not a site with an empty search index
    monkeypatch.undo()
    project.build()
    assert snapshot(project.site) == project.clean_build()


def test_templates_are_compiled_once_and_again_when_they_change(project: Project,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import jinja2

    compiled: list[str | None] = []
    compile_template = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: str, name: str | None = None, *args: object) -> object:
        compiled.append(name)
        return compile_template(self, source, name, *args)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    (project.cache / "templates-0123").mkdir()  # compiled by another version of bibsite
    project.edit(project.record(EDITED), "title: 'WebCPM", "title: 'Precompiled WebCPM")
    project.build()
    assert compiled == []  # every template read as the last build compiled it
    assert len(list(project.cache.glob("templates-*"))) == 1
    assert snapshot(project.site) == project.clean_build()

    compiled.clear()
    project.edit(project.root / "templates" / "paper.html", "{% block content %}", "{% block content %}<!-- v2 -->")
    project.build()
    assert compiled == ["paper.html"]  # only the changed one
    assert "<!-- v2 -->" in (project.site / "papers" / EDITED / "index.html").read_text(encoding="utf-8")
    assert snapshot(project.site) == project.clean_build()  # compiles every template: no cache


def test_every_field_of_a_person_is_in_the_key_of_their_page() -> None:
    from generator.model import Name, Person
    from generator.outputs import person_digest_part

    base = Person("ada-lovelace", Name("Ada", "Lovelace"))
    changes = {"id": "ada-king", "name": Name("Augusta Ada", "Lovelace"), "variants": (Name("A.", "Lovelace"),),
               "orcid": "0000-0002-1825-0097", "homepage": "https://example.org/ada", "affiliation": "Analytical",
               "disambiguator": "London"}
    assert set(changes) == {field.name for field in dataclasses.fields(Person)}, "a new field must be in the key"
    for name, value in changes.items():
        assert person_digest_part(dataclasses.replace(base, **{name: value})) != person_digest_part(base), name


def test_an_edit_related_papers_do_not_read_reuses_them(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.build

    def not_again(*args: object) -> None:
        raise AssertionError("related papers were worked out again")

    monkeypatch.setattr(generator.build, "related_papers", not_again)
    project.edit(project.record(EDITED), "year: 2023", "year: 2022")  # the year is not among their inputs
    project.build()
    monkeypatch.undo()
    assert snapshot(project.site) == project.clean_build()
    project.edit(project.record(EDITED), "title: 'WebCPM", "title: 'Related WebCPM")  # the title is
    monkeypatch.setattr(generator.build, "related_papers", not_again)
    with pytest.raises(AssertionError, match="worked out again"):
        project.build()


def test_one_job_means_one_process_and_the_same_site(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.build

    def no_child(*args: object) -> None:
        raise AssertionError("a child process was started")

    monkeypatch.setattr(generator.build, "ChildJob", no_child)
    config, _ = load_config(project.root / "content", project.root / "one-job", project.root / "templates",
                            project.root / "static")
    build_site(config, BuildOptions(workers=1))  # no cache: related papers are worked out here
    assert snapshot(project.root / "one-job") == snapshot(project.site)


def test_an_edit_parses_only_its_record_and_rewrites_one_records_file(project: Project,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import store

    shards = sorted(project.cache.glob("records-*.pickle"))
    assert len(shards) > 1
    before = {path: path.stat().st_mtime_ns for path in shards}
    parsed = []
    load_record_file = store.load_record_file
    monkeypatch.setattr(store, "load_record_file", lambda path: parsed.append(path.name) or load_record_file(path))
    project.edit(project.record(EDITED), "title: 'WebCPM", "title: 'Sharded WebCPM")
    project.build()
    assert parsed == [f"{EDITED}.yaml"]
    assert len([path for path in shards if path.stat().st_mtime_ns != before[path]]) == 1
    # A lost records file only means its records are parsed again.
    lost = shards[0]
    lost.unlink()
    parsed.clear()
    project.edit(project.record(EDITED), "title: 'Sharded WebCPM", "title: 'WebCPM")
    project.build()
    assert len(parsed) > 1 and f"{EDITED}.yaml" in parsed and lost.is_file()
    assert snapshot(project.site) == project.clean_build()
