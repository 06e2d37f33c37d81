"""Version groups: proposals from the records, decisions kept, confirmed groups on the pages."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from generator import store, versions
from generator.build import BuildError
from generator.versions import VersionGroup, confirmed_groups, propose
from tests.conftest import REPO, BuildInto

SHIPPED = store.load_papers(REPO / "content").papers
PUBLISHED = "qin-etal-2023-webcpm"  # a shipped ACL paper


def preprint_of(paper_id: str, new_id: str, title: str, **changes: object) -> store.Paper:
    """The paper as its arXiv preprint would be stored: another id, another title, an earlier year."""
    paper = SHIPPED[paper_id]
    return dataclasses.replace(paper, id=new_id, title=title, type="misc", venue_id="arxiv", booktitle=None,
                               pages=None, doi=None, url=None, year=(paper.year or 2023) - 1, **changes)


def test_a_retitled_preprint_of_a_shipped_paper_is_proposed() -> None:
    preprint = preprint_of(PUBLISHED, "qin-etal-2022-webcpm", "WebCPM: Interactive Web Search for Chinese Long-Form QA")
    proposals = propose({**SHIPPED, preprint.id: preprint}, [])
    assert [group.papers for group in proposals] == [("qin-etal-2022-webcpm", PUBLISHED)]
    assert proposals[0].status == "proposed" and "similar titles" in proposals[0].reason


def test_a_shared_arxiv_id_is_proposed_whatever_the_titles() -> None:
    preprint = preprint_of(PUBLISHED, "zz-preprint", "Something else entirely", arxiv="2305.06849")
    published = dataclasses.replace(SHIPPED[PUBLISHED], arxiv="2305.06849")
    proposals = propose({**SHIPPED, PUBLISHED: published, preprint.id: preprint}, [])
    assert [(group.papers, group.reason) for group in proposals] == [
        ((PUBLISHED, "zz-preprint"), "same arXiv id (2305.06849)")]


def test_the_shipped_records_are_all_different_works() -> None:
    # Among them: two 2023 papers by the same first author with overlapping title words (xiao-etal-2023-*).
    assert propose(SHIPPED, []) == []


def test_decided_pairs_are_never_proposed_again() -> None:
    preprint = preprint_of(PUBLISHED, "qin-etal-2022-webcpm", "WebCPM: Interactive Web Search for Chinese Long-Form QA")
    rejected = VersionGroup((PUBLISHED, preprint.id), "rejected")
    assert propose({**SHIPPED, preprint.id: preprint}, [rejected]) == []


def test_confirmed_groups_join_and_put_the_published_version_first() -> None:
    papers = {**SHIPPED}
    preprint = preprint_of(PUBLISHED, "a-preprint", "X")
    erratum = dataclasses.replace(SHIPPED[PUBLISHED], id="b-erratum", title="Erratum: WebCPM")
    papers.update({preprint.id: preprint, erratum.id: erratum})
    groups = [VersionGroup(("a-preprint", PUBLISHED), "confirmed"), VersionGroup(("b-erratum", "a-preprint"), "confirmed"),
              VersionGroup(("xiao-etal-2023-plug", "xiao-etal-2023-variator"), "rejected")]
    found = confirmed_groups(groups, papers)
    assert found[PUBLISHED] == found["a-preprint"] == found["b-erratum"] == (PUBLISHED, "a-preprint", "b-erratum")
    assert "xiao-etal-2023-plug" not in found


def test_the_file_is_read_back_and_bad_groups_are_reported(tmp_path: Path) -> None:
    groups = [VersionGroup(("a", "b"), "confirmed", "same DOI (10.1/x)"), VersionGroup(("c", "d"), "proposed")]
    versions.save_groups(tmp_path, groups)
    assert versions.load_groups(tmp_path) == (groups, [])
    (tmp_path / versions.VERSIONS_FILE).write_text("- papers: [a]\n- papers: [a, b]\n  status: maybe\n", encoding="utf-8")
    loaded, problems = versions.load_groups(tmp_path)
    assert loaded == [] and [p.message.split(":")[0] for p in problems] == ["group 1", "group 2"]
    assert all(p.path.endswith("versions.yaml") for p in problems)


@pytest.fixture
def content_with_a_preprint(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content, ignore=shutil.ignore_patterns("raw", "reference"))
    preprint = preprint_of(PUBLISHED, "qin-etal-2022-webcpm", "WebCPM: Interactive Web Search for Chinese Long-Form QA",
                           arxiv="2305.06849")
    store.save_paper(content, preprint)
    return content


def test_import_proposes_and_the_site_shows_a_confirmed_group(content_with_a_preprint: Path, tmp_path: Path,
                                                               build_into: BuildInto) -> None:
    content = content_with_a_preprint
    assert versions.propose_versions(content) == 1
    assert versions.propose_versions(content) == 0  # already proposed
    text = (content / versions.VERSIONS_FILE).read_text(encoding="utf-8")
    build_into(content, tmp_path / "proposed")
    assert "Versions" not in (tmp_path / "proposed" / "papers" / PUBLISHED / "index.html").read_text("utf-8")

    (content / versions.VERSIONS_FILE).write_text(text.replace("status: proposed", "status: confirmed"), encoding="utf-8")
    build_into(content, tmp_path / "site")
    published = (tmp_path / "site" / "papers" / PUBLISHED / "index.html").read_text("utf-8")
    preprint = (tmp_path / "site" / "papers" / "qin-etal-2022-webcpm" / "index.html").read_text("utf-8")
    assert 'href="../../papers/qin-etal-2022-webcpm/index.html"' in published.split('id="versions-heading"')[1]
    assert 'href="../../papers/' + PUBLISHED + '/index.html"' in preprint.split('id="versions-heading"')[1]
    # The preprint's page cites the published version and says so; its own .bib stays its own entry.
    cite = preprint.split('id="cite-heading"')[1]
    assert "published as" in cite and f"@inproceedings{{{PUBLISHED}," in cite
    own = (tmp_path / "site" / "papers" / "qin-etal-2022-webcpm" / "qin-etal-2022-webcpm.bib").read_text("utf-8")
    assert own.startswith("@misc{qin-etal-2022-webcpm,")


def test_a_group_naming_a_missing_record_stops_the_build(content_with_a_preprint: Path, tmp_path: Path,
                                                        build_into: BuildInto) -> None:
    versions.save_groups(content_with_a_preprint, [VersionGroup((PUBLISHED, "no-such-record"), "confirmed")])
    with pytest.raises(BuildError, match="no-such-record"):
        build_into(content_with_a_preprint, tmp_path / "site")
