// Copyright 2026 The Tidings Authors.

#include "storage/internal/versions.h"

#include <algorithm>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "rocksdb/iterator.h"
#include "storage/internal/keys.h"

namespace tidings::storage::internal {
namespace {

constexpr char kVersionPrefix[] = "version/";
constexpr char kJobPrefix[] = "job/";

void PutBigEndian32(std::string* dst, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    dst->push_back(static_cast<char>((v >> shift) & 0xff));
  }
}

// Widens the range [*first_ts, *last_ts] (set when `has` is false) by
// [first, last]; nothing when first > last (no such time in the delta).
void MergeRange(int64_t first, int64_t last, bool has,
                google::protobuf::Timestamp* first_ts,
                google::protobuf::Timestamp* last_ts) {
  if (!has || MicrosOf(*first_ts) > first) SetMicros(first, first_ts);
  if (!has || MicrosOf(*last_ts) < last) SetMicros(last, last_ts);
}

}  // namespace

std::string RevisionKey(uint64_t root_seq, uint32_t doc_index, uint64_t seq) {
  std::string key;
  key.reserve(20);
  PutBigEndian64(&key, root_seq);
  PutBigEndian32(&key, doc_index);
  PutBigEndian64(&key, seq);
  return key;
}

void PutRevisionEntry(const Db& db, const tidings::v1::Signal& signal,
                      uint64_t seq, rocksdb::WriteBatch* batch) {
  if (signal.rescore_of_seq() == 0) return;
  std::string value;
  PutBigEndian64(&value, OrderedMicros(MicrosOf(signal.ingested_at())));
  batch->Put(db.cf(kRevisions),
             RevisionKey(signal.rescore_of_seq(), signal.doc_index(), seq),
             value);
}

void DeleteRevisionEntry(const Db& db, const tidings::v1::Signal& signal,
                         uint64_t seq, rocksdb::WriteBatch* batch) {
  if (signal.rescore_of_seq() == 0) return;
  batch->Delete(db.cf(kRevisions),
                RevisionKey(signal.rescore_of_seq(), signal.doc_index(), seq));
}

absl::StatusOr<uint64_t> NewestRevision(const Db& db,
                                        const rocksdb::ReadOptions& options,
                                        uint64_t root_seq, uint32_t doc_index,
                                        int64_t before_micros, uint64_t head) {
  const std::string lower = RevisionKey(root_seq, doc_index, 0);
  std::unique_ptr<rocksdb::Iterator> it(
      db.db->NewIterator(options, db.cf(kRevisions)));
  // Newest first: seqs (and so ingested_at) grow along the key.
  it->SeekForPrev(RevisionKey(root_seq, doc_index, head));
  for (; it->Valid() && it->key().compare(lower) > 0; it->Prev()) {
    if (it->key().size() != 20 || it->value().size() != 8 ||
        it->key().ToStringView().substr(0, 12) != lower.substr(0, 12)) {
      break;
    }
    const int64_t micros =
        MicrosFromOrdered(GetBigEndian64(it->value().data()));
    if (micros < before_micros) return GetBigEndian64(it->key().data() + 12);
  }
  if (!it->status().ok()) {
    return FromRocks(it->status(), "cannot read the revision index");
  }
  return 0;
}

void VersionTally::Add(const tidings::v1::Signal& signal) {
  Delta& d = deltas_[signal.scorer_version()];
  ++d.count;
  if (signal.rescore_of_seq() != 0) ++d.rescored;
  if (signal.has_published_at()) {
    const int64_t p = MicrosOf(signal.published_at());
    d.first_published = std::min(d.first_published, p);
    d.last_published = std::max(d.last_published, p);
  }
  const int64_t i = MicrosOf(signal.ingested_at());
  d.first_ingested = std::min(d.first_ingested, i);
  d.last_ingested = std::max(d.last_ingested, i);
}

void VersionTally::Remove(const tidings::v1::Signal& signal) {
  Delta& d = deltas_[signal.scorer_version()];
  --d.count;
  if (signal.rescore_of_seq() != 0) --d.rescored;
}

absl::Status VersionTally::Write(const Db& db, bool replace,
                                 rocksdb::WriteBatch* batch) const {
  for (const auto& [version, d] : deltas_) {
    const std::string key = kVersionPrefix + version;
    tidings::v1::VersionInfo info;
    if (!replace) {
      std::string value;
      rocksdb::Status s =
          db.db->Get(rocksdb::ReadOptions(), db.cf(kMeta), key, &value);
      if (!s.ok() && !s.IsNotFound()) {
        return FromRocks(s, "cannot read a version record");
      }
      if (s.ok() && !info.ParseFromString(value)) {
        return absl::DataLossError(
            absl::StrCat("the record of scorer version '", AsAbsl(version),
                         "' does not parse"));
      }
    }
    info.set_scorer_version(version);
    const int64_t count = static_cast<int64_t>(info.signal_count()) + d.count;
    const int64_t rescored =
        static_cast<int64_t>(info.rescored_count()) + d.rescored;
    info.set_signal_count(static_cast<uint64_t>(std::max<int64_t>(count, 0)));
    info.set_rescored_count(
        static_cast<uint64_t>(std::max<int64_t>(rescored, 0)));
    if (d.first_published <= d.last_published) {
      const bool has = info.has_first_published_at();
      MergeRange(d.first_published, d.last_published, has,
                 info.mutable_first_published_at(),
                 info.mutable_last_published_at());
    }
    if (d.first_ingested <= d.last_ingested) {
      const bool has = info.has_first_ingested_at();
      MergeRange(d.first_ingested, d.last_ingested, has,
                 info.mutable_first_ingested_at(),
                 info.mutable_last_ingested_at());
    }
    batch->Put(db.cf(kMeta), key, info.SerializeAsString());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<tidings::v1::VersionInfo>> ReadVersions(
    const Db& db) {
  std::vector<tidings::v1::VersionInfo> out;
  std::unique_ptr<rocksdb::Iterator> it(
      db.db->NewIterator(rocksdb::ReadOptions(), db.cf(kMeta)));
  const std::string_view prefix = kVersionPrefix;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
       it->Next()) {
    tidings::v1::VersionInfo info;
    if (!info.ParseFromArray(it->value().data(),
                             static_cast<int>(it->value().size()))) {
      return absl::DataLossError("a version record does not parse");
    }
    out.push_back(std::move(info));
  }
  if (!it->status().ok()) {
    return FromRocks(it->status(), "cannot read the version records");
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return MicrosOf(a.first_ingested_at()) < MicrosOf(b.first_ingested_at());
  });
  return out;
}

std::string JobStateKey(std::string_view name) {
  std::string key = kJobPrefix;
  key.append(name.data(), name.size());
  return key;
}

}  // namespace tidings::storage::internal
