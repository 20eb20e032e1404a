// Elderly mode against the MIIT 适老化 rules, measured in the real
// program's screenshots: odr-kiosk --tour-walks elderly walks every shopper
// screen in elderly mode (both languages, both orientations) under Xvfb and
// Mesa, and writes beside each PNG a map of its targets and texts (where the
// program says it put them). The sizes and colours are then measured in the
// pixels, not taken from the program:
//   - text at least 32 px (the em: a Chinese character's advance, from the
//     ink's width), headings larger, lines at least 1.3 em apart;
//   - text contrast at least 4.5:1, the ink's colour against the background
//     found under it;
//   - every target at least 80 x 80 px, and its edge (fill or outline
//     against what is around it) at least 3:1.
// The figures are printed: the note quotes them.
//
// [SECTION] Screen maps and pixels
// [SECTION] Measurements
// [SECTION] The test
#include <gtest/gtest.h>
#include <stb/stb_image.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "testing/xvfb.h"

namespace fs = std::filesystem;

namespace {

// --- [SECTION] Screen maps and pixels -----------------------------------------

struct Box {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  float w() const { return x1 - x0; }
  float h() const { return y1 - y0; }
};
struct MapHit {
  std::string id;
  Box r;
  bool enabled = true;
  bool target = false;  // pressable (else a value shown)
};
struct MapText {
  Box r, clip;
  float font_px = 0;
  std::string text;
};
struct ScreenMap {
  std::string overlay;
  Box content;
  std::vector<MapHit> hits;
  std::vector<MapText> texts;
};

ScreenMap read_map(const fs::path& p) {
  ScreenMap m;
  std::ifstream in(p);
  std::string line;
  while (std::getline(in, line)) {
    const size_t tab = line.find('\t');
    std::istringstream ss(line.substr(0, tab));
    std::string kind;
    ss >> kind;
    if (kind == "overlay") {
      ss >> m.overlay;
    } else if (kind == "content") {
      ss >> m.content.x0 >> m.content.y0 >> m.content.x1 >> m.content.y1;
    } else if (kind == "hit") {
      MapHit h;
      int en = 0, sel = 0, target = 0;
      ss >> h.id >> h.r.x0 >> h.r.y0 >> h.r.x1 >> h.r.y1 >> en >> sel >> target;
      h.enabled = en != 0;
      h.target = target != 0;
      m.hits.push_back(h);
    } else if (kind == "text") {
      MapText t;
      float w = 0, h = 0;
      std::string col;
      ss >> t.r.x0 >> t.r.y0 >> w >> h >> t.font_px >> col >> t.clip.x0 >> t.clip.y0 >> t.clip.x1 >> t.clip.y1;
      t.r.x1 = t.r.x0 + w;
      t.r.y1 = t.r.y0 + h;
      t.text = tab == std::string::npos ? "" : line.substr(tab + 1);
      m.texts.push_back(t);
    }
  }
  return m;
}

struct Rgb {
  int r = 0, g = 0, b = 0;
  bool operator<(const Rgb& o) const { return std::tie(r, g, b) < std::tie(o.r, o.g, o.b); }
  bool operator==(const Rgb& o) const { return r == o.r && g == o.g && b == o.b; }
};

struct Image {
  int w = 0, h = 0;
  std::vector<unsigned char> px;
  Rgb at(int x, int y) const {
    x = std::clamp(x, 0, w - 1);
    y = std::clamp(y, 0, h - 1);
    const unsigned char* p = &px[(static_cast<size_t>(y) * w + x) * 3];
    return {p[0], p[1], p[2]};
  }
};

Image load_png(const fs::path& p) {
  Image im;
  int n = 0;
  unsigned char* d = stbi_load(p.c_str(), &im.w, &im.h, &n, 3);
  if (d) im.px.assign(d, d + static_cast<size_t>(im.w) * im.h * 3);
  stbi_image_free(d);
  return im;
}

// WCAG 2 relative luminance and contrast ratio.
double luminance(Rgb c) {
  auto ch = [](int v) {
    const double s = v / 255.0;
    return s <= 0.03928 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b);
}
double contrast(Rgb a, Rgb b) {
  double la = luminance(a), lb = luminance(b);
  if (la < lb) std::swap(la, lb);
  return (la + 0.05) / (lb + 0.05);
}

template <class Pixels>
Rgb mode_of(const Pixels& pixels) {
  std::map<Rgb, int> count;
  for (const Rgb& c : pixels) ++count[c];
  Rgb best;
  int n = -1;
  for (const auto& [c, k] : count)
    if (k > n) best = c, n = k;
  return best;
}

// --- [SECTION] Measurements ----------------------------------------------------

// What one text looks like on screen: its background (the commonest colour
// in its box), its ink (the commonest colour clearly unlike the background:
// the glyphs' solid cores), and where the ink is.
struct Ink {
  Rgb bg, ink;
  bool any = false;
  int x0 = 1 << 30, x1 = -1;        // the ink's columns
  double row_centroid = 0;          // the ink's vertical centre of mass
};

Ink measure_ink(const Image& im, const Box& r) {
  Ink k;
  std::vector<Rgb> all, inked;
  const int X0 = static_cast<int>(r.x0), X1 = static_cast<int>(r.x1), Y0 = static_cast<int>(r.y0),
            Y1 = static_cast<int>(r.y1);
  for (int y = Y0; y < Y1; ++y)
    for (int x = X0; x < X1; ++x) all.push_back(im.at(x, y));
  if (all.empty()) return k;
  k.bg = mode_of(all);
  double mass = 0, sum = 0;
  for (int y = Y0; y < Y1; ++y)
    for (int x = X0; x < X1; ++x) {
      const Rgb c = im.at(x, y);
      if (contrast(c, k.bg) < 2.0) continue;
      inked.push_back(c);
      k.x0 = std::min(k.x0, x);
      k.x1 = std::max(k.x1, x);
      mass += 1;
      sum += y;
    }
  if (inked.empty()) return k;
  k.any = true;
  k.ink = mode_of(inked);
  k.row_centroid = sum / mass;
  return k;
}

std::u32string codepoints(const std::string& s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = n == 1 ? c : c & (0x7F >> n);
    for (int j = 1; j < n && i + j < s.size(); ++j) cp = (cp << 6) | (static_cast<unsigned char>(s[i + j]) & 0x3F);
    out.push_back(cp);
    i += n;
  }
  return out;
}
bool all_ideographs(const std::u32string& t) {
  return !t.empty() && std::all_of(t.begin(), t.end(), [](char32_t c) { return c >= 0x4E00 && c <= 0x9FFF; });
}
bool is_icon(const std::u32string& t) { return t.size() == 1 && t[0] >= 0xE000 && t[0] <= 0xF8FF; }

