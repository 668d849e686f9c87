// Copyright 2026 The Tidings Authors.
//
// The process logger: one spdlog logger with one sink (stderr or a writer)
// whose pattern gives the timestamp (UTC, milliseconds) and level; the
// message and fields are escaped here, the one thing spdlog does not do.

#include "service/log.h"

#include <atomic>
#include <cstdio>
#include <memory>
#include <mutex>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "spdlog/logger.h"
#include "spdlog/pattern_formatter.h"
#include "spdlog/sinks/base_sink.h"

namespace tidings::service {
namespace {

spdlog::level::level_enum ToSpdlog(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return spdlog::level::debug;
    case LogLevel::kInfo:
      return spdlog::level::info;
    case LogLevel::kWarn:
      return spdlog::level::warn;
    case LogLevel::kError:
      break;
  }
  return spdlog::level::err;
}

// The level as the pattern's %* flag: "INFO " in text (padded, so that
// messages line up), "info" in JSON.
class LevelFlag final : public spdlog::custom_flag_formatter {
 public:
  explicit LevelFlag(bool json) : json_(json) {}

  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    std::string_view name;
    switch (msg.level) {
      case spdlog::level::trace:
      case spdlog::level::debug:
        name = json_ ? "debug" : "DEBUG";
        break;
      case spdlog::level::info:
        name = json_ ? "info" : "INFO ";
        break;
      case spdlog::level::warn:
        name = json_ ? "warn" : "WARN ";
        break;
      default:
        name = json_ ? "error" : "ERROR";
        break;
    }
    dest.append(name.data(), name.data() + name.size());
  }

  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<LevelFlag>(json_);
  }

 private:
  const bool json_;
};

// stderr, or the writer of SetLogWriter().
class LineSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  void SetWriter(LogWriter writer) {
    std::lock_guard<std::mutex> lock(mutex_);
    writer_ = std::move(writer);
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t line;
    formatter_->format(msg, line);
    if (!writer_) {
      std::fwrite(line.data(), 1, line.size(), stderr);
      std::fflush(stderr);
      return;
    }
    std::string_view text(line.data(), line.size());
    if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
    writer_(text);
  }
  void flush_() override {
    if (!writer_) std::fflush(stderr);
  }

 private:
  LogWriter writer_;
};

struct ProcessLogger {
  ProcessLogger()
      : sink(std::make_shared<LineSink>()), logger("tidings", sink) {
    logger.set_level(spdlog::level::info);
    SetFormat(LogFormat::kText);
  }

  void SetFormat(LogFormat f) {
    const bool json = f == LogFormat::kJson;
    auto formatter = std::make_unique<spdlog::pattern_formatter>(
        spdlog::pattern_time_type::utc, std::string("\n"));
    formatter->add_flag<LevelFlag>('*', json).set_pattern(
        json ? R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%*",%v})"
             : "%Y-%m-%dT%H:%M:%S.%eZ %* %v");
    logger.set_formatter(std::move(formatter));
    format.store(f, std::memory_order_relaxed);
  }

  std::shared_ptr<LineSink> sink;
  spdlog::logger logger;
  std::atomic<LogFormat> format{LogFormat::kText};
};

ProcessLogger& Logger() {
  static ProcessLogger* const logger = new ProcessLogger();  // Never freed:
  return *logger;  // threads may log during static destruction.
}

// The length of the valid UTF-8 sequence at the start of `s` (1-4), or 0
// when it is not one (stray continuation byte, overlong form, surrogate,
// beyond U+10FFFF, truncated).
size_t Utf8Length(std::string_view s) {
  const auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char c = b(0);
  if (c < 0x80) return 1;
  size_t n;
  unsigned char lo = 0x80, hi = 0xBF;  // Range of the second byte.
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;  // Overlong.
    if (c == 0xED) hi = 0x9F;  // Surrogates.
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;  // Overlong.
    if (c == 0xF4) hi = 0x8F;  // Beyond U+10FFFF.
  } else {
    return 0;
  }
  if (s.size() < n || b(1) < lo || b(1) > hi) return 0;
  for (size_t i = 2; i < n; ++i) {
    if (b(i) < 0x80 || b(i) > 0xBF) return 0;
  }
  return n;
}

