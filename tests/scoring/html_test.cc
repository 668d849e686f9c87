// Copyright 2026 The Tidings Authors.

#include "scoring/internal/html.h"

#include <string>

#include "gtest/gtest.h"

namespace tidings::scoring::internal {
namespace {

TEST(HtmlTest, Detection) {
  EXPECT_TRUE(LooksLikeHtml("<html><body><p>Gold rose.</p></body></html>"));
  EXPECT_TRUE(LooksLikeHtml("<div>a</div><p>b</p>"));
  EXPECT_FALSE(LooksLikeHtml("Gold rose 1% as yields < 4% and x > y."));
  EXPECT_FALSE(LooksLikeHtml("<b>only opening tags <i> here <u>"));
  EXPECT_FALSE(LooksLikeHtml(""));
}

TEST(HtmlTest, BlocksBecomeLinesAndHiddenContentGoes) {
  std::string out;
  HtmlToText(
      "<html><head><title>T</title><style>p{color:red}</style></head>\n"
      "<body><script>var a = '<p>';</script>\n"
      "<h1>Gold Advances on Tensions</h1>\n"
      "<p>Gold   gained\n for a <a href=\"/x?a>b\">second</a> day.</p>"
      "<!-- ad slot --><p>Silver<br>fell.</p><ul><li>One</li><li>Two</li></ul>"
      "</body></html>",
      &out);
  EXPECT_EQ(out,
            "Gold Advances on Tensions\n\nGold gained for a second day.\n\n"
            "Silver\nfell.\n\nOne\nTwo");
}

TEST(HtmlTest, StrayLessThanIsKept) {
  std::string out;
  HtmlToText("<p>yields < 4%</p>", &out);
  EXPECT_EQ(out, "yields < 4%");
}

}  // namespace
}  // namespace tidings::scoring::internal
