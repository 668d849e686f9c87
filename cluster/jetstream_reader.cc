// Copyright 2026 The Tidings Authors.

#include "cluster/jetstream_reader.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "cluster/jetstream_log.h"
#include "cluster/nats/direct_get.h"
#include "cluster/nats/handles.h"

namespace tidings::cluster {
namespace {

constexpr absl::Duration kReconnectPause = absl::Milliseconds(100);
constexpr absl::Duration kCheckEvery = absl::Seconds(1);
// A live consumer answers a check in milliseconds; waiting longer only
// delays replacing a dead one (a false alarm costs one new consumer).
constexpr absl::Duration kCheckTimeout = absl::Seconds(1);
// Next() gives up its wait after this many rounds whatever the clock says
// (every round waits on the network or sleeps, so this is a safety net).
constexpr int kMaxRounds = 1000;
// Between attempts to create a consumer after one failed (an attempt while
// the meta layer has no leader takes the client's request_timeout).
constexpr absl::Duration kCreateBackoff = absl::Milliseconds(250);
// At the tail without a consumer: how often to ask for the next record.
constexpr absl::Duration kDirectPoll = absl::Milliseconds(10);
// A direct get is answered in milliseconds by the replica on the client's
// server; a longer wait only delays the next attempt.
constexpr absl::Duration kDirectTimeout = absl::Seconds(1);
// How long direct gets may go on after an empty wait found records.
constexpr absl::Duration kDirectBudget = absl::Milliseconds(100);
// After no server answered direct gets (or a replica showed a hole), wait
// this long before trying them again.
constexpr absl::Duration kDirectRetry = absl::Seconds(2);

std::string DedupIdOf(natsMsg* msg) {
  const char* value = nullptr;
  if (natsMsgHeader_Get(msg, "Nats-Msg-Id", &value) != NATS_OK ||
      value == nullptr) {
    return "";
  }
  return value;
}

}  // namespace

LogRecord RecordOf(natsMsg* msg, uint64_t seq) {
  const char* data = natsMsg_GetData(msg);
  return LogRecord{.seq = seq,
                   .data = std::string(data, data + natsMsg_GetDataLength(msg)),
                   .dedup_id = DedupIdOf(msg)};
}

absl::Status TruncatedError(uint64_t from_seq, uint64_t first_seq) {
  return absl::OutOfRangeError(
      absl::StrCat("the log no longer holds seq ", from_seq,
                   ": it starts at seq ", first_seq,
                   " (retention dropped older records); rebuild this replica "
                   "from a node's backup or restart it from seq ",
                   first_seq, " knowingly"));
}

JetStreamReader::JetStreamReader(JetStreamLog& log, uint64_t from_seq)
    : log_(log), next_(from_seq), direct_gets_(log.direct_gets()) {}

JetStreamReader::~JetStreamReader() { DropConsumer(); }

void JetStreamReader::DropConsumer() {
  if (consumer_ == nullptr) return;
  const std::string name = consumer_->name();
  consumer_.reset();
  // Best effort, on the log's thread: when its server is dead it is gone
  // anyway, else the server would keep it until reader_inactive_threshold.
  nats::NatsClient* client = &log_.client();
  std::string stream = log_.options().stream.name;
  log_.RunInBackground([client, stream = std::move(stream), name] {
    (void)nats::DeleteConsumer(*client, stream, name, kCheckTimeout);
  });
}

absl::Status JetStreamReader::NoteFailure(const absl::Status& error) {
  const absl::Time now = absl::Now();
  if (!failing_since_.has_value()) failing_since_ = now;
  if (now - *failing_since_ < log_.options().reader_unavailable_after) {
    return absl::OkStatus();
  }
  return absl::UnavailableError(
      absl::StrCat("JetStream log unreachable for ",
                   absl::FormatDuration(now - *failing_since_),
                   " while reading from seq ", next_, ": ", error.message()));
}

absl::Status JetStreamReader::Take(const std::vector<nats::MsgPtr>& msgs,
                                   std::vector<LogRecord>& out) {
  for (const nats::MsgPtr& msg : msgs) {
    natsMsg* m = msg.get();
    const uint64_t seq = nats::StreamSeqOf(m);
    // Already taken (a new consumer that started below what direct gets
    // read meanwhile).
    if (seq != 0 && seq < next_) continue;
    if (seq != next_) {
      // A hole (or unreadable metadata): this consumer is no use any more.
      // Either retention dropped what we need, or the consumer went wrong;
      // a new one at next_ tells them apart.
      replace_consumer_ = true;
      absl::StatusOr<LogState> state = log_.State();
      if (state.ok() && state->first_seq > next_ && out.empty()) {
        return TruncatedError(next_, state->first_seq);
      }
      break;
    }
    out.push_back(RecordOf(m, seq));
    ++next_;
  }
  return absl::OkStatus();
}

absl::Status JetStreamReader::AwaitConsumer() {
  if (creating_.valid()) {
    if (creating_.wait_for(std::chrono::seconds(0)) !=
        std::future_status::ready) {
      return absl::OkStatus();
    }
    ConsumerOrError c = creating_.get();
    if (c.ok()) {
      consumer_ = *std::move(c);
      ++consumers_created_;
      log_.CountConsumer();
      undelivered_checks_ = 0;
      return absl::OkStatus();
    }
    if (!nats::IsTransient(c.status())) return c.status();
    next_create_ = absl::Now() + kCreateBackoff;
    return NoteFailure(c.status());
  }
  if (absl::Now() < next_create_) return absl::OkStatus();
  const JetStreamLogOptions& opt = log_.options();
  nats::PushConsumerOptions options = {
      .stream = opt.stream.name,
      .subject = opt.stream.subject,
      .start_seq = next_,
      .inactive_threshold = opt.reader_inactive_threshold,
      .heartbeat = opt.reader_heartbeat,
      .max_pending_bytes = opt.reader_max_pending_bytes};
  // On the log's thread: a reader that goes away meanwhile does not wait
  // for it (the consumer then goes with the task).
  nats::NatsClient* client = &log_.client();
  std::promise<ConsumerOrError> promise;
  creating_ = promise.get_future();
  log_.RunInBackground(
      [client, options, promise = std::move(promise)]() mutable {
        promise.set_value(nats::PushConsumer::Create(*client, options));
      });
  return absl::OkStatus();
}

absl::Status JetStreamReader::ReadDirect(int batch, absl::Time deadline,
                                         std::vector<LogRecord>& out) {
  if (!direct_gets_ || absl::Now() < direct_retry_at_) return absl::OkStatus();
  const JetStreamLogOptions& opt = log_.options();
  for (int i = 0; i < batch; ++i) {
    const absl::Duration timeout = std::clamp(
        deadline - absl::Now(), absl::Milliseconds(100), kDirectTimeout);
    absl::StatusOr<nats::MsgPtr> msg = nats::DirectGetFrom(
        log_.client(), opt.stream.name, opt.stream.subject, next_, timeout);
    if (absl::IsNotFound(msg.status())) {  // At the tail (of that replica).
      failing_since_.reset();
      return absl::OkStatus();
    }
    if (!msg.ok()) {
      if (absl::IsFailedPrecondition(msg.status())) {
        direct_retry_at_ = absl::Now() + kDirectRetry;
      }
      return NoteFailure(msg.status());
    }
    natsMsg* m = msg->get();
    const uint64_t seq = natsMsg_GetSequence(m);
    if (seq != next_) {
      // Past a hole: retention dropped what we need (OUT_OF_RANGE), or the
      // replica that answered is missing records (then leave it be).
      absl::StatusOr<LogState> state = log_.State();
      if (state.ok() && state->first_seq > next_ && out.empty()) {
        return TruncatedError(next_, state->first_seq);
      }
      direct_retry_at_ = absl::Now() + kDirectRetry;
      return absl::OkStatus();
    }
    out.push_back(RecordOf(m, seq));
    ++next_;
    ++direct_reads_;
    log_.CountDirectReads(1);
    failing_since_.reset();
    if (absl::Now() >= deadline) break;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> JetStreamReader::ConsumerServer() {
  if (consumer_ == nullptr) return std::string();
  absl::StatusOr<nats::PushConsumer::Status> check =
      consumer_->Check(kCheckTimeout);
  if (!check.ok()) return check.status();
  return check->server;
}

absl::StatusOr<std::vector<LogRecord>> JetStreamReader::Next(
    size_t max_records, absl::Duration wait) {
  if (max_records == 0) {
    return absl::InvalidArgumentError("LogReader::Next: max_records is 0");
  }
  const JetStreamLogOptions& opt = log_.options();
  const int batch = static_cast<int>(
      std::min<size_t>(max_records, static_cast<size_t>(opt.max_fetch_batch)));
  const absl::Time deadline = absl::Now() + wait;
  std::vector<LogRecord> out;
  for (int round = 0; round < kMaxRounds; ++round) {
    if (replace_consumer_) {
      DropConsumer();
      replace_consumer_ = false;
      silent_fetches_ = 0;
    }
    if (consumer_ == nullptr) {
      if (absl::Status st = AwaitConsumer(); !st.ok()) return st;
    }
    if (consumer_ == nullptr) {
      // Read on by direct gets while the new consumer is being created
      // (it may wait for a meta leader's election).
      if (absl::Status st = ReadDirect(batch, deadline, out); !st.ok()) {
        return st;
      }
      if (!out.empty() || absl::Now() >= deadline) return out;
      absl::SleepFor(std::min(kDirectPoll, deadline - absl::Now()));
      continue;
    }
    absl::Status result;
    bool empty = false;
    {
      std::vector<nats::MsgPtr> msgs;
      const absl::Duration left =
          std::max(deadline - absl::Now(), absl::Milliseconds(1));
      if (absl::Status st = consumer_->Fetch(batch, left, msgs); !st.ok()) {
        replace_consumer_ = true;
        if (absl::Status u = NoteFailure(st); !u.ok()) return u;
        if (absl::Now() + kReconnectPause >= deadline) return out;
        absl::SleepFor(kReconnectPause);
        continue;
      }
      empty = msgs.empty();
      if (!empty) {
        failing_since_.reset();
        undelivered_checks_ = 0;
        result = Take(msgs, out);
      }
    }  // The messages are released before their consumer may be.
    if (!result.ok()) return result;
    if (empty) {
      // Nothing within the wait. When a replica holds the next record
      // anyway, the consumer is dead (its server too: it goes silent before
      // cnats reports missed heartbeats) or behind: take what the replicas
      // have, and replace the consumer when it still sends nothing the next
      // time.
      const size_t had = out.size();
      if (absl::Status st = ReadDirect(batch, absl::Now() + kDirectBudget, out);
          !st.ok()) {
        return st;
      }
      if (out.size() > had) {
        if (++silent_fetches_ >= 2) replace_consumer_ = true;
        return out;
      }
    } else {
      silent_fetches_ = 0;
    }
    if (empty && absl::Now() - last_check_ >= kCheckEvery) {
      // Nothing within the wait: the log is idle, or the consumer no longer
      // delivers (its server died, or it was dropped). Ask it (at most once
      // per kCheckEvery, however short the caller's waits).
      last_check_ = absl::Now();
      absl::StatusOr<nats::PushConsumer::Status> check =
          consumer_->Check(kCheckTimeout);
      if (!check.ok()) {
        replace_consumer_ = true;
        if (absl::Status u = NoteFailure(check.status()); !u.ok()) return u;
      } else if (check->pending > 0 && ++undelivered_checks_ >= 2) {
        replace_consumer_ = true;  // It has records but does not send them.
      } else if (check->pending == 0) {
        failing_since_.reset();
        undelivered_checks_ = 0;
      }
    }
    if (!out.empty() || absl::Now() >= deadline) return out;
  }
  return out;
}

}  // namespace tidings::cluster
