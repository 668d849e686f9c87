#!/usr/bin/env bash
# Installs the Debian 12 packages Tidings builds with; skips what is present.
# Idempotent; needs root (or sudo) only when something is missing.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  librocksdb-dev libabsl-dev libgoogle-perftools-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libssl-dev openssl
  prometheus-cpp-dev libspdlog-dev
  libsystemd-dev libtomlplusplus-dev
  systemd  # systemd-analyze: the package test checks deploy/tidings.service
  # Cluster mode (cluster/): the cnats client library, and the JetStream
  # server that the `cluster` tests start three of.
  libnats-dev nats-server
  # The Python client (clients/python): its runtime, tests and examples.
  python3 python3-grpcio python3-protobuf python3-pandas python3-pytest
  python3-matplotlib
)
# CI's extras: clang and its runtimes for the fuzz build, clang-format for
# `make format-check`.
if [[ "${TIDINGS_FUZZ_DEPS:-0}" == 1 ]]; then
  packages+=(clang libclang-rt-14-dev clang-format)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
