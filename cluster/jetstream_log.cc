// Copyright 2026 The Tidings Authors.

#include "cluster/jetstream_log.h"

#include <algorithm>
#include <chrono>
#include <future>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cluster/jetstream_reader.h"
#include "cluster/nats/direct_get.h"

namespace tidings::cluster {

// One record on its way: the request, its callback and its retry state.
struct JetStreamLog::Pending {
  OutgoingRecord record;
  PublishCallback done;
  absl::Time deadline;
  absl::Duration backoff;
  int attempts = 0;
  // Set when the retry thread is to answer rather than retry.
  std::optional<absl::Status> final_status;
};

namespace {

constexpr size_t kMaxDedupId = 256;

// Between attempts while the cluster cannot answer yet (Open, OpenReader):
// 50 ms doubling up to 500 ms.
absl::Duration OpenBackoff(int attempt) {
  return absl::Milliseconds(std::min(50 << std::min(attempt, 4), 500));
}

}  // namespace

std::string LogIdOf(std::string_view stream, int64_t created_nanos) {
  // FNV-1a, 64 bits, of the name: stable across builds and platforms.
  uint64_t name_hash = 14695981039346656037ull;
  for (unsigned char c : stream) {
    name_hash = (name_hash ^ c) * 1099511628211ull;
  }
  return absl::StrCat(
      absl::Hex(static_cast<uint64_t>(created_nanos), absl::kZeroPad16),
      absl::Hex(name_hash, absl::kZeroPad16));
}

JetStreamLog::JetStreamLog(JetStreamLogOptions options)
    : options_(std::move(options)) {}

absl::StatusOr<std::unique_ptr<JetStreamLog>> JetStreamLog::Open(
    JetStreamLogOptions options) {
  if (options.publish_timeout <= options.ack_wait ||
      options.stream.duplicate_window <= options.publish_timeout) {
    return absl::InvalidArgumentError(absl::StrCat(
        "JetStream log: need ack_wait < publish_timeout < the stream's "
        "duplicate_window (got ",
        absl::FormatDuration(options.ack_wait), ", ",
        absl::FormatDuration(options.publish_timeout), ", ",
        absl::FormatDuration(options.stream.duplicate_window),
        "): a retry after the window could append a second copy"));
  }
  if (options.max_age.has_value() &&
      (*options.max_age < absl::ZeroDuration() ||
       (*options.max_age > absl::ZeroDuration() &&
        *options.max_age < options.stream.duplicate_window))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "JetStream log: the stream's max age must be 0 (no limit) or at "
        "least its duplicate window (",
        absl::FormatDuration(options.stream.duplicate_window), "), got ",
        absl::FormatDuration(*options.max_age)));
  }
  if (options.max_bytes.value_or(0) < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("JetStream log: the stream's max bytes must not be "
                     "negative, got ",
                     *options.max_bytes));
  }
  if (options.max_age.has_value()) options.stream.max_age = *options.max_age;
  if (options.max_in_flight < 1) {
    return absl::InvalidArgumentError(
        "JetStream log: max_in_flight must be at least 1");
  }
  if (options.max_fetch_batch < 1) {
    return absl::InvalidArgumentError(
        "JetStream log: max_fetch_batch must be at least 1");
  }
  std::unique_ptr<JetStreamLog> log(new JetStreamLog(std::move(options)));
  JetStreamLog* self = log.get();
  // Servers that are not up yet (started together with this node) are
  // waited for, as is the meta leader's election about a second after the
  // cluster starts (until then stream requests fail as unavailable): both
  // within open_timeout.
  const absl::Time give_up = absl::Now() + log->options_.open_timeout;
  for (int attempt = 0;; ++attempt) {
    absl::StatusOr<std::unique_ptr<nats::NatsClient>> client =
        nats::NatsClient::Connect(self->options_.client);
    if (client.ok()) {
      log->client_ = *std::move(client);
      break;
    }
    if (!nats::IsTransient(client.status()) || absl::Now() >= give_up) {
      return client.status();
    }
    absl::SleepFor(OpenBackoff(attempt));
  }
  absl::Status st;
  for (int attempt = 0;; ++attempt) {
    if (log->options_.create_stream) {
      st = log->client_->EnsureStream(log->options_.stream,
                                      &log->stream_notice_);
    } else {
      st = log->client_->StreamState(log->options_.stream.name).status();
    }
    if (st.ok()) st = log->CheckDirectGets();
    if (st.ok() && (log->options_.max_age.has_value() ||
                    log->options_.max_bytes.has_value())) {
      st = log->ApplyRetention();
    }
    if (st.ok()) {
      absl::StatusOr<int64_t> created =
          log->client_->StreamCreated(log->options_.stream.name);
      st = created.status();
      if (st.ok()) log->log_id_ = LogIdOf(log->options_.stream.name, *created);
    }
    if (st.ok() || !nats::IsTransient(st) || absl::Now() >= give_up) break;
    absl::SleepFor(OpenBackoff(attempt));
  }
  if (!st.ok()) {
    return absl::Status(
        st.code(), absl::StrCat("JetStream log: open stream ",
                                log->options_.stream.name, ": ", st.message()));
  }
  absl::StatusOr<std::unique_ptr<nats::AsyncPublisher>> publisher =
      nats::AsyncPublisher::Create(*log->client_, log->options_.ack_wait);
  if (!publisher.ok()) return publisher.status();
  log->publisher_ = *std::move(publisher);
  log->retry_thread_ = std::thread([self] { self->RetryLoop(); });
  if (log->options_.placement_check_interval > absl::ZeroDuration()) {
    log->placement_ = std::make_unique<LeaderPlacement>(
        log->client_.get(), log->options_.stream.name,
        log->options_.placement_check_interval,
        log->options_.on_placement_check);
  }
  return log;
}

