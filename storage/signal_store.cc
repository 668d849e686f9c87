// Copyright 2026 The Tidings Authors.
//
// signal_store.cc: SignalStore on RocksDB.
//
// Column families (key layouts in storage/internal/keys.h; all big-endian):
//
//   default            meta: "format_version" -> "1". Checked at Open().
//                      "store_id" -> 32 lowercase hex digits: 128 random
//                      bits drawn when the store is created (or at the first
//                      open of a store created before ids), never changed.
//                      "trim_state" -> first_seq (8) | ordered ingested_at
//                      micros (8) of the newest trimmed signal; absent until
//                      the first trim (first_seq 1). Written in the same
//                      WriteBatch as the deletions of each trim step.
//   signals            seq (8)                      -> tidings.v1.Signal
//   articles           idempotency key               -> tidings.v1.Article
//                      (the raw article as sent; keyed by its idempotency key
//                      rather than a seq because an article may produce no
//                      signal at all)
//   time_index         ingested_at micros (8) | seq  -> ""
//   event_index        event type (1) | seq          -> ""
//   key_index          idempotency key               -> seqs (8 bytes each)
//   fingerprint_index  band (1) | band value (2) | seq
//                                                    -> fingerprint (8) |
//                                                       ingested micros (8)
//   entity_index       id length (2) | entity id | seq -> ""
//   published_index    published_at micros (8) | seq -> ""
//   received_index     received_at micros (8) | seq  -> ""
//   summaries          seq (8)                      -> storage::SignalSummary
//                      (signal_summary.h), for aggregates
//                      (event, entity, the two time indexes and summaries:
//                      indexes.h; meta "indexes" says the entity, the two
//                      time indexes and the summaries cover every signal)
//
// Writes: Append() runs under `mu_`, so there is one writer at a time. It
// reads the key and fingerprint indexes (which only it writes, so no snapshot
// is needed), builds one WriteBatch for the whole call and writes it with
// WriteOptions::sync. `head_` is published (release) only after the write
// succeeded; readers load it (acquire) before taking a snapshot, so every
// seq <= head they see is in their snapshot, and they never look past it.
//
// Backups: Checkpoint() flushes without `mu_`, then takes a RocksDB
// checkpoint (no second flush, the WAL tail included) under `mu_`, so that
// the backup holds exactly the batches up to `head_`.
//
// Failures: a failed write puts RocksDB into its background-error state
// (paranoid_checks), in which it refuses further writes; RocksDB 7.8 deems a
// failed WAL write or sync fatal, which DB::Resume() cannot clear. So the
// next Append() first tries Resume(), then, once a probe file can be written
// and synced in the directory (the fault has cleared), closes and reopens the
// database, restoring the head from the log. Until then readers keep using
// the old instance, and Append() returns UNAVAILABLE. Readers hold a
// shared_ptr to the instance (`Db`) for the length of one call, so the swap
// never pulls it from under them.

#include "storage/signal_store.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/iterator.h"
#include "rocksdb/options.h"
#include "rocksdb/slice.h"
#include "rocksdb/snapshot.h"
#include "rocksdb/status.h"
#include "rocksdb/utilities/checkpoint.h"
#include "rocksdb/write_batch.h"
// Header-only (a constant and a popcount): storage does not link
// tidings_scoring, it only shares the definition of "near-duplicate".
#include "scoring/fingerprint.h"
#include "storage/internal/db.h"
#include "storage/internal/indexes.h"
#include "storage/internal/keys.h"
#include "storage/internal/novelty.h"
#include "storage/internal/stats.h"
#include "storage/internal/status_macros.h"
#include "storage/internal/versions.h"