// A Chinese character advances exactly one em, and its ink nearly fills
// it: n characters' ink spans n em less the first's and last's side
// bearings (about 0.05 em each in Noto Sans CJK; more for narrow glyphs
// such as 日, so one text may read a little small: the rule is checked on
// the median of each text size the screens use).
double em_from_ink(const Ink& k, size_t n) { return (k.x1 - k.x0 + 1) / (static_cast<double>(n) - 0.1); }

std::string num(double v) {
  char b[32];
  snprintf(b, sizeof b, "%.1f", v);
  return b;
}

bool inside(const Box& a, const Box& b) { return a.x0 >= b.x0 && a.y0 >= b.y0 && a.x1 <= b.x1 && a.y1 <= b.y1; }

// The contrast of a target's edge: along the middle half of each side, the
// colours just inside (its fill, or its outline) against the colour just
// outside; the side that shows best (a card's shadow side may blur).
double edge_contrast(const Image& im, const Box& r) {
  double best = 0;
  auto side = [&](bool vertical, int fixed, int a0, int a1, int out_dir) {
    std::vector<Rgb> outside;
    std::vector<std::vector<Rgb>> in(4);
    for (int a = a0 + (a1 - a0) / 4; a < a1 - (a1 - a0) / 4; ++a) {
      for (int d = 3; d <= 6; ++d) outside.push_back(vertical ? im.at(fixed + out_dir * d, a) : im.at(a, fixed + out_dir * d));
      for (int d = 0; d < 4; ++d) in[d].push_back(vertical ? im.at(fixed - out_dir * d, a) : im.at(a, fixed - out_dir * d));
    }
    if (outside.empty()) return;
    const Rgb o = mode_of(outside);
    for (const auto& v : in) best = std::max(best, contrast(mode_of(v), o));
  };
  const int X0 = static_cast<int>(r.x0), X1 = static_cast<int>(r.x1) - 1, Y0 = static_cast<int>(r.y0),
            Y1 = static_cast<int>(r.y1) - 1;
  side(true, X0, Y0, Y1, -1);
  side(true, X1, Y0, Y1, +1);
  side(false, Y0, X0, X1, -1);
  side(false, Y1, X0, X1, +1);
  return best;
}

