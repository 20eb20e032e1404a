#include "testing/hitmap.h"

#include <cstdio>

#include "app/app.h"

namespace odr::kiosk {

namespace {

const char* overlay_key(Overlay o) {
  switch (o) {
    case Overlay::none: return "none";
    case Overlay::idle: return "idle";
    case Overlay::cancel: return "cancel";
    case Overlay::calendar: return "calendar";
    case Overlay::submit_error: return "submit_error";
    case Overlay::print_error: return "print_error";
  }
  return "none";
}

// Text goes last on its line; newlines and tabs would break the format.
std::string one_line(const std::string& s) {
  std::string out = s;
  for (char& c : out)
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
  return out;
}

}  // namespace

void write_hitmap(const App& app, const std::string& path, long long frame_no) {
  const std::string tmp = path + ".tmp";
  FILE* f = fopen(tmp.c_str(), "w");
  if (!f) return;
  App& a = const_cast<App&>(app);
  fprintf(f, "frame %lld\n", frame_no);
  fprintf(f, "step %s\n", a.takeover ? "staff" : step_key(a.step));
  fprintf(f, "overlay %s\n", overlay_key(a.overlay));
  if (a.has_focus())
    fprintf(f, "focus %s %s\n", a.focused().id.c_str(), uses_keypad(a.focused().kind) ? "keypad" : "keyboard");
  else
    fprintf(f, "focus -\n");
  fprintf(f, "guard %d\n", a.ui_state().tap_guard_active() ? 1 : 0);
  const ImRect c = a.content_rect();
  fprintf(f, "content %.0f %.0f %.0f %.0f\n", c.Min.x, c.Min.y, c.Max.x, c.Max.y);
  HitRegistry& hits = a.hits();
  for (const std::string& id : hits.ids_with_prefix("")) {
    const HitRect* r = hits.find(id);
    if (!r) continue;
    fprintf(f, "hit %s %.0f %.0f %.0f %.0f %d %d %d\t%s\n", id.c_str(), r->min.x, r->min.y, r->max.x, r->max.y,
            r->enabled ? 1 : 0, r->selected ? 1 : 0, r->target ? 1 : 0, one_line(r->text).c_str());
  }
  // The tour's maps also say where each text went (Ui::text_log).
  if (const std::vector<TextDraw>* texts = a.ui_state().text_log)
    for (const TextDraw& t : *texts)
      fprintf(f, "text %.0f %.0f %.0f %.0f %.1f %06X %.0f %.0f %.0f %.0f\t%s\n", t.pos.x, t.pos.y, t.extent.x,
              t.extent.y, t.font_px, static_cast<unsigned>(((t.col & 0xFF) << 16) | (t.col & 0xFF00) | ((t.col >> 16) & 0xFF)),
              t.clip.Min.x, t.clip.Min.y, t.clip.Max.x, t.clip.Max.y, one_line(t.text).c_str());
  fclose(f);
  rename(tmp.c_str(), path.c_str());
}

}  // namespace odr::kiosk
