// The sync panel, for each destination (the gateway, and the chain's hub
// when configured): is it reachable, when did a delivery last go
// through, the clock offset, what waits and what is held (with the
// gateway's reason), and Retry for the held items.
#include <cstdio>

#include "engine/sync_state.h"
#include "screens/staff_mode.h"
#include "widgets/icons.h"
#include "widgets/widgets.h"

namespace odr::kiosk {

namespace {

// One destination's block: reachable (reach: the texts' prefix, the
// gateway's or the hub's), last success, clock, last error, alerts, counts.
void sync_destination(const SyncStatus& st, const char* reach, int tz, float W) {
  const Palette& p = ui().pal;
  const Metrics& m = ui().m;
  if (!st.reachable)
    message_line(ICON_HELP, tr(std::string(reach) + "never"), p.text_muted, W);
  else if (*st.reachable)
    message_line(ICON_CHECK_CIRCLE, tr(std::string(reach) + "reachable"), p.success, W);
  else
    message_line(ICON_WARNING, tr(std::string(reach) + "unreachable"), p.error, W);
  message_line(ICON_SCHEDULE,
               trf("staff.sync.last_success",
                   {{"time", st.last_success.empty() ? tr("staff.sync.none") : time_text(st.last_success, tz)}}),
               p.text, W);
  char off[32];
  std::snprintf(off, sizeof off, "%+lld", static_cast<long long>(st.clock_offset_s));
  message_line(ICON_TIMER, trf(std::string(reach) + "clock", {{"s", off}}),
               st.clock_offset_s > 60 || st.clock_offset_s < -60 ? p.error : p.text, W);
  if (!st.last_error.empty())
    message_line(ICON_ERROR_OUTLINE, trf("staff.sync.last_error", {{"error", st.last_error}, {"time", time_text(st.last_error_at, tz)}}),
                 p.text_muted, W);
  if (!st.stopped.empty()) message_line(ICON_REPORT_PROBLEM, trf("staff.sync.stopped", {{"why", st.stopped}}), p.error, W);
  for (const SyncAlert& a : st.alerts)
    message_line(ICON_WARNING, trf("staff.sync.alert", {{"what", tr("staff.sync.alert." + a.code)}, {"message", a.message}}),
                 p.error, W);
  space(m.gap);
  text_block(FontRole::body,
             trf("staff.sync.counts", {{"pending", std::to_string(st.counts.pending)},
                                       {"in_flight", std::to_string(st.counts.in_flight)},
                                       {"held", std::to_string(st.counts.held)},
                                       {"delivered", std::to_string(st.counts.delivered)}}),
             p.text, W);
}

}  // namespace

void staff_sync(StaffMode& s, App& app) {
  const Palette& p = ui().pal;
  const Metrics& m = ui().m;
  // Another thread (or kiosk-sync) changes these: read them again now and then.
  const int64_t now = s.now_ms(app);
  if (!s.sync_status || now - s.sync_read_ms >= 2000) {
    s.refresh();
    s.sync_read_ms = now;
  }
  const float W = staff_content_begin(s, app, "staff.content.sync");
  section_title(tr("staff.sync.title"), tr("staff.sync.sub"));
  if (!s.sync_status) {
    staff_content_end();
    return;
  }
  const int tz = app.config().tz_offset_minutes;
  if (app.config().gateway.base_url.empty()) message_line(ICON_INFO, tr("staff.sync.offline_mode"), p.text_muted, W);
  if (s.hub_sync_status) section_title(tr("staff.sync.dest.gateway.title"));
  sync_destination(*s.sync_status, "staff.sync.", tz, W);
  if (s.hub_sync_status) {
    space(m.gap);
    section_title(tr("staff.sync.dest.hub.title"));
    sync_destination(*s.hub_sync_status, "staff.sync.hub.", tz, W);
  }
  const int64_t held_total = s.sync_status->counts.held + (s.hub_sync_status ? s.hub_sync_status->counts.held : 0);
  space(m.gap);
  ImRect r = take(ImVec2(button_width(tr("staff.sync.retry"), ICON_REPLAY), m.button_h));
  if (button("staff.sync.retry", r, tr("staff.sync.retry"), ICON_REPLAY, ButtonStyle::primary, held_total > 0) &&
      s.env.store) {
    try {
      // The store audits the retry in the same transaction, naming who asked.
      const int64_t n = s.env.store->retry_held(staff_actor(s.session ? s.session->account.id : ""));
      if (s.env.wake_sync) s.env.wake_sync();
      s.notice_ok(trf("staff.sync.retried", {{"n", std::to_string(n)}}));
      s.refresh();
    } catch (const StoreError& e) {
      s.notice_error(e.what());
    }
  }
  space(m.gap * 1.5f);
  if (!s.held.empty()) {
    section_title(tr("staff.sync.held_title"));
    for (const HeldItem& h : s.held) {
      std::string what = h.kind == "event" ? trf("staff.sync.held_event", {{"ticket", h.ticket}, {"type", tr("staff.timeline." + h.event_type)}})
                                           : trf("staff.sync.held_complaint", {{"ticket", h.ticket}});
      text_block(FontRole::body, what, p.text, W);
      message_line(ICON_ERROR_OUTLINE, h.reason, p.error, W);
      space(m.gap * 0.5f);
    }
  }
  staff_content_end();
}

}  // namespace odr::kiosk
