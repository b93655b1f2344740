"""`make lighthouse`: Lighthouse's four scores for the pages in pages.LIGHTHOUSE.

Serves the site as production would (`prodlike_server()`), runs the npm `lighthouse`
package (pinned and installed by the Makefile into .lighthouse/) with Debian's Chromium in
its default mobile preset, prints one row per page, and keeps the JSON and HTML reports in
test-artifacts/lighthouse/. It is a report: it fails only when Lighthouse cannot run.
Audits that cost an accessibility, best-practice or SEO point are listed under the table.

    python -m tests.browser.lighthouse [--runs N]
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import django

# pages.py names the setups of the test pages, which use the ORM: Django is set up to import
# them (test settings; nothing here opens a database).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings.test")
django.setup()

from .chromium import ensure_chromium  # noqa: E402
from .pages import LIGHTHOUSE  # noqa: E402
from .prodlike import ARTIFACTS, ROOT, prodlike_server  # noqa: E402

BINARY = ROOT / ".lighthouse" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu"


def audit(url, output_base, chromium):
    subprocess.run(
        [
            str(BINARY),
            url,
            "--output=json",
            "--output=html",
            f"--output-path={output_base}",
            f"--chrome-flags={CHROME_FLAGS}",
            "--quiet",
        ],
        env={**os.environ, "CHROME_PATH": str(chromium)},
        check=True,
    )
    return json.loads(Path(f"{output_base}.report.json").read_text())


def lost_points(report):
    """(category, audit title) of every weighted audit below full marks, except performance."""
    lost = []
    for category in CATEGORIES[1:]:
        for ref in report["categories"][category]["auditRefs"]:
            result = report["audits"][ref["id"]]
            if ref["weight"] > 0 and result["score"] is not None and result["score"] < 1:
                lost.append((category, result["title"]))
    return lost


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="audits per page; the median counts")
    options = parser.parse_args()
    if not BINARY.exists():
        sys.exit(f"{BINARY} is missing: run `make lighthouse` (it installs lighthouse@12.2.3).")
    chromium, reason = ensure_chromium()
    if chromium is None:
        sys.exit(f"Lighthouse needs Debian's Chromium: {reason}")
    folder = ARTIFACTS / "lighthouse"
    folder.mkdir(parents=True, exist_ok=True)

    rows, problems = [], []
    with prodlike_server() as base_url:
        for name, path in LIGHTHOUSE:
            runs = []
            for run in range(options.runs):
                report = audit(base_url + path, folder / f"{name}-{run + 1}", chromium)
                runs.append({c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES})
                problems += [(name, *item) for item in lost_points(report)]
            scores = {c: sorted(r[c] for r in runs)[len(runs) // 2] for c in CATEGORIES}
            rows.append((name, path, scores))

    print(f"\nLighthouse {_version()}, mobile preset, production settings, ", end="")
    print(f"median of {options.runs} run(s)")
    header = f"{'page':<10} {'path':<28}" + "".join(f"{c:>16}" for c in CATEGORIES)
    print(header)
    print("-" * len(header))
    for name, path, scores in rows:
        cells = "".join(
            f"{scores[c]:>15}{'' if scores[c] >= TARGETS[c] else '!'}" for c in CATEGORIES
        )
        print(f"{name:<10} {path:<28}{cells}")
    print(f"targets: {', '.join(f'{c} {t}' for c, t in TARGETS.items())} (! = below)")
    for problem in sorted(set(problems)):
        print("  lost a point: {} / {}: {}".format(*problem))
    print(f"reports: {folder.relative_to(ROOT)}/")


def _version():
    package = BINARY.parent.parent / "lighthouse" / "package.json"
    return json.loads(package.read_text())["version"]


if __name__ == "__main__":
    main()
