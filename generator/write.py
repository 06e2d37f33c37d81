"""SiteWriter: write the site into a temporary folder, then publish it.

A clean build writes every file and swaps the whole folder into place. An incremental
build (``previous`` given: the files the output folder holds from the last build) writes
only the files that changed, ``keep``s the others, and on success moves each new file over
its old one and deletes the files no longer planned. Either way nothing is published
until every file was made, so a failed build leaves the output as it was. Paths are
relative to the output folder; one that escapes it, or one already claimed (a slug
collision), is refused with ``WriteError``.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import Self


class WriteError(Exception):
    """A path the writer refuses: outside the output folder, or written twice."""


@dataclass(frozen=True, slots=True)
class WriteReport:
    paths: tuple[str, ...]  # relative paths of every file the site holds, sorted
    rewritten: int = -1  # files this build wrote (the others were kept); -1: all of them

    @property
    def files_rewritten(self) -> int:
        return len(self.paths) if self.rewritten < 0 else self.rewritten

    @property
    def files_written(self) -> int:
        return len(self.paths)


class SiteWriter:
    """Context manager: ``with SiteWriter(out) as writer: writer.write("index.html", html)``."""

    def __init__(self, output_dir: Path, previous: Collection[str] | None = None) -> None:
        self.output_dir = output_dir
        self._temp_dir = output_dir.with_name(f"{output_dir.name}.tmp-{os.getpid()}")
        self._temp_root = str(self._temp_dir)
        self._written: dict[str, str] = {}  # casefolded path -> path, so case-insensitive disks collide too
        self._new: list[str] = []  # written into the temporary folder by this build
        self._trees: list[str] = []  # folders made whole by a tool (the search bundle), replaced as one
        self._previous = None if previous is None else frozenset(previous)
        self._made_dirs: set[str] = set()
        self._is_open = False

    @property
    def is_incremental(self) -> bool:
        return self._previous is not None

    def __enter__(self) -> Self:
        if self.output_dir.exists() and not self.output_dir.is_dir():
            raise WriteError(f"{self.output_dir}: exists and is not a folder")
        remove(self._temp_dir)  # left over from a crashed build with the same process id
        self._temp_dir.mkdir(parents=True)
        self._is_open = True
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._is_open = False
        if exc_type is not None:
            remove(self._temp_dir)
            return
        try:
            self._publish()
        except BaseException:
            remove(self._temp_dir)
            raise

    @property
    def staging_dir(self) -> Path:
        """Where this build's files are until they are published: for tools that work on the whole site."""
        if not self._is_open:
            raise WriteError("the writer is not open")
        return self._temp_dir

    @property
    def report(self) -> WriteReport:
        paths = tuple(sorted(path for path in self._written.values() if not path.endswith("/")))
        return WriteReport(paths, len(self._new) if self._previous is not None else -1)

    def write(self, path: str, text: str) -> None:
        self.write_bytes(path, text.encode("utf-8"))

    def write_bytes(self, path: str, data: bytes) -> None:
        (self._temp_dir / self._claim(path)).write_bytes(data)

    def claim(self, path: str) -> str:
        """Reserve ``path`` for a file made elsewhere (by a worker process); where to write it, relative
        to ``staging_root`` (a large site claims hundreds of thousands of files: one string each, and
        the same one as ``path`` when it is already normal)."""
        return self._claim(path)

    @property
    def staging_root(self) -> str:
        """``staging_dir`` as a string, to join claimed paths to."""
        return self._temp_root

    def keep(self, path: str) -> None:
        """Incremental builds: the file the last build wrote at ``path`` stays as it is."""
        if self._previous is None or path not in self._previous:
            raise WriteError(f"{path!r}: nothing to keep (not written by the last build)")
        self._claim_name(_normal_path(path))

    def tree(self, path: str) -> Path:
        """A folder for a tool to fill; on publishing it replaces the output's folder of that name as a whole."""
        relative = _check_path(path).as_posix()
        self._claim_name(relative + "/")
        self._trees.append(relative)
        target = self._temp_dir / relative
        remove(target)
        target.mkdir(parents=True)
        return target

    def keep_tree(self, path: str) -> None:
        """Incremental builds: the output's folder ``path`` (a tool's, see ``tree``) stays as it is."""
        self._claim_name(_check_path(path).as_posix() + "/")

    def copy_tree(self, source: Path, path: str) -> None:
        """Copy every file under ``source`` to ``path`` in the output."""
        for file in sorted(source.rglob("*")):
            if file.is_file():
                shutil.copyfile(file, self._temp_dir / self._claim(f"{path}/{file.relative_to(source).as_posix()}"))

    def _claim(self, path: str) -> str:
        """Check ``path``, record it, make its folder in the temporary folder; the normalised path."""
        relative = _normal_path(path)
        self._claim_name(relative)
        self._new.append(relative)
        folder, _, _ = relative.rpartition("/")
        if folder and folder not in self._made_dirs:
            (self._temp_dir / folder).mkdir(parents=True, exist_ok=True)
            self._made_dirs.add(folder)
        return relative

    def _claim_name(self, relative: str) -> None:
        if not self._is_open:
            raise WriteError(f"{relative!r}: the writer is not open")
        key = relative.casefold()
        if key == relative:
            key = relative  # one string, not two, for each of a large site's files
        if key in self._written:
            raise WriteError(f"{relative!r}: already written as {self._written[key]!r}")
        self._written[key] = relative

    def _publish(self) -> None:
        if self._previous is not None and self.output_dir.is_dir():
            self._publish_changes(self._previous)
        else:
            self._publish_folder()

    def _publish_changes(self, previous: frozenset[str]) -> None:
        """Move each new file over its old one, swap replaced trees, delete what is no longer planned."""
        output = self.output_dir
        for relative in self._new:
            target = output / relative
            folder, _, _ = relative.rpartition("/")
            if folder:
                target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self._temp_dir / relative, target)
        for relative in self._trees:
            old = output / f"{relative}.old-{os.getpid()}"
            remove(old)
            if (output / relative).exists():
                (output / relative).rename(old)
            (self._temp_dir / relative).rename(output / relative)
            remove(old)
        claimed = set(self._written.values())
        for relative in sorted(previous - claimed):
            if relative.endswith("/"):  # a tool's folder (see ``tree``) no longer made
                remove(output / relative.rstrip("/"))
                continue
            (output / relative).unlink(missing_ok=True)
            _remove_empty_parents(output, relative)
        remove(self._temp_dir)

    def _publish_folder(self) -> None:
        """Move the old output aside, the new one in, then delete the old one."""
        old_dir = self._temp_dir.with_name(f"{self._temp_dir.name}.old")
        has_old = self.output_dir.exists() or self.output_dir.is_symlink()
        if has_old:
            remove(old_dir)
            self.output_dir.rename(old_dir)
        try:
            self._temp_dir.rename(self.output_dir)
        except BaseException:
            if has_old:
                old_dir.rename(self.output_dir)
            raise
        if has_old:
            remove(old_dir)


def _remove_empty_parents(root: Path, relative: str) -> None:
    folder = PurePosixPath(relative).parent
    while folder.parts:
        try:
            (root / folder).rmdir()
        except OSError:  # not empty, or gone
            return
        folder = folder.parent


def _normal_path(path: str) -> str:
    """``path`` as the one spelling the writer records; WriteError if it is not inside the output."""
    if _PLAIN_PATH.fullmatch(path) and "/." not in path and "//" not in path:
        return path  # the usual case, without building a PurePosixPath
    return _check_path(path).as_posix()


# No leading "/" or ".", no NUL or backslash, not ending in "/": already normal unless it holds "/." or "//".
_PLAIN_PATH = re.compile(r"[^/.\0\\][^\0\\]*(?<!/)")


def _check_path(path: str) -> PurePosixPath:
    relative = PurePosixPath(path)
    if "\0" in path or "\\" in path or relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise WriteError(f"{path!r}: not a path inside the output folder")
    return relative


def remove(path: Path) -> None:
    """``path`` gone, whether a file, a link or a folder; nothing if it is not there."""
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)