namespace tidings::storage {

// Defaults of the optional interface methods, for fakes.
absl::StatusOr<std::vector<uint64_t>> SignalStore::LookupKey(
    std::string_view idempotency_key) const {
  return absl::UnimplementedError("LookupKey is not implemented by this store");
}

absl::StatusOr<tidings::v1::Article> SignalStore::GetArticle(
    std::string_view idempotency_key) const {
  return absl::UnimplementedError(
      "GetArticle is not implemented by this store");
}

uint64_t SignalStore::first_seq() const { return 1; }

absl::StatusOr<uint64_t> SignalStore::NewestRevision(uint64_t root_seq,
                                                     uint32_t doc_index,
                                                     absl::Time before) const {
  return 0;
}

absl::StatusOr<std::vector<tidings::v1::VersionInfo>> SignalStore::Versions()
    const {
  return absl::UnimplementedError("Versions is not implemented by this store");
}

absl::StatusOr<std::optional<std::string>> SignalStore::GetJobState(
    std::string_view name) const {
  return absl::UnimplementedError("job states are not kept by this store");
}

absl::Status SignalStore::PutJobState(std::string_view name,
                                      std::string_view value) {
  return absl::UnimplementedError("job states are not kept by this store");
}

const std::string& SignalStore::store_id() const {
  static const std::string* const kNone = new std::string();
  return *kNone;
}

absl::StatusOr<IndexedSeqs> SignalStore::ListIndexed(const IndexQuery& query,
                                                     uint64_t after_seq,
                                                     size_t max_count) const {
  return absl::UnimplementedError(
      "ListIndexed is not implemented by this store");
}

absl::Status SignalStore::ReadSeqs(
    const std::vector<uint64_t>& seqs,
    const std::function<bool(tidings::v1::Signal&)>& visit) const {
  for (uint64_t seq : seqs) {
    absl::StatusOr<tidings::v1::Signal> signal = Get(seq);
    if (!signal.ok()) return signal.status();
    if (!visit(*signal)) break;
  }
  return absl::OkStatus();
}

absl::StatusOr<CheckpointInfo> SignalStore::Checkpoint(const std::string& dir) {
  return absl::UnimplementedError(
      "this store cannot take backups (Checkpoint is not implemented)");
}

absl::Status SignalStore::ScanSummaries(
    uint64_t after_seq, uint64_t max_count,
    const std::function<bool(const SignalSummary&)>& visit) const {
  return Scan(after_seq, max_count, [&](tidings::v1::Signal& signal) {
    return visit(SummarizeSignal(signal));
  });
}

absl::Status SignalStore::TrimBefore(absl::Time cutoff) {
  return absl::UnimplementedError(
      "TrimBefore is not implemented by this store");
}

absl::Status SignalStore::Trim(absl::Time now) { return absl::OkStatus(); }

absl::StatusOr<std::vector<AppendResult>> SignalStore::Apply(
    std::vector<PendingArticle> batch, absl::Time ingested_at,
    const LogApply& apply) {
  return absl::UnimplementedError("Apply is not implemented by this store");
}

uint64_t SignalStore::applied_log_seq() const { return 0; }

absl::Status SignalStore::SyncWal() { return absl::OkStatus(); }

absl::Status SignalStore::AdoptStoreId(const std::string&) {
  return absl::UnimplementedError(
      "AdoptStoreId is not implemented by this store");
}

std::optional<StoreStats> SignalStore::Stats() const { return std::nullopt; }

namespace {

using internal::AsStd;
using internal::Db;
using internal::EventKey;
using internal::FingerprintBand;
using internal::FingerprintBucket;
using internal::FingerprintBucketLast;
using internal::FingerprintKey;
using internal::FingerprintValue;
using internal::FromRocks;
using internal::kArticles;
using internal::kEventIndex;
using internal::kFingerprintBands;
using internal::kFingerprintIndex;
using internal::kKeyIndex;
using internal::kMeta;
using internal::kSignals;
using internal::kSummaries;
using internal::kTimeIndex;
using internal::MicrosOf;
using internal::OpenDb;
using internal::SeqKey;
using internal::TimeKey;

constexpr char kFormatVersionKey[] = "format_version";
constexpr char kFormatVersion[] = "1";
constexpr char kTrimStateKey[] = "trim_state";
constexpr char kStoreIdKey[] = "store_id";
// A cluster replica's last applied log seq (8 bytes, big-endian); absent in
// a store that never applied a log record.
constexpr char kAppliedLogSeqKey[] = "applied_log_seq";
constexpr size_t kStoreIdHexDigits = 32;

// Signals deleted per trim step (one WriteBatch, one hold of the writer
// lock), so a large trim neither builds a huge batch nor stalls ingest.
constexpr int kTrimStepSignals = 4096;

// At most this many entries of one fingerprint bucket are examined per band
// when looking for a near-duplicate. Buckets are small for real SimHashes
// (16 random bits); the cap bounds the cost of a degenerate hot bucket.
constexpr int kMaxCandidatesPerBand = 1024;

// How long recovery waits for running reads to release the old database.
constexpr absl::Duration kRecoveryReadersWait = absl::Seconds(1);

// Signals before `first` are no longer retained.
absl::Status OutOfRange(uint64_t after_seq, uint64_t first) {
  return absl::OutOfRangeError(absl::StrCat(
      "signals before seq ", first,
      " are no longer retained (trimmed by retention); cannot read after seq ",
      after_seq, ": resume with after_seq >= ", first - 1));
}

absl::Status ValidateBatch(const std::vector<PendingArticle>& batch) {
  for (size_t i = 0; i < batch.size(); ++i) {
    const PendingArticle& pending = batch[i];
    if (pending.idempotency_key.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("article ", i, " of the batch has no idempotency key"));
    }
    for (const tidings::v1::Signal& signal : pending.signals) {
      TIDINGS_STORAGE_RETURN_IF_ERROR(
          internal::CheckIndexable(signal, absl::StrCat("article ", i)));
    }
  }
  return absl::OkStatus();
}

// What Open() reads back from a database.
struct Restored {
  uint64_t head = 0;
  int64_t last_ingested_micros = std::numeric_limits<int64_t>::min();
  uint64_t first_seq = 1;
  std::string store_id;
  internal::NoveltyCounter novelty;
  uint64_t applied_log_seq = 0;
};

// 128 bits from the operating system's entropy source, as 32 lowercase hex
// digits.
std::string NewStoreId() {
  std::random_device entropy;
  std::string id;
  id.reserve(kStoreIdHexDigits);
  constexpr char kHex[] = "0123456789abcdef";
  while (id.size() < kStoreIdHexDigits) {
    uint32_t bits = entropy();
    for (int i = 0; i < 8; ++i, bits >>= 4) id.push_back(kHex[bits & 0xf]);
  }
  return id;
}

bool IsStoreId(std::string_view id) {
  return id.size() == kStoreIdHexDigits &&
         id.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// The store's id, drawn and written (synced like Append) when it has none:
// a new store, or one created before stores had ids.
absl::StatusOr<std::string> ReadOrCreateStoreId(const Db& db,
                                                const StoreOptions& options) {
  std::string id;
  rocksdb::Status s =
      db.db->Get(rocksdb::ReadOptions(), db.cf(kMeta), kStoreIdKey, &id);
  if (s.ok()) {
    if (!IsStoreId(id)) {
      return absl::DataLossError(
          absl::StrCat("the signal store at ", options.path,
                       " has a malformed store id (expected ",
                       kStoreIdHexDigits, " hex digits)"));
    }
    return id;
  }
  if (!s.IsNotFound()) return FromRocks(s, "cannot read the store id");
  id = NewStoreId();
  rocksdb::WriteOptions write_options;
  write_options.sync = options.sync;
  s = db.db->Put(write_options, db.cf(kMeta), kStoreIdKey, id);
  if (!s.ok()) return FromRocks(s, "cannot write the store id");
  return id;
}

// The persisted outcome of the trims so far.
struct TrimState {
  uint64_t first_seq = 1;  // 1: never trimmed.
  // ingested_at of the newest trimmed signal; min() when never trimmed.
  int64_t trimmed_micros = std::numeric_limits<int64_t>::min();
};

std::string EncodeTrimState(const TrimState& state) {
  std::string value;
  internal::PutBigEndian64(&value, state.first_seq);
  internal::PutBigEndian64(&value,
                           internal::OrderedMicros(state.trimmed_micros));
  return value;
}

// Reads the trim state (under `read_options`' snapshot, if any).
absl::StatusOr<TrimState> ReadTrimState(const Db& db,
                                        const rocksdb::ReadOptions& options) {
  TrimState state;
  rocksdb::PinnableSlice value;
  rocksdb::Status s = db.db->Get(options, db.cf(kMeta), kTrimStateKey, &value);
  if (s.IsNotFound()) return state;
  if (!s.ok()) return FromRocks(s, "cannot read the trim state");
  if (value.size() != 16) return absl::DataLossError("malformed trim state");
  state.first_seq = internal::GetBigEndian64(value.data());
  state.trimmed_micros =
      internal::MicrosFromOrdered(internal::GetBigEndian64(value.data() + 8));
  if (state.first_seq == 0) return absl::DataLossError("malformed trim state");
  return state;
}

// Checks (or, for a new store, writes) the format version, and reads the
// head seq and the newest ingested_at.
absl::StatusOr<Restored> Restore(const Db& db, const StoreOptions& options) {
  std::string version;
  rocksdb::Status s = db.db->Get(rocksdb::ReadOptions(), db.cf(kMeta),
                                 kFormatVersionKey, &version);
  if (s.IsNotFound()) {
    rocksdb::WriteOptions write_options;
    write_options.sync = options.sync;
    s = db.db->Put(write_options, db.cf(kMeta), kFormatVersionKey,
                   kFormatVersion);
    if (!s.ok()) return FromRocks(s, "cannot write the store format version");
  } else if (!s.ok()) {
    return FromRocks(s, "cannot read the store format version");
  } else if (version != kFormatVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the signal store at ", options.path, " has format version '", version,
        "'; this build reads version ", kFormatVersion));
  }

  TIDINGS_STORAGE_RETURN_IF_ERROR(internal::BuildMissingIndexes(db, options));

  Restored restored;
  TIDINGS_STORAGE_ASSIGN_OR_RETURN(restored.store_id,
                                   ReadOrCreateStoreId(db, options));
  // The head is the last key of the signals CF.
  {
    std::unique_ptr<rocksdb::Iterator> it(
        db.db->NewIterator(rocksdb::ReadOptions(), db.cf(kSignals)));
    it->SeekToLast();
    if (it->Valid() &&
        !internal::ParseSeqKey(AsStd(it->key()), &restored.head)) {
      return absl::DataLossError("malformed key at the end of the log");
    }
    if (!it->status().ok()) {
      return FromRocks(it->status(), "cannot read the head of the log");
    }
  }
  // Trims so far: the head is at least first_seq - 1 even when every signal
  // was trimmed, and ingested_at stays above the trimmed ones.
  {
    TIDINGS_STORAGE_ASSIGN_OR_RETURN(TrimState trim,
                                     ReadTrimState(db, rocksdb::ReadOptions()));
    restored.first_seq = trim.first_seq;
    restored.head = std::max(restored.head, trim.first_seq - 1);
    restored.last_ingested_micros = trim.trimmed_micros;
  }
  // The newest ingested_at is the last key of the time index.
  {
    std::unique_ptr<rocksdb::Iterator> it(
        db.db->NewIterator(rocksdb::ReadOptions(), db.cf(kTimeIndex)));
    it->SeekToLast();
    uint64_t seq;
    int64_t micros;
    if (it->Valid()) {
      if (!internal::ParseTimeKey(AsStd(it->key()), &micros, &seq)) {
        return absl::DataLossError("malformed key at the end of time index");
      }
      restored.last_ingested_micros =
          std::max(restored.last_ingested_micros, micros);
    }
    if (!it->status().ok()) {
      return FromRocks(it->status(), "cannot read the time index");
    }
  }
  TIDINGS_STORAGE_ASSIGN_OR_RETURN(
      restored.novelty,
      internal::LoadNoveltyCounter(db, restored.last_ingested_micros));
  {
    std::string value;
    s = db.db->Get(rocksdb::ReadOptions(), db.cf(kMeta), kAppliedLogSeqKey,
                   &value);
    if (s.ok() && value.size() != 8) {
      return absl::DataLossError("malformed applied log seq");
    }
    if (s.ok())
      restored.applied_log_seq = internal::GetBigEndian64(value.data());
    if (!s.ok() && !s.IsNotFound()) {
      return FromRocks(s, "cannot read the applied log seq");
    }
  }
  return restored;
}

// Writes, syncs and deletes a small file in the store's directory: whether
// the file system takes writes again.
absl::Status ProbeWritable(const StoreOptions& options) {
  rocksdb::Env* env =
      options.env != nullptr ? options.env : rocksdb::Env::Default();
  const std::string probe = options.path + "/TIDINGS_WRITE_PROBE";
  std::unique_ptr<rocksdb::WritableFile> file;
  rocksdb::Status s = env->NewWritableFile(probe, &file, rocksdb::EnvOptions());
  if (s.ok()) s = file->Append("probe");
  if (s.ok()) s = file->Sync();
  if (file != nullptr) {
    rocksdb::Status closed = file->Close();
    if (s.ok()) s = closed;
  }
  env->DeleteFile(probe).PermitUncheckedError();
  if (!s.ok()) return FromRocks(s, "the store's directory still fails writes");
  return absl::OkStatus();
}

