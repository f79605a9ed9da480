"""Start-up objects are moved out of the garbage collector's reach before serving."""

from __future__ import annotations

import gc

from menwei.server.heap import freeze_startup_heap


def test_freezing_the_startup_heap_moves_live_objects_to_the_permanent_generation() -> None:
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        freeze_startup_heap()
        assert gc.get_freeze_count() > 1000
    finally:
        gc.unfreeze()
