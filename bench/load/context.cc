// Copyright 2026 The Tidings Authors.
//
// LoadContext: channels, fresh articles, commit times (see load.h).

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bench/load/load.h"
#include "bench/load/stats.h"

namespace tidings::load {

std::shared_ptr<grpc::Channel> LoadContext::NewChannel(
    const std::string& target) const {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);
  args.SetMaxSendMessageSize(-1);
  // A distinct argument and a local subchannel pool: a connection of its own.
  args.SetInt("tidings.load.channel", channel_id_.fetch_add(1));
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(),
                                   args);
}

v1::Article LoadContext::NextArticle(uint64_t i) {
  v1::Article a = articles[i % articles.size()];
  a.set_article_id(absl::StrCat("load-", getpid(), "-", next_id_.fetch_add(1)));
  return a;
}

grpc::Status LoadContext::IngestBatch(v1::Tidings::Stub* stub, uint64_t first,
                                      int count, v1::IngestResponse* response) {
  v1::IngestRequest request;
  for (int i = 0; i < count; ++i)
    *request.add_articles() = NextArticle(first + i);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(60));
  return stub->Ingest(&context, request, response);
}

int64_t LoadContext::CommitNs(const v1::Signal& signal) const {
  if (server != nullptr) return server->counters().CommitNs(signal.seq());
  if (!signal.has_ingested_at()) return 0;
  const absl::Time ingested =
      absl::FromUnixSeconds(signal.ingested_at().seconds()) +
      absl::Nanoseconds(signal.ingested_at().nanos());
  return MonotonicNs() - absl::ToInt64Nanoseconds(absl::Now() - ingested);
}

uint64_t LoadContext::HeadSeq() {
  // A Query for nothing after the newest signal would need the head; the
  // cheapest exact source is a Subscribe's first heartbeat.
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(30));
  v1::SubscribeRequest request;
  request.set_from_now(true);
  auto stub = NewStub();
  auto reader = stub->Subscribe(&context, request);
  v1::SubscribeEvent event;
  uint64_t head = 0;
  while (reader->Read(&event)) {
    if (event.has_heartbeat()) {
      head = event.heartbeat().head_seq();
      break;
    }
  }
  context.TryCancel();
  (void)reader->Finish();
  return head;
}

}  // namespace tidings::load
