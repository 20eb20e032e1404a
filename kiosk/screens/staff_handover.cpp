// The screen handed to the consumer: a satisfaction rating on five big
// faces with an optional comment, or the withdrawal of their complaint,
// which they confirm themselves. No staff controls show; afterwards the
// screen goes back to staff.
#include <cmath>
#include <optional>
#include <utility>

#include "screens/staff_mode.h"
#include "staff/staff_actions.h"
#include "widgets/icons.h"
#include "widgets/widgets.h"

namespace odr::kiosk {

namespace {

// A face from very unhappy (1) to very happy (5), drawn with the draw list.
void draw_face(ImDrawList* dl, ImVec2 c, float r, int score, bool selected) {
  static const ImU32 fills[] = {IM_COL32(0xE5, 0x57, 0x4B, 0xFF), IM_COL32(0xF0, 0x8A, 0x3C, 0xFF),
                                IM_COL32(0xF2, 0xC1, 0x3A, 0xFF), IM_COL32(0x9C, 0xCB, 0x4A, 0xFF),
                                IM_COL32(0x3F, 0xB0, 0x5E, 0xFF)};
  const ImU32 ink = IM_COL32(0x16, 0x1E, 0x2E, 0xFF);
  if (selected) dl->AddCircleFilled(c, r + 14, ui().pal.accent, 64);
  dl->AddCircleFilled(c, r, fills[score - 1], 64);
  dl->AddCircle(c, r, IM_COL32(0, 0, 0, 0x30), 64, 3);
  const float eye = r * 0.09f;
  dl->AddCircleFilled(ImVec2(c.x - r * 0.33f, c.y - r * 0.22f), eye, ink);
  dl->AddCircleFilled(ImVec2(c.x + r * 0.33f, c.y - r * 0.22f), eye, ink);
  const float pi = 3.14159265f, w = r * 0.09f;
  // The mouth: a frown, a flat line or a smile, deeper toward the ends.
  const float bend = (score - 3) * 0.5f;  // -1 .. 1
  if (score == 3) {
    dl->AddLine(ImVec2(c.x - r * 0.38f, c.y + r * 0.35f), ImVec2(c.x + r * 0.38f, c.y + r * 0.35f), ink, w);
  } else if (bend > 0) {
    const float span = 0.25f + 0.25f * bend;
    dl->PathArcTo(ImVec2(c.x, c.y + r * 0.05f), r * 0.5f, pi * (0.5f - span), pi * (0.5f + span), 32);
    dl->PathStroke(ink, 0, w);
  } else {
    const float span = 0.25f - 0.25f * bend;
    dl->PathArcTo(ImVec2(c.x, c.y + r * 0.85f), r * 0.5f, pi * (1.5f - span), pi * (1.5f + span), 32);
    dl->PathStroke(ink, 0, w);
  }
}

void handback(StaffMode& s, App& app) {
  app.set_locale(app.config().default_locale);
  s.handover_done = false;
  s.lock_for_handback(app);
}

// "Thank you, please hand the screen back": then back to staff by itself.
bool thanked(StaffMode& s, App& app, float W) {
  if (!s.handover_done) return false;
  section_title(tr("staff.handover.title"), tr("staff.handover.give_back"));
  ImRect r = take(ImVec2(std::min(W, 600.0f), ui().m.button_h));
  if (button("staff.handover.back", r, tr("staff.handover.back"), ICON_ARROW_BACK, ButtonStyle::secondary) ||
      s.now_ms(app) - s.handover_done_ms >= 4000) {
    handback(s, app);
  }
  ui().animating = true;
  return true;
}

// The screen's column width; nullopt when there is nothing to ask (the
// consumer has answered and is thanked, or no complaint is open): the
// screen is done.
std::optional<float> handover_begin(StaffMode& s, App& app, const char* id, float max_w) {
  const float W = staff_content_begin(s, app, id, max_w);
  space(ui().m.gap * 2);
  if (thanked(s, app, W) || !s.detail) {
    staff_content_end();
    return std::nullopt;
  }
  return W;
}

// The two buttons at the bottom: back out on the left, go on on the right.
std::pair<ImRect, ImRect> button_pair(float W) {
  const Metrics& m = ui().m;
  const float bw = (std::min(W, 1000.0f) - m.gap) * 0.5f;
  ImVec2 o = ImGui::GetCursorScreenPos();
  take(ImVec2(W, m.button_h));
  return {ImRect(o, ImVec2(o.x + bw, o.y + m.button_h)),
          ImRect(ImVec2(o.x + bw + m.gap, o.y), ImVec2(o.x + 2 * bw + m.gap, o.y + m.button_h))};
}

// The consumer's answer is saved: thank them, and let the sync take it.
void handed_over(StaffMode& s, App& app) {
  s.handover_done = true;
  s.handover_done_ms = s.now_ms(app);
  if (s.env.wake_sync) s.env.wake_sync();
}

}  // namespace

void staff_handover_rating(StaffMode& s, App& app) {
  const Palette& p = ui().pal;
  const Metrics& m = ui().m;
  const std::optional<float> column = handover_begin(s, app, "staff.content.rating", 1400);
  if (!column) return;
  const float W = *column;
  section_title(tr("staff.rate.title"), trf("staff.rate.sub", {{"ticket", s.detail->row.ticket}}));
  space(m.gap);
  const float cell = std::min(240.0f, (W - 4 * m.gap) / 5);
  ImRect row = take(ImVec2(W, cell + 70));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float x0 = row.Min.x + (W - (5 * cell + 4 * m.gap)) * 0.5f;
  for (int score = 1; score <= 5; ++score) {
    ImRect r(ImVec2(x0 + (score - 1) * (cell + m.gap), row.Min.y), ImVec2(x0 + (score - 1) * (cell + m.gap) + cell, row.Max.y));
    const std::string id = "staff.rate." + std::to_string(score);
    if (pressable(id.c_str(), r, true, nullptr, s.rating == score)) s.rating = score;
    draw_face(dl, ImVec2(r.GetCenter().x, r.Min.y + cell * 0.5f), cell * 0.5f - 18, score, s.rating == score);
    const char* label = tr("staff.rate.label." + std::to_string(score));
    ImFont* f = font_for(FontRole::body, label);
    draw_text_centered(dl, f, ImRect(ImVec2(r.Min.x - 20, r.Min.y + cell), ImVec2(r.Max.x + 20, r.Max.y)),
                       s.rating == score ? p.accent : p.text, label);
  }
  space(m.gap * 1.5f);
  TextFieldSpec spec;
  spec.label = tr("staff.rate.comment");
  spec.hint = tr("staff.rate.comment_hint");
  spec.optional = true;
  spec.lines = 2;
  app.field({"staff.rate.comment", "", &s.comment, FieldKind::text, 500}, spec);
  space(m.gap * 1.5f);
  const auto [skip, submit] = button_pair(W);
  if (button("staff.rate.skip", skip, tr("staff.rate.skip"), ICON_CLOSE, ButtonStyle::secondary)) handback(s, app);
  if (button("staff.rate.submit", submit, tr("staff.rate.submit"), ICON_CHECK, ButtonStyle::primary, s.rating > 0) &&
      s.session && s.env.store) {
    try {
      record_satisfaction(*s.env.store, s.session->account.id, s.detail->row.id, s.rating, s.comment);
      wipe_string(s.comment);
      app.unfocus();
      handed_over(s, app);
    } catch (const StoreError& e) {
      s.notice_error(e.what());
    }
  }
  staff_content_end();
}

void staff_handover_withdraw(StaffMode& s, App& app) {
  const Palette& p = ui().pal;
  const Metrics& m = ui().m;
  const std::optional<float> column = handover_begin(s, app, "staff.content.withdraw", 1200);
  if (!column) return;
  const float W = *column;
  section_title(trf("staff.withdraw.title", {{"ticket", s.detail->row.ticket}}), tr("staff.withdraw.sub"));
  text_block(FontRole::body, tr("staff.withdraw.reason"), p.text_muted, W);
  space(8);
  static const char* reasons[] = {"resolved", "not_needed", "other"};
  std::vector<ChipItem> chips;
  for (const char* r : reasons) {
    const std::string label = tr(std::string("staff.withdraw.reason.") + r);
    chips.push_back({std::string("staff.withdraw.reason.") + r, label, s.reason == label});
  }
  int t = chip_grid(chips, false);
  if (t >= 0) s.reason = chips[static_cast<size_t>(t)].label;
  space(m.gap * 1.5f);
  message_line(ICON_INFO, tr("staff.withdraw.note"), p.text_muted, W);
  space(m.gap * 1.5f);
  const auto [cancel, ok] = button_pair(W);
  if (button("staff.withdraw.cancel", cancel, tr("staff.withdraw.cancel"), ICON_CLOSE, ButtonStyle::secondary))
    handback(s, app);
  if (button("staff.withdraw.confirm", ok, tr("staff.withdraw.confirm"), ICON_CHECK, ButtonStyle::danger) && s.session &&
      s.env.store) {
    try {
      record_withdrawn(*s.env.store, s.session->account.id, s.detail->row.id, s.reason);
      handed_over(s, app);
    } catch (const StoreError& e) {
      s.notice_error(e.what());
    }
  }
  staff_content_end();
}

}  // namespace odr::kiosk
