// Copyright 2026 The Tidings Authors.
//
// rescore_bench: the Rescore RPC over a store filled with the corpus,
// beside the scorer alone over the same articles in the same run (issue 10,
// target "rescoring the whole corpus runs at >= 0.5 x the scorer's bench
// rate"; see bench/README.md, "Rescore").
//
// Load step (not timed): the corpus ($TIDINGS_CORPUS, JSONL with id,
// source, title, body, published; default bench/data/fixture_corpus.jsonl)
// is ingested into the real server (the built `tidings serve` as a child
// process, RocksDB in a temporary directory, WAL synced as in production)
// through Ingest, repeated under
// new ids until the store holds at least $TIDINGS_RESCORE_BENCH_ARTICLES
// articles (default 3,000; a real corpus larger than that is stored once).
// Every BM_Rescore repetition starts a new server on a new store, loads it
// and waits $TIDINGS_RESCORE_BENCH_SETTLE_S seconds (default 5) for the
// flushes and compactions of the load to finish (a store is loaded long
// before it is rescored; 0 measures right after the load).
//
// Timed:
//   BM_ScoreCorpus  reference: Scorer::Score() of every stored article's
//                   title and body on one thread (scoring_bench's
//                   BM_ScoreCorpus/all, over exactly the articles rescored).
//   BM_ScoreToSignals  the same with the conversion into tidings.v1.Signal
//                   (service::internal::ScoreArticle, what ingest and
//                   rescore call): the scoring part of a rescore.
//   BM_Rescore      one Rescore call over the whole store, each repetition
//                   with a new lexicon directory (scoring/lexicons with the
//                   sentiment squash changed, so a new scorer version and
//                   every article rescored): articles per second as the job
//                   reports it (walk, key checks, raw article reads,
//                   scoring, group commits with their fsyncs; not the
//                   lexicon load, which is reported apart).
// At the end: the medians and the ratio rescore / score.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "grpcpp/grpcpp.h"
#include "scoring/scorer.h"
#include "service/cli/article_json.h"
#include "service/internal/ingest.h"
#include "tidings/v1/tidings.grpc.pb.h"

namespace tidings::bench {
namespace {

namespace fs = std::filesystem;

std::map<std::string, std::vector<double>>& Timings() {
  static auto* timings = new std::map<std::string, std::vector<double>>();
  return *timings;
}

// The articles (the corpus, repeated under new ids up to the size asked
// for) and the reference scorer.
struct Env {
  std::string dir;
  std::unique_ptr<const scoring::Scorer> scorer;
  std::vector<v1::Article> articles;
};

// A `tidings serve` child process over a new store in `dir`.
struct Server {
  pid_t pid = -1;
  std::string dir;
  std::unique_ptr<v1::Tidings::Stub> stub;

