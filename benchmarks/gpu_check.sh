#!/usr/bin/env bash
# The CUDA paths in one short run, for a machine with a GPU (figures go to the README):
# the cuda-marked tests (AMP training step, GPU-resident inference, batching), training throughput
# with AMP (efficient vs straightforward), and inference latency/batching on the GPU.
# Needs the project installed with a CUDA build of torch, and training_data.json + the default model.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
$PY -m pytest -q -m cuda tests/
$PY -m benchmarks.train_throughput --device cuda --rounds 3 --batches 8 --batch-size 64
$PY -m benchmarks.inference_speed --device cuda --questions 128