// Checks a backup directory (see SignalStore::Checkpoint) and returns it
// without trailing slashes.
absl::StatusOr<std::string> CheckBackupDir(const StoreOptions& options,
                                           std::string dir) {
  if (dir.empty()) {
    return absl::InvalidArgumentError(
        "no backup directory: name a new directory (an absolute path)");
  }
  if (dir.front() != '/') {
    return absl::InvalidArgumentError(absl::StrCat(
        "the backup directory must be an absolute path, got \"", dir, "\""));
  }
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  // Inside the store's directory (symlinks and ".." resolved as far as the
  // paths exist)?
  auto resolved = [](const std::string& path) {
    std::error_code ec;
    std::string out = std::filesystem::weakly_canonical(path, ec).string();
    if (ec) return std::string();
    while (out.size() > 1 && out.back() == '/') out.pop_back();
    return out;
  };
  const std::string store = resolved(options.path);
  const std::string backup = resolved(dir);
  if (!store.empty() && !backup.empty() &&
      (backup == store || backup.rfind(store + "/", 0) == 0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the backup directory ", dir, " is inside the store's directory ",
        options.path, "; name a directory outside it"));
  }
  rocksdb::Env* env =
      options.env != nullptr ? options.env : rocksdb::Env::Default();
  if (env->FileExists(dir).ok()) {
    return absl::AlreadyExistsError(absl::StrCat(
        dir,
        " already exists: a backup goes to a new directory and never "
        "overwrites; name one that does not exist yet"));
  }
  if (env->FileExists(dir + ".tmp").ok()) {
    return absl::AlreadyExistsError(absl::StrCat(
        dir,
        ".tmp exists: the backup is staged there and RocksDB would "
        "delete its files first; remove it or name another directory"));
  }
  const std::string parent = dir.substr(0, std::max<size_t>(dir.rfind('/'), 1));
  if (rocksdb::Status s = env->FileExists(parent); s.IsNotFound()) {
    return absl::NotFoundError(
        absl::StrCat("the parent directory ", parent, " of the backup ", dir,
                     " does not exist; create it first"));
  }
  return dir;
}

class RocksSignalStore final : public SignalStore {
 public:
  static absl::StatusOr<std::unique_ptr<SignalStore>> Open(
      const StoreOptions& options);

  absl::StatusOr<std::vector<AppendResult>> Append(
      std::vector<PendingArticle> batch, absl::Time now)
      ABSL_LOCKS_EXCLUDED(mu_, db_mu_) override {
    return AppendOrApply(std::move(batch), now, nullptr);
  }
  absl::StatusOr<std::vector<AppendResult>> Apply(
      std::vector<PendingArticle> batch, absl::Time ingested_at,
      const LogApply& apply) ABSL_LOCKS_EXCLUDED(mu_, db_mu_) override {
    return AppendOrApply(std::move(batch), ingested_at, &apply);
  }
  absl::Status SyncWal() ABSL_LOCKS_EXCLUDED(mu_, db_mu_) override;
  uint64_t applied_log_seq() const override {
    return applied_log_seq_.load(std::memory_order_acquire);
  }
  uint64_t head_seq() const override {
    return head_.load(std::memory_order_acquire);
  }
  uint64_t first_seq() const override {
    return first_seq_.load(std::memory_order_acquire);
  }
  const std::string& store_id() const override { return store_id_; }
  absl::Status AdoptStoreId(const std::string& id) override
      ABSL_LOCKS_EXCLUDED(mu_, db_mu_);
  absl::Status TrimBefore(absl::Time cutoff) override
      ABSL_LOCKS_EXCLUDED(mu_, db_mu_);
  absl::Status Trim(absl::Time now) override ABSL_LOCKS_EXCLUDED(mu_, db_mu_);
  absl::StatusOr<tidings::v1::Signal> Get(uint64_t seq) const override
      ABSL_LOCKS_EXCLUDED(db_mu_);
  absl::Status Scan(uint64_t after_seq, uint64_t max_count,
                    const std::function<bool(tidings::v1::Signal&)>& visit)
      const override ABSL_LOCKS_EXCLUDED(db_mu_);
  absl::Status ScanSummaries(
      uint64_t after_seq, uint64_t max_count,
      const std::function<bool(const SignalSummary&)>& visit) const override
      ABSL_LOCKS_EXCLUDED(db_mu_);
  absl::StatusOr<uint64_t> SeqBeforeTime(absl::Time t) const override
      ABSL_LOCKS_EXCLUDED(db_mu_);
  absl::StatusOr<IndexedSeqs> ListIndexed(const IndexQuery& query,
                                          uint64_t after_seq,
                                          size_t max_count) const override
      ABSL_LOCKS_EXCLUDED(db_mu_);
  absl::Status ReadSeqs(const std::vector<uint64_t>& seqs,
                        const std::function<bool(tidings::v1::Signal&)>& visit)
      const override ABSL_LOCKS_EXCLUDED(db_mu_);
  absl::StatusOr<std::vector<uint64_t>> LookupKey(
      std::string_view idempotency_key) const override
      ABSL_LOCKS_EXCLUDED(db_mu_);
  absl::StatusOr<tidings::v1::Article> GetArticle(
      std::string_view idempotency_key) const override
      ABSL_LOCKS_EXCLUDED(db_mu_);
  absl::StatusOr<CheckpointInfo> Checkpoint(const std::string& dir) override
      ABSL_LOCKS_EXCLUDED(mu_, db_mu_);
  std::optional<StoreStats> Stats() const override ABSL_LOCKS_EXCLUDED(db_mu_);
  absl::StatusOr<uint64_t> NewestRevision(uint64_t root_seq, uint32_t doc_index,
                                          absl::Time before) const override
      ABSL_LOCKS_EXCLUDED(db_mu_);
  absl::StatusOr<std::vector<tidings::v1::VersionInfo>> Versions()
      const override ABSL_LOCKS_EXCLUDED(db_mu_);
  absl::StatusOr<std::optional<std::string>> GetJobState(
      std::string_view name) const override ABSL_LOCKS_EXCLUDED(db_mu_);
  absl::Status PutJobState(std::string_view name,
                           std::string_view value) override
      ABSL_LOCKS_EXCLUDED(db_mu_);

 private:
  RocksSignalStore(const StoreOptions& options,
                   std::shared_ptr<rocksdb::Cache> cache,
                   std::shared_ptr<rocksdb::Statistics> statistics,
                   std::shared_ptr<Db> db, Restored restored)
      : options_(options),
        store_id_(restored.store_id),
        cache_(std::move(cache)),
        statistics_(std::move(statistics)),
        head_(restored.head),
        first_seq_(restored.first_seq),
        last_ingested_micros_(restored.last_ingested_micros),
        novelty_(std::move(restored.novelty)),
        applied_log_seq_(restored.applied_log_seq),
        db_(std::move(db)) {}

  // Append(), and Apply() when `apply` is set.
  absl::StatusOr<std::vector<AppendResult>> AppendOrApply(
      std::vector<PendingArticle> batch, absl::Time now, const LogApply* apply)
      ABSL_LOCKS_EXCLUDED(mu_, db_mu_);

  // The open database for a reader, or UNAVAILABLE while it is being
  // reopened after a write error (see RecoverIfNeeded()).
  absl::StatusOr<std::shared_ptr<const Db>> ReaderDb() const
      ABSL_LOCKS_EXCLUDED(db_mu_);

