"""Time `bibsite import` on the example listings, resolved against the shipped extract and,
when it is beside the project, the whole ACL Anthology.

    python benchmarks/bench_import.py

Each run is a fresh process writing into a scratch content folder (on /dev/shm when it
exists); the table gives wall seconds and peak resident memory.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "acl-anthology.bib.xz"
SCRATCH = Path("/dev/shm") if Path("/dev/shm").is_dir() else None


def run_import(reference: Path) -> tuple[float, float, str]:
    with tempfile.TemporaryDirectory(dir=SCRATCH) as scratch:
        content = Path(scratch) / "content"
        content.mkdir()
        shutil.copy(ROOT / "content" / "venues.yaml", content)
        raw = sorted(str(p) for p in (ROOT / "content" / "raw").glob("*"))
        command = [sys.executable, "-m", "generator", "import", *raw, "--content", str(content),
                   "--resolve-with", str(reference)]
        started = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
        seconds = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    summary = result.stdout.strip().splitlines()[1].strip() if result.stdout else result.stderr[-200:]
    return seconds, peak_mib, summary


def main() -> None:
    references = [ROOT / "content" / "reference" / "acl-anthology-seeds.bib"]
    if CORPUS.exists():
        references.append(CORPUS)
    print(f"{'reference':<28} {'seconds':>8} {'peak MiB':>9}  result")
    for reference in references:
        seconds, peak, summary = run_import(reference)
        print(f"{reference.name:<28} {seconds:>8.1f} {peak:>9.0f}  {summary}")


if __name__ == "__main__":
    main()
