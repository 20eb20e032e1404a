// Benchmark of the Chinese input engines, as the shopper feels them:
//   tap -> candidates     one key into rime and the new candidate page
//   stroke -> candidates  zinnia over all strokes so far, after each stroke
//   atlas rebuild        characters rime offers beyond the kiosk's font atlas
//                        (UI strings + GB 2312) asked for, rebuilt on the
//                        kiosk's worker thread, swapped in between frames
//                        (with kiosk/widgets/fonts.h, when the kiosk is built)
// plus rime's deploy (cold and warm), reset, and zinnia's model open.
// Targets (issue 5): tap <= 30 ms, stroke <= 50 ms, atlas rebuild <= 100 ms.
// Usage: bench_input [--smoke] [--dir SCRATCH]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "input/ime.h"
#include "util/utf8.h"
#include "strokes.h"

#include "app/startup.h"
#include "widgets/fonts.h"

namespace {

namespace fs = std::filesystem;
using namespace odr::input;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

struct Figures {
  std::vector<double> ms;
  double at(double q) const {
    std::vector<double> s = ms;
    std::sort(s.begin(), s.end());
    size_t i = static_cast<size_t>(q * static_cast<double>(s.size() - 1) + 0.5);
    return s[std::min(i, s.size() - 1)];
  }
  void print(const char* name, double target) const {
    if (ms.empty()) return;
    const double p99 = at(0.99);
    std::printf("%-28s n=%-6zu median %7.3f ms  p99 %7.3f ms  max %7.3f ms  target <= %.0f ms: %s\n", name, ms.size(),
                at(0.5), p99, at(1.0), target, p99 <= target ? "met" : "MISSED");
  }
};

double deploy(const fs::path& user, const fs::path& log, std::unique_ptr<PinyinInput>* out) {
  InputOptions options;
  options.user_data_dir = user.string();
  options.log_dir = log.string();
  std::string error;
  const auto t0 = Clock::now();
  auto ime = make_pinyin_input(options, &error);
  if (!ime) {
    std::fprintf(stderr, "bench_input: %s\n", error.c_str());
    std::exit(1);
  }
  while (!ime->ready() && !ime->failed()) std::this_thread::sleep_for(std::chrono::microseconds(200));
  const double ms = ms_since(t0);
  if (ime->failed()) {
    std::fprintf(stderr, "bench_input: rime failed to deploy\n");
    std::exit(1);
  }
  *out = std::move(ime);
  return ms;
}

// Words a shopper might type in a complaint, as pinyin.
const char* const kWords[] = {
    "xiaofei", "tuihuo", "tuikuan", "zhiliang", "wenti", "shangpin", "jiage", "qizha", "fuwu", "taidu",
    "shouhou", "weixiu", "fapiao", "dingdan", "peichang", "xiaofeizhe", "quanyi", "shangchang", "yifu", "shouji",
    "women", "maile", "yijian", "dongxi", "zuotian", "huaile", "bugei", "tui", "qian", "xiwang",
};

// Characters rime offers that the atlas lacks, found by typing syllables and
// paging through their candidates.
std::vector<std::string> missing_characters(PinyinInput& ime, const odr::kiosk::FontAtlases& fonts, size_t want) {
  static const char* const kSyllables[] = {"a",    "ba",  "ci",  "de",  "e",   "fu",  "ge",   "hu",  "ji",
                                           "ke",   "li",  "mu",  "ni",  "pi",  "qi",  "ri",   "si",  "ti",
                                           "wu",   "xi",  "yi",  "zi",  "zhi", "chi", "shi",  "yu",  "xian",
                                           "jian", "lin", "jun", "hao", "kun", "zhe", "xuan", "yan", "zhou"};
  const ImFont* body = fonts.font(odr::kiosk::FontRole::body, false);
  std::vector<std::string> found;
  for (const char* syllable : kSyllables) {
    for (const char* k = syllable; *k; ++k) ime.press(*k);
    for (int page = 0; page < 12 && found.size() < want; ++page) {
      for (const std::string& c : ime.composition().candidates) {
        size_t i = 0;
        while (i < c.size()) {
          const size_t start = i;
          odr::next_codepoint(c, i);
          std::string one = c.substr(start, i - start);
          if (!odr::kiosk::FontAtlases::has_all(body, one) &&
              std::find(found.begin(), found.end(), one) == found.end())
            found.push_back(one);
        }
      }
      if (!ime.composition().has_next_page) break;
      ime.change_page(+1);
    }
    ime.reset();
    if (found.size() >= want) break;
  }
  return found;
}

// Each round asks for a few new characters, as one candidate page would,
// and waits until the rebuilt atlas is swapped in between "frames".
int bench_atlas(PinyinInput& ime, bool smoke) {
  using namespace odr::kiosk;
  odr::KioskConfig config = odr::load_config(std::string(ODR_BENCH_SOURCE_DIR) + "/config/kiosk.toml");
  I18n i18n;
  std::string error;
  const std::string assets = find_assets_dir("");
  if (assets.empty() || !i18n.load(assets, &error)) {
    std::fprintf(stderr, "bench_input: translation catalogs: %s\n", error.c_str());
    return 1;
  }
  std::unique_ptr<FontAtlases> fonts = make_fonts(config, i18n);
  fonts->start_full();
  fonts->wait_idle();
  const FontStats first = fonts->stats();
  std::printf("font atlas: first %.1f ms, with GB 2312 %.1f ms, %dx%d, %d glyphs\n", first.first_build_ms,
              first.full_build_ms, first.text_w, first.text_h, first.text_glyphs);
  const int rounds = smoke ? 1 : 10;
  const size_t per_round = 4;
  std::vector<std::string> chars = missing_characters(ime, *fonts, per_round * static_cast<size_t>(rounds));
  if (chars.size() < per_round) {
    std::fprintf(stderr, "bench_input: rime offered no characters beyond the atlas\n");
    return 1;
  }
  Figures shown, build, swap;
  for (size_t at = 0; at + per_round <= chars.size(); at += per_round) {
    std::string batch;
    for (size_t i = at; i < at + per_round; ++i) batch += chars[i];
    const auto t0 = Clock::now();
    fonts->request(batch);
    double swap_ms = 0;
    for (;;) {
      const auto p0 = Clock::now();
      const bool swapped = fonts->poll();  // what the UI thread does before each frame
      if (swapped) {
        swap_ms = ms_since(p0);
        break;
      }
      if (ms_since(t0) > 10000) {
        std::fprintf(stderr, "bench_input: atlas never rebuilt\n");
        return 1;
      }
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    shown.ms.push_back(ms_since(t0));
    swap.ms.push_back(swap_ms);
    build.ms.push_back(fonts->stats().last_build_ms);
    if (!FontAtlases::has_all(fonts->font(FontRole::body, false), batch))
      std::printf("  (some of %s are not in the font at all)\n", batch.c_str());
  }
  std::printf("atlas rebuild, %zu new characters a round (worker thread; no GPU upload headless):\n", per_round);
  shown.print("  asked -> in the atlas", 100);
  build.print("  worker build", 100);
  swap.print("  UI thread swap", 100);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  bool smoke = false;
  fs::path dir = fs::temp_directory_path() / ("odr-bench-input-" + std::to_string(getpid()));
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--smoke")) {
      smoke = true;
    } else if (!std::strcmp(argv[i], "--dir") && i + 1 < argc) {
      dir = argv[++i];
    } else {
      std::fprintf(stderr, "usage: bench_input [--smoke] [--dir SCRATCH]\n");
      return 2;
    }
  }
  fs::remove_all(dir);
  fs::create_directories(dir);
  const int rounds = smoke ? 1 : 20;

