// Copyright 2026 The Tidings Authors.

#include "scoring/internal/utf8.h"

#include <string>

#include "gtest/gtest.h"

namespace tidings::scoring::internal {
namespace {

TEST(Utf8Test, ValidPrefix) {
  EXPECT_EQ(ValidUtf8Prefix("gold \xE2\x82\xAC"), 8u);
  EXPECT_EQ(ValidUtf8Prefix("ab\xC0\xAF"), 2u);           // overlong '/'
  EXPECT_EQ(ValidUtf8Prefix("ab\xED\xA0\x80"), 2u);       // surrogate
  EXPECT_EQ(ValidUtf8Prefix("ab\xF4\x90\x80\x80"), 2u);   // > U+10FFFF
  EXPECT_EQ(ValidUtf8Prefix("\xF0\x9F\x98\x80 ok"), 7u);  // emoji
}

TEST(Utf8Test, RepairReplacesBadBytesAndControls) {
  std::string out;
  EXPECT_FALSE(RepairText("plain text\n", &out));
  EXPECT_TRUE(RepairText(std::string("a\xFF"
                                     "b\0c\r\nd",
                                     8),
                         &out));
  EXPECT_EQ(out,
            "a\xEF\xBF\xBD"
            "b c\nd");
}

// RepairText one byte at a time, as its contract says: the reference for
// the block-wise scan.
std::string RepairByBytes(std::string_view s) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = s[i];
    if (c >= 0x80) {
      const size_t len =
          ValidUtf8Prefix(s.substr(i, 4).substr(0, c >= 0xF0   ? 4
                                                   : c >= 0xE0 ? 3
                                                   : c >= 0xC0 ? 2
                                                               : 1));
      if (len == 0 || c < 0xC2) {
        out += "\xEF\xBF\xBD";
        ++i;
      } else {
        out.append(s.substr(i, len));
        i += len;
      }
    } else if (c == '\r') {
      out += '\n';
      i += i + 1 < s.size() && s[i + 1] == '\n' ? 2 : 1;
    } else if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) {
      out += ' ';
      ++i;
    } else {
      out += static_cast<char>(c);
      ++i;
    }
  }
  return out;
}

TEST(Utf8Test, RepairFindsEveryBadByteAtEveryPosition) {
  // Each byte that needs repair (and some that do not: TAB, LF, valid
  // sequences) at every position of texts longer than two 16-byte blocks,
  // alone and in pairs.
  const std::string bad[] = {std::string(1, '\0'),
                             "\x01",
                             "\x1F",
                             "\x7F",
                             "\r",
                             "\r\n",
                             "\t",
                             "\n",
                             "\xFF",
                             "\x80",
                             "\xC0\xAF",
                             "\xE2\x82",
                             "\xE2\x82\xAC",
                             "\xED\xA0\x80",
                             "\xF0\x9F\x98\x80",
                             "\xF4\x90\x80\x80",
                             "\xC3\xA9"};
  const std::string plain = "Gold rose 2% on Tuesday, traders said in London";
  std::string out;
  for (size_t len : {15u, 16u, 17u, 33u, 47u}) {
    const std::string base = plain.substr(0, len);
    for (size_t at = 0; at <= len; ++at) {
      for (const std::string& b : bad) {
        std::string s = base;
        s.insert(at, b);
        for (const std::string& also : {std::string(), std::string("\x02")}) {
          std::string t = s;
          if (!also.empty()) t.insert((at * 7) % (t.size() + 1), also);
          const std::string want = RepairByBytes(t);
          const bool changed = RepairText(t, &out);
          EXPECT_EQ(changed, want != t) << len << " " << at;
          EXPECT_EQ(changed ? out : t, want) << len << " " << at;
        }
      }
    }
  }
}

TEST(Utf8Test, DecodesEntitiesAndRemnants) {
  std::string out;
  EXPECT_FALSE(DecodeHtmlEntities("no references; here", &out));
  EXPECT_TRUE(DecodeHtmlEntities("up &#36;5 &amp; more &quot;x&quot;", &out));
  EXPECT_EQ(out, "up $5 & more \"x\"");
  EXPECT_TRUE(DecodeHtmlEntities("China #39;s move, quot;hi", &out));
  EXPECT_EQ(out, "China 's move, \"hi");
  EXPECT_TRUE(DecodeHtmlEntities("&#x20AC;1", &out));
  EXPECT_EQ(out,
            "\xE2\x82\xAC"
            "1");
  EXPECT_FALSE(DecodeHtmlEntities("&bogus; &#; &#xZZ; R&D; equal;", &out));
}

}  // namespace
}  // namespace tidings::scoring::internal