  // Brings RocksDB back from the error state left by a failed write: first
  // DB::Resume(), which handles the errors RocksDB deems recoverable; else,
  // once a probe shows the directory takes writes again, closes and reopens
  // the database (RocksDB's remedy for fatal errors such as a failed WAL
  // write). OK when writes may proceed; UNAVAILABLE otherwise.
  absl::Status RecoverIfNeeded() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_)
      ABSL_LOCKS_EXCLUDED(db_mu_);

  // One trim step: deletes up to kTrimStepSignals signals ingested before
  // `cutoff_micros`. Sets *more when it stopped at the step limit.
  absl::Status TrimStep(int64_t cutoff_micros, bool* more)
      ABSL_LOCKS_EXCLUDED(mu_, db_mu_);

  // The entries of column family `cf` (keyed by SeqKey) for the seqs in
  // (after_seq, head], under one snapshot, after Scan()'s retention check;
  // `visit` returns whether to go on, or an error that ends the scan.
  absl::Status ScanLog(
      internal::Cf cf, uint64_t after_seq, uint64_t max_count,
      const std::function<absl::StatusOr<bool>(
          const rocksdb::Slice& key, const rocksdb::Slice& value)>& visit) const
      ABSL_LOCKS_EXCLUDED(db_mu_);

  // Whether `key` was stored, and if so its seqs in `*seqs`. Reads the
  // latest state: REQUIRES mu_, held by the only writer.
  absl::StatusOr<bool> StoredSeqs(const Db& db, const std::string& key,
                                  std::vector<uint64_t>* seqs)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // One earlier signal of this batch: its seq and fingerprint.
  struct BatchFingerprint {
    uint64_t seq;
    uint64_t fingerprint;
  };

  // What Append() learns of a signal's near-duplicates, stored or earlier
  // in this batch (those count as ingested `now`).
  struct NearDuplicates {
    // The newest one ingested at or after `duplicate_oldest_micros`; 0 when
    // none.
    uint64_t newest = 0;
    // How many were ingested in each novelty window ending `now`.
    internal::NoveltyCounts counts{};
  };
  // `index` iterates the fingerprint index; one serves a whole Append().
  // REQUIRES mu_.
  absl::StatusOr<NearDuplicates> FindNearDuplicates(
      rocksdb::Iterator& index, uint64_t fingerprint, int64_t now_micros,
      int64_t duplicate_oldest_micros,
      const std::vector<BatchFingerprint>& in_batch)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const StoreOptions options_;
  // Read (or drawn) at Open(); a reopen after a write error reads the same.
  // Replaced only by AdoptStoreId(), before the store is shared.
  std::string store_id_;
  // Shared by the table factories of every CF, across reopens.
  const std::shared_ptr<rocksdb::Cache> cache_;
  // RocksDB's tickers, kept across reopens (see Stats()).
  const std::shared_ptr<rocksdb::Statistics> statistics_;

  // Serialises Append() (and so recovery).
  absl::Mutex mu_ ABSL_ACQUIRED_BEFORE(db_mu_);
  // The seq of the newest durable signal. Written only under mu_, after the
  // batch holding it was written; read lock-free by readers.
  std::atomic<uint64_t> head_;
  // The smallest retained seq. Written only under mu_, after the trim step
  // that deleted the signals below it was written. Readers that must be
  // exact read the persisted copy under their snapshot (ReadTrimState).
  std::atomic<uint64_t> first_seq_;
  // ingested_at (micros) of the newest stored signal; the floor for the
  // next one, so ingested_at never decreases along the log.
  int64_t last_ingested_micros_ ABSL_GUARDED_BY(mu_);
  // The event-type and entity counts of the last 7 days (novelty.h).
  internal::NoveltyCounter novelty_ ABSL_GUARDED_BY(mu_);
  // Set when a write failed: RocksDB refuses writes until recovered.
  bool needs_recovery_ ABSL_GUARDED_BY(mu_) = false;
  // The last log seq Apply() wrote. Written only under mu_, after its batch.
  std::atomic<uint64_t> applied_log_seq_;

  // Guards the pointer (not the database: RocksDB is thread-safe). Readers
  // copy it under a shared lock; only recovery, holding mu_ too, replaces
  // it. Null only after a failed reopen.
  mutable absl::Mutex db_mu_;
  std::shared_ptr<Db> db_ ABSL_GUARDED_BY(db_mu_);
};

absl::StatusOr<std::unique_ptr<SignalStore>> RocksSignalStore::Open(
    const StoreOptions& options) {
  std::shared_ptr<rocksdb::Cache> cache =
      rocksdb::NewLRUCache(options.block_cache_bytes);
  std::shared_ptr<rocksdb::Statistics> statistics = internal::NewStatistics();
  TIDINGS_STORAGE_ASSIGN_OR_RETURN(std::shared_ptr<Db> db,
                                   OpenDb(options, cache, statistics));
  TIDINGS_STORAGE_ASSIGN_OR_RETURN(Restored restored, Restore(*db, options));
  return std::unique_ptr<SignalStore>(
      new RocksSignalStore(options, std::move(cache), std::move(statistics),
                           std::move(db), std::move(restored)));
}

absl::StatusOr<std::shared_ptr<const Db>> RocksSignalStore::ReaderDb() const {
  absl::ReaderMutexLock lock(&db_mu_);
  if (db_ == nullptr) {
    return absl::UnavailableError(
        "the signal store is recovering from a write error; retry later");
  }
  return std::shared_ptr<const Db>(db_);
}

absl::Status RocksSignalStore::RecoverIfNeeded() {
  if (!needs_recovery_) return absl::OkStatus();
  {
    absl::ReaderMutexLock lock(&db_mu_);
    if (db_ != nullptr && db_->db->Resume().ok()) {
      needs_recovery_ = false;
      return absl::OkStatus();
    }
  }
  // A fatal error: only reopening clears it. Keep the old database open for
  // readers until the directory takes writes again.
  TIDINGS_STORAGE_RETURN_IF_ERROR(ProbeWritable(options_));

  // From here new readers wait on db_mu_. RocksDB's lock forbids a second
  // instance while the old one is open, so wait (boundedly) for running
  // reads to drop theirs; a Scan callback that calls back into the store
  // keeps it, hence the bound rather than a deadlock.
  absl::MutexLock lock(&db_mu_);
  const absl::Time deadline = absl::Now() + kRecoveryReadersWait;
  while (db_ != nullptr && db_.use_count() > 1 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(1));
  }
  if (db_ != nullptr && db_.use_count() > 1) {
    return absl::UnavailableError(
        "the signal store is recovering from a write error and waits for "
        "running reads to finish; retry shortly");
  }
  db_.reset();  // Closes the old database.
  absl::StatusOr<std::shared_ptr<Db>> reopened =
      OpenDb(options_, cache_, statistics_);
  if (!reopened.ok()) return reopened.status();
  absl::StatusOr<Restored> restored = Restore(**reopened, options_);
  if (!restored.ok()) return restored.status();
  db_ = *std::move(reopened);
  // The head never moves back: acknowledged batches were synced. It may
  // move forward: a batch whose WAL record reached the file although its
  // sync failed (so it was reported UNAVAILABLE) is replayed, whole.
  head_.store(restored->head, std::memory_order_release);
  // A trim step whose sync failed may be replayed too.
  first_seq_.store(
      std::max(first_seq_.load(std::memory_order_relaxed), restored->first_seq),
      std::memory_order_release);
  last_ingested_micros_ =
      std::max(last_ingested_micros_, restored->last_ingested_micros);
  // Counts what the reopened log holds (a replayed batch included).
  novelty_ = std::move(restored->novelty);
  applied_log_seq_.store(
      std::max(applied_log_seq_.load(std::memory_order_relaxed),
               restored->applied_log_seq),
      std::memory_order_release);
  needs_recovery_ = false;
  return absl::OkStatus();
}

absl::StatusOr<bool> RocksSignalStore::StoredSeqs(const Db& db,
                                                  const std::string& key,
                                                  std::vector<uint64_t>* seqs) {
  rocksdb::PinnableSlice value;
  rocksdb::Status s =
      db.db->Get(rocksdb::ReadOptions(), db.cf(kKeyIndex), key, &value);
  if (s.IsNotFound()) return false;
  if (!s.ok()) return FromRocks(s, "cannot read the idempotency index");
  if (!internal::DecodeSeqList(AsStd(value), seqs)) {
    return absl::DataLossError(
        absl::StrCat("malformed idempotency index entry for key '", key, "'"));
  }
  return true;
}

