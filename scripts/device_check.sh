#!/usr/bin/env bash
# The CUDA checks, for a GPU machine with no internet (CI has no GPU, so these
# never run there).
#
#   bash scripts/device_check.sh prep   # here, after scripts/setup.sh: fills .whl/ and .devcache/
#   bash scripts/device_check.sh run    # there, with .whl and .devcache carried along
#
# prep downloads the pinned wheels a stock CUDA PyTorch image lacks (trl,
# datasets and its dill/multiprocess, the pinned transformers and peft, and
# bitsandbytes with only its CUDA 13 libraries, to stay small), and copies the
# embedded model's config and tokenizer files (no weights) into .devcache/.
# run installs the wheels into /tmp/site, then runs tests/test_cuda.py and the
# training tests on the GPU (tiny config-built Llama) and bench/train.py's GPU
# part (7B-shape QLoRA recipes, and harness train() on the embedded model's
# shape with random weights); logs go to $OUT (default /tmp/device-check).
set -uo pipefail
cd "$(dirname "$0")/.."
PY=python3
case "${1:-}" in
prep)
    set -e
    rm -rf .whl && mkdir -p .whl /tmp/device-prep
    dl() { $PY -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
        --platform manylinux_2_28_x86_64 --platform manylinux_2_24_x86_64 --platform manylinux_2_17_x86_64 \
        --platform manylinux2014_x86_64 -d "$1" "${@:2}"; }
    dl .whl trl==1.16.0 datasets==5.2.0 dill==0.4.1 multiprocess==0.70.19 transformers==5.23.0 peft==0.21.2
    dl /tmp/device-prep bitsandbytes==0.50.2
    rm -rf /tmp/device-prep/bnb && mkdir /tmp/device-prep/bnb
    (cd /tmp/device-prep/bnb && unzip -q ../bitsandbytes-0.50.2-*.whl \
        && find bitsandbytes -name 'libbitsandbytes_*.so' ! -name '*_cpu.so' ! -name '*_cuda13*.so' -delete \
        && zip -q -r "$OLDPWD/.whl/bitsandbytes-0.50.2-py3-none-manylinux_2_24_x86_64.whl" .)
    src=$(.venv/bin/python -c 'from harness._models import resolve_model; print(resolve_model("embedded"))')
    dst=.devcache/models/$(basename "$src")
    rm -rf .devcache && mkdir -p "$dst"
    cp "$src"/{config.json,generation_config.json,chat_template.jinja,tokenizer.json,tokenizer_config.json} "$dst"/
    du -sh .whl .devcache ;;
run)
    OUT=${OUT:-/tmp/device-check}; mkdir -p "$OUT"
    $PY -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
    export PYTHONPATH=/tmp/site:$PWD HF_HUB_OFFLINE=1 CENTINELA_CACHE=$PWD/.devcache PYTHONUNBUFFERED=1
    nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$OUT/gpu.txt"
    $PY -c 'import torch, transformers, peft, trl, datasets, bitsandbytes as b; print("torch", torch.__version__, "cuda", torch.version.cuda, "| transformers", transformers.__version__, "| peft", peft.__version__, "| trl", trl.__version__, "| datasets", datasets.__version__, "| bitsandbytes", b.__version__)' | tee -a "$OUT/gpu.txt"
    rc=0
    $PY -m pytest -q -p no:cacheprovider -W ignore::DeprecationWarning tests/test_cuda.py tests/test_train_generate.py \
        2>&1 | tee "$OUT/pytest.log" || rc=1
    $PY bench/train.py --skip-cpu "${@:2}" 2>&1 | tee "$OUT/bench_train.log" || rc=1
    exit $rc ;;
*)
    echo "usage: bash scripts/device_check.sh prep|run [bench/train.py options]" >&2; exit 2 ;;
esac
