#!/usr/bin/env bash
# Issue 11, item 8: what `cmake --install` ships works as documented.
#   - the install holds the binary, the API package, the proto, the systemd
#     unit and the example config;
#   - a C++ client built with only find_package(tidings) (client/) talks to
#     the installed `tidings serve`;
#   - the example config reads back (`serve --print-config`);
#   - the unit passes `systemd-analyze verify` without a warning and its
#     offline security exposure stays at or below 2.0 ("OK").
# usage: install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
src=$2
work=$(mktemp -d)
server_pid=
# Every step is bounded and says what it does, so that a hang fails the step
# that hung, by name, rather than the whole test at ctest's timeout (once,
# under a loaded machine, the test ran out its 600 s and showed nothing).
cleanup() {
  if [[ -n "$server_pid" ]]; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do  # 10 s for a clean stop, then SIGKILL.
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "install_test: $*" >&2; exit 1; }

step() { echo "install_test: $*"; }

step "installing into a temporary prefix"
prefix=$work/prefix
timeout 120 cmake --install "$build" --prefix "$prefix" > "$work/install.log"
for f in bin/tidings include/tidings/v1/tidings.grpc.pb.h \
    share/tidings/proto/tidings/v1/tidings.proto \
    lib/systemd/system/tidings.service share/doc/tidings/tidings.toml.example \
    share/doc/tidings/README.md; do
  [[ -e "$prefix/$f" ]] || fail "the install lacks $f"
done
config=$(find "$prefix" -name tidingsConfig.cmake)
[[ -n "$config" ]] || fail "the install lacks tidingsConfig.cmake"

step "reading the example config"
timeout 30 "$prefix/bin/tidings" serve --config "$prefix/share/doc/tidings/tidings.toml.example" \
  --print-config > "$work/printed.toml" || fail "the example config does not load"
grep -q "^retention = '720h'  # .*tidings.toml.example:" "$work/printed.toml" ||
  fail "the example config's retention was not taken: $(cat "$work/printed.toml")"

step "building a client of the package"
timeout 300 cmake -S "$src/tests/package/client" -B "$work/client" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=Release > "$work/client.log" 2>&1 ||
  fail "configuring the client failed: $(cat "$work/client.log")"
timeout 400 cmake --build "$work/client" -j 2 >> "$work/client.log" 2>&1 ||
  fail "building the client failed: $(tail -30 "$work/client.log")"
step "starting the installed server"
: > "$work/serve.log"
"$prefix/bin/tidings" serve --listen 127.0.0.1:0 --data "$work/data" 2> "$work/serve.log" &
server_pid=$!
address=
for _ in $(seq 1 200); do
  address=$(sed -n 's/.*serving on \([0-9.:]*\),.*/\1/p' "$work/serve.log")
  [[ -n "$address" ]] && break
  sleep 0.05
done
[[ -n "$address" ]] || fail "the installed server did not start: $(cat "$work/serve.log")"
step "calling it from the client"
timeout 60 "$work/client/client" "$address" || fail "the client's call did not get NOT_FOUND"

step "checking the systemd unit"
unit=$prefix/lib/systemd/system/tidings.service
grep -q "^ExecStart=.*/bin/tidings serve --config /etc/tidings/tidings.toml$" "$unit" ||
  fail "unexpected ExecStart in $unit"
grep -q "^Type=notify$" "$unit" || fail "the unit is not Type=notify"
sed "s|^ExecStart=[^ ]*|ExecStart=$prefix/bin/tidings|" "$unit" > "$work/tidings.service"
if ! command -v systemd-analyze > /dev/null; then
  fail "systemd-analyze is missing (scripts/install-deps.sh installs systemd)"
fi
warnings=$(timeout 120 systemd-analyze verify "$work/tidings.service" 2>&1 ||
  { [[ $? == 124 ]] && echo "timed out after 120 s"; } || true)
[[ -z "$warnings" ]] || fail "systemd-analyze verify: $warnings"
exposure=$(timeout 120 systemd-analyze security --offline=yes "$work/tidings.service" 2>&1 |
  sed -n 's/.*Overall exposure level for tidings.service: \([0-9.]*\).*/\1/p')
[[ -n "$exposure" ]] || fail "systemd-analyze security printed no exposure level"
awk -v e="$exposure" 'BEGIN { exit !(e <= 2.0) }' ||
  fail "the unit's security exposure is $exposure (> 2.0)"
echo "install_test: ok (client: NOT_FOUND as expected; unit exposure $exposure)"
