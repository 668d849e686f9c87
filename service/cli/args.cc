// Copyright 2026 The Tidings Authors.

#include "service/cli/args.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace tidings::cli {
namespace {

// Debian's absl::string_view is its own type, not std::string_view.
absl::string_view Absl(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

std::string Str(std::string_view s) { return std::string(s); }

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min(
          {row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string FormatDurationShort(absl::Duration d) {
  return absl::FormatDuration(d);
}

std::string BoolText(bool b) { return b ? "true" : "false"; }

// 1048576 -> "1MiB", 1536 -> "1536": exact, so it parses back.
std::string ByteSizeText(uint64_t n) {
  if (n != 0 && n % (1 << 20) == 0) return absl::StrCat(n >> 20, "MiB");
  if (n != 0 && n % (1 << 10) == 0) return absl::StrCat(n >> 10, "KiB");
  return absl::StrCat(n);
}

}  // namespace

// ---------------------------------------------------------------------------
// Value parsers

absl::StatusOr<uint64_t> ParseUint64(std::string_view text) {
  uint64_t value = 0;
  if (text.empty() ||
      !std::all_of(text.begin(), text.end(),
                   [](char c) { return c >= '0' && c <= '9'; }) ||
      !absl::SimpleAtoi(Absl(text), &value)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "expected a non-negative integer, got \"", Absl(text), "\""));
  }
  return value;
}

absl::StatusOr<double> ParseDouble(std::string_view text) {
  double value = 0;
  if (!absl::SimpleAtod(Absl(text), &value) || !std::isfinite(value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected a number, got \"", Absl(text), "\""));
  }
  return value;
}

absl::StatusOr<uint64_t> ParseByteSize(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
    ++digits;
  }
  std::string suffix = absl::AsciiStrToLower(Absl(text.substr(digits)));
  uint64_t unit = 0;
  if (suffix.empty() || suffix == "b") {
    unit = 1;
  } else if (suffix == "k" || suffix == "kib" || suffix == "kb") {
    unit = uint64_t{1} << 10;
  } else if (suffix == "m" || suffix == "mib" || suffix == "mb") {
    unit = uint64_t{1} << 20;
  } else if (suffix == "g" || suffix == "gib" || suffix == "gb") {
    unit = uint64_t{1} << 30;
  }
  uint64_t number = 0;
  if (digits == 0 || unit == 0 ||
      !absl::SimpleAtoi(Absl(text.substr(0, digits)), &number) ||
      number > UINT64_MAX / unit) {
    return absl::InvalidArgumentError(absl::StrCat(
        "expected a byte count like 1048576, 512KiB or 1MiB, got \"",
        Absl(text), "\""));
  }
  return number * unit;
}

absl::StatusOr<bool> ParseBool(std::string_view text) {
  std::string lower = absl::AsciiStrToLower(Absl(text));
  if (lower == "true" || lower == "1" || lower == "yes") return true;
  if (lower == "false" || lower == "0" || lower == "no") return false;
  return absl::InvalidArgumentError(
      absl::StrCat("expected true or false, got \"", Absl(text), "\""));
}

absl::StatusOr<absl::Duration> ParseDurationFlag(std::string_view text) {
  absl::Duration d;
  if (!absl::ParseDuration(Absl(text), &d) || d == absl::InfiniteDuration() ||
      d == -absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected a duration like 5s, 250ms, 1h30m or 72h, got \"",
                     Absl(text), "\""));
  }
  return d;
}

absl::StatusOr<absl::Time> ParseTimeFlag(std::string_view text,
                                         absl::Time now) {
  std::string err;
  absl::Time t;
  if (text == "now") return now;
  if (absl::ParseTime(absl::RFC3339_full, Absl(text), &t, &err)) return t;
  if (absl::ParseTime("%Y-%m-%d", Absl(text), absl::UTCTimeZone(), &t, &err)) {
    return t;
  }
  if (!text.empty() && text[0] == '-') {
    absl::Duration ago;
    if (absl::ParseDuration(Absl(text.substr(1)), &ago) &&
        ago != absl::InfiniteDuration()) {
      return now - ago;
    }
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "expected a time: RFC 3339 (2025-06-01T12:00:00Z), a date (2025-06-01, "
      "midnight UTC), \"now\", or a duration ago (-24h); got \"",
      Absl(text), "\""));
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> out;
  for (absl::string_view item : absl::StrSplit(Absl(text), ',')) {
    item = absl::StripAsciiWhitespace(item);
    if (!item.empty()) out.emplace_back(item);
  }
  return out;
}

std::string FormatRfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

// ---------------------------------------------------------------------------
// FlagSet

