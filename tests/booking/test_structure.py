"""Booking's code stays easy to follow: no import cycles inside it, no module past ~400 lines."""

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

BOOKING = Path(__file__).resolve().parents[2] / "booking"


def modules():
    """{dotted name: path} for booking's own modules (not migrations)."""
    found = {}
    for path in BOOKING.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(BOOKING.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imported(name, path, known):
    """The booking modules `name` imports at module level."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.parse(path.read_text()).body:
        if not isinstance(node, ast.ImportFrom):
            continue
        base = package
        for _ in range(node.level - 1):
            base = base.rpartition(".")[0]
        target = (f"{base}.{node.module}" if node.module else base) if node.level else node.module
        if target in known and target != name:
            yield target
        for alias in node.names:
            if f"{target}.{alias.name}" in known:
                yield f"{target}.{alias.name}"


def test_no_import_cycles_inside_booking():
    known = modules()
    graph = {name: set(imported(name, path, known)) - {name} for name, path in known.items()}
    try:
        list(TopologicalSorter(graph).static_order())
    except CycleError as error:
        raise AssertionError(f"import cycle: {' -> '.join(error.args[1])}") from None


def test_no_booking_module_passes_about_400_lines():
    long = {
        name: lines
        for name, path in modules().items()
        if (lines := len(path.read_text().splitlines())) > 420
    }
    assert long == {}
