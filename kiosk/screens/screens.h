// One function per screen of the shopper's flow, each in its own file, each
// reading like the screen it draws. Shared pieces (headings, the form
// column, review sections) are at the bottom.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "app/app.h"
#include "receipt/receipt.h"
#include "receipt/status.h"

namespace odr::kiosk {

void screen_welcome(App& app);
void screen_business(App& app);
void screen_category(App& app);
void screen_purchase(App& app);
void screen_description(App& app);
void screen_demands(App& app);
void screen_contact(App& app);
void screen_privacy(App& app);
void screen_review(App& app);
void screen_done(App& app);

void overlay_idle(App& app);
void overlay_cancel(App& app);
void overlay_calendar(App& app);
void overlay_submit_error(App& app);
void overlay_print_error(App& app);

// --- shared by the screens ----------------------------------------------------
// Opens the scrolling content area and a centred column at most max_w wide;
// returns the column's width.
float content_begin(App& app, float max_w = 1240);
void content_end();
// The same in any scrolling area r (the staff screens' is above their
// keyboard): the column starts top_space down; column_end closes it.
float column_begin(const char* id, const ImRect& r, float max_w, float top_space);
void column_end();
// Two fields side by side: the right column starts at the left one's top;
// end() continues below the taller of the two. In portrait they stack.
struct SideBySide {
  explicit SideBySide(float width, bool side);
  float column_width() const { return half_; }
  void next();  // to the right column
  void end();

 private:
  float width_, half_, indent_ = 0, left_bottom_ = 0;
  bool side_;
  ImVec2 origin_;
};
// The step's title and the line under it ("<step>.title", "<step>.sub").
void screen_heading(Step s);
// A dialog card centred on a dimmed screen; returns its inner rectangle.
// A centred card over a dimmed screen. bottom: where the free area ends
// (0: the display's bottom; staff dialogs stay above the keyboard).
ImRect dialog_begin(const char* id, ImVec2 size, float bottom = 0, float pad = 48);
void dialog_end();
// 请工作人员协助 and read-aloud, side by side in row (assist.cpp); their
// natural width together.
void assist_buttons(App& app, const ImRect& row);
float assist_width(const App& app);
// The business's name in the current language.
std::string business_label(const App& app, const Business& b);
std::string category_label(const App& app, const std::string& code);
std::string date_label(const std::string& ymd);  // "2026年11月28日" / "28 November 2026"

// --- the printed ticket (receipt.cpp) --------------------------------------------
struct ReceiptFor {
  std::string locale;      // the shopper's language (a reprint: the complaint's)
  std::string ticket;
  int64_t filed_ms = 0;    // Unix ms
  Respondent respondent;
  std::string phone;       // in full: the receipt shows it masked
  int64_t reprinted_ms = 0;  // staff's reprint: when (0: the shopper's own print)
};
Receipt receipt_for(const App& app, const ReceiptFor& f);
// "printer.paper_out" ...: why a receipt did not print, for the shopper.
const char* printer_reason_key(PrinterHealth h);

}  // namespace odr::kiosk
