// Copyright 2026 The Tidings Authors.
//
// stats.h: percentiles and medians of the load tool's samples, and the
// clocks it measures with.

#ifndef TIDINGS_BENCH_LOAD_STATS_H_
#define TIDINGS_BENCH_LOAD_STATS_H_

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <vector>

namespace tidings::load {

// CLOCK_MONOTONIC in nanoseconds. The clock is system-wide, so a time taken
// in the server process compares with one taken in the tool.
inline int64_t MonotonicNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

inline double SecondsSince(int64_t start_ns) {
  return static_cast<double>(MonotonicNs() - start_ns) * 1e-9;
}

// The q-quantile (0 <= q <= 1) by nearest rank; NaN when `v` is empty.
// Sorts `v`.
inline double Quantile(std::vector<double>& v, double q) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  const size_t rank = static_cast<size_t>(std::ceil(q * v.size()));
  return v[std::clamp<size_t>(rank, 1, v.size()) - 1];
}

// The median of a copy of `v` (the mean of the two middle values when the
// count is even); NaN when empty.
inline double Median(std::vector<double> v) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace tidings::load

#endif  // TIDINGS_BENCH_LOAD_STATS_H_
