"""`bibsite check`: every problem in hand-edited content, listed; exit 1."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent


def _content(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content, ignore=shutil.ignore_patterns("raw", "reference"))
    return content


def test_shipped_content_checks_clean() -> None:
    result = CliRunner().invoke(main, ["check", "--content", str(ROOT / "content")])
    assert result.exit_code == 0, result.output
    assert "51 records checked, 0 problems, 0 unresolved entries" in result.output


def test_check_lists_every_problem_and_exits_1(tmp_path: Path) -> None:
    content = _content(tmp_path)
    papers = content / "papers"
    (papers / "qin-etal-2023-webcpm.yaml").write_text(
        (papers / "qin-etal-2023-webcpm.yaml").read_text("utf-8").replace("year: 2023", "year: twenty"), "utf-8")
    (papers / "hu-etal-2023-unlock.yaml").write_text(
        (papers / "hu-etal-2023-unlock.yaml").read_text("utf-8") + "colour: red\n", "utf-8")
    shutil.copy(papers / "zhu-etal-2022-pass.yaml", papers / "zhu-copy.yaml")  # the id disagrees with the file name
    (papers / "broken.yaml").write_text("id: broken\ntitle: [unclosed\n", "utf-8")
    result = CliRunner().invoke(main, ["check", "--content", str(content)])
    assert result.exit_code == 1
    errors = result.stderr
    assert f"{papers / 'qin-etal-2023-webcpm.yaml'}: year: 'twenty' is not of type 'integer'" in errors
    assert f"{papers / 'hu-etal-2023-unlock.yaml'}: record: unknown field(s) ('colour' was unexpected)" in errors
    assert f"{papers / 'zhu-copy.yaml'}: id: 'zhu-etal-2022-pass' differs from the file name 'zhu-copy'" in errors
    assert f"{papers / 'broken.yaml'}:3: not valid YAML" in errors  # where the parser gave up: the end
    assert "Traceback" not in result.output


def test_build_refuses_a_broken_record_and_keeps_the_old_site(tmp_path: Path, monkeypatch) -> None:
    content = _content(tmp_path)
    out = tmp_path / "site"
    monkeypatch.chdir(ROOT)
    assert CliRunner().invoke(main, ["build", "--content", str(content), "--out", str(out)]).exit_code == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    record = content / "papers" / "qin-etal-2023-webcpm.yaml"
    record.write_text(record.read_text("utf-8").replace("type: inproceedings", "type: poster"), "utf-8")
    result = CliRunner().invoke(main, ["build", "--content", str(content), "--out", str(out)])
    assert result.exit_code == 1
    assert f"{record}: type: 'poster' is not one of" in result.stderr
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
