// The kiosk's widgets, drawn with ImGui draw lists: big buttons, chips,
// choice cards, checkbox cards, cards, the step indicator, wrapped text that
// breaks Chinese correctly, and touch-scrolling regions. Every tappable
// widget takes a stable id and registers its rectangle (widgets/hit.h).
#pragma once
#include <imgui.h>
#include <imgui_internal.h>

#include <string>
#include <string_view>
#include <vector>

#include "widgets/theme.h"

namespace odr::kiosk {

enum class ButtonStyle { primary, secondary, ghost, danger };

// --- layout -----------------------------------------------------------------
// The next rectangle of the current window's flow (advances the cursor).
ImRect take(ImVec2 size);
ImRect take_row(float height);  // the full available width
void space(float height);
float avail_width();

// --- interaction ------------------------------------------------------------
// A tappable rectangle: fires when the finger lifts on it. Registers the hit
// rectangle under id. held: the finger is on it now (for the pressed look).
bool pressable(const char* id, const ImRect& bb, bool enabled, bool* held = nullptr, bool selected = false);

// --- text -------------------------------------------------------------------
void draw_text(ImDrawList* dl, ImFont* f, ImVec2 pos, ImU32 col, std::string_view s);
ImVec2 measure(ImFont* f, std::string_view s);
struct TextLine {
  size_t begin = 0, end = 0;  // byte range in the text
  float width = 0;
};
// Breaks at spaces, between Chinese characters, never before closing
// punctuation (，。）etc.) or after opening punctuation; '\n' breaks always.
std::vector<TextLine> wrap_text(ImFont* f, std::string_view s, float width);
float line_height(ImFont* f);  // the font's line step with the kiosk's line spacing
float wrapped_height(ImFont* f, std::string_view s, float width);
float draw_wrapped(ImDrawList* dl, ImFont* f, ImVec2 pos, float width, ImU32 col, std::string_view s);
// Flow versions: wrapped text in the current window, advancing the cursor.
void text_block(FontRole role, std::string_view s, ImU32 col, float width = 0);
// Text centred in a rectangle (one line).
void draw_text_centered(ImDrawList* dl, ImFont* f, const ImRect& r, ImU32 col, std::string_view s);
// The same with f scaled to size pixels.
void draw_text_centered_sized(ImDrawList* dl, ImFont* f, float size, const ImRect& r, ImU32 col, std::string_view s);
// An icon glyph centred on a point by its drawn shape (not its line box).
void draw_icon_centered(ImDrawList* dl, ImFont* f, ImVec2 center, ImU32 col, const char* icon);
// Text that must fit a width: drawn smaller (down to min_scale of its size)
// before anything is cut, and cut with "…" only below that. (English in
// large-text mode was cut to "What happe…" where a slightly smaller size fits.)
struct FittedText {
  std::string text;
  float size = 0;  // pixels to draw it at
  ImVec2 extent;
};
FittedText fit_text(ImFont* f, std::string_view s, float width, float min_scale = 0.8f);
// At pos, centred vertically within the font's own line height.
void draw_fitted(ImDrawList* dl, ImFont* f, ImVec2 pos, ImU32 col, const FittedText& t);
// Shortens with "…" to fit width.
std::string ellipsize(ImFont* f, std::string_view s, float width);

// --- surfaces ---------------------------------------------------------------
void draw_shadow(ImDrawList* dl, const ImRect& r, float radius, float strength = 1.0f);
void draw_card(ImDrawList* dl, const ImRect& r, ImU32 fill, float radius, bool shadow = true, ImU32 border = 0,
               float border_w = 2.0f);

// --- controls ---------------------------------------------------------------
// A big rounded button with an optional icon before the label.
bool button(const char* id, const ImRect& r, std::string_view label, const char* icon, ButtonStyle style,
            bool enabled = true, FontRole role = FontRole::body);
float button_width(std::string_view label, const char* icon);  // natural width with padding
// A round or square icon-only button.
bool icon_button(const char* id, const ImRect& r, const char* icon, ButtonStyle style, bool enabled = true);
// A selectable pill; with_check shows a tick box (multi-select) instead of nothing.
bool chip(const char* id, const ImRect& r, std::string_view label, bool selected, bool with_check);
float chip_width(std::string_view label, bool with_check);
struct ChipItem {
  std::string id;
  std::string label;
  bool selected = false;
};
// Lays chips out in rows across the available width; returns the index tapped or -1.
int chip_grid(const std::vector<ChipItem>& items, bool with_check, int columns = 0);
// A large card with an icon, a title and a line under it; selected shows the accent.
bool choice_card(const char* id, const ImRect& r, const char* icon, std::string_view title, std::string_view sub,
                 bool selected);
// A card with a tick box and wrapped text; returns true when tapped (the caller toggles).
bool checkbox_card(const char* id, float width, std::string_view text, bool checked, bool error);
// A section heading inside content: title font, optional line under it.
void section_title(std::string_view title, std::string_view sub = {});
// A one-line message with an icon (errors under fields, notices).
void message_line(const char* icon, std::string_view text, ImU32 col, float width = 0);

// The wizard's progress: numbered dots joined by a line; done steps show a
// tick, the current one is filled with the accent. labels may be null.
void step_indicator(const ImRect& r, int current, int count, const std::vector<std::string>& labels);

// --- scrolling --------------------------------------------------------------
// A child window over r that scrolls by dragging a finger (with a little
// inertia), by the mouse wheel, and shows a thin position bar.
void begin_scroll(const char* id, const ImRect& r);
void end_scroll();
// In a scroll region: scroll so that [min_y, max_y] (screen coordinates) is visible.
void scroll_into_view(float min_y, float max_y);

}  // namespace odr::kiosk
