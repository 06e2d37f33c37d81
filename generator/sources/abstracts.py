"""Abstract dumps: one abstract per line and nothing else."""

from __future__ import annotations

from ..model import Problem, RawRecord

FORMAT = "abstracts"


def read_abstracts(label: str, text: str) -> tuple[list[RawRecord], list[Problem]]:
    records = [
        RawRecord(label, number, FORMAT, {"abstract": line.strip()})
        for number, line in enumerate(text.split("\n"), start=1)
        if line.strip()
    ]
    return records, []
