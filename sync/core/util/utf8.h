// UTF-8 checks. Lengths in the protocol are counted in Unicode code points.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace odr {

// True when s is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool is_valid_utf8(std::string_view s);
// Number of code points; only meaningful for valid UTF-8.
size_t codepoint_count(std::string_view s);
// True when s holds a C0/C1 control character or DEL. allow_newlines lets
// '\n' (and "\r\n") through, for multi-line text such as the description.
bool has_control_chars(std::string_view s, bool allow_newlines);
// Decodes one code point at s[i], advancing i; returns U+FFFD on bad input.
// True when s holds an invisible formatting character that can reorder or
// hide text: bidi embeddings, overrides, isolates and marks, zero-width
// spaces and joiners, word joiners, BOM, soft hyphen, interlinear
// annotation. A zero-width joiner right after an emoji (family, flag
// sequences) is allowed. Only meaningful for valid UTF-8.
bool has_hidden_format_chars(std::string_view s);
// Text from someone else made fit to keep and show: bad UTF-8 becomes
// U+FFFD, control characters (but newlines) and hidden formatting
// characters are dropped, and it is cut to max code points. For what the
// platform writes (an update's note), which we may not refuse.
std::string printable_text(std::string_view s, size_t max_codepoints);
char32_t next_codepoint(std::string_view s, size_t& i);
void append_utf8(std::string& out, char32_t cp);
// Removes the last code point (for backspace).
void pop_codepoint(std::string& s);

}  // namespace odr
