// Copyright 2026 The Tidings Authors.
//
// main.cc: the `tidings` binary. Dispatches to the subcommands in
// cli_commands.h; `tidings help` / `tidings --help` lists them and
// `tidings help CMD` / `tidings CMD --help` shows one.

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "service/cli/commands.h"

namespace tidings::cli {
namespace {

struct Command {
  const char* name;
  int (*run)(const std::vector<std::string>& args);
  const char* summary;
};

constexpr Command kCommands[] = {
    {"serve", RunServe, "run the gRPC server on an embedded RocksDB store"},
    {"ingest", RunIngest, "send pages (or JSONL articles) to a server"},
    {"tail", RunTail, "stream signals as they are stored (Subscribe)"},
    {"query", RunQuery, "print stored signals: text, JSON lines or CSV"},
    {"series", RunSeries, "index series by time bucket: table, CSV, SVG"},
    {"get", RunGet, "print one stored signal by its seq"},
    {"backup", RunBackup, "back up the server's store while it serves"},
    {"rescore", RunRescore, "score the stored articles again (new version)"},
    {"versions", RunVersions, "list the scorer versions in the store"},
    {"score", RunScore, "score text locally, no server; JSON lines out"},
    {"eval", RunEval, "measure the scorer on the labelled evaluation data"},
    {"version", RunVersion, "print the version, scorer version and build"},
};

void PrintHelp(std::FILE* out) {
  std::fprintf(out,
               "usage: tidings COMMAND [flags] [args]\n\n"
               "Tidings turns financial news into market signals (gold moves, "
               "tariffs,\nsanctions, geopolitical tension, sentiment) and "
               "streams them over gRPC.\n\ncommands:\n");
  for (const Command& c : kCommands) {
    std::fprintf(out, "  %-8s %s\n", c.name, c.summary);
  }
  std::fprintf(out,
               "  help     show this list, or `tidings help COMMAND`\n\n"
               "`tidings COMMAND --help` lists the flags of a command; "
               "`tidings --version`\nprints the version.\n"
               "Exit status: 0 ok, 1 the command failed, 2 bad command "
               "line.\n");
}

const Command* Find(std::string_view name) {
  for (const Command& c : kCommands) {
    if (name == c.name) return &c;
  }
  return nullptr;
}

int Main(int argc, char** argv) {
  // Output is fully buffered; commands that stream (tail) flush per line.
  static char stdout_buffer[1 << 16];
  std::setvbuf(stdout, stdout_buffer, _IOFBF, sizeof(stdout_buffer));

  if (argc < 2) {
    PrintHelp(stderr);
    return kExitUsage;
  }
  std::string_view name = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (name == "help" || name == "--help" || name == "-h") {
    if (!args.empty() && Find(args[0]) != nullptr) {
      return Find(args[0])->run({"--help"});
    }
    if (!args.empty()) {
      std::fprintf(stderr, "tidings: unknown command \"%s\"\n\n",
                   args[0].c_str());
      PrintHelp(stderr);
      return kExitUsage;
    }
    PrintHelp(stdout);
    return kExitOk;
  }
  // `tidings --version` is `tidings version`.
  const Command* command = Find(name == "--version" ? "version" : name);
  if (command == nullptr) {
    std::fprintf(stderr, "tidings: unknown command \"%s\"\n\n",
                 std::string(name).c_str());
    PrintHelp(stderr);
    return kExitUsage;
  }
  int code = command->run(args);
  std::fflush(stdout);
  return code;
}

}  // namespace
}  // namespace tidings::cli

int main(int argc, char** argv) { return tidings::cli::Main(argc, argv); }
