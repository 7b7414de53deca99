"""Where centinela keeps its caches and runs."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """The cache root: ``$CENTINELA_CACHE`` or ``~/.cache/centinela``."""
    root = os.environ.get("CENTINELA_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "centinela")
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path
