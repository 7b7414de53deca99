#!/usr/bin/env bash
# The test suite: unit tests on a tiny config-built model, a few `slow` tests on
# the real embedded model, browser tests of the report.  Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1
exec .venv/bin/python -m pytest tests "$@"
