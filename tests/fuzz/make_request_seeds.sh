#!/usr/bin/env bash
# Regenerates the binary seeds of request_fuzz (serialized
# tidings.v1.IngestRequest) from the text-format sources in
# tests/fuzz/corpus_src/request_fuzz/. Run from anywhere; needs protoc.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
src="$root/tests/fuzz/corpus_src/request_fuzz"
out="$root/tests/fuzz/corpus/request_fuzz"
mkdir -p "$out"
for f in "$src"/*.textproto; do
  name=$(basename "$f" .textproto)
  protoc --proto_path="$root/proto" --proto_path=/usr/include \
    --encode=tidings.v1.IngestRequest tidings/v1/tidings.proto <"$f" >"$out/$name"
  echo "$out/$name: $(wc -c <"$out/$name") bytes"
done
