// The two helps on every shopper screen: 请工作人员协助 (call staff), and
// the speaker that reads the screen aloud (when the kiosk has speech).
// Once staff are called, the button says help is coming; tapping it again
// calls out again, for a desk that did not hear.
#include <algorithm>

#include "screens/screens.h"
#include "widgets/icons.h"
#include "widgets/widgets.h"

namespace odr::kiosk {

namespace {
const char* help_label(const App& app) { return app.help_called() ? tr("help.coming") : tr("help.call"); }
const char* help_icon(const App& app) { return app.help_called() ? ICON_NOTIFICATIONS_ACTIVE : ICON_SUPPORT_AGENT; }
}  // namespace

float assist_width(const App& app) {
  float w = button_width(help_label(app), help_icon(app));
  if (app.can_read_aloud()) w += 16 + button_width(tr("help.read"), ICON_VOLUME_UP);
  return w;
}

void assist_buttons(App& app, const ImRect& row) {
  const bool speaker = app.can_read_aloud();
  float help_w = button_width(help_label(app), help_icon(app));
  float read_w = speaker ? button_width(tr("help.read"), ICON_VOLUME_UP) : 0;
  // A wider row (portrait) shares its width; a narrower one squeezes both.
  const float room = row.GetWidth() - (speaker ? 16 : 0);
  const float scale = room / (help_w + read_w);
  help_w = IM_FLOOR(help_w * scale);
  read_w = IM_FLOOR(read_w * scale);
  const ImRect help(row.Min, ImVec2(row.Min.x + help_w, row.Max.y));
  if (button("assist.help", help, help_label(app), help_icon(app), ButtonStyle::secondary)) app.call_staff();
  if (speaker) {
    const ImRect read(ImVec2(row.Max.x - read_w, row.Min.y), row.Max);
    if (button("assist.read", read, tr("help.read"), ICON_VOLUME_UP, ButtonStyle::secondary)) app.read_aloud();
  }
}

}  // namespace odr::kiosk