FlagSet::FlagSet(std::string command, std::string synopsis,
                 std::string description)
    : command_(std::move(command)),
      synopsis_(std::move(synopsis)),
      description_(std::move(description)) {}

void FlagSet::Add(Flag flag) { flags_.push_back(std::move(flag)); }

void FlagSet::String(std::string_view name, std::string* value,
                     std::string_view value_name, std::string_view help) {
  Add({.name = Str(name),
       .value_name = Str(value_name),
       .help = Str(help),
       .default_text = *value,
       .current = [value] { return std::optional<std::string>(*value); },
       .parse =
           [value](std::string_view text) {
             *value = Str(text);
             return absl::OkStatus();
           }});
}

void FlagSet::Bool(std::string_view name, bool* value, std::string_view help) {
  Add({.name = Str(name),
       .help = Str(help),
       .default_text = *value ? "true" : "",
       .is_bool = true,
       .quoted = false,
       .current =
           [value] { return std::optional<std::string>(BoolText(*value)); },
       .parse =
           [value](std::string_view text) {
             absl::StatusOr<bool> b = ParseBool(text);
             if (!b.ok()) return b.status();
             *value = *b;
             return absl::OkStatus();
           }});
}

void FlagSet::Uint64(std::string_view name, uint64_t* value,
                     std::string_view value_name, std::string_view help,
                     uint64_t max) {
  Add({.name = Str(name),
       .value_name = Str(value_name),
       .help = Str(help),
       .default_text = absl::StrCat(*value),
       .quoted = false,
       .current =
           [value] { return std::optional<std::string>(absl::StrCat(*value)); },
       .parse =
           [value, max](std::string_view text) {
             absl::StatusOr<uint64_t> n = ParseUint64(text);
             if (!n.ok()) return n.status();
             if (*n > max) {
               return absl::InvalidArgumentError(
                   absl::StrCat("must be at most ", max, ", got ", *n));
             }
             *value = *n;
             return absl::OkStatus();
           }});
}

void FlagSet::Uint32(std::string_view name, uint32_t* value,
                     std::string_view value_name, std::string_view help) {
  Add({.name = Str(name),
       .value_name = Str(value_name),
       .help = Str(help),
       .default_text = absl::StrCat(*value),
       .quoted = false,
       .current =
           [value] { return std::optional<std::string>(absl::StrCat(*value)); },
       .parse =
           [value](std::string_view text) {
             absl::StatusOr<uint64_t> n = ParseUint64(text);
             if (!n.ok()) return n.status();
             if (*n > UINT32_MAX) {
               return absl::InvalidArgumentError(
                   absl::StrCat("must be at most ", UINT32_MAX, ", got ", *n));
             }
             *value = static_cast<uint32_t>(*n);
             return absl::OkStatus();
           }});
}

void FlagSet::Bytes(std::string_view name, uint64_t* value,
                    std::string_view help) {
  Add({.name = Str(name),
       .value_name = "BYTES",
       .help = Str(help),
       .default_text = ByteSizeText(*value),
       .current =
           [value] { return std::optional<std::string>(ByteSizeText(*value)); },
       .parse =
           [value](std::string_view text) {
             absl::StatusOr<uint64_t> n = ParseByteSize(text);
             if (!n.ok()) return n.status();
             *value = *n;
             return absl::OkStatus();
           }});
}

void FlagSet::OptionalBytes(std::string_view name,
                            std::optional<uint64_t>* value,
                            std::string_view help) {
  Add({.name = Str(name),
       .value_name = "BYTES",
       .help = Str(help),
       .default_text = value->has_value() ? ByteSizeText(**value) : "",
       .current =
           [value] {
             return value->has_value()
                        ? std::optional<std::string>(ByteSizeText(**value))
                        : std::nullopt;
           },
       .parse =
           [value](std::string_view text) {
             absl::StatusOr<uint64_t> n = ParseByteSize(text);
             if (!n.ok()) return n.status();
             *value = *n;
             return absl::OkStatus();
           }});
}

void FlagSet::Double(std::string_view name, double* value,
                     std::string_view value_name, std::string_view help,
                     double min, double max) {
  Add({.name = Str(name),
       .value_name = Str(value_name),
       .help = Str(help),
       .default_text = absl::StrCat(*value),
       .current =
           [value] { return std::optional<std::string>(absl::StrCat(*value)); },
       .parse =
           [value, min, max](std::string_view text) {
             absl::StatusOr<double> d = ParseDouble(text);
             if (!d.ok()) return d.status();
             if (*d < min || *d > max) {
               return absl::InvalidArgumentError(absl::StrCat(
                   "must be between ", min, " and ", max, ", got ", *d));
             }
             *value = *d;
             return absl::OkStatus();
           }});
}

