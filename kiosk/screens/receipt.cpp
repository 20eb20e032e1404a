// The printed ticket's words: what the done screen shows, in the language
// the shopper used, with the phone masked (model/personal.h) and the same
// QR code and promise as the screen.
#include "i18n/po.h"
#include "model/personal.h"
#include "screens/screens.h"
#include "screens/staff_mode.h"

namespace odr::kiosk {

namespace {

std::string business_text(const KioskConfig& c, const Respondent& r, bool zh) {
  std::string name = r.name;
  for (const Business& b : c.businesses)
    if (b.credit_code == r.credit_code) name = zh ? b.name : b.name_en;
  if (r.booth.empty()) return name;
  return zh ? name + "（" + r.booth + "）" : name + " (" + r.booth + ")";
}

}  // namespace

Receipt receipt_for(const App& app, const ReceiptFor& f) {
  const KioskConfig& c = app.config();
  const I18n& i18n = app.i18n();
  const bool zh = f.locale == "zh-CN";
  auto t = [&](const char* key) { return std::string(i18n.tr_in(f.locale, key)); };
  const std::string days = std::to_string(c.deadline_working_days);
  Receipt r;
  r.store_name = zh ? c.printer.store_name : c.printer.store_name_en;
  r.title = t("receipt.title");
  if (f.reprinted_ms)
    r.marker = format(t("receipt.reprint"), {{"time", time_text(f.reprinted_ms, c.tz_offset_minutes)}});
  r.ticket_label = t("receipt.ticket");
  r.ticket = f.ticket;
  r.facts = {{t("receipt.filed"), time_text(f.filed_ms, c.tz_offset_minutes)},
             {t("receipt.business"), business_text(c, f.respondent, zh)}};
  if (!f.phone.empty()) r.facts.push_back({t("receipt.phone"), mask_phone(f.phone)});
  // The promise and the next step, word for word as the done screen says them.
  r.notes = {format(t("done.next_1"), {{"days", days}}), t("done.next_2")};
  r.qr = ticket_status_url(c, f.ticket);
  if (!r.qr.empty()) r.qr_caption = t("receipt.scan");
  r.footer = t("receipt.keep");
  return r;
}

const char* printer_reason_key(PrinterHealth h) {
  switch (h) {
    case PrinterHealth::paper_out: return "printer.paper_out";
    case PrinterHealth::cover_open: return "printer.cover_open";
    case PrinterHealth::not_answering: return "printer.not_answering";
    case PrinterHealth::error: return "printer.error";
    default: return "printer.offline";
  }
}

}  // namespace odr::kiosk
