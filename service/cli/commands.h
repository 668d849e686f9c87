// Copyright 2026 The Tidings Authors.
//
// commands.h: the subcommands of the `tidings` binary and the few
// helpers they share. Each Run* function takes the arguments after the
// subcommand name, writes results to stdout and messages to stderr, and
// returns the process exit code (kExitOk, kExitFailure, kExitUsage).
//
//   serve   serve.cc    the gRPC server until SIGINT/SIGTERM
//   ingest  ingest.cc   send pages or JSONL articles to a server
//   tail    client.cc   Subscribe: live and replayed signals
//   query   client.cc   Query: history, as text, JSON lines or CSV
//   series  series.cc   Series: index series as a table, CSV or SVG chart
//   get     client.cc   GetSignal: one signal by seq
//   backup  backup.cc   Backup: a consistent copy of the server's store
//   rescore rescore.cc  Rescore: score the stored articles again
//   versions rescore.cc Versions: the scorer versions in the store
//   score   score.cc    local scoring, no server
//   eval    score.cc    the scorer on the labelled evaluation data
//   version version.cc  version, scorer version and build of the binary
//
// The client commands reach the server through connection.h.

#ifndef TIDINGS_SERVICE_CLI_COMMANDS_H_
#define TIDINGS_SERVICE_CLI_COMMANDS_H_

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "service/cli/args.h"

namespace tidings::cli {

int RunServe(const std::vector<std::string>& args);
int RunIngest(const std::vector<std::string>& args);
int RunTail(const std::vector<std::string>& args);
int RunQuery(const std::vector<std::string>& args);
int RunSeries(const std::vector<std::string>& args);
int RunGet(const std::vector<std::string>& args);
int RunBackup(const std::vector<std::string>& args);
int RunRescore(const std::vector<std::string>& args);
int RunVersions(const std::vector<std::string>& args);
int RunScore(const std::vector<std::string>& args);
int RunEval(const std::vector<std::string>& args);
int RunVersion(const std::vector<std::string>& args);

// --- Shared helpers -------------------------------------------------------

// Parses `args` into `flags`. Returns an exit code when the command should
// stop now: kExitOk after printing the usage for --help, kExitUsage after
// printing the error and the usage. nullopt = go on.
std::optional<int> ParseFlags(FlagSet& flags,
                              const std::vector<std::string>& args);

// Prints "tidings: <message>", the usage line and where to find the flags
// to stderr; returns kExitUsage.
int UsageError(const FlagSet& flags, absl::string_view message);

// Prints "tidings: <message>" to stderr and returns kExitFailure.
int Fail(absl::string_view message);

// $TIDINGS_SERVER if set and not empty, else 127.0.0.1:50051.
std::string DefaultServer();

// Writes `line` and a newline to stdout (buffered).
void WriteLine(std::string_view line);

// The whole content of `path` ("-" = stdin). NOT_FOUND / PERMISSION_DENIED /
// DATA_LOSS messages name the path.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path);

// Reads a file ("-" = stdin) line by line without a length limit.
class LineReader {
 public:
  LineReader() = default;
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  absl::Status Open(const std::string& path);
  // The next line without its "\n" (and "\r"); false at end of file or on a
  // read error (see status()).
  bool Next(std::string_view* line);
  absl::Status status() const { return status_; }
  // 1-based number of the line last returned.
  size_t line_number() const { return line_number_; }
  // Bytes read so far, line ends included.
  uint64_t bytes_read() const { return bytes_read_; }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  bool owned_ = false;
  char* buffer_ = nullptr;
  size_t capacity_ = 0;
  size_t line_number_ = 0;
  uint64_t bytes_read_ = 0;
  absl::Status status_;
};

}  // namespace tidings::cli

#endif  // TIDINGS_SERVICE_CLI_COMMANDS_H_
