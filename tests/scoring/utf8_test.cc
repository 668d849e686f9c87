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
