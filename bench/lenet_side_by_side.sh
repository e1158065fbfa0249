#!/bin/sh
# fashion-lenet side by side in one run: Labbook (release build), PyTorch (2 threads) and numpy, interleaved
# ROUNDS times (default 2), each timing 200 steps of 64 (12,800 images). One JSON line per measurement.
# CONTROL=1 adds PyTorch and numpy on one thread each (on a loaded machine their 2-thread runs can collapse).
# Run from the repository root after `swift build -c release --product labbook`.
set -e
ROUNDS=${ROUNDS:-2}
cd "$(dirname "$0")/.."
echo "{\"cpu\": \"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')\", \"cores\": $(nproc), \"openblas_coretype\": \"${OPENBLAS_CORETYPE:-unset}\"}"
i=0
while [ "$i" -lt "$ROUNDS" ]; do
    .build/release/labbook bench --workload fashion-lenet --json
    (cd bench && python3 torch_lenet.py 12800)
    (cd bench && python3 numpy_lenet.py 12800)
    if [ "${CONTROL:-0}" = 1 ]; then
        (cd bench && TORCH_THREADS=1 python3 torch_lenet.py 12800)
        (cd bench && OPENBLAS_NUM_THREADS=1 python3 numpy_lenet.py 12800)
    fi
    i=$((i + 1))
done