void FlagSet::Duration(std::string_view name, absl::Duration* value,
                       std::string_view help, bool allow_zero) {
  Add({.name = Str(name),
       .value_name = "DURATION",
       .help = Str(help),
       .default_text = FormatDurationShort(*value),
       .current =
           [value] {
             return std::optional<std::string>(FormatDurationShort(*value));
           },
       .parse =
           [value, allow_zero](std::string_view text) {
             absl::StatusOr<absl::Duration> d = ParseDurationFlag(text);
             if (!d.ok()) return d.status();
             if (*d < absl::ZeroDuration() ||
                 (!allow_zero && *d == absl::ZeroDuration())) {
               return absl::InvalidArgumentError(absl::StrCat(
                   "must be ", allow_zero ? "zero or positive" : "positive",
                   ", got ", absl::FormatDuration(*d)));
             }
             *value = *d;
             return absl::OkStatus();
           }});
}

void FlagSet::OptionalDuration(std::string_view name,
                               std::optional<absl::Duration>* value,
                               std::string_view help, bool allow_zero) {
  Add({.name = Str(name),
       .value_name = "DURATION",
       .help = Str(help),
       .default_text = value->has_value() ? FormatDurationShort(**value) : "",
       .current =
           [value] {
             return value->has_value() ? std::optional<std::string>(
                                             FormatDurationShort(**value))
                                       : std::nullopt;
           },
       .parse =
           [value, allow_zero](std::string_view text) {
             absl::StatusOr<absl::Duration> d = ParseDurationFlag(text);
             if (!d.ok()) return d.status();
             if (*d < absl::ZeroDuration() ||
                 (!allow_zero && *d == absl::ZeroDuration())) {
               return absl::InvalidArgumentError(absl::StrCat(
                   "must be ", allow_zero ? "zero or positive" : "positive",
                   ", got ", absl::FormatDuration(*d)));
             }
             *value = *d;
             return absl::OkStatus();
           }});
}

void FlagSet::Time(std::string_view name, std::optional<absl::Time>* value,
                   std::string_view help) {
  Add({.name = Str(name),
       .value_name = "TIME",
       .help = Str(help),
       .default_text = value->has_value() ? FormatRfc3339(**value) : "",
       .current =
           [value] {
             return value->has_value()
                        ? std::optional<std::string>(FormatRfc3339(**value))
                        : std::nullopt;
           },
       .parse =
           [value](std::string_view text) {
             absl::StatusOr<absl::Time> t = ParseTimeFlag(text, absl::Now());
             if (!t.ok()) return t.status();
             *value = *t;
             return absl::OkStatus();
           }});
}

void FlagSet::OptionalUint64(std::string_view name,
                             std::optional<uint64_t>* value,
                             std::string_view value_name,
                             std::string_view help) {
  Add({.name = Str(name),
       .value_name = Str(value_name),
       .help = Str(help),
       .default_text = value->has_value() ? absl::StrCat(**value) : "",
       .current =
           [value] {
             return value->has_value()
                        ? std::optional<std::string>(absl::StrCat(**value))
                        : std::nullopt;
           },
       .parse =
           [value](std::string_view text) {
             absl::StatusOr<uint64_t> n = ParseUint64(text);
             if (!n.ok()) return n.status();
             *value = *n;
             return absl::OkStatus();
           }});
}

void FlagSet::List(std::string_view name, std::vector<std::string>* value,
                   std::string_view value_name, std::string_view help) {
  Add({.name = Str(name),
       .value_name = Str(value_name),
       .help = Str(help),
       .default_text = absl::StrJoin(*value, ","),
       .current =
           [value] {
             return std::optional<std::string>(absl::StrJoin(*value, ","));
           },
       .parse =
           [value](std::string_view text) {
             for (std::string& item : SplitList(text)) {
               value->push_back(std::move(item));
             }
             return absl::OkStatus();
           }});
}

