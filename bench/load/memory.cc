// Copyright 2026 The Tidings Authors.
//
// The memory scenario: the server's resident memory idle, and what each
// idle (caught-up, open) subscriber adds to it.

#include <memory>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/load/load.h"
#include "bench/load/subscriber.h"

namespace tidings::load {

void RunMemoryScenario(LoadContext& ctx) {
  if (ctx.server == nullptr) return;  // The RSS of a --server is not ours.
  const int n = ctx.config.idle_subscribers;
  const double idle = ctx.server->RssBytes();
  std::vector<std::unique_ptr<v1::Tidings::Stub>> stubs;
  std::vector<std::unique_ptr<Subscriber>> subs;
  for (int i = 0; i < n; ++i) {
    if (i % 100 == 0) stubs.push_back(ctx.NewStub());
    subs.push_back(
        std::make_unique<Subscriber>(ctx, stubs.back().get(), false));
  }
  int ready = 0;
  for (auto& s : subs) ready += s->AwaitReady();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const double open = ctx.server->RssBytes();
  for (auto& s : subs) s->CancelAndWait();
  Report& r = *ctx.report;
  r.Add("memory", "server idle", "RSS", "MB", idle / 1e6);
  const std::string kase = absl::StrCat(n, " idle subscribers");
  r.Add("memory", kase, "RSS", "MB", open / 1e6);
  r.Add("memory", kase, "RSS per subscriber", "KB", (open - idle) / n / 1024);
  if (ready < n) r.Add("memory", kase, "errors", "", n - ready);
}

}  // namespace tidings::load
