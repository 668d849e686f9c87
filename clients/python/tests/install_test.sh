#!/bin/sh
# What `cmake --install --component python` ships imports on its own.
# usage: install_test.sh BUILD_DIR SITEDIR PYTHON
set -eu
build=$1 sitedir=$2 python=$3
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --component python --prefix "$prefix" >/dev/null
where=$(cd / && PYTHONPATH="$prefix/$sitedir" "$python" -c \
  'import tidings, tidings.v1.tidings_pb2_grpc; print(tidings.__file__)')
case $where in
  "$prefix/$sitedir/tidings/__init__.py") echo "install_test: ok ($where)" ;;
  *) echo "install_test: imported $where, not the install" >&2; exit 1 ;;
esac
