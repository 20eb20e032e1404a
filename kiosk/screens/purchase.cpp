// 4. Purchase: the item, the date (today / yesterday / a calendar, never in
// the future), the amount in yuan on the keypad, the order number (optional).
#include "screens/screens.h"
#include "util/time.h"
#include "widgets/icons.h"
#include "widgets/widgets.h"

namespace odr::kiosk {

void screen_purchase(App& app) {
  const Palette& p = ui().pal;
  const Metrics& m = ui().m;
  Purchase& pu = app.draft.c.purchase;
  const float W = content_begin(app);
  screen_heading(Step::purchase);

  TextFieldSpec item;
  item.label = tr("purchase.item");
  item.hint = tr("purchase.item_hint");
  app.field({"field.purchase.item", "purchase.item", &pu.item, FieldKind::text, field_length_limits("purchase.item").max},
            item);
  space(m.gap * 1.25f);

  // The date: two quick choices and the calendar.
  text_block(FontRole::body, tr("purchase.date"), p.text, W);
  space(8);
  const ValidationContext ctx = app.validation_context();
  const int64_t local_today = *parse_date(local_date(ctx.now_unix_s, ctx.tz_offset_minutes));
  const std::string today_s = format_date(local_today), yesterday_s = format_date(local_today - 1);
  const bool other = !pu.date.empty() && pu.date != today_s && pu.date != yesterday_s;
  std::vector<ChipItem> dates = {{"purchase.date.today", tr("purchase.today"), pu.date == today_s},
                                 {"purchase.date.yesterday", tr("purchase.yesterday"), pu.date == yesterday_s},
                                 {"purchase.date.pick",
                                  other ? std::string(ICON_CALENDAR_TODAY "  ") + date_label(pu.date)
                                        : std::string(ICON_CALENDAR_TODAY "  ") + tr("purchase.pick_date"),
                                  other}};
  int t = chip_grid(dates, false);
  if (t == 0) pu.date = today_s;
  if (t == 1) pu.date = yesterday_s;
  if (t == 2) {
    app.unfocus();
    app.overlay = Overlay::calendar;
  }
  if (t == 0 || t == 1) app.touch("purchase.date");
  if (std::string msg = app.message_for("purchase.date"); !msg.empty()) {
    space(10);
    message_line(ICON_ERROR_OUTLINE, msg, p.error, W);
  }
  space(m.gap * 1.25f);

  // Amount and order number side by side when there is room.
  SideBySide cols(W, !ui().portrait);
  TextFieldSpec amount;
  amount.label = tr("purchase.amount");
  amount.hint = tr("purchase.amount_hint");
  amount.prefix = "¥";
  app.field({"field.purchase.amount", "purchase.amount_fen", &app.draft.amount_text, FieldKind::amount, 12}, amount);
  cols.next();
  TextFieldSpec order;
  order.label = tr("purchase.order_no");
  order.hint = tr("purchase.order_no_hint");
  order.optional = true;
  app.field({"field.purchase.order_no", "purchase.order_no", &pu.order_no, FieldKind::code,
             field_length_limits("purchase.order_no").max},
            order);
  cols.end();
  content_end();
}

}  // namespace odr::kiosk
