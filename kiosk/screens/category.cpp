// 3. What: goods or service, the category, and one or more problem types.
#include <algorithm>

#include "screens/screens.h"
#include "widgets/icons.h"
#include "widgets/widgets.h"

namespace odr::kiosk {

void screen_category(App& app) {
  const Palette& p = ui().pal;
  const Metrics& m = ui().m;
  Category& cat = app.draft.c.category;
  const float W = content_begin(app);
  screen_heading(Step::category);

  // Goods or service: two big cards.
  const float half = (W - m.gap) * 0.5f;
  const float h = IM_ROUND(120 * m.s);
  ImRect row = take(ImVec2(W, h));
  struct Kind {
    const char* kind;
    const char* icon;
  } kinds[] = {{"goods", ICON_SHOPPING_BAG}, {"service", ICON_ROOM_SERVICE}};
  for (int i = 0; i < 2; ++i) {
    ImRect r(ImVec2(row.Min.x + i * (half + m.gap), row.Min.y), ImVec2(row.Min.x + i * (half + m.gap) + half, row.Max.y));
    std::string id = std::string("category.kind.") + kinds[i].kind;
    std::string key = std::string("category.kind_") + kinds[i].kind;
    if (choice_card(id.c_str(), r, kinds[i].icon, tr(key), tr(key + "_sub"), cat.kind == kinds[i].kind)) {
      if (cat.kind != kinds[i].kind) {
        cat.kind = kinds[i].kind;
        // A category of the other kind no longer fits.
        for (const CategoryEntry& c : app.config().categories)
          if (c.code == cat.code && c.kind != cat.kind) cat.code.clear();
      }
      app.touch("category.kind");
    }
  }
  if (std::string msg = app.message_for("category.kind"); !msg.empty()) {
    space(10);
    message_line(ICON_ERROR_OUTLINE, msg, p.error, W);
  }

  // The category list for that kind.
  if (!cat.kind.empty()) {
    space(m.gap * 1.5f);
    text_block(FontRole::body, tr("category.which"), p.text, W);
    space(12);
    std::vector<ChipItem> items;
    std::vector<std::string> codes;
    for (const CategoryEntry& c : app.config().categories) {
      if (c.kind != cat.kind) continue;
      items.push_back({"category.code." + c.code, category_label(app, c.code), cat.code == c.code});
      codes.push_back(c.code);
    }
    int t = chip_grid(items, false);
    if (t >= 0) {
      cat.code = codes[t];
      app.touch("category.code");
    }
    if (std::string msg = app.message_for("category.code"); !msg.empty()) {
      space(10);
      message_line(ICON_ERROR_OUTLINE, msg, p.error, W);
    }
  }

  // Problems: several may apply.
  space(m.gap * 1.5f);
  text_block(FontRole::body, tr("category.problems"), p.text, W);
  space(12);
  std::vector<ChipItem> problems;
  for (const std::string& code : kProblemCodes) {
    bool on = std::find(cat.problems.begin(), cat.problems.end(), code) != cat.problems.end();
    problems.push_back({"category.problem." + code, tr("problem." + code), on});
  }
  int t = chip_grid(problems, true, ui().portrait ? 2 : 3);
  if (t >= 0) {
    const std::string& code = kProblemCodes[t];
    auto it = std::find(cat.problems.begin(), cat.problems.end(), code);
    if (it == cat.problems.end())
      cat.problems.push_back(code);
    else
      cat.problems.erase(it);
    app.touch("category.problems");
  }
  if (std::string msg = app.message_for("category.problems"); !msg.empty()) {
    space(10);
    message_line(ICON_ERROR_OUTLINE, msg, p.error, W);
  }
  content_end();
}

}  // namespace odr::kiosk
