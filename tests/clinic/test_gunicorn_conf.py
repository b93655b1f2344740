"""gunicorn.conf.py, as production runs it."""

import gc
import runpy
from pathlib import Path

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def test_a_worker_keeps_what_it_loaded_out_of_the_collectors_full_passes():
    conf = runpy.run_path(str(CONF))
    gc.unfreeze()
    try:
        conf["post_worker_init"](worker=None)
        frozen, still_walked = gc.get_freeze_count(), len(gc.get_objects())
        assert frozen > 1000  # Django, the project, everything imported
        assert still_walked < frozen / 10
    finally:
        gc.unfreeze()
