// One complaint in full: the deadline, every field (the consumer's name and
// phone unmasked: only here), the timeline of what happened at the desk and
// what the platform reported, and the actions that fit its state.
#include "screens/screens.h"
#include "screens/staff_mode.h"
#include "staff/staff_actions.h"
#include "widgets/icons.h"
#include "widgets/widgets.h"

namespace odr::kiosk {

namespace {

// "label: value" lines in a card.
struct Fact {
  std::string label, value;
};

void facts_card(const char* title, const std::vector<Fact>& facts, float W) {
  const Palette& p = ui().pal;
  const Metrics& m = ui().m;
  ImFont* f = font(FontRole::body);
  const float label_w = std::min(320.0f, W * 0.3f), pad = 32;
  float h = pad * 2 + f->FontSize + 16;
  for (const Fact& x : facts) h += wrapped_height(font_for(FontRole::body, x.value), x.value, W - label_w - pad * 2) + 10;
  ImRect bb = take(ImVec2(W, h));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  draw_card(dl, bb, p.surface, m.card_radius, true);
  ImFont* ft = font_for(FontRole::body, title);
  draw_text(dl, ft, ImVec2(bb.Min.x + pad, bb.Min.y + pad), p.accent, title);
  float y = bb.Min.y + pad + f->FontSize + 16;
  for (const Fact& x : facts) {
    draw_text(dl, font_for(FontRole::body, x.label), ImVec2(bb.Min.x + pad, y), p.text_muted, x.label);
    y += draw_wrapped(dl, font_for(FontRole::body, x.value), ImVec2(bb.Min.x + pad + label_w, y),
                      W - label_w - pad * 2, p.text, x.value) +
         10;
  }
}

std::string join_tr(const std::vector<std::string>& codes, const std::string& prefix) {
  std::string out;
  for (const std::string& c : codes) out += (out.empty() ? "" : "、") + std::string(tr(prefix + c));
  return out;
}

std::string entry_text(const TimelineEntry& t) {
  if (t.source == "platform") return trf("staff.timeline.platform", {{"status", tr("staff.platform." + t.kind)}});
  return tr("staff.timeline." + t.kind);
}

std::string entry_detail(const TimelineEntry& t) {
  std::string d;
  auto add = [&](const std::string& s) {
    if (!s.empty()) d += (d.empty() ? "" : " · ") + s;
  };
  if (!t.method.empty()) add(tr("staff.method." + t.method));
  if (!t.staff_id.empty()) add(trf("staff.timeline.by", {{"id", t.staff_id}}));
  if (!t.data.outcomes.empty()) add(join_tr(t.data.outcomes, "demand."));
  if (t.data.amount_fen) add(money_text(*t.data.amount_fen));
  if (t.data.score) add(trf("staff.timeline.score", {{"n", std::to_string(t.data.score)}}));
  add(t.data.note);
  add(t.data.reason);
  add(t.data.comment);
  add(t.note);
  if (t.source == "local" && !t.sync_state.empty()) add(tr("staff.sync_state." + t.sync_state));
  if (t.sync_state == "held") add(t.sync_error);
  return d;
}

void timeline(const ComplaintDetail& d, float W, int tz) {
  const Palette& p = ui().pal;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImFont* f = font(FontRole::body);
  for (const TimelineEntry& t : d.timeline) {
    const std::string when = time_text(t.at_ms, tz), what = entry_text(t), more = entry_detail(t);
    const float tx = 300;
    const float h = f->FontSize + (more.empty() ? 0 : 8 + wrapped_height(font_for(FontRole::body, more), more, W - tx - 40)) + 28;
    ImRect bb = take(ImVec2(W, h));
    const ImU32 dot = t.source == "platform" ? p.success : p.accent;
    dl->AddCircleFilled(ImVec2(bb.Min.x + 16, bb.Min.y + f->FontSize * 0.5f + 4), 9, dot);
    dl->AddLine(ImVec2(bb.Min.x + 16, bb.Min.y + f->FontSize + 8), ImVec2(bb.Min.x + 16, bb.Max.y), p.border, 3);
    draw_text(dl, f, ImVec2(bb.Min.x + 44, bb.Min.y), p.text_muted, when);
    draw_text(dl, font_for(FontRole::body, what), ImVec2(bb.Min.x + tx, bb.Min.y), p.text, what);
    if (!more.empty())
      draw_wrapped(dl, font_for(FontRole::body, more), ImVec2(bb.Min.x + tx, bb.Min.y + f->FontSize + 8), W - tx - 40,
                   p.text_muted, more);
  }
}

void start_form(StaffMode& s, App& app, StaffForm f) {
  app.unfocus();
  s.form = f;
  s.confirming = false;
  s.method = "on_site";
  s.outcomes.clear();
  if (f == StaffForm::settled && s.detail)
    for (const std::string& t : s.detail->complaint.demand.types) s.outcomes.insert(t);
  wipe_string(s.amount_text);
  wipe_string(s.note);
  wipe_string(s.reason);
  s.form_error.clear();
  if (f == StaffForm::settled && s.detail && s.detail->complaint.demand.amount_fen)
    s.amount_text = format_yuan(*s.detail->complaint.demand.amount_fen);
}

// Back to the list, the ticket, and where it stands. True when Back was tapped.
bool detail_header(StaffMode& s, App& app, const ComplaintDetail& d, float W) {
  const Palette& p = ui().pal;
  const Metrics& m = ui().m;
  ImRect back = take(ImVec2(button_width(tr("staff.detail.back"), ICON_ARROW_BACK), m.button_h * 0.8f));
  if (button("staff.detail.back", back, tr("staff.detail.back"), ICON_ARROW_BACK, ButtonStyle::ghost)) {
    s.go(app, StaffScreen::list);
    return true;
  }
  space(m.gap * 0.5f);
  section_title(trf("staff.detail.title", {{"ticket", d.row.ticket}}),
                d.row.case_no.empty() ? tr("staff.detail.no_case") : trf("staff.detail.case", {{"case", d.row.case_no}}));
  if (d.row.outcome == "open")
    message_line(d.row.deadline.overdue ? ICON_WARNING : ICON_SCHEDULE,
                 trf("staff.detail.deadline", {{"date", d.row.due_date}, {"left", deadline_text(d.row.deadline)}}),
                 deadline_colour(d.row.deadline), W);
  else
    message_line(outcome_icon(d.row.outcome), outcome_text(d.row.outcome), outcome_colour(d.row.outcome), W);
  if (d.row.deadline.estimated) message_line(ICON_INFO, tr("staff.detail.estimate"), p.text_muted, W);
  space(m.gap);
  return false;
}

// An action's button was tapped: its form, or the hand-over to the consumer.
void start_action(StaffMode& s, App& app, const std::string& id, const Complaint& c) {
  if (id == "staff.action.first_response") start_form(s, app, StaffForm::first_response);
  if (id == "staff.action.settled") start_form(s, app, StaffForm::settled);
  if (id == "staff.action.compensation") start_form(s, app, StaffForm::compensation);
  if (id == "staff.action.not_settled") start_form(s, app, StaffForm::not_settled);
  if (id == "staff.action.reprint") s.reprint(app);
  // The consumer reads the hand-over screens in the language they filed in.
  if (id == "staff.action.withdrawn" || id == "staff.action.satisfaction") app.set_locale(c.locale);
  if (id == "staff.action.withdrawn") {
    wipe_string(s.reason);
    s.handover_done = false;
    s.screen = StaffScreen::handover_withdraw;
  }
  if (id == "staff.action.satisfaction") {
    s.rating = 0;
    wipe_string(s.comment);
    s.handover_done = false;
    s.screen = StaffScreen::handover_rating;
  }
}

// What staff can do now: the buttons that fit the complaint's state, in rows.
void action_buttons(StaffMode& s, App& app, const ComplaintDetail& d, float W) {
  const Metrics& m = ui().m;
  const AllowedActions can = allowed_actions(d.row.outcome, d.has_first_response);
  struct Action {
    bool on;
    const char* id;  // the button's id and its label's key
    const char* icon;
    ButtonStyle style;
  };
  const Action actions[] = {
      {can.first_response, "staff.action.first_response", ICON_SUPPORT_AGENT, ButtonStyle::primary},
      {can.settled, "staff.action.settled", ICON_HANDSHAKE, ButtonStyle::primary},
      {can.compensation_prepaid, "staff.action.compensation", ICON_PAYMENTS, ButtonStyle::secondary},
      {can.not_settled, "staff.action.not_settled", ICON_GAVEL, ButtonStyle::secondary},
      {can.withdrawn, "staff.action.withdrawn", ICON_UNDO, ButtonStyle::secondary},
      {can.satisfaction, "staff.action.satisfaction", ICON_FEEDBACK, ButtonStyle::primary},
      // The consumer lost the receipt, or the printer failed them at the time.
      {app.env().printer != nullptr, "staff.action.reprint", ICON_PRINT, ButtonStyle::secondary},
  };
  ImVec2 o = ImGui::GetCursorScreenPos();
  float x = 0, y = 0;
  for (const Action& a : actions) {
    if (!a.on) continue;
    const char* label = tr(a.id);
    const float w = button_width(label, a.icon);
    if (x > 0 && x + w > W) {
      x = 0;
      y += m.button_h + m.gap * 0.5f;
    }
    ImRect r(ImVec2(o.x + x, o.y + y), ImVec2(o.x + x + w, o.y + y + m.button_h));
    if (button(a.id, r, label, a.icon, a.style)) start_action(s, app, a.id, d.complaint);
    x += w + m.gap * 0.5f;
  }
  if (x > 0 || y > 0) take(ImVec2(W, y + m.button_h));
}

// Who complained (in full: only here), about whom, and what.
void fact_cards(App& app, const ComplaintDetail& d, float W, int tz) {
  const Metrics& m = ui().m;
  const Complaint& c = d.complaint;
  facts_card(tr("staff.detail.consumer"),
             {{tr("staff.detail.name"), c.consumer.name},
              {tr("staff.detail.phone"), c.consumer.phone},
              {tr("staff.detail.address"), c.consumer.address}},
             W);
  space(m.gap);
  facts_card(tr("staff.detail.business"),
             {{tr("staff.detail.name"), c.respondent.name},
              {tr("staff.detail.booth"), c.respondent.booth},
              {tr("staff.detail.credit_code"), c.respondent.credit_code}},
             W);
  space(m.gap);
  std::vector<Fact> what = {
      {tr("staff.detail.filed"), time_text(d.row.created_ms, tz)},
      {tr("staff.detail.kind"), tr("category.kind_" + c.category.kind)},
      {tr("staff.detail.category"), category_label(app, c.category.code)},
      {tr("staff.detail.problems"), join_tr(c.category.problems, "problem.")},
      {tr("staff.detail.item"), c.purchase.item},
      {tr("staff.detail.date"), c.purchase.date},
      {tr("staff.detail.amount"), money_text(c.purchase.amount_fen)},
      {tr("staff.detail.order"), c.purchase.order_no},
      {tr("staff.detail.description"), c.description},
      {tr("staff.detail.demands"), join_tr(c.demand.types, "demand.")},
      {tr("staff.detail.claimed"), c.demand.amount_fen ? money_text(*c.demand.amount_fen) : ""},
      {tr("staff.detail.demand_text"), c.demand.text},
  };
  std::erase_if(what, [](const Fact& f) { return f.value.empty(); });
  facts_card(tr("staff.detail.complaint"), what, W);
}

}  // namespace

void staff_detail(StaffMode& s, App& app) {
  const Metrics& m = ui().m;
  if (!s.detail) {
    s.go(app, StaffScreen::list);
    return;
  }
  const ComplaintDetail& d = *s.detail;
  const int tz = app.config().tz_offset_minutes;
  const float W = staff_content_begin(s, app, "staff.content.detail");
  if (detail_header(s, app, d, W)) {
    staff_content_end();
    return;
  }
  action_buttons(s, app, d, W);
  space(m.gap * 1.5f);
  fact_cards(app, d, W, tz);
  space(m.gap * 1.5f);
  section_title(tr("staff.detail.timeline_title"));
  timeline(d, W, tz);
  staff_content_end();
}

// --- the action form and its confirmation -----------------------------------------

namespace {

const char* form_key(StaffForm f) {
  switch (f) {
    case StaffForm::first_response: return "first_response";
    case StaffForm::settled: return "settled";
    case StaffForm::compensation: return "compensation";
    default: return "not_settled";
  }
}

bool form_ready(const StaffMode& s) {
  switch (s.form) {
    case StaffForm::settled: return !s.outcomes.empty() && parse_yuan(s.amount_text).has_value();
    case StaffForm::compensation: return parse_yuan(s.amount_text).value_or(0) > 0;
    default: return true;
  }
}

void save_form(StaffMode& s, App& app) {
  if (!s.detail || !s.session || !s.env.store) return;
  const std::string& staff = s.session->account.id;
  const std::string& id = s.detail->row.id;
  Store& st = *s.env.store;
  try {
    switch (s.form) {
      case StaffForm::first_response: record_first_response(st, staff, id, s.method, s.note); break;
      case StaffForm::settled:
        record_settled(st, staff, id, s.method, std::vector<std::string>(s.outcomes.begin(), s.outcomes.end()),
                       parse_yuan(s.amount_text).value_or(0), s.note);
        break;
      case StaffForm::compensation:
        record_compensation_prepaid(st, staff, id, s.method, parse_yuan(s.amount_text).value_or(0), s.note);
        break;
      case StaffForm::not_settled: record_not_settled(st, staff, id, s.method, s.reason); break;
      default: return;
    }
  } catch (const StoreError& e) {
    s.confirming = false;
    s.form_error = e.what();
    return;
  }
  app.unfocus();
  s.form = StaffForm::none;
  s.confirming = false;
  s.notice_ok(tr("staff.action.saved"));
  if (s.env.wake_sync) s.env.wake_sync();
  s.refresh();
}

}  // namespace

void staff_action_form(StaffMode& s, App& app) {
  const Palette& p = ui().pal;
  const Metrics& m = ui().m;
  const std::string key = std::string("staff.form.") + form_key(s.form);
  ImRect in = staff_dialog_begin(app, "staff.dialog", ImVec2(1200, 980));
  const float W = in.GetWidth();
  ImGui::SetCursorScreenPos(in.Min);
  begin_scroll("staff.dialog.body", ImRect(in.Min, ImVec2(in.Max.x, in.Max.y - m.button_h - m.gap)));
  ui().column_w = W;
  section_title(tr(key + ".title"), tr(key + ".sub"));
  if (!s.confirming) {
    text_block(FontRole::body, tr("staff.form.method"), p.text_muted, W);
    space(8);
    std::vector<ChipItem> methods;
    for (const std::string& mth : kEventMethods) methods.push_back({"staff.method." + mth, tr("staff.method." + mth), s.method == mth});
    int t = chip_grid(methods, false);
    if (t >= 0) s.method = kEventMethods[static_cast<size_t>(t)];
    space(m.gap);
    if (s.form == StaffForm::settled) {
      text_block(FontRole::body, tr("staff.form.outcomes"), p.text_muted, W);
      space(8);
      std::vector<ChipItem> outs;
      for (const std::string& d : kDemandTypes) outs.push_back({"staff.form.outcome." + d, tr("demand." + d), s.outcomes.count(d) > 0});
      int o = chip_grid(outs, true);
      if (o >= 0) {
        const std::string& d = kDemandTypes[static_cast<size_t>(o)];
        if (!s.outcomes.erase(d)) s.outcomes.insert(d);
      }
      space(m.gap);
    }
    if (s.form == StaffForm::settled || s.form == StaffForm::compensation) {
      TextFieldSpec amount;
      amount.label = tr(s.form == StaffForm::settled ? "staff.form.amount_settled" : "staff.form.amount_paid");
      amount.hint = "0.00";
      amount.prefix = "¥";
      app.field({"staff.field.amount", "", &s.amount_text, FieldKind::amount, 12}, amount);
      space(m.gap);
    }
    TextFieldSpec text;
    const bool is_reason = s.form == StaffForm::not_settled;
    text.label = tr(is_reason ? "staff.form.reason" : "staff.form.note");
    text.hint = tr(is_reason ? "staff.form.reason_hint" : "staff.form.note_hint");
    text.optional = true;
    text.lines = 2;
    if (is_reason)
      app.field({"staff.field.reason", "", &s.reason, FieldKind::text, 500}, text);
    else
      app.field({"staff.field.note", "", &s.note, FieldKind::text, 500}, text);
    if (!s.form_error.empty()) {
      space(m.gap * 0.5f);
      message_line(ICON_ERROR_OUTLINE, s.form_error, p.error, W);
    }
  } else {
    // Read it back before it goes to the platform: it cannot be taken back.
    std::vector<std::string> lines = {trf("staff.confirm.ticket", {{"ticket", s.detail ? s.detail->row.ticket : ""}}),
                                      trf("staff.confirm.method", {{"method", tr("staff.method." + s.method)}})};
    if (s.form == StaffForm::settled) {
      std::string outs;
      for (const std::string& o : s.outcomes) outs += (outs.empty() ? "" : "、") + std::string(tr("demand." + o));
      lines.push_back(trf("staff.confirm.outcomes", {{"outcomes", outs}}));
    }
    if (s.form == StaffForm::settled || s.form == StaffForm::compensation)
      lines.push_back(trf("staff.confirm.amount", {{"amount", money_text(parse_yuan(s.amount_text).value_or(0))}}));
    if (!s.note.empty()) lines.push_back(trf("staff.confirm.note", {{"note", s.note}}));
    if (!s.reason.empty()) lines.push_back(trf("staff.confirm.reason", {{"reason", s.reason}}));
    for (const std::string& l : lines) {
      text_block(FontRole::body, l, p.text, W);
      space(8);
    }
    space(m.gap);
    message_line(ICON_INFO, tr("staff.confirm.final"), p.text_muted, W);
  }
  ui().column_w = 0;
  end_scroll();

  // The buttons along the bottom of the card.
  const float bw = (W - m.gap) * 0.5f, y = in.Max.y - m.button_h;
  ImRect left(ImVec2(in.Min.x, y), ImVec2(in.Min.x + bw, in.Max.y));
  ImRect right(ImVec2(in.Max.x - bw, y), in.Max);
  if (!s.confirming) {
    if (button("staff.form.cancel", left, tr("staff.form.cancel"), ICON_CLOSE, ButtonStyle::secondary)) {
      app.unfocus();
      s.form = StaffForm::none;
    }
    if (button("staff.form.next", right, tr("staff.form.next"), ICON_ARROW_FORWARD, ButtonStyle::primary, form_ready(s))) {
      app.unfocus();
      s.form_error.clear();
      s.confirming = true;
    }
  } else {
    if (button("staff.confirm.no", left, tr("staff.confirm.no"), ICON_EDIT, ButtonStyle::secondary)) s.confirming = false;
    if (button("staff.confirm.yes", right, tr("staff.confirm.yes"), ICON_CHECK, ButtonStyle::primary)) save_form(s, app);
  }
  staff_keyboard(app);
  staff_dialog_end();
}

}  // namespace odr::kiosk