absl::StatusOr<RocksSignalStore::NearDuplicates>
RocksSignalStore::FindNearDuplicates(
    rocksdb::Iterator& index, uint64_t fingerprint, int64_t now_micros,
    int64_t duplicate_oldest_micros,
    const std::vector<BatchFingerprint>& in_batch) {
  constexpr int kMaxBits = scoring::kNearDuplicateBits;
  const int64_t oldest_micros =
      std::min(duplicate_oldest_micros,
               internal::SaturatingSub(now_micros,
                                       internal::kNoveltyWindowMicros.back()));
  // seq -> ingested_at of every match; a match shares several bands when
  // close, so the map counts it once.
  absl::flat_hash_map<uint64_t, int64_t> matches;
  for (const BatchFingerprint& earlier : in_batch) {
    if (scoring::HammingDistance(fingerprint, earlier.fingerprint) <=
        kMaxBits) {
      matches.emplace(earlier.seq, now_micros);
    }
  }
  // Any fingerprint within kMaxBits (< kFingerprintBands) shares at least one
  // band exactly, so every match is in some band's bucket. Walk each bucket
  // newest first; since ingested_at never decreases with seq, stop at the
  // first entry older than both windows.
  for (int band = 0; band < kFingerprintBands; ++band) {
    const uint16_t value = FingerprintBand(fingerprint, band);
    const std::string bucket = FingerprintBucket(band, value);
    // This lands on the bucket's last key (if the bucket is not empty);
    // the iterator is a prefix iterator, which the bucket bounds.
    index.SeekForPrev(FingerprintBucketLast(band, value));
    for (int examined = 0;
         index.Valid() && examined < kMaxCandidatesPerBand &&
         AsStd(index.key()).substr(0, bucket.size()) == bucket;
         index.Prev(), ++examined) {
      int key_band;
      uint16_t key_value;
      uint64_t seq;
      uint64_t candidate;
      int64_t micros;
      if (!internal::ParseFingerprintKey(AsStd(index.key()), &key_band,
                                         &key_value, &seq) ||
          !internal::ParseFingerprintValue(AsStd(index.value()), &candidate,
                                           &micros)) {
        return absl::DataLossError("malformed near-duplicate index entry");
      }
      if (micros < oldest_micros) break;
      if (scoring::HammingDistance(fingerprint, candidate) <= kMaxBits) {
        matches.emplace(seq, micros);
      }
    }
    if (!index.status().ok()) {
      return FromRocks(index.status(), "cannot read the near-duplicate index");
    }
  }
  NearDuplicates found;
  for (const auto& [seq, micros] : matches) {
    if (micros >= duplicate_oldest_micros) {
      found.newest = std::max(found.newest, seq);
    }
    internal::CountAt(micros, now_micros, &found.counts);
  }
  return found;
}

absl::StatusOr<std::vector<AppendResult>> RocksSignalStore::AppendOrApply(
    std::vector<PendingArticle> batch, absl::Time now, const LogApply* apply) {
  TIDINGS_STORAGE_RETURN_IF_ERROR(ValidateBatch(batch));
  std::vector<AppendResult> results(batch.size());
  if (batch.empty() && apply == nullptr) return results;

  absl::MutexLock lock(&mu_);
  if (apply != nullptr &&
      apply->log_seq <= applied_log_seq_.load(std::memory_order_relaxed)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "log seq ", apply->log_seq, " is not above the applied log seq ",
        applied_log_seq_.load(std::memory_order_relaxed),
        ": a replica applies each record once, in order"));
  }
  TIDINGS_STORAGE_RETURN_IF_ERROR(RecoverIfNeeded());
  // Only this thread (holding mu_) may replace db_, so `db` stays current.
  TIDINGS_STORAGE_ASSIGN_OR_RETURN(std::shared_ptr<const Db> db, ReaderDb());

  const int64_t now_micros =
      std::max(absl::ToUnixMicros(now), last_ingested_micros_);
  google::protobuf::Timestamp ingested_at;
  internal::SetMicros(now_micros, &ingested_at);
  const int64_t window_micros =
      absl::ToInt64Microseconds(options_.duplicate_window);
  // No stored signal is that new: marking off.
  const int64_t duplicate_oldest_micros =
      window_micros > 0 ? internal::SaturatingSub(now_micros, window_micros)
                        : std::numeric_limits<int64_t>::max();
  internal::NoveltyBatch novelty(novelty_, now_micros);

  const uint64_t head = head_.load(std::memory_order_relaxed);
  uint64_t next_seq = head + 1;
  rocksdb::WriteBatch write_batch;
  // Keys seen in this call: index into `results` of their first occurrence.
  absl::flat_hash_map<std::string, size_t> keys_in_batch;
  std::vector<BatchFingerprint> fingerprints_in_batch;
  // Created on first use. Sees the state before this batch, which is all
  // that is stored: mu_ excludes other writers.
  std::unique_ptr<rocksdb::Iterator> fingerprint_index;
  std::string buffer;
  internal::VersionTally versions;

  for (size_t i = 0; i < batch.size(); ++i) {
    PendingArticle& pending = batch[i];
    AppendResult& result = results[i];
    if (auto it = keys_in_batch.find(pending.idempotency_key);
        it != keys_in_batch.end()) {
      result.seqs = results[it->second].seqs;
      result.duplicate = true;
      continue;
    }
    TIDINGS_STORAGE_ASSIGN_OR_RETURN(
        const bool stored,
        StoredSeqs(*db, pending.idempotency_key, &result.seqs));
    keys_in_batch.emplace(pending.idempotency_key, i);
    if (stored) {
      result.duplicate = true;
      continue;
    }

    std::stable_sort(
        pending.signals.begin(), pending.signals.end(),
        [](const tidings::v1::Signal& a, const tidings::v1::Signal& b) {
          return a.doc_index() < b.doc_index();
        });
    for (tidings::v1::Signal& signal : pending.signals) {
      const uint64_t seq = next_seq++;
      signal.set_seq(seq);
      *signal.mutable_ingested_at() = ingested_at;
      // A revision keeps its original's mark, is no near-duplicate
      // candidate and no new story for the novelty counts.
      const uint64_t fingerprint = pending.revision ? 0 : signal.fingerprint();
      if (!pending.revision) signal.set_duplicate_of_seq(0);
      if (fingerprint != 0) {
        if (fingerprint_index == nullptr) {
          // Within one bucket (the CF's prefix, db.cc): its prefix bloom
          // filters skip the memtables and files without that bucket.
          rocksdb::ReadOptions read_options;
          read_options.prefix_same_as_start = true;
          fingerprint_index.reset(
              db->db->NewIterator(read_options, db->cf(kFingerprintIndex)));
        }
        TIDINGS_STORAGE_ASSIGN_OR_RETURN(
            const NearDuplicates near,
            FindNearDuplicates(*fingerprint_index, fingerprint, now_micros,
                               duplicate_oldest_micros, fingerprints_in_batch));
        signal.set_duplicate_of_seq(near.newest);
        internal::SetNovelty(near.counts, signal.mutable_near_duplicates());
      }
      if (!pending.revision) novelty.Stamp(&signal);

      buffer.clear();
      if (!signal.SerializeToString(&buffer)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "cannot serialise a signal of article ", i, " (too large?)"));
      }
      write_batch.Put(db->cf(kSignals), SeqKey(seq), buffer);
      write_batch.Put(db->cf(kTimeIndex), TimeKey(now_micros, seq),
                      rocksdb::Slice());
      internal::PutIndexEntries(*db, signal, seq, &write_batch);
      versions.Add(signal);
      if (fingerprint != 0) {
        const std::string value = FingerprintValue(fingerprint, now_micros);
        for (int band = 0; band < kFingerprintBands; ++band) {
          write_batch.Put(
              db->cf(kFingerprintIndex),
              FingerprintKey(band, FingerprintBand(fingerprint, band), seq),
              value);
        }
        fingerprints_in_batch.push_back({seq, fingerprint});
      }
      result.seqs.push_back(seq);
    }

    buffer.clear();
    if (!pending.revision) {
      if (!pending.article.SerializeToString(&buffer)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "cannot serialise article ", i, " of the batch (too large?)"));
      }
      write_batch.Put(db->cf(kArticles), pending.idempotency_key, buffer);
    }
    write_batch.Put(db->cf(kKeyIndex), pending.idempotency_key,
                    internal::EncodeSeqList(result.seqs));
  }

  // All duplicates (an applied record still records its log seq).
  if (write_batch.Count() == 0 && apply == nullptr) return results;
  TIDINGS_STORAGE_RETURN_IF_ERROR(
      versions.Write(*db, /*replace=*/false, &write_batch));
  if (apply != nullptr) {
    std::string log_seq;
    internal::PutBigEndian64(&log_seq, apply->log_seq);
    write_batch.Put(db->cf(kMeta), kAppliedLogSeqKey, log_seq);
  }

  rocksdb::WriteOptions write_options;
  write_options.sync = options_.sync && (apply == nullptr || apply->sync);
  std::optional<internal::SyncTimer> sync_timer;
  if (write_options.sync && options_.on_wal_sync) sync_timer.emplace();
  rocksdb::Status s = db->db->Write(write_options, &write_batch);
  if (!s.ok()) {
    needs_recovery_ = true;
    return absl::UnavailableError(
        absl::StrCat("the signal store could not write the batch; nothing was "
                     "acknowledged (retry later): ",
                     s.ToString()));
  }
  if (sync_timer) options_.on_wal_sync(sync_timer->Elapsed());
  const uint64_t new_head = next_seq - 1;
  if (new_head != head) last_ingested_micros_ = now_micros;
  novelty.CommitTo(&novelty_);
  head_.store(new_head, std::memory_order_release);
  if (apply != nullptr) {
    applied_log_seq_.store(apply->log_seq, std::memory_order_release);
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    if (!results[i].duplicate) results[i].stored = std::move(batch[i].signals);
  }
  return results;
}