  ~Server() {
    if (pid > 0) {
      ::kill(pid, SIGTERM);
      ::waitpid(pid, nullptr, 0);
    }
    fs::remove_all(dir);
  }
};

std::vector<v1::Article> ReadCorpus() {
  const char* env = std::getenv("TIDINGS_CORPUS");
  const std::string path =
      env != nullptr && *env != '\0'
          ? env
          : std::string(TIDINGS_BENCH_DATA_DIR) + "/fixture_corpus.jsonl";
  cli::ArticleJsonOptions options;
  options.ignore_unknown_fields = true;
  options.assume_tz = absl::UTCTimeZone();
  options.renames = {{"id", "article_id"}, {"published", "published_at"}};
  absl::StatusOr<cli::ArticleJsonReader> reader =
      cli::ArticleJsonReader::Create(options);
  std::vector<v1::Article> out;
  std::ifstream in(path);
  std::string line;
  while (reader.ok() && std::getline(in, line)) {
    v1::Article a;
    if (reader->Parse(line, &a).ok()) out.push_back(std::move(a));
  }
  std::fprintf(stderr, "corpus: %zu articles from %s\n", out.size(),
               path.c_str());
  return out;
}

Env* GetEnv() {
  static Env* env = [] {
    auto* e = new Env();
    e->dir = (fs::temp_directory_path() /
              absl::StrCat("tidings_rescore_bench.", ::getpid()))
                 .string();
    fs::remove_all(e->dir);
    fs::create_directories(e->dir);
    e->scorer = *scoring::Scorer::Create(scoring::ScorerOptions());
    const std::vector<v1::Article> corpus = ReadCorpus();
    if (corpus.empty()) std::exit(1);
    const char* want_env = std::getenv("TIDINGS_RESCORE_BENCH_ARTICLES");
    const size_t want = want_env != nullptr ? std::atoll(want_env) : 3000;
    for (int copy = 0; e->articles.size() < want || copy == 0; ++copy) {
      for (const v1::Article& a : corpus) {
        v1::Article c = a;
        c.set_article_id(absl::StrCat(a.article_id(), "#", copy));
        e->articles.push_back(std::move(c));
      }
    }
    return e;
  }();
  return env;
}

// Starts `tidings serve` on a new store under `dir` and ingests the
// articles (not timed). Exits the process when it cannot.
std::unique_ptr<Server> StartLoaded(const Env& e, const std::string& dir) {
  auto server = std::make_unique<Server>();
  server->dir = dir;
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string log = dir + "/serve.log";
  server->pid = ::fork();
  if (server->pid == 0) {  // Execs at once: nothing of gRPC runs here.
    if (std::freopen(log.c_str(), "w", stderr) == nullptr) ::_exit(126);
    std::string data = dir + "/data";
    std::vector<std::string> args = {TIDINGS_BINARY, "serve",  "--listen",
                                     "127.0.0.1:0",  "--data", data};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(TIDINGS_BINARY, argv.data());
    ::_exit(127);
  }
  std::string address;
  for (int i = 0; i < 600 && address.empty(); ++i) {
    absl::SleepFor(absl::Milliseconds(50));
    std::ifstream in(log);
    std::string text((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
    if (size_t at = text.find("serving on "); at != std::string::npos) {
      address = text.substr(at + 11, text.find(',', at) - at - 11);
    }
  }
  if (address.empty()) {
    std::fprintf(stderr, "tidings serve did not start (see %s)\n", log.c_str());
    std::exit(1);
  }
  server->stub = v1::Tidings::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  const absl::Time began = absl::Now();
  uint64_t signals = 0;
  for (size_t i = 0; i < e.articles.size(); i += 500) {
    v1::IngestRequest req;
    for (size_t k = i; k < std::min(i + 500, e.articles.size()); ++k) {
      *req.add_articles() = e.articles[k];
    }
    grpc::ClientContext ctx;
    v1::IngestResponse resp;
    if (!server->stub->Ingest(&ctx, req, &resp).ok()) std::exit(1);
    signals = resp.head_seq();
  }
  const double seconds = absl::ToDoubleSeconds(absl::Now() - began);
  std::fprintf(stderr, "load step: %zu articles (%llu signals) in %.2f s\n",
               e.articles.size(), static_cast<unsigned long long>(signals),
               seconds);
  Timings()["load step (ingest): articles/s"].push_back(e.articles.size() /
                                                        seconds);
  // A store loaded long ago has its flushes and compactions behind it; give
  // these the time to finish ($TIDINGS_RESCORE_BENCH_SETTLE_S, default 5).
  const char* settle = std::getenv("TIDINGS_RESCORE_BENCH_SETTLE_S");
  absl::SleepFor(absl::Seconds(settle != nullptr ? std::atof(settle) : 5.0));
  return server;
}

// scoring/lexicons with the sentiment squash set to `squash`.
std::string LexiconDir(const Env& e, int n) {
  const std::string dir = absl::StrCat(e.dir, "/lexicons", n);
  fs::create_directories(dir);
  for (const fs::directory_entry& f :
       fs::directory_iterator(TIDINGS_LEXICONS_DIR)) {
    fs::copy_file(f.path(), fs::path(dir) / f.path().filename(),
                  fs::copy_options::overwrite_existing);
  }
  std::ifstream in(fs::path(dir) / "sentiment.tsv");
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  const std::string from = "param\tsquash\t1\t";
  if (size_t at = text.find(from); at != std::string::npos) {
    text.replace(at, from.size(),
                 absl::StrCat("param\tsquash\t", 1.0 + 0.01 * (n + 1), "\t"));
  }
  std::ofstream(fs::path(dir) / "sentiment.tsv", std::ios::trunc) << text;
  return dir;
}

void BM_ScoreCorpus(benchmark::State& state) {
  const Env& e = *GetEnv();
  for (auto _ : state) {
    const absl::Time t = absl::Now();
    size_t docs = 0;
    for (const v1::Article& a : e.articles) {
      scoring::ScoreInput input;
      input.title = a.title();
      input.body = a.body();
      docs += e.scorer->Score(input).size();
    }
    const double seconds = absl::ToDoubleSeconds(absl::Now() - t);
    benchmark::DoNotOptimize(docs);
    state.SetIterationTime(seconds);
    Timings()["score: articles/s"].push_back(e.articles.size() / seconds);
  }
  state.counters["articles"] = static_cast<double>(e.articles.size());
}

// What the rescore does per article besides storage: scoring and the
// conversion into tidings.v1.Signal (evidence, entities, ...).
void BM_ScoreToSignals(benchmark::State& state) {
  const Env& e = *GetEnv();
  for (auto _ : state) {
    const absl::Time t = absl::Now();
    size_t signals = 0;
    for (const v1::Article& a : e.articles) {
      signals +=
          service::internal::ScoreArticle(*e.scorer, a, t, nullptr).size();
    }
    const double seconds = absl::ToDoubleSeconds(absl::Now() - t);
    benchmark::DoNotOptimize(signals);
    state.SetIterationTime(seconds);
    Timings()["score + to signals: articles/s"].push_back(e.articles.size() /
                                                          seconds);
  }
}

void BM_Rescore(benchmark::State& state) {
  Env& e = *GetEnv();
  static int run = 0;
  for (auto _ : state) {
    // Each repetition on a freshly loaded store: "the whole corpus", once.
    state.PauseTiming();
    const int n = run++;
    std::unique_ptr<Server> server =
        StartLoaded(e, absl::StrCat(e.dir, "/run", n));
    v1::RescoreRequest request;
    request.set_lexicons(LexiconDir(e, n));
    state.ResumeTiming();
    grpc::ClientContext ctx;
    const absl::Time t = absl::Now();
    auto reader = server->stub->Rescore(&ctx, request);
    v1::RescoreProgress p, last;
    while (reader->Read(&p)) last = p;
    grpc::Status s = reader->Finish();
    const double wall = absl::ToDoubleSeconds(absl::Now() - t);
    // Articles that produced no signal (nothing but boilerplate) have
    // nothing to revise: fewer rescored than stored is normal.
    if (!s.ok() || last.articles_rescored() == 0) {
      state.SkipWithError(absl::StrCat("rescore: ", s.error_message(),
                                       " rescored ", last.articles_rescored())
                              .c_str());
      return;
    }
    state.SetIterationTime(last.elapsed_seconds());
    Timings()["rescore: articles/s"].push_back(last.articles_per_second());
    state.counters["rescored"] = static_cast<double>(last.articles_rescored());
    state.counters["failed"] = static_cast<double>(last.articles_failed());
    Timings()["rescore: lexicon load + call overhead, s"].push_back(
        wall - last.elapsed_seconds());
  }
  state.counters["articles"] = static_cast<double>(e.articles.size());
}

BENCHMARK(BM_ScoreCorpus)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->Repetitions(5);
BENCHMARK(BM_ScoreToSignals)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->Repetitions(5);
BENCHMARK(BM_Rescore)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->Repetitions(5);

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace
}  // namespace tidings::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  auto& timings = tidings::bench::Timings();
  tidings::bench::Env* env = tidings::bench::GetEnv();
  std::printf("\nmedians over %zu articles:\n", env->articles.size());
  for (const auto& [name, v] : timings) {
    std::printf("  %-42s %10.2f  (n=%zu)\n", name.c_str(),
                tidings::bench::Median(v), v.size());
  }
  if (timings.count("score: articles/s") &&
      timings.count("rescore: articles/s")) {
    std::printf("  rescore / score: %.2f (target >= 0.5)\n",
                tidings::bench::Median(timings["rescore: articles/s"]) /
                    tidings::bench::Median(timings["score: articles/s"]));
  }
  std::filesystem::remove_all(env->dir);
  return 0;
}