absl::Status JetStreamLog::ApplyRetention() {
  const std::string& name = options_.stream.name;
  jsOptions o = client_->RequestOptions();
  jsStreamInfo* raw_si = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s =
      js_GetStreamInfo(&raw_si, client_->js(), name.c_str(), &o, &code);
  nats::StreamInfoPtr si(raw_si);
  if (s != NATS_OK || si == nullptr) {
    return nats::NatsError(s, code,
                           absl::StrCat("read the retention of stream ", name));
  }
  // JetStream: MaxAge 0 and MaxBytes -1 are "no limit".
  const jsStreamConfig* have = si->Config;
  StreamRetention before;
  before.max_age = absl::Nanoseconds(have->MaxAge);
  before.max_bytes = std::max<int64_t>(have->MaxBytes, 0);
  const StreamRetention want = {
      .max_age = options_.max_age.value_or(before.max_age),
      .max_bytes = options_.max_bytes.value_or(before.max_bytes)};
  if (before == want) return absl::OkStatus();
  // Everything else as it is (a copy of the config the server reported,
  // whose strings the info still owns).
  jsStreamConfig cfg = *have;
  cfg.MaxAge = absl::ToInt64Nanoseconds(want.max_age);
  cfg.MaxBytes = want.max_bytes > 0 ? want.max_bytes : -1;
  jsStreamInfo* updated = nullptr;
  s = js_UpdateStream(&updated, client_->js(), &cfg, &o, &code);
  if (updated != nullptr) jsStreamInfo_Destroy(updated);
  if (s != NATS_OK) {
    return nats::NatsError(s, code,
                           absl::StrCat("set the retention of stream ", name));
  }
  retention_change_ = RetentionChange{.before = before, .after = want};
  return absl::OkStatus();
}

absl::Status JetStreamLog::CheckDirectGets() {
  absl::StatusOr<bool> direct =
      client_->StreamAllowsDirect(options_.stream.name);
  if (!direct.ok()) return direct.status();
  direct_gets_ = *direct;
  if (!direct_gets_ && stream_notice_.empty()) {
    stream_notice_ = absl::StrCat(
        "stream ", options_.stream.name,
        " has no allow_direct; replicas wait for a new consumer when theirs "
        "is lost (set allow_direct with the nats CLI to fix)");
  }
  return absl::OkStatus();
}

LogHealth JetStreamLog::Health() const {
  LogHealth health = placement_ == nullptr ? LogHealth() : placement_->Health();
  health.reader_consumers = reader_consumers_.load();
  health.reader_direct_reads = reader_direct_reads_.load();
  return health;
}