absl::Status RocksSignalStore::SyncWal() {
  if (!options_.sync) return absl::OkStatus();
  absl::MutexLock lock(&mu_);
  if (needs_recovery_) {
    return absl::UnavailableError(
        "the signal store failed a write and reopens at the next one; the "
        "writes before it may not be durable");
  }
  TIDINGS_STORAGE_ASSIGN_OR_RETURN(std::shared_ptr<const Db> db, ReaderDb());
  std::optional<internal::SyncTimer> sync_timer;
  if (options_.on_wal_sync) sync_timer.emplace();
  rocksdb::Status s = db->db->SyncWAL();
  if (!s.ok()) {
    needs_recovery_ = true;
    return absl::UnavailableError(absl::StrCat(
        "the signal store could not sync its write-ahead log: ", s.ToString()));
  }
  if (sync_timer) options_.on_wal_sync(sync_timer->Elapsed());
  return absl::OkStatus();
}

absl::Status RocksSignalStore::Trim(absl::Time now) {
  if (options_.retention <= absl::ZeroDuration()) return absl::OkStatus();
  return TrimBefore(now - options_.retention);
}

absl::Status RocksSignalStore::TrimBefore(absl::Time cutoff) {
  if (cutoff == absl::InfinitePast()) return absl::OkStatus();
  int64_t cutoff_micros = std::numeric_limits<int64_t>::max();
  if (cutoff != absl::InfiniteFuture()) {
    // ingested_at is whole microseconds: "before cutoff" is "before
    // ceil(cutoff)".
    cutoff_micros = absl::ToUnixMicros(cutoff);
    if (absl::FromUnixMicros(cutoff_micros) < cutoff) ++cutoff_micros;
  }
  bool more = true;
  while (more) {
    more = false;
    TIDINGS_STORAGE_RETURN_IF_ERROR(TrimStep(cutoff_micros, &more));
  }
  return absl::OkStatus();
}

absl::Status RocksSignalStore::TrimStep(int64_t cutoff_micros, bool* more) {
  absl::MutexLock lock(&mu_);
  TIDINGS_STORAGE_RETURN_IF_ERROR(RecoverIfNeeded());
  TIDINGS_STORAGE_ASSIGN_OR_RETURN(std::shared_ptr<const Db> db, ReaderDb());
  const uint64_t first = first_seq_.load(std::memory_order_relaxed);
  const uint64_t head = head_.load(std::memory_order_relaxed);
  if (first > head) return absl::OkStatus();

  // mu_ excludes other writers: the log below the head is stable.
  const std::string upper = SeqKey(head + 1);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions read_options;
  read_options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(
      db->db->NewIterator(read_options, db->cf(kSignals)));
  rocksdb::WriteBatch write_batch;
  uint64_t last = 0;
  int64_t last_micros = 0;
  std::vector<uint8_t> event_types;
  internal::VersionTally versions;
  int count = 0;
  for (it->Seek(SeqKey(first)); it->Valid(); it->Next()) {
    if (count >= kTrimStepSignals) {
      *more = true;
      break;
    }
    uint64_t seq;
    tidings::v1::Signal signal;
    if (!internal::ParseSeqKey(AsStd(it->key()), &seq) ||
        !signal.ParseFromArray(it->value().data(),
                               static_cast<int>(it->value().size()))) {
      return absl::DataLossError(
          absl::StrCat("a signal at or after seq ", first, " does not parse"));
    }
    const int64_t micros = MicrosOf(signal.ingested_at());
    if (micros >= cutoff_micros) break;
    if (seq != (last == 0 ? first : last + 1)) {
      return absl::DataLossError(
          absl::StrCat("the log has a hole before seq ", seq, " (expected ",
                       last == 0 ? first : last + 1, ")"));
    }
    for (uint8_t type : internal::IndexedEventTypes(signal)) {
      event_types.push_back(type);
    }
    internal::DeletePointIndexEntries(*db, signal, seq, &write_batch);
    versions.Remove(signal);
    if (const uint64_t fingerprint = signal.fingerprint(); fingerprint != 0) {
      for (int band = 0; band < kFingerprintBands; ++band) {
        write_batch.Delete(
            db->cf(kFingerprintIndex),
            FingerprintKey(band, FingerprintBand(fingerprint, band), seq));
      }
    }
    last = seq;
    last_micros = micros;
    ++count;
  }
  if (!it->status().ok()) {
    return FromRocks(it->status(), "cannot read the log to trim it");
  }
  if (last == 0) {
    *more = false;
    return absl::OkStatus();
  }
  std::sort(event_types.begin(), event_types.end());
  event_types.erase(std::unique(event_types.begin(), event_types.end()),
                    event_types.end());
  // Seqs first..last are contiguous in the signals CF and per event type in
  // the event index; in the time index they are every key before
  // (last_micros, last + 1), since ingested_at never decreases along the log.
  write_batch.DeleteRange(db->cf(kSignals), SeqKey(first), SeqKey(last + 1));
  write_batch.DeleteRange(db->cf(kSummaries), SeqKey(first), SeqKey(last + 1));
  write_batch.DeleteRange(db->cf(kTimeIndex), rocksdb::Slice(),
                          TimeKey(last_micros, last + 1));
  for (uint8_t type : event_types) {
    write_batch.DeleteRange(db->cf(kEventIndex), EventKey(type, first),
                            EventKey(type, last + 1));
  }
  TrimState state;
  state.first_seq = last + 1;
  state.trimmed_micros = last_micros;
  write_batch.Put(db->cf(kMeta), kTrimStateKey, EncodeTrimState(state));
  TIDINGS_STORAGE_RETURN_IF_ERROR(
      versions.Write(*db, /*replace=*/false, &write_batch));

  rocksdb::WriteOptions write_options;
  write_options.sync = options_.sync;
  rocksdb::Status s = db->db->Write(write_options, &write_batch);
  if (!s.ok()) {
    needs_recovery_ = true;
    *more = false;
    return absl::UnavailableError(absl::StrCat(
        "the signal store could not write a trim step (retry later): ",
        s.ToString()));
  }
  first_seq_.store(last + 1, std::memory_order_release);
  novelty_.DropThrough(last_micros);
  return absl::OkStatus();
}

// Signal `seq` was trimmed: NOT_FOUND naming the first retained seq.
absl::Status Trimmed(uint64_t seq, uint64_t first) {
  return absl::NotFoundError(absl::StrCat(
      "signal ", seq, " is no longer retained: signals before seq ", first,
      " were trimmed by retention"));
}

// Reads the signal at `seq`, which must exist (it is at most the head).
absl::StatusOr<tidings::v1::Signal> ReadSignal(
    const Db& db, const rocksdb::ReadOptions& read_options, uint64_t seq) {
  rocksdb::PinnableSlice value;
  rocksdb::Status s =
      db.db->Get(read_options, db.cf(kSignals), SeqKey(seq), &value);
  if (s.IsNotFound()) {
    return absl::DataLossError(
        absl::StrCat("signal ", seq, " is missing below the head of the log"));
  }
  if (!s.ok()) return FromRocks(s, absl::StrCat("cannot read signal ", seq));
  tidings::v1::Signal signal;
  if (!signal.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    return absl::DataLossError(absl::StrCat("signal ", seq, " does not parse"));
  }
  return signal;
}

// OUT_OF_RANGE when seqs after `after_seq` were trimmed, as of the snapshot
// of `read_options`: the trim state is written in the same batch as the
// deletions, so this is exact for that snapshot.
absl::Status CheckRetained(const Db& db, const rocksdb::ReadOptions& options,
                           uint64_t after_seq) {
  TIDINGS_STORAGE_ASSIGN_OR_RETURN(TrimState trim, ReadTrimState(db, options));
  if (after_seq + 1 < trim.first_seq) {
    return OutOfRange(after_seq, trim.first_seq);
  }
  return absl::OkStatus();
}