  // --- rime ---
  std::unique_ptr<PinyinInput> ime;
  const double cold = deploy(dir / "rime", dir / "log", &ime);
  ime.reset();
  const double warm = deploy(dir / "rime", dir / "log", &ime);
  std::printf("rime deploy: fresh user folder %.1f ms, deployed folder %.1f ms (background thread)\n", cold, warm);

  Figures tap, commit, page, reset;
  size_t committed = 0;
  for (int r = 0; r < rounds; ++r) {
    for (const char* word : kWords) {
      Composition c;
      for (const char* k = word; *k; ++k) {
        const auto t0 = Clock::now();
        ime->press(*k);
        c = ime->composition();  // what the candidate bar draws
        tap.ms.push_back(ms_since(t0));
      }
      if (c.candidates.empty()) {
        std::fprintf(stderr, "bench_input: no candidates for %s\n", word);
        return 1;
      }
      auto t0 = Clock::now();
      ime->change_page(+1);
      (void)ime->composition();
      page.ms.push_back(ms_since(t0));
      ime->change_page(-1);
      t0 = Clock::now();
      committed += ime->press(' ').size();
      (void)ime->composition();
      commit.ms.push_back(ms_since(t0));
    }
    const auto t0 = Clock::now();
    ime->reset();
    reset.ms.push_back(ms_since(t0));
  }
  if (committed == 0) return 1;
  tap.print("tap -> candidates", 30);
  page.print("page -> candidates", 30);
  commit.print("space -> commit", 30);
  reset.print("reset (new shopper)", 30);
  if (int rc = bench_atlas(*ime, smoke)) return rc;
  ime.reset();

  // --- zinnia ---
  InputOptions options;
  std::string error;
  auto t0 = Clock::now();
  auto hw = make_handwriting_input(options, &error);
  const double open_ms = ms_since(t0);
  if (!hw) {
    std::fprintf(stderr, "bench_input: %s\n", error.c_str());
    return 1;
  }
  std::printf("zinnia model open: %.1f ms\n", open_ms);
  // A 480x480 pad (large-text keyboard); the simple characters plus scribbles
  // of up to 16 strokes, which cost zinnia the most.
  const float w = 480, h = 480;
  std::vector<std::vector<Stroke>> characters;
  for (auto& written : odr::input::testing::simple_characters(w, h)) characters.push_back(written.strokes);
  std::mt19937 rng(12315);
  std::uniform_real_distribution<float> u(0.05f, 0.95f);
  for (int n = 0; n < (smoke ? 2 : 20); ++n) {
    std::vector<Stroke> scribble;
    for (int s = 0; s < 16; ++s)
      scribble.push_back(odr::input::testing::line(w, h, u(rng), u(rng), u(rng), u(rng), 12 + s % 20));
    characters.push_back(scribble);
  }
  Figures stroke;
  size_t offered = 0;
  for (int r = 0; r < (smoke ? 1 : 5); ++r) {
    for (const auto& strokes : characters) {
      std::vector<Stroke> drawn;
      for (const auto& s : strokes) {
        drawn.push_back(s);
        t0 = Clock::now();
        offered += hw->recognize(drawn, w, h, 10).size();
        stroke.ms.push_back(ms_since(t0));
      }
    }
  }
  if (offered == 0) return 1;
  stroke.print("stroke -> candidates", 50);

  fs::remove_all(dir);
  return 0;
}
