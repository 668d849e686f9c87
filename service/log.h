// Copyright 2026 The Tidings Authors.
//
// log.h: the process logger of the server (spdlog underneath), one line per
// event on stderr: a UTC timestamp, a level, a message and key=value fields.
//
//   text (default):
//     2026-12-06T08:15:02.123Z INFO  request rejected method=Ingest
//     peer=ipv4:127.0.0.1:5123 code=INVALID_ARGUMENT reason="..."
//   json (one object a line):
//     {"ts":"2026-12-06T08:15:02.123Z","level":"info","msg":"request
//     rejected","method":"Ingest",...}
//
// Fields are passed by the caller as key/value pairs, never formatted into
// the message, so that a log processor can read them. Values are escaped:
// in text, a value with a space, '"', '=', a control byte or invalid UTF-8
// is quoted with C-style escapes; in JSON, strings are valid JSON (invalid
// UTF-8 becomes U+FFFD). Numbers and booleans are bare JSON values.
//
// Thread-safe: any thread may log and (re)configure at any time. Used by the
// server (service/) and by `tidings serve`; the client commands write plain
// stderr messages, which are CLI output, not logs.

#ifndef TIDINGS_SERVICE_LOG_H_
#define TIDINGS_SERVICE_LOG_H_

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace tidings::service {

enum class LogLevel { kDebug, kInfo, kWarn, kError };
enum class LogFormat { kText, kJson };

// "debug", "info", "warn", "error"; INVALID_ARGUMENT naming the choices.
absl::StatusOr<LogLevel> ParseLogLevel(std::string_view name);
// "text", "json"; INVALID_ARGUMENT naming the choices.
absl::StatusOr<LogFormat> ParseLogFormat(std::string_view name);

// One key/value pair of a log line.
class LogField {
 public:
  LogField(std::string_view key, std::string_view value)
      : key_(key), value_(value) {}
  LogField(std::string_view key, const char* value)
      : LogField(key, std::string_view(value)) {}
  LogField(std::string_view key, const std::string& value)
      : LogField(key, std::string_view(value)) {}
#ifndef ABSL_USES_STD_STRING_VIEW  // E.g. absl::Status::message().
  LogField(std::string_view key, absl::string_view value)
      : LogField(key, std::string_view(value.data(), value.size())) {}
#endif
  template <typename Int,
            typename = std::enable_if_t<std::is_integral_v<Int> &&
                                        !std::is_same_v<Int, bool>>>
  LogField(std::string_view key, Int value)
      : key_(key), value_(std::to_string(value)), bare_(true) {}
  LogField(std::string_view key, bool value)
      : key_(key), value_(value ? "true" : "false"), bare_(true) {}
  // As absl::FormatDuration: "1.5s", "250ms", "72h".
  LogField(std::string_view key, absl::Duration value)
      : key_(key), value_(absl::FormatDuration(value)) {}

  std::string_view key() const { return key_; }
  const std::string& value() const { return value_; }
  // A number or boolean: written without quotes in JSON.
  bool bare() const { return bare_; }

 private:
  std::string_view key_;
  std::string value_;
  bool bare_ = false;
};

// The format and least level written. Default: text, info.
void SetLogFormat(LogFormat format);
void SetLogLevel(LogLevel level);

// Where lines go: `writer` gets each line without its newline (tests and
// embedders); empty = stderr, flushed after every line. Called with the
// logger's lock held: the writer must not log.
using LogWriter = std::function<void(std::string_view line)>;
void SetLogWriter(LogWriter writer);

// Whether a line of `level` would be written (skip building costly fields).
bool LogEnabled(LogLevel level);

// Writes one line (when `level` is enabled).
void Log(LogLevel level, std::string_view message,
         std::initializer_list<LogField> fields = {});

}  // namespace tidings::service

#endif  // TIDINGS_SERVICE_LOG_H_
