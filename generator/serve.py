"""`bibsite serve`: build, serve the output on 127.0.0.1, rebuild whenever an input changes.

Changes are found by polling file modification times, so no watcher library is needed.
A rebuild that fails leaves the previous site in place (builds are atomic) and the server
keeps serving it; the next change triggers another attempt.
"""

from __future__ import annotations

import os
import threading
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .build import BuildError, BuildOptions, build_site
from .config import load_config

HOST = "127.0.0.1"
POLL_SECONDS = 0.5

Snapshot = dict[Path, int]  # file -> modification time in nanoseconds


@dataclass(frozen=True, slots=True)
class SiteFolders:
    content_dir: Path
    output_dir: Path
    templates_dir: Path
    static_dir: Path
    cache_dir: Path | None = None  # the build cache: a rebuild redoes only what changed

    @property
    def inputs(self) -> tuple[Path, ...]:
        return (self.content_dir, self.templates_dir, self.static_dir)


def snapshot(folders: Iterable[Path]) -> Snapshot:
    """Every file under ``folders`` with its modification time; a missing folder has none."""
    times: Snapshot = {}
    for folder in folders:
        for directory, _, names in os.walk(folder):  # os.walk skips folders removed while it runs
            for name in names:
                path = Path(directory, name)
                try:
                    times[path] = path.stat().st_mtime_ns
                except OSError:  # deleted since it was listed, or a dangling link (an editor's lock file)
                    continue
    return times


def changed(before: Snapshot, after: Snapshot) -> list[Path]:
    """Files added, removed or modified between two snapshots, sorted."""
    return sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))


def watch(
    folders: Iterable[Path],
    on_change: Callable[[list[Path]], None],
    stop: threading.Event,
    interval: float = POLL_SECONDS,
) -> None:
    """Call ``on_change(paths)`` after each poll that finds changes, until ``stop`` is set."""
    folders = tuple(folders)
    before = snapshot(folders)
    while not stop.wait(interval):
        after = snapshot(folders)
        paths = changed(before, after)
        if paths:
            on_change(paths)
        before = after


def rebuild(folders: SiteFolders) -> list[str]:
    """Build the site once; the lines to show, the last one saying whether it worked."""
    config, problems = load_config(folders.content_dir, folders.output_dir, folders.templates_dir, folders.static_dir)
    lines = [str(problem) for problem in problems]
    try:
        report = build_site(config, BuildOptions(cache_dir=folders.cache_dir))
    except BuildError as error:
        return lines + [str(problem) for problem in error.problems] + [_failed(folders.output_dir)]
    except Exception:  # noqa: BLE001 -- a bug must not stop the server; show it, keep the previous site
        return lines + [traceback.format_exc().rstrip(), _failed(folders.output_dir)]
    lines += [str(warning) for warning in report.warnings]
    rewritten = "" if report.files_rewritten < 0 else f", {report.files_rewritten} rewritten"
    return lines + [f"built {report.papers} papers into {folders.output_dir} ({report.files_written} files{rewritten})"]


def make_server(root: Path, port: int) -> ThreadingHTTPServer:
    """An HTTP server for the files under ``root`` on 127.0.0.1 (port 0: any free port)."""
    handler = partial(_QuietHandler, directory=str(root.resolve()))
    return ThreadingHTTPServer((HOST, port), handler)


def serve_site(folders: SiteFolders, port: int, echo: Callable[[str], None] = print) -> None:
    """Build, serve and rebuild on changes until interrupted (Ctrl+C). OSError if the port is taken."""
    server = make_server(folders.output_dir, port)  # bind first, so a taken port fails before building
    for line in rebuild(folders):
        echo(line)
    thread = threading.Thread(target=server.serve_forever, name="bibsite-serve", daemon=True)
    thread.start()
    host, bound_port = server.server_address[:2]
    echo(f"serving {folders.output_dir} at http://{host}:{bound_port}/; rebuilding when "
         f"{', '.join(str(folder) for folder in folders.inputs)} change (Ctrl+C stops)")

    def on_change(paths: list[Path]) -> None:
        more = f" and {len(paths) - 1} more" if len(paths) > 1 else ""
        echo(f"changed: {paths[0]}{more}; rebuilding")
        for line in rebuild(folders):
            echo(line)

    try:
        watch(folders.inputs, on_change, threading.Event())
    except KeyboardInterrupt:
        echo("stopped")
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _failed(output_dir: Path) -> str:
    return f"build failed; {output_dir} was left as it was"


class _QuietHandler(SimpleHTTPRequestHandler):
    """Serves files as a static host would: a folder without index.html is a 404, not a listing.
    Logs errors (a 404 for a broken link, through ``log_error``), not every request."""

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        self.send_error(HTTPStatus.NOT_FOUND, "No index.html in this folder")

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass
