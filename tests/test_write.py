"""SiteWriter: writes only inside the output, never twice to one path, and publishes all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.write import SiteWriter, WriteError


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()
    }


def make_old_site(output: Path) -> dict[str, bytes]:
    (output / "papers").mkdir(parents=True)
    (output / "index.html").write_text("old index", encoding="utf-8")
    (output / "papers" / "old.html").write_text("old paper", encoding="utf-8")
    return snapshot(output)


def test_publishes_files_and_replaces_old_site(tmp_path: Path) -> None:
    output = tmp_path / "site"
    make_old_site(output)
    with SiteWriter(output) as writer:
        writer.write("index.html", "new index ü")
        writer.write("papers/a/b.html", "deep")
        assert (tmp_path / "site" / "index.html").read_text(encoding="utf-8") == "old index"  # not yet published
    assert snapshot(output) == {"index.html": "new index ü".encode(), "papers/a/b.html": b"deep"}
    assert writer.report.paths == ("index.html", "papers/a/b.html")
    assert writer.report.files_written == 2
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site"]


def test_writes_into_a_temporary_folder_beside_the_output(tmp_path: Path) -> None:
    with SiteWriter(tmp_path / "site") as writer:
        writer.write("index.html", "x")
        temporary = [path.name for path in tmp_path.iterdir()]
    assert len(temporary) == 1 and temporary[0].startswith("site.tmp-")
    assert not (tmp_path / temporary[0]).exists()


@pytest.mark.parametrize("second", ["index.html", "./index.html", "INDEX.html"])
def test_refuses_a_second_write_to_the_same_path(tmp_path: Path, second: str) -> None:
    with SiteWriter(tmp_path / "site") as writer:
        writer.write("index.html", "first")
        with pytest.raises(WriteError, match="already written"):
            writer.write(second, "second")
    assert (tmp_path / "site" / "index.html").read_text(encoding="utf-8") == "first"


@pytest.mark.parametrize(
    "path", ["../escape.html", "a/../../escape.html", "/etc/escape.html", "a\\..\\b", "a\0b", "", "."]
)
def test_refuses_paths_outside_the_output(tmp_path: Path, path: str) -> None:
    with SiteWriter(tmp_path / "site") as writer, pytest.raises(WriteError, match="not a path inside the output"):
        writer.write(path, "x")
    assert not (tmp_path / "escape.html").exists()
    assert snapshot(tmp_path / "site") == {}


def test_failed_build_leaves_old_site_untouched(tmp_path: Path) -> None:
    output = tmp_path / "site"
    before = make_old_site(output)
    with pytest.raises(RuntimeError, match="template broke"), SiteWriter(output) as writer:
        writer.write("index.html", "half-built")
        raise RuntimeError("template broke")
    assert snapshot(output) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site"]


def test_copy_tree_copies_every_file_and_records_it(tmp_path: Path) -> None:
    static = tmp_path / "static"
    (static / "fonts").mkdir(parents=True)
    (static / "style.css").write_text("body {}", encoding="utf-8")
    (static / "fonts" / "a.woff2").write_bytes(b"\x00\x01")
    output = tmp_path / "site"
    with SiteWriter(output) as writer:
        writer.copy_tree(static, "static")
        with pytest.raises(WriteError, match="already written"):
            writer.write("static/style.css", "clash")
    assert snapshot(output) == {"static/fonts/a.woff2": b"\x00\x01", "static/style.css": b"body {}"}
    assert writer.report.paths == ("static/fonts/a.woff2", "static/style.css")


def test_refuses_an_output_that_is_a_file(tmp_path: Path) -> None:
    output = tmp_path / "site"
    output.write_text("not a folder", encoding="utf-8")
    with pytest.raises(WriteError, match="not a folder"), SiteWriter(output):
        pass
    assert output.read_text(encoding="utf-8") == "not a folder"


def test_refuses_writes_when_not_open(tmp_path: Path) -> None:
    writer = SiteWriter(tmp_path / "site")
    with pytest.raises(WriteError, match="not open"):
        writer.write("index.html", "x")
    assert list(tmp_path.iterdir()) == []