absl::StatusOr<tidings::v1::Signal> RocksSignalStore::Get(uint64_t seq) const {
  const uint64_t head = head_seq();
  if (seq == 0 || seq > head) {
    return absl::NotFoundError(
        absl::StrCat("no signal with seq ", seq, " (the head is ", head, ")"));
  }
  if (const uint64_t first = first_seq(); seq < first) {
    return Trimmed(seq, first);
  }
  TIDINGS_STORAGE_ASSIGN_OR_RETURN(std::shared_ptr<const Db> db, ReaderDb());
  absl::StatusOr<tidings::v1::Signal> signal =
      ReadSignal(*db, rocksdb::ReadOptions(), seq);
  if (!signal.ok()) {
    // A trim may have deleted it since first_seq() was loaded; the trim
    // state written with the deletion says so.
    absl::StatusOr<TrimState> trim = ReadTrimState(*db, rocksdb::ReadOptions());
    if (trim.ok() && seq < trim->first_seq) {
      return Trimmed(seq, trim->first_seq);
    }
  }
  return signal;
}

absl::Status RocksSignalStore::ScanLog(
    internal::Cf cf, uint64_t after_seq, uint64_t max_count,
    const std::function<absl::StatusOr<bool>(
        const rocksdb::Slice& key, const rocksdb::Slice& value)>& visit) const {
  const uint64_t head = head_seq();  // Before the snapshot: see the top.
  if (after_seq >= head) return absl::OkStatus();
  TIDINGS_STORAGE_ASSIGN_OR_RETURN(std::shared_ptr<const Db> db, ReaderDb());
  rocksdb::ManagedSnapshot snapshot(db->db.get());
  const std::string upper = SeqKey(head + 1);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions read_options;
  read_options.snapshot = snapshot.snapshot();
  TIDINGS_STORAGE_RETURN_IF_ERROR(CheckRetained(*db, read_options, after_seq));
  read_options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(
      db->db->NewIterator(read_options, db->cf(cf)));
  uint64_t visited = 0;
  for (it->Seek(SeqKey(after_seq + 1)); it->Valid(); it->Next()) {
    TIDINGS_STORAGE_ASSIGN_OR_RETURN(const bool more,
                                     visit(it->key(), it->value()));
    ++visited;
    if (!more) return absl::OkStatus();
    if (max_count != 0 && visited >= max_count) return absl::OkStatus();
  }
  if (!it->status().ok()) return FromRocks(it->status(), "cannot scan the log");
  return absl::OkStatus();
}

absl::Status RocksSignalStore::Scan(
    uint64_t after_seq, uint64_t max_count,
    const std::function<bool(tidings::v1::Signal&)>& visit) const {
  return ScanLog(kSignals, after_seq, max_count,
                 [&](const rocksdb::Slice&,
                     const rocksdb::Slice& value) -> absl::StatusOr<bool> {
                   tidings::v1::Signal signal;
                   if (!signal.ParseFromArray(value.data(),
                                              static_cast<int>(value.size()))) {
                     return absl::DataLossError(absl::StrCat(
                         "a signal after seq ", after_seq, " does not parse"));
                   }
                   return visit(signal);
                 });
}

absl::Status RocksSignalStore::ScanSummaries(
    uint64_t after_seq, uint64_t max_count,
    const std::function<bool(const SignalSummary&)>& visit) const {
  SignalSummary summary;  // Reused: its vectors keep their capacity.
  return ScanLog(
      kSummaries, after_seq, max_count,
      [&](const rocksdb::Slice& key,
          const rocksdb::Slice& value) -> absl::StatusOr<bool> {
        uint64_t seq;
        if (!internal::ParseSeqKey(AsStd(key), &seq) ||
            !DecodeSummary(AsStd(value), seq, &summary)) {
          return absl::DataLossError(absl::StrCat(
              "a signal summary after seq ", after_seq, " does not parse"));
        }
        return visit(summary);
      });
}

absl::StatusOr<uint64_t> RocksSignalStore::SeqBeforeTime(absl::Time t) const {
  const uint64_t head = head_seq();
  if (head == 0 || t == absl::InfinitePast()) return 0;
  if (t == absl::InfiniteFuture()) return head;
  // ingested_at is stored in whole microseconds, so "before t" is "before
  // ceil(t) in microseconds".
  int64_t micros = absl::ToUnixMicros(t);  // Rounds down.
  if (absl::FromUnixMicros(micros) < t) ++micros;
  TIDINGS_STORAGE_ASSIGN_OR_RETURN(std::shared_ptr<const Db> db, ReaderDb());
  rocksdb::ManagedSnapshot snapshot(db->db.get());
  rocksdb::ReadOptions read_options;
  read_options.snapshot = snapshot.snapshot();
  std::unique_ptr<rocksdb::Iterator> it(
      db->db->NewIterator(read_options, db->cf(kTimeIndex)));
  // Seqs start at 1, so (micros, 0) is after every entry ingested earlier
  // and before every entry ingested at `micros` or later.
  it->SeekForPrev(TimeKey(micros, 0));
  if (!it->status().ok()) {
    return FromRocks(it->status(), "cannot read the time index");
  }
  if (!it->Valid()) {
    // None retained before t: the answer is first_seq - 1 if every trimmed
    // signal was too, else it lies in the trimmed range (0 stands for it).
    TIDINGS_STORAGE_ASSIGN_OR_RETURN(TrimState trim,
                                     ReadTrimState(*db, read_options));
    if (trim.first_seq > 1 && trim.trimmed_micros < micros) {
      return std::min(trim.first_seq - 1, head);
    }
    return 0;
  }
  int64_t entry_micros;
  uint64_t seq;
  if (!internal::ParseTimeKey(AsStd(it->key()), &entry_micros, &seq)) {
    return absl::DataLossError("malformed time index entry");
  }
  // An entry past the head belongs to a batch still being acknowledged;
  // every signal up to the head is at least as old.
  return std::min(seq, head);
}

absl::StatusOr<IndexedSeqs> RocksSignalStore::ListIndexed(
    const IndexQuery& query, uint64_t after_seq, size_t max_count) const {
  TIDINGS_STORAGE_RETURN_IF_ERROR(internal::ValidateIndexQuery(query));
  if (max_count == 0) {
    return absl::InvalidArgumentError("ListIndexed needs max_count > 0");
  }
  const uint64_t head = head_seq();  // Before the snapshot: see the top.
  if (after_seq >= head) return IndexedSeqs{{}, after_seq};
  TIDINGS_STORAGE_ASSIGN_OR_RETURN(std::shared_ptr<const Db> db, ReaderDb());
  rocksdb::ManagedSnapshot snapshot(db->db.get());
  rocksdb::ReadOptions read_options;
  read_options.snapshot = snapshot.snapshot();
  TIDINGS_STORAGE_RETURN_IF_ERROR(CheckRetained(*db, read_options, after_seq));
  return internal::ListIndexed(*db, read_options, query, after_seq, head,
                               max_count);
}

