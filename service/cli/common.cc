// Copyright 2026 The Tidings Authors.
//
// Helpers shared by the subcommands (see cli_commands.h).

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "service/cli/commands.h"

namespace tidings::cli {

std::optional<int> ParseFlags(FlagSet& flags,
                              const std::vector<std::string>& args) {
  absl::Status status = flags.Parse(args);
  if (flags.help_requested()) {
    std::fputs(flags.Usage().c_str(), stdout);
    return kExitOk;
  }
  if (!status.ok()) return UsageError(flags, status.message());
  return std::nullopt;
}

int UsageError(const FlagSet& flags, absl::string_view message) {
  std::fflush(stdout);
  std::fprintf(stderr, "tidings: %.*s\n%s\nRun `%s --help` for the flags.\n",
               static_cast<int>(message.size()), message.data(),
               flags.Synopsis().c_str(), flags.command().c_str());
  return kExitUsage;
}

int Fail(absl::string_view message) {
  std::fflush(stdout);
  std::fprintf(stderr, "tidings: %.*s\n", static_cast<int>(message.size()),
               message.data());
  return kExitFailure;
}

std::string DefaultServer() {
  const char* env = std::getenv("TIDINGS_SERVER");
  if (env != nullptr && *env != '\0') return env;
  return "127.0.0.1:50051";
}

void WriteLine(std::string_view line) {
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
}

namespace {

absl::Status OpenError(const std::string& path, int err) {
  std::string message =
      absl::StrCat("cannot open ", path, ": ", std::strerror(err));
  if (err == ENOENT) return absl::NotFoundError(message);
  if (err == EACCES) return absl::PermissionDeniedError(message);
  return absl::UnavailableError(message);
}

}  // namespace

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::FILE* file = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (file == nullptr) return OpenError(path, errno);
  std::string content;
  char buffer[1 << 16];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file)) > 0) {
    content.append(buffer, n);
  }
  const bool failed = std::ferror(file) != 0;
  const int err = errno;
  if (file != stdin) std::fclose(file);
  if (failed) {
    return absl::DataLossError(absl::StrCat("cannot read ",
                                            path == "-" ? "stdin" : path, ": ",
                                            std::strerror(err)));
  }
  return content;
}

LineReader::~LineReader() {
  if (owned_ && file_ != nullptr) std::fclose(file_);
  std::free(buffer_);
}

absl::Status LineReader::Open(const std::string& path) {
  path_ = path == "-" ? "stdin" : path;
  if (path == "-") {
    file_ = stdin;
    owned_ = false;
    return absl::OkStatus();
  }
  file_ = std::fopen(path.c_str(), "rb");
  if (file_ == nullptr) return OpenError(path, errno);
  owned_ = true;
  return absl::OkStatus();
}

bool LineReader::Next(std::string_view* line) {
  if (file_ == nullptr) return false;
  ssize_t n = ::getline(&buffer_, &capacity_, file_);
  if (n < 0) {
    if (std::ferror(file_)) {
      status_ = absl::DataLossError(
          absl::StrCat("cannot read ", path_, ": ", std::strerror(errno)));
    }
    return false;
  }
  ++line_number_;
  bytes_read_ += static_cast<uint64_t>(n);
  size_t len = static_cast<size_t>(n);
  if (len > 0 && buffer_[len - 1] == '\n') --len;
  if (len > 0 && buffer_[len - 1] == '\r') --len;
  *line = std::string_view(buffer_, len);
  return true;
}

}  // namespace tidings::cli