// Appends `s` escaped: as the inside of a JSON string, or (text) with
// C-style escapes for '"', '\\', control bytes and invalid UTF-8 (\xNN).
// Valid multi-byte UTF-8 is kept as is.
void AppendEscaped(std::string* out, std::string_view s, bool json) {
  while (!s.empty()) {
    const unsigned char c = static_cast<unsigned char>(s[0]);
    const size_t n = Utf8Length(s);
    if (n > 1) {
      out->append(s.data(), n);
      s.remove_prefix(n);
      continue;
    }
    s.remove_prefix(1);
    switch (c) {
      case '"':
        out->append("\\\"");
        continue;
      case '\\':
        out->append("\\\\");
        continue;
      case '\n':
        out->append("\\n");
        continue;
      case '\r':
        out->append("\\r");
        continue;
      case '\t':
        out->append("\\t");
        continue;
    }
    if (n == 1 && c >= 0x20 && c != 0x7F) {
      out->push_back(static_cast<char>(c));
    } else if (n == 0 && json) {
      out->append("\\ufffd");
    } else {
      absl::StrAppend(out, json ? "\\u00" : "\\x",
                      absl::Hex(c, absl::kZeroPad2));
    }
  }
}

// A text value is written bare when it is a non-empty run of printable
// ASCII without '"', '=' or '\\'; otherwise quoted and escaped.
bool NeedsQuotes(std::string_view v) {
  if (v.empty()) return true;
  for (char ch : v) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7F || c == '"' || c == '=' || c == '\\') {
      return true;
    }
  }
  return false;
}

// The part of the line after the timestamp and level (the pattern's %v).
std::string FormatPayload(LogFormat format, std::string_view message,
                          std::initializer_list<LogField> fields) {
  std::string out;
  if (format == LogFormat::kJson) {
    out.append("\"msg\":\"");
    AppendEscaped(&out, message, /*json=*/true);
    out.push_back('"');
    for (const LogField& f : fields) {
      out.append(",\"");
      AppendEscaped(&out, f.key(), /*json=*/true);
      out.append("\":");
      if (f.bare()) {
        out.append(f.value());
      } else {
        out.push_back('"');
        AppendEscaped(&out, f.value(), /*json=*/true);
        out.push_back('"');
      }
    }
    return out;
  }
  AppendEscaped(&out, message, /*json=*/false);
  for (const LogField& f : fields) {
    out.push_back(' ');
    out.append(f.key());
    out.push_back('=');
    if (NeedsQuotes(f.value())) {
      out.push_back('"');
      AppendEscaped(&out, f.value(), /*json=*/false);
      out.push_back('"');
    } else {
      out.append(f.value());
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<LogLevel> ParseLogLevel(std::string_view name) {
  if (name == "debug") return LogLevel::kDebug;
  if (name == "info") return LogLevel::kInfo;
  if (name == "warn") return LogLevel::kWarn;
  if (name == "error") return LogLevel::kError;
  return absl::InvalidArgumentError(absl::StrCat(
      "log level \"", std::string(name), "\": use debug, info, warn or error"));
}

absl::StatusOr<LogFormat> ParseLogFormat(std::string_view name) {
  if (name == "text") return LogFormat::kText;
  if (name == "json") return LogFormat::kJson;
  return absl::InvalidArgumentError(
      absl::StrCat("log format \"", std::string(name), "\": use text or json"));
}

void SetLogFormat(LogFormat format) { Logger().SetFormat(format); }

void SetLogLevel(LogLevel level) { Logger().logger.set_level(ToSpdlog(level)); }

void SetLogWriter(LogWriter writer) {
  Logger().sink->SetWriter(std::move(writer));
}

bool LogEnabled(LogLevel level) {
  return Logger().logger.should_log(ToSpdlog(level));
}

void Log(LogLevel level, std::string_view message,
         std::initializer_list<LogField> fields) {
  ProcessLogger& p = Logger();
  const spdlog::level::level_enum l = ToSpdlog(level);
  if (!p.logger.should_log(l)) return;
  const std::string payload =
      FormatPayload(p.format.load(std::memory_order_relaxed), message, fields);
  p.logger.log(l, spdlog::string_view_t(payload.data(), payload.size()));
}

}  // namespace tidings::service
