// Copyright 2026 The Tidings Authors.
//
// alloc_counter.h: counts heap allocations made by the calling thread.
//
// Linking alloc_counter.cc into a binary replaces every form of the global
// operator new (plain, array, nothrow, aligned) with one that bumps a
// per-thread counter and then calls malloc; operator delete calls free.
// Per-thread rather than one shared atomic so that counting does not bounce a
// cache line between benchmark threads and distort the multi-thread scaling
// being measured. Allocations made directly with malloc are not counted.
//
// Example:
//   uint64_t before = ThreadAllocations();
//   Work();
//   uint64_t allocations = ThreadAllocations() - before;

#ifndef TIDINGS_BENCH_ALLOC_COUNTER_H_
#define TIDINGS_BENCH_ALLOC_COUNTER_H_

#include <cstdint>

namespace tidings::bench {

// Calls of operator new made by this thread since it started. Thread-safe
// (each thread reads its own counter).
uint64_t ThreadAllocations();

}  // namespace tidings::bench

#endif  // TIDINGS_BENCH_ALLOC_COUNTER_H_
