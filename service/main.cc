// Copyright 2026 The Tidings Authors.
// PLACEHOLDER: the tidings command line is being written.

#include <cstdio>

int main(int argc, char** argv) {
  std::fprintf(stderr, "tidings: not yet\n");
  return 2;
}
