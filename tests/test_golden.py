"""The golden site: tests/sample_site/ builds to exactly the files in tests/golden/.

The golden files change only through ``pytest tests/test_golden.py --update-golden``, and every
change to them is read by eye before it is committed. The Pagefind bundle (``pagefind/``, binary
search index) is left out of the comparison.
"""

from __future__ import annotations

import difflib
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from generator import store
from generator.build import BuildReport

REPO = Path(__file__).resolve().parents[1]
SAMPLE_SITE = REPO / "tests" / "sample_site"
GOLDEN = REPO / "tests" / "golden"
IGNORED_FOLDERS = ("pagefind",)
DIFFS_SHOWN = 3
DIFF_LINES_SHOWN = 80

BuildInto = Callable[[Path, Path], BuildReport]  # the `build_into` fixture of conftest.py


def snapshot(folder: Path, *, ignored: tuple[str, ...] = IGNORED_FOLDERS) -> dict[str, bytes]:
    """Every file under ``folder`` by its relative POSIX path, except those under ``ignored`` top-level folders."""
    files = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and relative.parts[0] not in ignored:
            files[relative.as_posix()] = path.read_bytes()
    return files


def describe_differences(expected: dict[str, bytes], actual: dict[str, bytes]) -> str:
    """Missing and extra files, then a unified diff of the first few files that differ."""
    missing = sorted(expected.keys() - actual.keys())
    extra = sorted(actual.keys() - expected.keys())
    changed = sorted(path for path in expected.keys() & actual.keys() if expected[path] != actual[path])
    lines = []
    if missing:
        lines.append(f"{len(missing)} golden file(s) not built: " + ", ".join(missing))
    if extra:
        lines.append(f"{len(extra)} built file(s) not in tests/golden/: " + ", ".join(extra))
    if changed:
        lines.append(f"{len(changed)} file(s) differ: " + ", ".join(changed))
    for path in changed[:DIFFS_SHOWN]:
        diff = list(
            difflib.unified_diff(
                expected[path].decode("utf-8", "replace").splitlines(),
                actual[path].decode("utf-8", "replace").splitlines(),
                f"golden/{path}",
                f"built/{path}",
                lineterm="",
            )
        )
        if len(diff) > DIFF_LINES_SHOWN:
            diff = diff[:DIFF_LINES_SHOWN] + [f"... {len(diff) - DIFF_LINES_SHOWN} more diff lines"]
        lines += ["", *diff]
    if lines:
        lines.append("\nIf the change is intended: pytest tests/test_golden.py --update-golden, then read the diff.")
    return "\n".join(lines)


def write_golden(files: dict[str, bytes]) -> None:
    if GOLDEN.exists():
        shutil.rmtree(GOLDEN)
    for relative, data in files.items():
        path = GOLDEN / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def test_sample_site_matches_golden(tmp_path: Path, build_into: BuildInto, update_golden: bool) -> None:
    build_into(SAMPLE_SITE, tmp_path / "site")
    built = snapshot(tmp_path / "site")
    if update_golden:
        write_golden(built)
        return
    assert GOLDEN.is_dir(), "tests/golden/ is missing: run pytest tests/test_golden.py --update-golden"
    differences = describe_differences(snapshot(GOLDEN), built)
    assert not differences, "the sample site no longer builds to tests/golden/:\n" + differences


def test_two_people_with_one_name_are_told_apart_by_a_disambiguator(tmp_path: Path, build_into: BuildInto) -> None:
    report = build_into(SAMPLE_SITE, tmp_path / "site")
    assert report.papers == len(list((SAMPLE_SITE / "papers").glob("*.yaml")))
    assert report.warnings == []  # people.yaml says the Wei Zhang in Oslo is someone else
    people = (SAMPLE_SITE / "people.yaml").read_text(encoding="utf-8")
    without = tmp_path / "content"
    shutil.copytree(SAMPLE_SITE, without)
    # Without her entry, she is told apart by `person:` alone, and the build asks whether they are one.
    (without / "people.yaml").write_text(people.split("- id: wei-zhang-oslo")[0], encoding="utf-8")
    messages = [problem.message for problem in build_into(without, tmp_path / "site2").warnings]
    assert len(messages) == 1 and messages[0].startswith("'Wei Zhang' and 'Wei Zhang' may be one person"), messages


def test_two_builds_in_a_row_are_byte_identical(tmp_path: Path, build_into: BuildInto) -> None:
    site = tmp_path / "site"
    build_into(SAMPLE_SITE, site)
    first = snapshot(site, ignored=())
    build_into(SAMPLE_SITE, site)
    second = snapshot(site, ignored=())
    assert first.keys() == second.keys()
    assert describe_differences(first, second) == ""


@pytest.mark.parametrize("path", sorted((SAMPLE_SITE / "papers").glob("*.yaml")), ids=lambda path: path.name)
def test_sample_record_round_trips_to_identical_bytes(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    paper, problems = store.load_paper(text, str(path))
    assert problems == []
    assert paper is not None and paper.id == path.stem
    assert store.dump_paper(paper) == text
