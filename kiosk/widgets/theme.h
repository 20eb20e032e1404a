// The kiosk's look in one place: colours (one accent, checked for 4.5:1
// contrast in tests/kiosk), sizes that follow the screen's orientation and
// the large-text mode, and the context every widget reads (like ImGui's
// current context): fonts, theme, hit registry, clock.
#pragma once
#include <imgui.h>

#include <algorithm>
#include <imgui_internal.h>

#include <string>
#include <vector>

#include "widgets/fonts.h"

namespace odr::kiosk {

class HitRegistry;

// One piece of text as drawn this frame: where, how big, in what colour,
// inside which clip rectangle. Only the tour's screen maps keep these (the
// elderly-mode test measures each one in the screenshot).
struct TextDraw {
  ImVec2 pos, extent;  // top-left and size in pixels
  float font_px = 0;   // the font's pixel size as ImGui counts it (line height)
  ImU32 col = 0;
  ImRect clip;
  std::string text;
};

struct Palette {
  ImU32 bg = IM_COL32(0xF2, 0xF4, 0xF8, 0xFF);          // page background
  ImU32 surface = IM_COL32(0xFF, 0xFF, 0xFF, 0xFF);     // cards, fields, keys
  ImU32 surface_alt = IM_COL32(0xE9, 0xED, 0xF3, 0xFF); // chips, keyboard tray
  ImU32 pressed = IM_COL32(0xDC, 0xE3, 0xEE, 0xFF);     // a surface under a finger
  ImU32 text = IM_COL32(0x16, 0x1E, 0x2E, 0xFF);
  ImU32 text_muted = IM_COL32(0x4E, 0x5A, 0x6E, 0xFF);
  ImU32 border = IM_COL32(0xCF, 0xD7, 0xE3, 0xFF);       // dividers and card edges (decoration)
  // An empty field: a sunken fill and a lighter hint (4.9:1 on it), so an
  // example such as "例如：299" never looks typed in already.
  ImU32 field_empty = IM_COL32(0xF3, 0xF5, 0xF9, 0xFF);
  ImU32 placeholder = IM_COL32(0x5F, 0x6B, 0x7D, 0xFF);
  // Edges that show where a control is (fields, keys): >= 3:1 against white,
  // the page and the keyboard tray (WCAG 1.4.11, non-text contrast).
  ImU32 outline = IM_COL32(0x76, 0x83, 0x9A, 0xFF);
  ImU32 unavailable = IM_COL32(0x5F, 0x6B, 0x7D, 0xFF);   // days that cannot be picked: 5.4:1 on white
  ImU32 accent = IM_COL32(0x1A, 0x5C, 0xD0, 0xFF);       // the one accent: white on it is 5.9:1
  ImU32 accent_pressed = IM_COL32(0x13, 0x47, 0xA6, 0xFF);
  ImU32 accent_soft = IM_COL32(0xE4, 0xED, 0xFC, 0xFF);  // selected cards and chips
  ImU32 on_accent = IM_COL32(0xFF, 0xFF, 0xFF, 0xFF);
  ImU32 error = IM_COL32(0xB4, 0x23, 0x18, 0xFF);
  ImU32 error_soft = IM_COL32(0xFD, 0xEC, 0xEA, 0xFF);
  ImU32 success = IM_COL32(0x12, 0x7A, 0x3C, 0xFF);
  ImU32 success_soft = IM_COL32(0xE3, 0xF4, 0xE9, 0xFF);
  ImU32 disabled_bg = IM_COL32(0xD9, 0xDE, 0xE6, 0xFF);
  ImU32 disabled_text = IM_COL32(0x55, 0x5F, 0x70, 0xFF);
  ImU32 shadow = IM_COL32(0x10, 0x20, 0x40, 0x10);
  ImU32 scrim = IM_COL32(0x0C, 0x14, 0x24, 0x99);  // behind dialogs
};

// Sizes in pixels for the current screen; large-text mode scales them.
struct Metrics {
  float s = 1.0f;          // scale: 1 normal, ~1.2 large text
  float margin = 48;       // page margin
  float gap = 24;          // between elements
  float radius = 20;       // buttons, fields
  float card_radius = 24;
  float button_h = 100;    // big buttons (>= 60 px targets everywhere)
  float chip_h = 84;
  float field_h = 92;
  float header_h = 104;
  float steps_h = 104;
  float footer_h = 140;
  float assist_h = 0;      // portrait: the footer's row for call-staff and read-aloud
};

struct Ui {
  FontAtlases* fonts = nullptr;
  HitRegistry* hits = nullptr;
  Palette pal;
  Metrics m;
  bool large = false;     // large-text mode
  bool portrait = false;  // taller than wide
  ImVec2 display{1920, 1080};
  double time_s = 0;      // for animations
  bool animating = false; // set by widgets during a frame that want another frame soon
  // A widget that needs a frame at a given time (a held key's next repeat, the
  // end of a handwriting pause): seconds from now; < 0 none. Sooner than
  // animation frames, which may be 0.25 s apart.
  double next_frame_in_s = -1;
  void frame_within(double s) { next_frame_in_s = next_frame_in_s < 0 ? s : std::min(next_frame_in_s, s); }
  // Where the animation is, when it is all that changes: the platform may then
  // redraw only this part of the screen (a software renderer's saving).
  ImVector<ImRect> anim_rects;
  void animate_in(const ImRect& r) { anim_rects.push_back(r); }
  // The focused text field's id and the keyboard's composition to show in it.
  std::string focus_id;
  std::string preedit;
  bool compact = false;          // landscape with the keyboard up: headings without their line
  bool scroll_to_focus = false;  // the focused field scrolls itself into view once
  float column_w = 0;            // the current form column's width (0: the window's)
  std::string disabled_tap_id;   // a disabled control tapped this frame (Next: show what is missing)
  // Taps that land on a screen or dialog in its first moments were aimed at
  // the one before it (a double tap on Submit must not press Finish): a press
  // that starts before guard_until_s (ImGui's clock) presses nothing.
  double tap_guard_s = 0.5;
  double guard_until_s = 0;
  std::vector<TextDraw>* text_log = nullptr;  // non-null: every text drawn is recorded (the tour)
  std::string screen_tag;        // set by whoever draws: a change of it starts the guard
  float scroll_y = 0;  // of the last scrolling area drawn (the UI drivers' reveal)
  bool screen_fresh = true;      // the first frame of a screen: its scrolling areas start at the top
  bool tap_guard_active() const { return ImGui::GetTime() < guard_until_s; }
  void start_tap_guard() { guard_until_s = ImGui::GetTime() + tap_guard_s; }
};

Ui& ui();
void set_ui(Ui* u);

// Sets sizes for the display and mode; call each frame before drawing.
void layout_theme(Ui& u, ImVec2 display, bool large);
// ImGui's own style: no window padding or decorations, touch-sized scrollbars.
void apply_imgui_style();

ImFont* font(FontRole role);
// The font to draw this text in (falls back to the body font, which has all
// of GB 2312, when a large-text font lacks a character; see FontAtlases::font_for).
ImFont* font_for(FontRole role, std::string_view text);
// The large-text body font for this text whatever the mode, to draw it big
// (handwriting candidates). Until it has every character (they are asked
// for), the body font with *big false: draw that at its own size, since
// scaled up its atlas neighbours bleed in.
ImFont* large_font_for(std::string_view text, bool* big);

// WCAG 2 contrast ratio of two opaque colours (>= 4.5 for body text).
float contrast_ratio(ImU32 a, ImU32 b);

}  // namespace odr::kiosk
