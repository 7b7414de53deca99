#!/usr/bin/env bash
# The main job on the embedded default model: CSV -> adapter -> answers of every
# system -> results -> report, in reports/<run-id>/.  Extra arguments go to
# `harness run` (e.g. data/mikhuy.csv --epochs 1).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1
if [ $# -eq 0 ]; then set -- data/cenfobank.csv; fi
.venv/bin/harness run "$@"
