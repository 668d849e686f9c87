// Copyright 2026 The Tidings Authors.
//
// html.h: publishers sometimes push a page as HTML rather than as the text a
// browser shows. This turns such markup into the text-with-lines form the
// page cleaner expects: block elements become line breaks, inline tags
// vanish, script/style/head/comments are dropped, and source whitespace
// collapses as a browser would. Character references are left for
// DecodeHtmlEntities (utf8.h).

#ifndef TIDINGS_SCORING_INTERNAL_HTML_H_
#define TIDINGS_SCORING_INTERNAL_HTML_H_

#include <string>
#include <string_view>

namespace tidings::scoring::internal {

// True when `s` reads as HTML markup: at least three tags, one of them a
// closing tag. Plain text with a stray '<' ("a < b") is not HTML.
bool LooksLikeHtml(std::string_view s);

// Writes the visible text of `html` to `out` (replacing its contents).
void HtmlToText(std::string_view html, std::string* out);

}  // namespace tidings::scoring::internal

#endif  // TIDINGS_SCORING_INTERNAL_HTML_H_
