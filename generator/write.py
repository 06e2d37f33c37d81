"""SiteWriter: write the site into a temporary folder, then swap it into place.

A build either replaces the whole output folder or leaves it as it was. Paths are
relative to the output folder; one that escapes it, or one already written (a slug
collision), is refused with ``WriteError``.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import Self


class WriteError(Exception):
    """A path the writer refuses: outside the output folder, or written twice."""


@dataclass(frozen=True, slots=True)
class WriteReport:
    paths: tuple[str, ...]  # relative paths written, sorted

    @property
    def files_written(self) -> int:
        return len(self.paths)


class SiteWriter:
    """Context manager: ``with SiteWriter(out) as writer: writer.write("index.html", html)``."""

    def __init__(self, output_dir: Path) -> None:
        self.output_dir = output_dir
        self._temp_dir = output_dir.with_name(f"{output_dir.name}.tmp-{os.getpid()}")
        self._written: dict[str, str] = {}  # casefolded path -> path, so case-insensitive disks collide too
        self._is_open = False

    def __enter__(self) -> Self:
        if self.output_dir.exists() and not self.output_dir.is_dir():
            raise WriteError(f"{self.output_dir}: exists and is not a folder")
        _remove(self._temp_dir)  # left over from a crashed build with the same process id
        self._temp_dir.mkdir(parents=True)
        self._is_open = True
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._is_open = False
        if exc_type is not None:
            _remove(self._temp_dir)
            return
        try:
            self._publish()
        except BaseException:
            _remove(self._temp_dir)
            raise

    @property
    def staging_dir(self) -> Path:
        """Where this build's files are until they are published: for tools that work on the whole site."""
        if not self._is_open:
            raise WriteError("the writer is not open")
        return self._temp_dir

    @property
    def report(self) -> WriteReport:
        return WriteReport(tuple(sorted(self._written.values())))

    def write(self, path: str, text: str) -> None:
        self.write_bytes(path, text.encode("utf-8"))

    def write_bytes(self, path: str, data: bytes) -> None:
        self._claim(path).write_bytes(data)

    def copy_tree(self, source: Path, path: str) -> None:
        """Copy every file under ``source`` to ``path`` in the output."""
        for file in sorted(source.rglob("*")):
            if file.is_file():
                shutil.copyfile(file, self._claim(f"{path}/{file.relative_to(source).as_posix()}"))

    def _claim(self, path: str) -> Path:
        """Check ``path``, record it, and return where it goes in the temporary folder."""
        if not self._is_open:
            raise WriteError(f"{path!r}: the writer is not open")
        relative = _check_path(path)
        key = relative.as_posix().casefold()
        if key in self._written:
            raise WriteError(f"{path!r}: already written as {self._written[key]!r}")
        self._written[key] = relative.as_posix()
        target = self._temp_dir.joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def _publish(self) -> None:
        """Move the old output aside, the new one in, then delete the old one."""
        old_dir = self._temp_dir.with_name(f"{self._temp_dir.name}.old")
        has_old = self.output_dir.exists() or self.output_dir.is_symlink()
        if has_old:
            _remove(old_dir)
            self.output_dir.rename(old_dir)
        try:
            self._temp_dir.rename(self.output_dir)
        except BaseException:
            if has_old:
                old_dir.rename(self.output_dir)
            raise
        if has_old:
            _remove(old_dir)


def _check_path(path: str) -> PurePosixPath:
    relative = PurePosixPath(path)
    if "\0" in path or "\\" in path or relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise WriteError(f"{path!r}: not a path inside the output folder")
    return relative


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)
