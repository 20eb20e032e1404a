#include "widgets/hit.h"

#include <imgui_internal.h>

#include <algorithm>

#include "widgets/theme.h"

namespace odr::kiosk {

void HitRegistry::add(std::string_view id, ImVec2 min, ImVec2 max, bool enabled, bool selected, bool target) {
  rects_[std::string(id)] = HitRect{min, max, enabled, selected, target, {}};
}

const HitRect* HitRegistry::find(std::string_view id) const {
  auto it = rects_.find(std::string(id));
  return it == rects_.end() ? nullptr : &it->second;
}

void HitRegistry::set_text(std::string_view id, std::string_view text) {
  auto it = rects_.find(std::string(id));
  if (it != rects_.end()) it->second.text.assign(text);
}

std::vector<std::string> HitRegistry::ids_with_prefix(std::string_view prefix) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : rects_)
    if (k.starts_with(prefix)) out.push_back(k);
  std::sort(out.begin(), out.end());
  return out;
}

void hit_add(std::string_view id, const ImVec2& min, const ImVec2& max, bool enabled, bool selected, bool target) {
  HitRegistry* reg = ui().hits;
  if (!reg) return;
  ImRect r(min, max);
  if (ImGuiWindow* w = ImGui::GetCurrentWindowRead()) r.ClipWithFull(w->ClipRect);
  // Only a target a finger can hit counts as there.
  if (r.GetWidth() < 8 || r.GetHeight() < 8) return;
  reg->add(id, r.Min, r.Max, enabled, selected, target);
}

void hit_text(std::string_view id, std::string_view text) {
  if (HitRegistry* reg = ui().hits) reg->set_text(id, text);
}

}  // namespace odr::kiosk
