// Copyright 2026 The Tidings Authors.
//
// json_text.h: the text of JSON values as protobuf 3.21's JSON printer writes
// them (strings escaped as its JsonEscaping, doubles as SimpleDtoa), for the
// typed writer of `tidings score --jsonl` (signal_json.cc), and the strict
// UTF-8 decoding it shares with the line parser (jsonl_line.cc).
//
// Each function gives exactly protobuf's text for the values it accepts and
// says no to the rest (the caller then uses MessageToJsonString).
// bench/README.md ("Issue 12 item 4") has the measurements.

#ifndef TIDINGS_SERVICE_CLI_JSON_TEXT_H_
#define TIDINGS_SERVICE_CLI_JSON_TEXT_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace tidings::cli::score_json {

// Decodes the UTF-8 sequence at s[i] strictly (no overlong forms, surrogates
// or values above U+10FFFF): its length, or 0 when it is not valid. Inline:
// the escaper's and the line parser's loops call it for every non-ASCII
// character.
inline size_t DecodeUtf8(std::string_view s, size_t i, uint32_t* cp) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  const size_t len = c < 0x80           ? 1
                     : (c >> 5) == 0x6  ? 2
                     : (c >> 4) == 0xE  ? 3
                     : (c >> 3) == 0x1E ? 4
                                        : 0;
  if (len == 0 || i + len > s.size()) return 0;
  uint32_t v = len == 1 ? c : c & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) {
    const unsigned char t = static_cast<unsigned char>(s[i + k]);
    if ((t & 0xC0) != 0x80) return 0;
    v = (v << 6) | (t & 0x3F);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (v < kMin[len] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return len;
}

// Appends `s` quoted and escaped as JsonEscaping::Escape of protobuf 3.21.
// Returns false (with `out` holding a partial text) when `s` is not valid
// UTF-8.
bool AppendEscaped(std::string_view s, std::string* out);

// Appends the text of google::protobuf::SimpleDtoa(v) (%.15g, or %.17g when
// that does not read back as the same double) without printf. `v` finite.
void AppendDouble(double v, std::string* out);

// AppendDouble with a memory of the texts it printed, direct-mapped by the
// double's bits (4,096 entries, 128 KiB). Sentiment proportions and scores
// repeat: on the news corpus 9 of 10 doubles printed are found here.
// Append is inline (the hit is a copy of a few bytes, once per double
// printed; out of line it cost 6.6 M more instructions on the corpus).
class DoubleTextCache {
 public:
  void Append(double v, std::string* out) {
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof(bits));
    Entry& e = entries_[(bits * 0x9E3779B97F4A7C15ULL) >> (64 - kBits)];
    if (e.size != 0 && e.bits == bits) {
      out->append(e.text, e.size);
      return;
    }
    const size_t start = out->size();
    AppendDouble(v, out);
    const size_t size = out->size() - start;
    if (size <= sizeof(e.text)) {  // Always: at most 24 characters.
      e.bits = bits;
      e.size = static_cast<uint8_t>(size);
      std::memcpy(e.text, out->data() + start, size);
    }
  }

 private:
  static constexpr int kBits = 12;
  struct Entry {
    uint64_t bits = 0;
    uint8_t size = 0;  // 0: empty (no double prints as "").
    char text[24];
  };
  std::vector<Entry> entries_ = std::vector<Entry>(size_t{1} << kBits);
};

}  // namespace tidings::cli::score_json

#endif  // TIDINGS_SERVICE_CLI_JSON_TEXT_H_
