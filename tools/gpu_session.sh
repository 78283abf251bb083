#!/usr/bin/env bash
# The one prepared device run for a session that is lent a GPU (15 device-minutes in all).
#
#   bash tools/gpu_session.sh prepare    # here: LPC data + missing wheels into the ignored .gpu/
#   device run: command "bash tools/gpu_session.sh run", carry [".gpu"], timeout_s 570
#   (or two calls on the warm machine: "check" with timeout_s 400, then
#   "GPU_BUDGET_S=420 bash tools/gpu_session.sh train" with timeout_s 480: more training time)
#
# Each step is time-boxed within GPU_BUDGET_S seconds (default 540):
#   check: the CUDA tests (direct CUDA calls and the AssetService's CUDA graphs give the CPU's
#          assets), then benchmarks/latency.py --device cuda -> $OUT/latency-<GPU>.json
#   train: a perceiver (feature network, seed 1), then sprite training from the shipped generator
#          with the perceptual term for the time left -> $OUT/sprites-run.tar
#          (model folder, log, last sample grid), and a 300-character evaluation -> $OUT/eval.json
#   run:   check, then train
# Everything it prints is also in $OUT/log.txt. Unpack the run with `tar -xf sprites-run.tar`.
# A rehearsal on the CPU (GPU_EVAL_N: characters evaluated, default 300; GPU_PERC_STEPS: perceiver
#   steps, default 2500): `PATH=$PWD/.venv/bin:$PATH GPU_DEVICE=cpu GPU_BENCH_ARGS=--quick \
#   GPU_BUDGET_S=500 GPU_EVAL_N=50 GPU_PERC_STEPS=20 OUT=/tmp/gpu bash tools/gpu_session.sh run`.
set -u
cd "$(dirname "$0")/.."
DATA=.gpu/data/sprites
WHEELS=.gpu/whl

prepare() {
    mkdir -p "$DATA" "$WHEELS"
    cp "${WORLDSMITH_DATA:-../shared/data}/sprites/lpc_walk64.npz" "$DATA/"
    # what the device's python 3.12 lacks (its torch, numpy, scipy, pillow, safetensors are there)
    python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
        --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 -d "$WHEELS" \
        pygame==2.6.1 trimesh==5.2.0 cma==4.5.0
    python3 -m pip download -q --no-deps --no-binary=:all: -d "$WHEELS" noise==1.2.2  # built there
    du -sh .gpu
}

left() { echo $(( BUDGET - ($(date +%s) - T0) )); }

setup() {
    T0=$(date +%s) BUDGET=${GPU_BUDGET_S:-540}
    DEVICE=${GPU_DEVICE:-cuda} OUTDIR=${OUT:?OUT must name a folder}
    mkdir -p "$OUTDIR"
    exec > >(tee -a "$OUTDIR/log.txt") 2>&1
    if ! python3 -c "import pygame, trimesh, cma, noise" 2>/dev/null; then
        python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site "$WHEELS"/*.whl
        python3 -m pip install -q --no-index --no-deps --no-build-isolation --no-cache-dir --target /tmp/site \
            "$WHEELS"/noise-*.zip || echo "noise did not build: the tests comparing with it will fail"
    fi
    export PYTHONPATH=$PWD/sdk:/tmp/site WORLDSMITH_DATA=$PWD/.gpu/data PYTHONUNBUFFERED=1 TQDM_MININTERVAL=20
    nvidia-smi -L 2>/dev/null; python3 -c "import torch; print('torch', torch.__version__, torch.cuda.is_available())"
}

check() {
    echo "== CUDA tests ($(left) s left)"
    timeout 150 python3 -m pytest -q -p no:cacheprovider tests/runtime/test_cuda.py tests/scenes/test_noise.py
    echo "== latency benchmark ($(left) s left)"
    timeout "${GPU_BENCH_S:-200}" python3 benchmarks/latency.py --device "$DEVICE" --out "$OUTDIR" ${GPU_BENCH_ARGS:-}
}

train() {
    local run=/tmp/ws-sprites minutes=$(( ($(left) - 200) / 60 ))  # export and evaluation need the rest
    echo "== sprite training for $minutes min ($(left) s left)"
    (( minutes >= 1 )) || return 0
    rm -rf "$run"
    timeout 120 python3 -m worldsmith.cli train sprites --model features --seed 1 --batch 8 \
        --steps "${GPU_PERC_STEPS:-2500}" --device "$DEVICE" --out "$run-perceiver"   # the perceiver
    timeout $(( minutes * 60 + 150 )) python3 -m worldsmith.cli train sprites --init sprites-lpc-v1 \
        --encoder-warmup 400 --adv-start 1000000 --perceptual "$run-perceiver/features" \
        --perceptual-weight 0.3 --batch 64 --kl-weight 0.002 --steps 1000000 --sample-every 1000 \
        --ckpt-every 2000 --device "$DEVICE" --minutes "$minutes" --out "$run"
    (cd "$run" && tar -cf "$OUTDIR/sprites-run.tar" $(ls -d model log.jsonl 2>/dev/null) "$(ls samples_*.png | tail -1)")
    timeout $(( $(left) > 20 ? $(left) - 10 : 10 )) python3 tools/evaluate_sprites.py --n "${GPU_EVAL_N:-300}" --threads 8 \
        --set weights="\"$run/model\"" --out "$OUTDIR/eval.json"
}

case "${1:-}" in
    prepare) prepare ;;
    check) setup; check ;;
    train) setup; train ;;
    run) setup; check; train ;;
    *) echo "usage: bash tools/gpu_session.sh prepare|check|train|run" >&2; exit 2 ;;
esac
echo "== done"