JetStreamLog::~JetStreamLog() {
  placement_.reset();
  {
    absl::MutexLock lock(&mu_);
    closing_ = true;
  }
  if (retry_thread_.joinable()) retry_thread_.join();
  if (client_ == nullptr) return;
  if (publisher_ != nullptr) {
    // Every attempt in flight is answered within ack_wait (OnAnswer, which
    // no longer retries); the publisher answers what is left as it closes.
    (void)publisher_->WaitIdle(options_.ack_wait + absl::Seconds(2));
    // Closed, not freed: an Attempt() racing with this still finds it.
    publisher_->Close();
  }
  client_->Close();  // Ends the background tasks' requests at once.
  std::vector<std::future<void>> background;
  {
    absl::MutexLock lock(&mu_);
    background.swap(background_);
  }
  for (std::future<void>& task : background) task.wait();
  client_.reset();
}

void JetStreamLog::RunInBackground(absl::AnyInvocable<void() &&> task) {
  absl::MutexLock lock(&mu_);
  std::erase_if(background_, [](const std::future<void>& f) {
    return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
  });
  background_.push_back(std::async(
      std::launch::async, [t = std::move(task)]() mutable { std::move(t)(); }));
}

void JetStreamLog::PublishAsync(OutgoingRecord record, PublishCallback done) {
  auto p = std::make_unique<Pending>();
  p->record = std::move(record);
  p->done = std::move(done);
  p->deadline = absl::Now() + options_.publish_timeout;
  p->backoff = options_.retry_backoff_min;
  if (p->record.dedup_id.empty() || p->record.dedup_id.size() > kMaxDedupId) {
    p->final_status = absl::InvalidArgumentError(
        absl::StrCat("publish: the dedup id must have 1..", kMaxDedupId,
                     " bytes (got ", p->record.dedup_id.size(), ")"));
  }
  {
    absl::ReleasableMutexLock lock(&mu_);
    if (closing_) {
      // The retry thread is gone or going: answer here.
      lock.Release();
      std::move(p->done)(p->final_status.value_or(absl::UnavailableError(
          "publish: the JetStream log is closing; nothing was sent")));
      return;
    }
    if (!p->final_status.has_value() && in_flight_ < options_.max_in_flight &&
        due_.empty()) {
      // A slot, and nobody waits for one: send from here. Reserved under
      // the lock, so cnats never makes this thread wait for a slot.
      ++reserved_;
    } else {
      if (!p->final_status.has_value() &&
          due_.size() >= options_.max_queued_publishes) {
        p->final_status = absl::ResourceExhaustedError(absl::StrCat(
            "publish: ", due_.size(),
            " publishes already wait for the JetStream log (it is slow or "
            "unreachable); retry later"));
      }
      const absl::Time when =
          p->final_status.has_value() ? absl::InfinitePast() : absl::Now();
      due_.emplace(when, std::move(p));
      return;
    }
  }
  Attempt(std::move(p), /*reserved=*/true);
}

void JetStreamLog::Attempt(std::unique_ptr<Pending> p, bool reserved) {
  ++p->attempts;
  const OutgoingRecord& r = p->record;
  const nats::Publication publication = {
      .subject = options_.stream.subject,
      .data = r.data,
      .msg_id = r.dedup_id,
      .expect_stream = options_.stream.name,
      .expected_last_seq = r.expected_last_seq};
  {
    absl::MutexLock lock(&mu_);
    if (reserved) --reserved_;
    ++in_flight_;
  }
  // `publication` points into *p, which the callback owns from here (the
  // Pending stays where it is on the heap; Publish() reads it only before
  // the callback can run).
  publisher_->Publish(
      publication,
      [this, p = std::move(p)](absl::StatusOr<nats::PubAck> ack) mutable {
        OnAnswer(std::move(p), std::move(ack));
      });
}

absl::Status JetStreamLog::FinalStatus(const Pending& p, absl::Status error) {
  if (!nats::IsTransient(error)) return error;
  return absl::Status(
      error.code(),
      absl::StrCat("publish of '", p.record.dedup_id, "' gave up after ",
                   p.attempts,
                   " attempts (outcome unknown; publish again with the same "
                   "dedup id): ",
                   error.message()));
}

void JetStreamLog::Failed(std::unique_ptr<Pending> p, absl::Status error) {
  const absl::Time now = absl::Now();
  {
    absl::MutexLock lock(&mu_);
    if (nats::IsTransient(error) && !closing_ &&
        now + p->backoff < p->deadline) {
      const absl::Time when = now + p->backoff;
      p->backoff = std::min(p->backoff * 2, options_.retry_backoff_max);
      due_.emplace(when, std::move(p));
      return;
    }
  }
  std::move(p->done)(FinalStatus(*p, std::move(error)));
}

