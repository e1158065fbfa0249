#!/usr/bin/env bash
# Builds the fuzz harness with libFuzzer and runs it: Fuzz/run.sh [RUNS] [extra libFuzzer flags].
# lld is needed: gold fails on the fuzzer-instrumented objects. Crashing inputs land in Fuzz/crashes/.
set -euo pipefail
cd "$(dirname "$0")"
runs="${1:-1000000}"; shift || true
swift build -c release -Xswiftc -sanitize=fuzzer --toolset toolset.json --product FuzzChapter
mkdir -p crashes work-corpus
cp -n corpus/* work-corpus/ 2>/dev/null || true
exec .build/release/FuzzChapter -runs="$runs" -max_len=4096 -timeout=10 -rss_limit_mb=4096 \
    -artifact_prefix=crashes/ -dict=chapter.dict "$@" work-corpus
