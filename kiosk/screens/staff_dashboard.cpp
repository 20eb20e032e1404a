// The store's ODR figures for the last 7 / 30 / 90 days (computed by SQL in
// sync/reports) and a bar chart of complaints per day.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "screens/staff_mode.h"
#include "util/time.h"
#include "widgets/icons.h"
#include "widgets/widgets.h"

namespace odr::kiosk {

namespace {

std::string percent(const std::optional<double>& v) {
  if (!v) return "—";
  char b[16];
  std::snprintf(b, sizeof b, "%.0f%%", *v * 100.0);
  return b;
}

std::string minutes_text(const std::optional<double>& v) {
  if (!v) return "—";
  if (*v < 120) return trf("staff.dash.minutes_title", {{"n", std::to_string(static_cast<long long>(std::lround(*v)))}});
  char b[16];
  std::snprintf(b, sizeof b, "%.1f", *v / 60.0);
  return trf("staff.dash.hours_title", {{"n", b}});
}

void tile(const ImRect& r, std::string_view value, std::string_view label, std::string_view sub, ImU32 col) {
  const Palette& p = ui().pal;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  draw_card(dl, r, p.surface, ui().m.card_radius, true);
  ImFont* fv = font_for(FontRole::title, value);
  draw_text(dl, fv, ImVec2(r.Min.x + 28, r.Min.y + 20), col, value);
  ImFont* fl = font_for(FontRole::body, label);
  draw_text(dl, fl, ImVec2(r.Min.x + 28, r.Min.y + 30 + fv->FontSize), p.text, ellipsize(fl, label, r.GetWidth() - 56));
  if (!sub.empty()) {
    ImFont* fs = font_for(FontRole::body, sub);
    draw_text(dl, fs, ImVec2(r.Min.x + 28, r.Min.y + 38 + fv->FontSize + fl->FontSize), p.text_muted,
              ellipsize(fs, sub, r.GetWidth() - 56));
  }
}

// Complaints per day: one bar a day, the busiest day's count on the axis,
// the first and last dates under it.
void bar_chart(const Dashboard& d, float W, float H) {
  const Palette& p = ui().pal;
  ImRect bb = take(ImVec2(W, H));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  draw_card(dl, bb, p.surface, ui().m.card_radius, true);
  ImFont* f = font(FontRole::body);
  const float left = bb.Min.x + 90, right = bb.Max.x - 32, top = bb.Min.y + 32, bottom = bb.Max.y - f->FontSize - 32;
  const int64_t most = d.per_day.empty() ? 0 : *std::max_element(d.per_day.begin(), d.per_day.end());
  const int64_t scale = std::max<int64_t>(most, 1);
  dl->AddLine(ImVec2(left, bottom), ImVec2(right, bottom), p.border, 2);
  dl->AddLine(ImVec2(left, top), ImVec2(right, top), p.surface_alt, 1);
  draw_text(dl, f, ImVec2(bb.Min.x + 32, top - f->FontSize * 0.5f), p.text_muted, std::to_string(scale));
  draw_text(dl, f, ImVec2(bb.Min.x + 32, bottom - f->FontSize * 0.5f), p.text_muted, "0");
  const size_t n = d.per_day.size();
  if (n == 0) return;
  const float slot = (right - left) / static_cast<float>(n);
  const float bar = std::max(2.0f, slot * 0.7f);
  for (size_t i = 0; i < n; ++i) {
    const float x = left + slot * static_cast<float>(i) + (slot - bar) * 0.5f;
    const float h = (bottom - top) * static_cast<float>(d.per_day[i]) / static_cast<float>(scale);
    if (d.per_day[i] > 0) dl->AddRectFilled(ImVec2(x, bottom - h), ImVec2(x + bar, bottom), p.accent, std::min(6.0f, bar * 0.3f));
  }
  const std::string first = format_date(d.from_day).substr(5), last = format_date(d.to_day).substr(5);
  draw_text(dl, f, ImVec2(left, bottom + 12), p.text_muted, first);
  draw_text(dl, f, ImVec2(right - measure(f, last).x, bottom + 12), p.text_muted, last);
}

}  // namespace

void staff_dashboard(StaffMode& s, App& app) {
  const Palette& p = ui().pal;
  const Metrics& m = ui().m;
  if (!s.dash) s.refresh();
  const float W = staff_content_begin(s, app, "staff.content.dashboard");
  section_title(tr("staff.dash.title"), tr("staff.dash.sub"));
  static const int periods[] = {7, 30, 90};
  std::vector<ChipItem> chips;
  for (int d : periods)
    chips.push_back({"staff.dash." + std::to_string(d), trf("staff.dash.days", {{"n", std::to_string(d)}}), s.dash_days == d});
  int t = chip_grid(chips, false);
  if (t >= 0) {
    s.dash_days = periods[t];
    s.refresh();
  }
  space(m.gap);
  if (!s.dash) {
    staff_content_end();
    return;
  }
  const Dashboard& d = *s.dash;
  const int cols = ui().portrait ? 2 : 4;
  const float tw = (W - m.gap * (cols - 1)) / cols, th = 200;
  ImVec2 o = ImGui::GetCursorScreenPos();
  int i = 0;
  auto next = [&] {
    const float x = o.x + (i % cols) * (tw + m.gap), y = o.y + (i / cols) * (th + m.gap);
    ++i;
    return ImRect(ImVec2(x, y), ImVec2(x + tw, y + th));
  };
  const ImU32 amber = IM_COL32(0x8A, 0x4B, 0x00, 0xFF);
  tile(next(), std::to_string(d.received), tr("staff.dash.received"), "", p.text);
  tile(next(), percent(d.settlement_rate), tr("staff.dash.settlement_rate"),
       trf("staff.dash.settled_of", {{"a", std::to_string(d.settled)}, {"b", std::to_string(d.settled + d.not_settled)}}),
       p.accent);
  tile(next(), percent(d.on_time_rate), tr("staff.dash.on_time_rate"),
       trf("staff.dash.settled_of", {{"a", std::to_string(d.on_time)}, {"b", std::to_string(d.on_time_base)}}),
       d.on_time_rate && *d.on_time_rate < 0.9 ? amber : p.success);
  tile(next(), minutes_text(d.median_first_response_minutes), tr("staff.dash.first_response"),
       trf("staff.dash.of_n", {{"n", std::to_string(d.first_responses)}}), p.text);
  char avg[16] = "—";
  if (d.average_satisfaction) std::snprintf(avg, sizeof avg, "%.1f / 5", *d.average_satisfaction);
  tile(next(), avg, tr("staff.dash.satisfaction"), trf("staff.dash.of_n", {{"n", std::to_string(d.ratings)}}), p.text);
  tile(next(), money_text(d.compensation_fen), tr("staff.dash.compensation"),
       trf("staff.dash.times", {{"n", std::to_string(d.compensation_count)}}), p.text);
  tile(next(), std::to_string(d.overdue_now), tr("staff.dash.overdue"), tr("staff.dash.now"), d.overdue_now ? p.error : p.success);
  tile(next(), std::to_string(d.sync_pending + d.sync_in_flight + d.sync_held), tr("staff.dash.backlog"),
       trf("staff.dash.held_n", {{"n", std::to_string(d.sync_held)}}), d.sync_held ? p.error : p.text);
  take(ImVec2(W, ((i + cols - 1) / cols) * (th + m.gap)));
  space(m.gap);
  text_block(FontRole::body, tr("staff.dash.per_day"), p.text, W);
  space(8);
  bar_chart(d, W, 360);
  staff_content_end();
}

}  // namespace odr::kiosk
