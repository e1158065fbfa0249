#!/usr/bin/env bash
# Times the Slurm executor on the local one-node cluster (scripts/local-slurm), for docs/performance.md:
#   1. per-task overhead: a one-run book built with --executor slurm, five times into a fresh cache;
#      overhead = (entry written − job script written just before sbatch) − the run's training seconds;
#   2. the shortened activation sweep in bench/slurm-sweep/ (9 runs): --executor slurm against --jobs 2.
# Usage: bench/slurm-measure.sh [LABBOOK]   (default .build/release/labbook)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-.build/release/labbook}")
scripts/local-slurm start >/dev/null
eval "$(scripts/local-slurm env)"
export LABBOOK_KATEX=${LABBOOK_KATEX:-/usr/share/javascript/katex}
work=$(mktemp -d /tmp/labbook-slurm-measure.XXXXXX)
trap 'rm -rf "$work"' EXIT

# 1. One run (the tiny fixture's XOR chapter alone).
mkdir -p "$work/one/chapters"
cp Tests/EndToEndTests/Fixtures/tiny/book.yml "$work/one/"
cp Tests/EndToEndTests/Fixtures/tiny/chapters/01-xor.md "$work/one/chapters/"
sed -i '/^In the next chapter/d' "$work/one/chapters/01-xor.md"   # its inline result points at chapter 2
echo "per-task overhead (s): submit → entry written, minus training"
for i in $(seq 1 ${RUNS:-5}); do
  rm -rf "$work/cache" "$work/out"
  "$bin" build "$work/one" --executor slurm --output "$work/out" --cache "$work/cache" >/dev/null 2>&1 || true
  script=$(ls "$work"/cache/slurm/*/job.sh)
  entry=$(find "$work/cache" -name '*.run' | head -n 1)
  trained=$(grep -o 'trained ([0-9.]* s)' "$(dirname "$script")"/task-0.log | grep -o '[0-9.]*')
  python3 -c "import os,sys; s=os.stat(sys.argv[1]).st_mtime; e=os.stat(sys.argv[2]).st_mtime; t=float(sys.argv[3]); print(f'  run {sys.argv[4]}: {e-s:.3f} s submit→entry, {t:.3f} s training, overhead {e-s-t:.3f} s')" "$script" "$entry" "$trained" "$i"
done
rm -rf "$work/cache"
"$bin" run-one "$work/one" --cache "$work/cache" $("$bin" plan "$work/one" --cache "$work/cache" 2>/dev/null | cut -f1) >/dev/null
digest=$(sha256sum "$bin" | cut -d' ' -f1)
key=$(find "$work/cache" -name '*.run' -printf '%f\n' | sed 's/\.run$//')
for check in without with; do
  extra=()
  [ "$check" = with ] && extra=(--expect-binary "$digest")
  /usr/bin/time -f "  run-one on a cached key, $check the binary's SHA-256 check: %e s" \
    "$bin" run-one "$work/one" --cache "$work/cache" "${extra[@]}" "$key" >/dev/null
done

# 2. The shortened sweep, 9 runs, on the same two cores.
for mode in ${MODES:-slurm local}; do
  rm -rf "$work/c-$mode" "$work/o-$mode"
  args=(--jobs 2)
  [ "$mode" = slurm ] && args=(--executor slurm --runs-per-task 1)
  /usr/bin/time -f "  $mode: %e s wall, %U s user (this process)" "$bin" build bench/slurm-sweep --output "$work/o-$mode" --cache "$work/c-$mode" "${args[@]}" >/dev/null 2>"$work/$mode.err" || true
  tail -n 1 "$work/$mode.err"
done
diff -r -x .labbook-lock "$work/o-local" "$work/o-slurm" >/dev/null && echo "  sites byte-identical" || echo "  SITES DIFFER"