absl::Status RocksSignalStore::ReadSeqs(
    const std::vector<uint64_t>& seqs,
    const std::function<bool(tidings::v1::Signal&)>& visit) const {
  if (seqs.empty()) return absl::OkStatus();
  const uint64_t head = head_seq();
  if (seqs.back() > head) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ReadSeqs: seq ", seqs.back(), " is beyond the head ", head));
  }
  TIDINGS_STORAGE_ASSIGN_OR_RETURN(std::shared_ptr<const Db> db, ReaderDb());
  rocksdb::ManagedSnapshot snapshot(db->db.get());
  rocksdb::ReadOptions read_options;
  read_options.snapshot = snapshot.snapshot();
  TIDINGS_STORAGE_RETURN_IF_ERROR(
      CheckRetained(*db, read_options, seqs.front() - 1));
  // One MultiGet per slice of keys: batched block lookups, bounded memory.
  constexpr size_t kSlice = 256;
  std::vector<std::string> keys;
  std::vector<rocksdb::Slice> key_slices;
  std::vector<rocksdb::PinnableSlice> values(kSlice);
  std::vector<rocksdb::Status> statuses(kSlice);
  for (size_t begin = 0; begin < seqs.size(); begin += kSlice) {
    const size_t n = std::min(kSlice, seqs.size() - begin);
    keys.clear();
    key_slices.clear();
    for (size_t i = 0; i < n; ++i) keys.push_back(SeqKey(seqs[begin + i]));
    for (const std::string& key : keys) key_slices.emplace_back(key);
    db->db->MultiGet(read_options, db->cf(kSignals), n, key_slices.data(),
                     values.data(), statuses.data(), /*sorted_input=*/true);
    for (size_t i = 0; i < n; ++i) {
      const uint64_t seq = seqs[begin + i];
      if (statuses[i].IsNotFound()) {
        return absl::DataLossError(absl::StrCat(
            "signal ", seq, " is missing below the head of the log"));
      }
      if (!statuses[i].ok()) {
        return FromRocks(statuses[i], absl::StrCat("cannot read signal ", seq));
      }
      tidings::v1::Signal signal;
      if (!signal.ParseFromArray(values[i].data(),
                                 static_cast<int>(values[i].size()))) {
        return absl::DataLossError(
            absl::StrCat("signal ", seq, " does not parse"));
      }
      values[i].Reset();
      if (!visit(signal)) return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<uint64_t>> RocksSignalStore::LookupKey(
    std::string_view idempotency_key) const {
  const uint64_t head = head_seq();
  TIDINGS_STORAGE_ASSIGN_OR_RETURN(std::shared_ptr<const Db> db, ReaderDb());
  rocksdb::PinnableSlice value;
  rocksdb::Status s = db->db->Get(rocksdb::ReadOptions(), db->cf(kKeyIndex),
                                  rocksdb::Slice(idempotency_key), &value);
  if (s.IsNotFound()) {
    return absl::NotFoundError("the idempotency key was never stored");
  }
  if (!s.ok()) return FromRocks(s, "cannot look up the idempotency key");
  std::vector<uint64_t> seqs;
  if (!internal::DecodeSeqList(AsStd(value), &seqs)) {
    return absl::DataLossError("malformed idempotency index entry");
  }
  // Seqs past the head belong to a batch not yet acknowledged: not stored
  // yet, as far as readers are concerned.
  for (uint64_t seq : seqs) {
    if (seq > head) {
      return absl::NotFoundError("the idempotency key is being stored");
    }
  }
  return seqs;
}

absl::StatusOr<tidings::v1::Article> RocksSignalStore::GetArticle(
    std::string_view idempotency_key) const {
  TIDINGS_STORAGE_ASSIGN_OR_RETURN(std::shared_ptr<const Db> db, ReaderDb());
  rocksdb::PinnableSlice value;
  rocksdb::Status s = db->db->Get(rocksdb::ReadOptions(), db->cf(kArticles),
                                  rocksdb::Slice(idempotency_key), &value);
  if (s.IsNotFound()) {
    return absl::NotFoundError("no article is stored under that key");
  }
  if (!s.ok()) return FromRocks(s, "cannot read the article");
  tidings::v1::Article article;
  if (!article.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    return absl::DataLossError("a stored article does not parse");
  }
  return article;
}

absl::StatusOr<CheckpointInfo> RocksSignalStore::Checkpoint(
    const std::string& requested) {
  TIDINGS_STORAGE_ASSIGN_OR_RETURN(const std::string dir,
                                   CheckBackupDir(options_, requested));
  // Flush without the writer lock, so that the WAL the checkpoint takes
  // under it is short (and the backup opens without a long replay).
  {
    TIDINGS_STORAGE_ASSIGN_OR_RETURN(std::shared_ptr<const Db> db, ReaderDb());
    rocksdb::Status s = db->db->Flush(rocksdb::FlushOptions(), db->cfs);
    if (!s.ok()) return FromRocks(s, "cannot flush the store for a backup");
  }
  // With no writer, the files and the WAL hold exactly the batches up to
  // head_, each whole.
  absl::MutexLock lock(&mu_);
  TIDINGS_STORAGE_RETURN_IF_ERROR(RecoverIfNeeded());
  TIDINGS_STORAGE_ASSIGN_OR_RETURN(std::shared_ptr<const Db> db, ReaderDb());
  rocksdb::Checkpoint* raw = nullptr;
  rocksdb::Status s = rocksdb::Checkpoint::Create(db->db.get(), &raw);
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  if (s.ok()) {
    // No flush (the WAL is included instead): a flush here would hold the
    // writer lock for its length.
    s = checkpoint->CreateCheckpoint(dir, std::numeric_limits<uint64_t>::max());
  }
  if (!s.ok()) {
    return FromRocks(s, absl::StrCat("cannot write the backup to ", dir));
  }
  CheckpointInfo info;
  info.dir = dir;
  info.head_seq = head_.load(std::memory_order_relaxed);
  rocksdb::Env* env =
      options_.env != nullptr ? options_.env : rocksdb::Env::Default();
  std::vector<rocksdb::Env::FileAttributes> files;
  if (env->GetChildrenFileAttributes(dir, &files).ok()) {
    for (const rocksdb::Env::FileAttributes& file : files) {
      info.bytes += file.size_bytes;
    }
  }
  return info;
}

absl::StatusOr<uint64_t> RocksSignalStore::NewestRevision(
    uint64_t root_seq, uint32_t doc_index, absl::Time before) const {
  const uint64_t head = head_seq();
  if (head == 0 || before == absl::InfinitePast()) return 0;
  int64_t before_micros = std::numeric_limits<int64_t>::max();
  if (before != absl::InfiniteFuture()) {
    // "Before t" in whole microseconds is "before ceil(t)".
    before_micros = absl::ToUnixMicros(before);
    if (absl::FromUnixMicros(before_micros) < before) ++before_micros;
  }
  TIDINGS_STORAGE_ASSIGN_OR_RETURN(std::shared_ptr<const Db> db, ReaderDb());
  return internal::NewestRevision(*db, rocksdb::ReadOptions(), root_seq,
                                  doc_index, before_micros, head);
}

absl::StatusOr<std::vector<tidings::v1::VersionInfo>>
RocksSignalStore::Versions() const {
  TIDINGS_STORAGE_ASSIGN_OR_RETURN(std::shared_ptr<const Db> db, ReaderDb());
  return internal::ReadVersions(*db);
}

absl::StatusOr<std::optional<std::string>> RocksSignalStore::GetJobState(
    std::string_view name) const {
  TIDINGS_STORAGE_ASSIGN_OR_RETURN(std::shared_ptr<const Db> db, ReaderDb());
  std::string value;
  rocksdb::Status s = db->db->Get(rocksdb::ReadOptions(), db->cf(kMeta),
                                  internal::JobStateKey(name), &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s, "cannot read a job state");
  return value;
}

absl::Status RocksSignalStore::AdoptStoreId(const std::string& id) {
  if (!IsStoreId(id)) {
    return absl::InvalidArgumentError(
        absl::StrCat("a store id is ", kStoreIdHexDigits,
                     " lowercase hex digits; got \"", id, "\""));
  }
  absl::MutexLock lock(&mu_);
  if (id == store_id_) return absl::OkStatus();
  if (head_.load(std::memory_order_relaxed) > 0 ||
      applied_log_seq_.load(std::memory_order_relaxed) > 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the store at ", options_.path, " (id ", store_id_,
        ") already holds signals or applied log records, so it keeps its id "
        "and cannot take ",
        id));
  }
  TIDINGS_STORAGE_ASSIGN_OR_RETURN(std::shared_ptr<const Db> db, ReaderDb());
  rocksdb::WriteOptions write_options;
  write_options.sync = options_.sync;
  rocksdb::Status s =
      db->db->Put(write_options, db->cf(kMeta), kStoreIdKey, id);
  if (!s.ok()) return FromRocks(s, "cannot write the store id");
  store_id_ = id;
  return absl::OkStatus();
}

absl::Status RocksSignalStore::PutJobState(std::string_view name,
                                           std::string_view value) {
  TIDINGS_STORAGE_ASSIGN_OR_RETURN(std::shared_ptr<const Db> db, ReaderDb());
  rocksdb::Status s =
      db->db->Put(rocksdb::WriteOptions(), db->cf(kMeta),
                  internal::JobStateKey(name), rocksdb::Slice(value));
  if (!s.ok()) return FromRocks(s, "cannot write a job state");
  return absl::OkStatus();
}

std::optional<StoreStats> RocksSignalStore::Stats() const {
  absl::StatusOr<std::shared_ptr<const Db>> db = ReaderDb();
  if (!db.ok()) return std::nullopt;
  return internal::ReadStats(**db, *statistics_);
}

}  // namespace

absl::StatusOr<std::unique_ptr<SignalStore>> SignalStore::Open(
    const StoreOptions& options) {
  if (options.path.empty()) {
    return absl::InvalidArgumentError(
        "StoreOptions.path is empty: name the directory of the signal store");
  }
  return RocksSignalStore::Open(options);
}

}  // namespace tidings::storage
