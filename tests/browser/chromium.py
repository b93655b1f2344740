"""Debian's Chromium, the one browser the tests and Lighthouse use (never `playwright install`)."""

import os
import shutil
import subprocess
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def ensure_chromium():
    """The path of Debian's Chromium, installing it when missing; None with a reason if not."""
    if CHROMIUM.exists():
        return CHROMIUM, ""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return None, "/usr/bin/chromium is missing and apt-get cannot run here (not root)"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "chromium"]):
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
        if result.returncode != 0:
            tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
            return None, f"`{' '.join(command)}` failed: {' | '.join(tail)}"
    if not CHROMIUM.exists():
        return None, "apt-get install chromium did not provide /usr/bin/chromium"
    return CHROMIUM, ""