// The figures over all shots, and what broke the rules.
struct Findings {
  double min_text_em = 1e9, min_title_em = 1e9, min_line_pitch = 1e9, min_text_contrast = 1e9, min_edge = 1e9;
  float min_target = 1e9;
  std::string min_text_where, min_target_where, min_contrast_where, min_edge_where;
  std::map<float, std::vector<double>> em_by_size;  // each size drawn: what its texts measured
  std::map<float, std::string> size_example;
  int texts = 0, sized = 0, targets = 0, pitches = 0;
  // What broke a rule, once per thing (a button on every screen is one
  // finding), with the first shot it was seen in and how often.
  struct Seen {
    std::string first;  // "shot: the figure"
    int times = 0;
  };
  std::map<std::string, Seen> failures;
  void fail(const std::string& shot, const std::string& what, const std::string& figure) {
    Seen& s = failures[what];
    if (s.times++ == 0) s.first = shot + ": " + figure;
  }
};

void check_texts(const std::string& shot, const Image& im, const ScreenMap& m, bool zh, Findings& f) {
  const Box screen{0, 0, static_cast<float>(im.w), static_cast<float>(im.h)};
  float title_px = 0;
  for (const MapText& t : m.texts) title_px = std::max(title_px, t.font_px);
  double title_em = 0;
  const MapText* prev = nullptr;
  Ink prev_ink;
  for (const MapText& t : m.texts) {
    const std::u32string cps = codepoints(t.text);
    if (cps.empty() || t.r.w() < 2 || !inside(t.r, t.clip) || !inside(t.r, screen)) continue;
    const Ink k = measure_ink(im, t.r);
    if (!k.any) continue;
    const std::string what = "\"" + t.text + "\"", where = shot + " " + what;
    const double c = contrast(k.ink, k.bg);
    const double need = is_icon(cps) ? 3.0 : 4.5;  // an icon is a graphic: 3:1
    ++f.texts;
    if (c < f.min_text_contrast) f.min_text_contrast = c, f.min_contrast_where = where;
    if (c < need) f.fail(shot, what + " contrast", num(c) + ":1 < " + num(need) + ":1");
    if (zh && all_ideographs(cps) && cps.size() >= 3) {
      const double em = em_from_ink(k, cps.size());
      ++f.sized;
      if (em < f.min_text_em) f.min_text_em = em, f.min_text_where = where;
      f.em_by_size[t.font_px].push_back(em);
      f.size_example.emplace(t.font_px, where);
      if (t.font_px == title_px) title_em = std::max(title_em, em);
      // A wrapped paragraph: the next line at the same left edge and size.
      if (prev && prev->font_px == t.font_px && prev->r.x0 == t.r.x0 && t.r.y0 > prev->r.y0 &&
          t.r.y0 - prev->r.y0 < 2.5f * t.font_px) {
        const double pitch = (k.row_centroid - prev_ink.row_centroid) / em;
        ++f.pitches;
        f.min_line_pitch = std::min(f.min_line_pitch, pitch);
        if (pitch < 1.3) f.fail(shot, what + " line spacing", num(pitch) + " em < 1.3");
      }
      prev = &t;
      prev_ink = k;
    }
  }
  if (zh && title_em > 0) {
    f.min_title_em = std::min(f.min_title_em, title_em);
    if (title_em < 1.25 * std::max(32.0, f.min_text_em < 1e8 ? f.min_text_em : 32.0) - 1)
      f.fail(shot, "heading size", num(title_em) + " px: hardly larger than body text");
  }
}

