"""The test session's clock, and the processes the tests start.

`pytest --clock=2026-11-29T15:00+01:00` runs the whole session with the clock moved to that
instant (time-machine; it ticks on from there). An instant without an offset is Stockholm
time. The browser tests' live server runs in the test process, so it follows; the processes
the tests start (gunicorn servers, `manage.py` for the production-like server) are started
through `command()`, which carries the clock along:

    subprocess.Popen(clock.command(GUNICORN, "-c", "gunicorn.conf.py", "clinic.wsgi"), ...)

With the clock not moved, `command()` is the plain command line. Run as a module
(`python -m tests.clock INSTANT SCRIPT ARGS...`) it moves the clock, then runs the script.
"""

import runpy
import sys
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import time_machine

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def parse(value: str) -> datetime:
    """An ISO 8601 instant; without an offset it is Stockholm time. In UTC."""
    instant = datetime.fromisoformat(value)
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=STOCKHOLM)
    return instant.astimezone(UTC)


def travel(value: str):
    """Move this process's clock to `value` from now on (it keeps ticking)."""
    traveller = time_machine.travel(parse(value), tick=True)
    traveller.start()
    return traveller


def is_moved() -> bool:
    return time_machine.escape_hatch.is_travelling()


def command(script, *args) -> list[str]:
    """The command line that runs a Python script (a path) at this process's time."""
    script = str(script)
    if not is_moved():
        return [sys.executable, script, *args]
    now = datetime.now(UTC).isoformat()
    return [sys.executable, "-m", "tests.clock", now, script, *args]


if __name__ == "__main__":
    instant, script, *rest = sys.argv[1:]
    travel(instant)
    sys.argv = [script, *rest]
    runpy.run_path(script, run_name="__main__")