void JetStreamLog::OnAnswer(std::unique_ptr<Pending> p,
                            absl::StatusOr<nats::PubAck> ack) {
  {
    absl::MutexLock lock(&mu_);
    --in_flight_;
  }
  if (ack.ok()) {
    std::move(p->done)(
        PublishAck{.seq = ack->seq, .duplicate = ack->duplicate});
    return;
  }
  Failed(std::move(p), std::move(ack).status());
}

void JetStreamLog::RetryLoop() {
  for (;;) {
    std::vector<std::unique_ptr<Pending>> ready;
    bool closing = false;
    {
      absl::MutexLock lock(&mu_);
      // The first due entry may go: an answer, or an attempt with a slot.
      auto ready_now = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        if (due_.empty() || due_.begin()->first > absl::Now()) return false;
        return due_.begin()->second->final_status.has_value() ||
               in_flight_ + reserved_ < options_.max_in_flight;
      };
      auto wake = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return closing_ || ready_now();
      };
      // Bounded waits: a condition on the clock is not re-checked by itself.
      while (!wake()) {
        absl::Time until = absl::Now() + absl::Milliseconds(100);
        if (!due_.empty()) until = std::min(until, due_.begin()->first);
        mu_.AwaitWithDeadline(absl::Condition(&wake), until);
      }
      closing = closing_;
      while (closing ? !due_.empty() : ready_now()) {
        if (!due_.begin()->second->final_status.has_value()) ++reserved_;
        ready.push_back(std::move(due_.begin()->second));
        due_.erase(due_.begin());
      }
    }
    for (std::unique_ptr<Pending>& p : ready) {
      const bool reserved = !p->final_status.has_value();
      if (p->final_status.has_value()) {
        std::move(p->done)(*std::move(p->final_status));
      } else if (closing) {
        std::move(p->done)(absl::UnavailableError(
            "JetStream log closed while the publish waited to be sent; "
            "outcome unknown, publish again with the same dedup id"));
      } else {
        Attempt(std::move(p), /*reserved=*/true);
        continue;
      }
      if (reserved) {
        absl::MutexLock lock(&mu_);
        --reserved_;
      }
    }
    if (closing) return;
  }
}

absl::StatusOr<LogState> JetStreamLog::State() {
  absl::StatusOr<jsStreamState> st = client_->StreamState(options_.stream.name);
  if (!st.ok()) return st.status();
  LogState out{.first_seq = st->FirstSeq, .last_seq = st->LastSeq};
  if (out.first_seq == 0) out.first_seq = out.last_seq + 1;  // Never written.
  return out;
}

absl::StatusOr<LogRecord> JetStreamLog::Get(uint64_t seq,
                                            absl::Duration timeout) {
  if (seq < 1) return absl::InvalidArgumentError("Get: seqs start at 1");
  absl::StatusOr<nats::MsgPtr> msg =
      nats::LeaderGet(*client_, options_.stream.name, seq, timeout);
  if (!msg.ok()) return msg.status();
  return RecordOf(msg->get(), seq);
}

absl::StatusOr<std::unique_ptr<LogReader>> JetStreamLog::OpenReader(
    uint64_t from_seq) {
  if (from_seq < 1) {
    return absl::InvalidArgumentError("OpenReader: seqs start at 1");
  }
  // A node opens its reader right after Open(), maybe while the stream
  // elects a leader (the placement check may just have moved it): transient
  // failures are retried within open_timeout, as in Open().
  const absl::Time give_up = absl::Now() + options_.open_timeout;
  absl::StatusOr<LogState> state = State();
  for (int attempt = 0; !state.ok() && nats::IsTransient(state.status()) &&
                        absl::Now() < give_up;
       ++attempt) {
    absl::SleepFor(OpenBackoff(attempt));
    state = State();
  }
  if (!state.ok()) return state.status();
  if (from_seq < state->first_seq && from_seq <= state->last_seq) {
    return TruncatedError(from_seq, state->first_seq);
  }
  return std::unique_ptr<LogReader>(new JetStreamReader(*this, from_seq));
}

}  // namespace tidings::cluster