FlagSet::Flag* FlagSet::Find(std::string_view name) {
  for (Flag& f : flags_) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

bool FlagSet::was_set(std::string_view name) const {
  for (const Flag& f : flags_) {
    if (f.name == name) return f.set;
  }
  return false;
}

bool FlagSet::has(std::string_view name) const {
  return std::any_of(flags_.begin(), flags_.end(),
                     [name](const Flag& f) { return f.name == name; });
}

std::string FlagSet::Suggest(std::string_view name) const {
  std::string best;
  size_t best_distance = 3;  // Suggest only close matches.
  for (const Flag& f : flags_) {
    size_t d = EditDistance(name, f.name);
    if (d < best_distance || (best.empty() && name.size() >= 3 &&
                              absl::StartsWith(f.name, Absl(name)))) {
      best_distance = std::min(d, best_distance);
      best = f.name;
    }
  }
  return best;
}

absl::Status FlagSet::Parse(const std::vector<std::string>& args) {
  bool flags_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (flags_done || arg == "-" || arg.empty() || arg[0] != '-') {
      positional_.push_back(arg);
      continue;
    }
    if (arg == "--") {
      flags_done = true;
      continue;
    }
    if (arg == "-h" || arg == "--help" || arg == "-help") {
      help_requested_ = true;
      continue;
    }
    if (arg.size() < 3 || arg[1] != '-') {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown flag ", arg, ": flags are spelled --name (two dashes)"));
    }
    std::string_view body = std::string_view(arg).substr(2);
    std::optional<std::string_view> inline_value;
    if (size_t eq = body.find('='); eq != std::string_view::npos) {
      inline_value = body.substr(eq + 1);
      body = body.substr(0, eq);
    }
    Flag* flag = Find(body);
    if (flag == nullptr) {
      std::string message = absl::StrCat("unknown flag --", Absl(body));
      if (std::string hint = Suggest(body); !hint.empty()) {
        absl::StrAppend(&message, " (did you mean --", hint, "?)");
      }
      return absl::InvalidArgumentError(message);
    }
    std::string_view value;
    if (inline_value.has_value()) {
      value = *inline_value;
    } else if (flag->is_bool) {
      value = "true";
    } else if (i + 1 < args.size() && !absl::StartsWith(args[i + 1], "--")) {
      value = args[++i];
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("flag --", flag->name, " needs a value (--", flag->name,
                       " ", flag->value_name, ")"));
    }
    if (absl::Status s = flag->parse(value); !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad value for --", flag->name, ": ", s.message()));
    }
    flag->set = true;
  }
  return absl::OkStatus();
}

absl::Status FlagSet::Set(std::string_view name, std::string_view value) {
  Flag* flag = Find(name);
  if (flag == nullptr) {
    std::string message = absl::StrCat("unknown setting \"", Absl(name), "\"");
    if (std::string hint = Suggest(name); !hint.empty()) {
      absl::StrAppend(&message, " (did you mean \"", hint, "\"?)");
    }
    return absl::InvalidArgumentError(message);
  }
  if (absl::Status s = flag->parse(value); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad value for ", flag->name, ": ", s.message()));
  }
  return absl::OkStatus();
}

std::vector<FlagSet::Setting> FlagSet::Settings() const {
  std::vector<Setting> settings;
  settings.reserve(flags_.size());
  for (const Flag& f : flags_) {
    settings.push_back({f.name, f.current(), f.quoted});
  }
  return settings;
}

std::string FlagSet::Synopsis() const {
  return absl::StrCat("usage: ", command_, " ", synopsis_);
}

std::string FlagSet::Usage() const {
  std::string out = absl::StrCat(Synopsis(), "\n");
  if (!description_.empty()) absl::StrAppend(&out, "\n", description_, "\n");
  absl::StrAppend(&out, "\nflags:\n");
  constexpr size_t kColumn = 28;
  constexpr size_t kWidth = 79;
  auto line = [&out](std::string left, std::string_view help) {
    // Word-wrap the help text into the column right of the flag names.
    std::vector<std::string> lines(1);
    for (absl::string_view word :
         absl::StrSplit(Absl(help), ' ', absl::SkipEmpty())) {
      if (!lines.back().empty() &&
          kColumn + lines.back().size() + 1 + word.size() > kWidth) {
        lines.emplace_back();
      }
      if (!lines.back().empty()) lines.back() += ' ';
      absl::StrAppend(&lines.back(), word);
    }
    if (left.size() + 2 > kColumn) {
      absl::StrAppend(&out, left, "\n");
    } else {
      left.resize(kColumn, ' ');
      absl::StrAppend(&out, left, lines.front(), "\n");
      lines.erase(lines.begin());
    }
    for (const std::string& l : lines) {
      absl::StrAppend(&out, std::string(kColumn, ' '), l, "\n");
    }
  };
  for (const Flag& f : flags_) {
    std::string left = absl::StrCat("  --", f.name);
    if (!f.is_bool) absl::StrAppend(&left, " ", f.value_name);
    std::string help = f.help;
    if (!f.default_text.empty()) {
      absl::StrAppend(&help, " (default: ", f.default_text, ")");
    }
    line(left, help);
  }
  line("  -h, --help", "show this help");
  return out;
}

}  // namespace tidings::cli