void check_targets(const std::string& shot, const Image& im, const ScreenMap& m, Findings& f) {
  // With a dialog up only its own targets can be touched.
  const std::string only = m.overlay == "calendar" ? "cal." : m.overlay == "none" ? "" : "overlay.";
  for (const MapHit& h : m.hits) {
    if (!h.enabled || !h.target || h.id.rfind(only, 0) != 0) continue;
    // Cut by the edge of a scrolling area: only part of it shows.
    const bool cut = h.r.y0 <= m.content.y0 + 1 || h.r.y1 >= m.content.y1 - 1;
    if (cut && m.overlay == "none" && h.r.y0 >= m.content.y0 - 1 && h.r.y1 <= m.content.y1 + 1) continue;
    const std::string where = shot + " " + h.id;
    const float size = std::min(h.r.w(), h.r.h());
    ++f.targets;
    if (size < f.min_target) f.min_target = size, f.min_target_where = where;
    if (size < 80) f.fail(shot, h.id + " target size", num(h.r.w()) + "x" + num(h.r.h()) + " < 80");
    const double e = edge_contrast(im, h.r);
    if (e < f.min_edge) f.min_edge = e, f.min_edge_where = where;
    if (e < 3.0) f.fail(shot, h.id + " edge contrast", num(e) + ":1 < 3:1");
  }
}

std::string env(const char* k) {
  const char* v = getenv(k);
  return v ? v : "";
}

}  // namespace

// --- [SECTION] The test --------------------------------------------------------

TEST(ElderlyMode, MeetsTheMiitSizesAndContrastOnEveryShopperScreen) {
  const std::string bin = env("ODR_BIN_DIR") + "/odr-kiosk";
  const fs::path tmp = fs::path(env("ODR_TEST_TMP").empty() ? "/tmp" : env("ODR_TEST_TMP")) / "elderly";
  fs::remove_all(tmp);
  fs::create_directories(tmp / "shots");
  odr::kiosk::XvfbServer x;
  std::string xerr;
  ASSERT_TRUE(x.start(1920, 1920, &xerr)) << xerr;
  const std::string log = (tmp / "tour.log").string();
  const std::string cmd = "DISPLAY=" + x.display() + " '" + bin + "' --config '" + env("ODR_SOURCE_DIR") +
                          "/config/kiosk.toml' --data-dir '" + (tmp / "data").string() + "' --tour '" +
                          (tmp / "shots").string() + "' --tour-walks elderly > '" + log + "' 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << std::ifstream(log).rdbuf();

  Findings f;
  int shots = 0;
  for (const auto& e : fs::directory_iterator(tmp / "shots")) {
    if (e.path().extension() != ".png") continue;
    const std::string shot = e.path().stem().string();
    const Image im = load_png(e.path());
    ASSERT_GT(im.w, 0) << shot;
    const ScreenMap m = read_map(fs::path(e.path()).replace_extension(".map"));
    ASSERT_FALSE(m.texts.empty()) << shot << ": no texts in its map";
    check_texts(shot, im, m, shot.find("-zh-") != std::string::npos, f);
    check_targets(shot, im, m, f);
    ++shots;
  }
  EXPECT_GE(shots, 4 * 13);
  // Each text size: the median of what its texts measure.
  double smallest_size = 1e9;
  for (auto& [px, ems] : f.em_by_size) {
    std::sort(ems.begin(), ems.end());
    const double median = ems[ems.size() / 2];
    smallest_size = std::min(smallest_size, median);
    if (median < 32)
      f.fail(f.size_example[px], "text drawn at " + num(px) + " px",
             "its em measures " + num(median) + " px < 32 (median of " + std::to_string(ems.size()) + ")");
  }
  EXPECT_GT(f.sized, 200);
  EXPECT_GT(f.pitches, 4);
  printf("elderly mode, %d shots: %d texts (%d sized), %d targets\n", shots, f.texts, f.sized, f.targets);
  printf("  smallest text size %.1f px (the median of its texts); smallest single text %.1f px (%s)\n  smallest heading %.1f px\n  closest lines %.2f em\n", smallest_size, f.min_text_em,
         f.min_text_where.c_str(), f.min_title_em, f.min_line_pitch);
  printf("  lowest text contrast %.2f:1 (%s)\n", f.min_text_contrast, f.min_contrast_where.c_str());
  printf("  smallest target %.0f px (%s)\n  lowest edge contrast %.2f:1 (%s)\n", f.min_target,
         f.min_target_where.c_str(), f.min_edge, f.min_edge_where.c_str());
  std::string all;
  for (const auto& [what, seen] : f.failures)
    all += "  " + what + ": " + seen.first + (seen.times > 1 ? " (and " + std::to_string(seen.times - 1) + " more)" : "") + "\n";
  EXPECT_TRUE(f.failures.empty()) << f.failures.size() << " findings:\n" << all;
}
