"""The cycle collector paused around bursts of lasting objects."""

from __future__ import annotations

import gc

from generator.collector import PausedCollector, cycle_collector_paused


def test_paused_until_resumed_then_survivors_are_frozen() -> None:
    assert gc.isenabled()
    try:
        paused = PausedCollector()
        survivors = [[index] for index in range(1000)]  # lists are tracked by the collector
        assert not gc.isenabled()
        paused.resume()
        assert gc.isenabled() and gc.get_freeze_count() >= len(survivors)
        paused.resume()  # a second resume changes nothing
        assert gc.isenabled()
    finally:
        gc.unfreeze()


def test_a_collector_already_off_stays_off() -> None:
    gc.disable()
    frozen = gc.get_freeze_count()
    try:
        with cycle_collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled() and gc.get_freeze_count() == frozen
    finally:
        gc.enable()


def test_the_block_resumes_it_even_when_it_fails() -> None:
    try:
        try:
            with cycle_collector_paused():
                raise ValueError("stop")
        except ValueError:
            pass
        assert gc.isenabled()
    finally:
        gc.unfreeze()


def test_a_build_leaves_the_collector_on_and_what_it_made_collectable(tmp_path) -> None:
    from pathlib import Path

    from generator.build import BuildOptions, build_site
    from generator.config import load_config

    root = Path(__file__).resolve().parent.parent
    config, _ = load_config(root / "content", tmp_path / "site", root / "templates", root / "static")
    frozen = gc.get_freeze_count()
    build_site(config, BuildOptions(cache_dir=tmp_path / "cache"))
    assert gc.isenabled() and gc.get_freeze_count() <= frozen
