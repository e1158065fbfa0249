#!/bin/sh
# One run of every speed figure in docs/performance.md, interleaved: Labbook (release build), PyTorch with 2
# threads, numpy with 2 BLAS threads, and the 2-thread sgemm ceiling. Usage: sh bench/compare.sh [ROUNDS]
set -e
cd "$(dirname "$0")/.."
ROUNDS=${1:-2}
LABBOOK=${LABBOOK:-.build/release/labbook}
export OPENBLAS_NUM_THREADS=2 OMP_NUM_THREADS=2
grep -m1 "model name" /proc/cpuinfo
i=0
while [ $i -lt "$ROUNDS" ]; do
  python3 bench/sgemm_ceiling.py
  for w in fashion-mlp fashion-mlp-bn-dropout online-mlp; do
    "$LABBOOK" bench --workload $w --json
    python3 bench/torch_mlp.py $w
  done
  python3 bench/numpy_mlp.py fashion-mlp
  python3 bench/numpy_mlp_bn_dropout.py
  python3 bench/numpy_mlp.py online-mlp
  i=$((i + 1))
done
