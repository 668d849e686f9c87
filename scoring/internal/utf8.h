// Copyright 2026 The Tidings Authors.
//
// utf8.h: validation and repair of untrusted text.

#ifndef TIDINGS_SCORING_INTERNAL_UTF8_H_
#define TIDINGS_SCORING_INTERNAL_UTF8_H_

#include <string>
#include <string_view>

namespace tidings::scoring::internal {

// Length of the valid UTF-8 prefix of `s` (== s.size() when all valid).
// Overlong forms, surrogates and code points above U+10FFFF are invalid.
size_t ValidUtf8Prefix(std::string_view s);

// Copies `s` to `out`, replacing each invalid byte with U+FFFD and each
// control character other than TAB and LF (NUL included) with a space;
// CR LF and lone CR become LF. Returns true when anything was changed.
bool RepairText(std::string_view s, std::string* out);

// Decodes HTML character references left in scraped text: numeric ones
// ("&#36;", "&#x24;"), the common named ones ("&amp;", "&quot;", "&nbsp;"),
// and the remnants that lost their '&' in some datasets ("#39;", "quot;")
// when they start a word. Writes to `out` (reusing its capacity) and returns
// true only when something was decoded (`out` is untouched otherwise).
// `s` must not view `*out`.
bool DecodeHtmlEntities(std::string_view s, std::string* out);

}  // namespace tidings::scoring::internal

#endif  // TIDINGS_SCORING_INTERNAL_UTF8_H_
