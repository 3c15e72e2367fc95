#!/usr/bin/env bash
# On a machine with a GPU: the webgpu correctness tests on its own adapter (not SwiftShader), then the step-time
# benchmark of the canonical configs on webgpu against wasm on the same machine, and PyTorch where it is installed.
# Usage: bash scripts/gpu-check.sh [OUT_DIR]   (writes gpu-check.json and gpu-check.txt there; default: .)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-.}
mkdir -p "$OUT"
node bin/grokscope.js info --db "$OUT/gpu-check.db" | tee "$OUT/gpu-check.txt"
GROKSCOPE_TEST_GPU=hardware npx vitest run tests/unit/compute-webgpu.test.ts 2>&1 | tee -a "$OUT/gpu-check.txt"
npm run -s bench -- --json --backends webgpu,wasm > "$OUT/gpu-check.json"
npm run -s bench -- --backends webgpu,wasm 2>/dev/null | tee -a "$OUT/gpu-check.txt"
