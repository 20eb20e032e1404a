// What read-aloud says for the screen now: the words the screen shows the
// shopper (its question and the line under it, the focused field's label
// and hint, and the messages shown), never what the shopper entered. The
// speaker (kiosk/speech) drops anything shaped like a phone number as a
// last line of defence; the rule of what is personal lives in
// sync/core/model/personal.h.
#include <string>
#include <vector>

#include "app/app.h"

namespace odr::kiosk {

namespace {

struct Speech {
  std::string text;
  void add(std::string_view s) {
    if (s.empty()) return;
    if (!text.empty()) text += "\n";
    text.append(s);
  }
};

void overlay_words(const App& app, Speech& s) {
  switch (app.overlay) {
    case Overlay::idle:
      s.add(tr("idle.title"));
      s.add(trf("idle.body", {{"n", std::to_string(app.idle_left_s())}}));
      break;
    case Overlay::cancel:
      s.add(tr("cancel.title"));
      s.add(tr("cancel.body"));
      break;
    case Overlay::calendar: s.add(tr("cal.title")); break;
    case Overlay::submit_error:
      s.add(tr("submit.error.title"));
      s.add(app.submit_error);
      break;
    case Overlay::print_error: s.add(tr("done.print_error_title")); break;
    case Overlay::none: break;
  }
}

void step_words(const App& app, Speech& s) {
  switch (app.step) {
    case Step::welcome:
      s.add(tr("welcome.hero"));
      s.add(trf("welcome.lead", {{"days", std::to_string(app.config().deadline_working_days)}}));
      s.add(tr("welcome.cta"));
      return;
    case Step::done: {
      s.add(tr("done.hero"));
      // The ticket number is not personal: it is what the shopper must keep.
      // Spelled out, one character at a time, so it can be written down.
      std::string spelled;
      for (char c : app.submitted.ticket) {
        if (c == '-') continue;
        if (!spelled.empty()) spelled += ' ';
        spelled += c;
      }
      s.add(tr("done.ticket_label"));
      s.add(spelled);
      for (const char* k : {"done.next_1", "done.next_2", "done.next_3"}) s.add(tr(k));
      return;
    }
    default: break;
  }
  const std::string key = step_key(app.step);
  s.add(tr(key + ".title"));
  s.add(tr(key + ".sub"));
  if (app.has_focus()) {
    s.add(app.focus_label());
    s.add(app.focus_hint());
  }
  for (const FieldError& e : app.errors()) s.add(app.message_for(e.field));
}

}  // namespace

std::string screen_speech(const App& app) {
  Speech s;
  if (app.overlay != Overlay::none) overlay_words(app, s);
  else step_words(app, s);
  if (app.help_called()) s.add(tr("help.coming"));
  return s.text;
}

}  // namespace odr::kiosk
