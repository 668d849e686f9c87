#!/usr/bin/env bash
# The cluster publisher's tests (tests/cluster/async_publisher_test.cc)
# under AddressSanitizer and UBSan, built with the project's compiler in
# build-asan/. cluster/nats/async_publisher.cc hands messages to cnats and
# answers them from a thread of its own; cnats' own async publish freed a
# message still being sent (cluster/README.md, "A hung NATS server"), so
# these tests, which publish while every server hangs and the client
# reconnects, run where a use after free is an error rather than luck.
# Exits nonzero on a failure or a sanitizer report; the tests skip when
# nats-server is not installed.
#
# Usage: scripts/asan-cluster.sh   (ASAN_BUILD_DIR: default build-asan)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${ASAN_BUILD_DIR:-build-asan}
flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" >/dev/null
cmake --build "$build" -j "$(nproc)" --target async_publisher_test
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  "$build/tests/cluster/async_publisher_test"
