// Where the tappable things are: every widget registers its on-screen
// rectangle under a stable id ("nav.next", "kb.key.a", "business.mall")
// each frame. The UI test driver and the tour tap by id; nothing else reads it.
#pragma once
#include <imgui.h>

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace odr::kiosk {

struct HitRect {
  ImVec2 min, max;  // the visible part (clipped by scrolling regions)
  bool enabled = true;
  bool selected = false;  // checkboxes, chips, choice cards: their state
  bool target = false;    // something to press (else a value shown, for the tests to read)
  std::string text;       // what a field or value shows (tests check masking with it)
  ImVec2 center() const { return ImVec2((min.x + max.x) * 0.5f, (min.y + max.y) * 0.5f); }
};

class HitRegistry {
 public:
  void begin_frame() { rects_.clear(); }
  void add(std::string_view id, ImVec2 min, ImVec2 max, bool enabled, bool selected = false, bool target = false);
  const HitRect* find(std::string_view id) const;
  void set_text(std::string_view id, std::string_view text);
  std::vector<std::string> ids_with_prefix(std::string_view prefix) const;
  size_t size() const { return rects_.size(); }

 private:
  std::unordered_map<std::string, HitRect> rects_;
};

// Registers in the current Ui's registry (if any), clipped to the current
// window's clip rectangle; nothing when fully clipped. target: a finger
// presses it (pressable() says so; a value shown for tests to read does not).
void hit_add(std::string_view id, const ImVec2& min, const ImVec2& max, bool enabled, bool selected = false,
             bool target = false);
// Records the text shown for id (registered this frame).
void hit_text(std::string_view id, std::string_view text);

}  // namespace odr::kiosk
