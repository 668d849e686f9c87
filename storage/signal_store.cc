// Copyright 2026 The Tidings Authors.
// PLACEHOLDER: the RocksDB store is being written.

#include "storage/signal_store.h"

namespace tidings::storage {

absl::StatusOr<std::unique_ptr<SignalStore>> SignalStore::Open(
    const StoreOptions& options) {
  return absl::UnimplementedError("storage not yet written");
}

}  // namespace tidings::storage
