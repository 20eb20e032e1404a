#include "widgets/theme.h"

#include <cmath>

namespace odr::kiosk {

namespace {
Ui* g_ui = nullptr;
}

Ui& ui() {
  static Ui fallback;
  return g_ui ? *g_ui : fallback;
}
void set_ui(Ui* u) { g_ui = u; }

void layout_theme(Ui& u, ImVec2 display, bool large) {
  u.display = display;
  u.portrait = display.y > display.x;
  u.large = large;
  // Elderly mode: every control's edge at 3:1 (the dividers too: it does no harm).
  u.pal = Palette();
  if (large) u.pal.border = u.pal.outline;
  Metrics m;
  m.s = large ? 1.18f : 1.0f;
  const float s = m.s;
  m.margin = (u.portrait ? 40 : 56);
  m.gap = 24 * s;
  m.radius = 20;
  m.card_radius = 24;
  m.button_h = IM_ROUND(100 * s);
  m.chip_h = IM_ROUND(84 * s);
  m.field_h = IM_ROUND(92 * s);
  m.header_h = IM_ROUND(104 * std::min(s, 1.1f));
  m.steps_h = IM_ROUND(96 * std::min(s, 1.1f));  // the dots and a line of step names under them
  m.footer_h = IM_ROUND(140 * std::min(s, 1.1f));
  if (u.portrait) {
    m.assist_h = IM_ROUND(std::max(80.0f, 84 * s)) + 20;
    m.footer_h += m.assist_h;
  }
  u.m = m;
}

void apply_imgui_style() {
  ImGuiStyle& st = ImGui::GetStyle();
  st = ImGuiStyle();
  st.WindowPadding = ImVec2(0, 0);
  st.WindowBorderSize = 0;
  st.WindowRounding = 0;
  st.ChildBorderSize = 0;
  st.FramePadding = ImVec2(0, 0);
  st.ItemSpacing = ImVec2(0, 0);
  st.ItemInnerSpacing = ImVec2(0, 0);
  st.ScrollbarSize = 0;  // touch scrolling; the kiosk draws its own thin indicator
  st.AntiAliasedFill = true;
  st.AntiAliasedLines = true;
  st.Colors[ImGuiCol_WindowBg] = ImVec4(0, 0, 0, 0);
  st.Colors[ImGuiCol_ChildBg] = ImVec4(0, 0, 0, 0);
  st.Colors[ImGuiCol_Text] = ImGui::ColorConvertU32ToFloat4(ui().pal.text);
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // nothing on disk: the kiosk's layout is fixed
  io.LogFilename = nullptr;
  io.ConfigFlags |= ImGuiConfigFlags_NoMouseCursorChange;
  io.MouseDragThreshold = 14;  // a finger wobbles more than a mouse
}

ImFont* font(FontRole role) {
  Ui& u = ui();
  return u.fonts ? u.fonts->font(role, u.large) : ImGui::GetFont();
}

ImFont* font_for(FontRole role, std::string_view text) {
  Ui& u = ui();
  return u.fonts ? u.fonts->font_for(role, u.large, text) : ImGui::GetFont();
}

ImFont* large_font_for(std::string_view text, bool* big) {
  Ui& u = ui();
  ImFont* f = u.fonts ? u.fonts->font_for(FontRole::body, true, text) : ImGui::GetFont();
  *big = u.fonts && f == u.fonts->font(FontRole::body, true) && f != u.fonts->font(FontRole::body, false);
  return f;
}

namespace {
float channel(float c) { return c <= 0.03928f ? c / 12.92f : std::pow((c + 0.055f) / 1.055f, 2.4f); }
float luminance(ImU32 c) {
  ImVec4 v = ImGui::ColorConvertU32ToFloat4(c);
  return 0.2126f * channel(v.x) + 0.7152f * channel(v.y) + 0.0722f * channel(v.z);
}
}  // namespace

float contrast_ratio(ImU32 a, ImU32 b) {
  float la = luminance(a), lb = luminance(b);
  if (la < lb) std::swap(la, lb);
  return (la + 0.05f) / (lb + 0.05f);
}

}  // namespace odr::kiosk
