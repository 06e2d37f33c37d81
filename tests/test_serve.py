"""serve: snapshots see added, changed and removed files; the watcher reports them; the server serves
the built site; a failed rebuild keeps the previous site."""

from __future__ import annotations

import os
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.serve import SiteFolders, changed, make_server, rebuild, snapshot, watch

REPO = Path(__file__).resolve().parents[1]

PAPER = """\
id: ortiz-2021-grammar
type: misc
title: A Grammar of Invented Languages
authors:
- given: Lucía
  family: Ortiz
year: 2021
"""


def touch(path: Path, mtime_ns: int) -> None:
    """Set a modification time outright, so tests never wait for the clock to tick."""
    os.utime(path, ns=(mtime_ns, mtime_ns))


def make_tree(root: Path) -> Path:
    (root / "papers").mkdir(parents=True)
    (root / "site.yaml").write_text("title: Test\n", encoding="utf-8")
    (root / "papers" / "a.yaml").write_text("a\n", encoding="utf-8")
    return root


# ---------------------------------------------------------------- snapshot and changed


def test_snapshot_lists_every_file_under_each_folder_and_no_folders(tmp_path: Path) -> None:
    content = make_tree(tmp_path / "content")
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "style.css").write_text("", encoding="utf-8")
    touch(content / "papers" / "a.yaml", 1_000)
    times = snapshot([content, tmp_path / "static", tmp_path / "missing"])
    assert sorted(times) == [content / "papers" / "a.yaml", content / "site.yaml", tmp_path / "static" / "style.css"]
    assert times[content / "papers" / "a.yaml"] == 1_000


def test_snapshot_skips_dangling_links(tmp_path: Path) -> None:
    content = make_tree(tmp_path / "content")
    (content / ".#a.yaml").symlink_to(content / "nowhere")  # an Emacs lock file
    assert content / ".#a.yaml" not in snapshot([content])


def test_changed_reports_added_modified_and_removed_files_sorted(tmp_path: Path) -> None:
    content = make_tree(tmp_path / "content")
    (content / "papers" / "b.yaml").write_text("b\n", encoding="utf-8")
    touch(content / "papers" / "a.yaml", 1_000)
    before = snapshot([content])
    assert changed(before, snapshot([content])) == []
    touch(content / "papers" / "a.yaml", 2_000)
    (content / "papers" / "b.yaml").unlink()
    (content / "papers" / "c.yaml").write_text("c\n", encoding="utf-8")
    assert changed(before, snapshot([content])) == [
        content / "papers" / "a.yaml",
        content / "papers" / "b.yaml",
        content / "papers" / "c.yaml",
    ]


def test_watch_reports_the_changed_file_until_stopped(tmp_path: Path) -> None:
    content = make_tree(tmp_path / "content")
    touch(content / "site.yaml", 1_000)
    seen: list[list[Path]] = []
    called = threading.Event()
    stop = threading.Event()

    def on_change(paths: list[Path]) -> None:
        seen.append(paths)
        called.set()

    thread = threading.Thread(target=watch, args=([content], on_change, stop), kwargs={"interval": 0.01})
    thread.start()
    try:
        # Touch until the watcher notices: a first touch could come before its first snapshot.
        for mtime_ns in range(2_000, 2_500):
            touch(content / "site.yaml", mtime_ns)
            if called.wait(0.01):
                break
    finally:
        stop.set()
        thread.join(5)
    assert not thread.is_alive()
    assert seen
    assert all(paths == [content / "site.yaml"] for paths in seen)


# ---------------------------------------------------------------- server


@contextmanager
def serving(root: Path) -> Iterator[str]:
    server = make_server(root, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_server_serves_the_site_on_localhost_and_lists_no_folders(tmp_path: Path) -> None:
    (tmp_path / "papers" / "x").mkdir(parents=True)
    (tmp_path / "papers" / "x" / "index.html").write_text("<p>Grammar ü</p>", encoding="utf-8")
    with serving(tmp_path) as url:
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url + "papers/x/", timeout=5) as response:
            assert response.status == 200
            assert response.read().decode("utf-8") == "<p>Grammar ü</p>"
        for missing in ("papers/missing/", "papers/"):  # a folder without index.html is not listed
            with pytest.raises(urllib.error.HTTPError) as error:
                urllib.request.urlopen(url + missing, timeout=5)
            assert error.value.code == 404
            error.value.close()


# ---------------------------------------------------------------- rebuild


def site_folders(tmp_path: Path) -> SiteFolders:
    content = tmp_path / "content"
    (content / "papers").mkdir(parents=True)
    (content / "papers" / "ortiz-2021-grammar.yaml").write_text(PAPER, encoding="utf-8")
    return SiteFolders(content, tmp_path / "site", REPO / "templates", REPO / "static")


def test_rebuild_builds_then_keeps_the_previous_site_when_a_record_breaks(tmp_path: Path) -> None:
    folders = site_folders(tmp_path)
    lines = rebuild(folders)
    assert lines[-1].startswith(f"built 1 papers into {folders.output_dir} (")
    page = folders.output_dir / "papers" / "ortiz-2021-grammar" / "index.html"
    built = page.read_bytes()

    (folders.content_dir / "papers" / "ortiz-2021-grammar.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    lines = rebuild(folders)
    assert lines[-1] == f"build failed; {folders.output_dir} was left as it was"
    assert any("ortiz-2021-grammar.yaml" in line for line in lines[:-1])
    assert page.read_bytes() == built


def test_serve_command_rejects_a_port_out_of_range() -> None:
    result = CliRunner().invoke(main, ["serve", "--port", "70000"])
    assert result.exit_code == 2
    assert "70000" in result.output
