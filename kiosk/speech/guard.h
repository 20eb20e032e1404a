// The last line against speaking personal data. The UI reads only fixed
// words (questions, labels, hints, errors) and never a value the shopper
// typed; should one slip through, anything shaped like a phone number is cut
// out before the synthesizer sees it. What is personal, and every other rule
// about it, lives in sync/core/model/personal.h; names cannot be told by
// shape, so keeping them out is the UI's part.
#pragma once
#include <string>
#include <string_view>

namespace odr::kiosk {

// `text` without its phone-number-shaped runs: 7 or more digits (ASCII or
// full-width), with single spaces or dashes allowed between them
// ("138 1234 5678", "0571-8888-6666"). An ISO date (2026-11-30) and shorter
// numbers (the 12315 hotline, amounts) stay. Invalid UTF-8 is dropped too
// (espeak-ng would read it as noise).
std::string guard_speech_text(std::string_view text);

}  // namespace odr::kiosk
