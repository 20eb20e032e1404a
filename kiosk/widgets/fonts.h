// The kiosk's fonts: Noto Sans CJK SC (or WenQuanYi Micro Hei) with Material
// Icons merged in, in two atlases:
//   text atlas (<= 2048x2048): the body font with every UI string, all of
//     GB 2312 and any extra characters asked for (pinyin / handwriting
//     candidates beyond GB 2312);
//   display atlas (small): titles, the welcome hero line, the ticket number,
//     big icons, and the large-text mode's fonts.
// The first frame waits only for the UI strings (tens of ms); GB 2312 and
// the large-text fonts are built on a worker thread and swapped in between
// frames by poll(). ImGui 1.86 has no dynamic glyphs, so adding characters
// means building a new atlas in the background and swapping it in the same way.
#pragma once
#include <imgui.h>
#include <imgui_internal.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace odr::kiosk {

enum class FontRole { body, title, display, ticket, icon_xl };

struct FontFiles {
  std::string regular;
  int regular_face = 0;  // Noto Sans CJK .ttc: face 2 is Simplified Chinese
  std::string bold;      // the regular file again when there is no bold one
  int bold_face = 0;
  std::string icons;  // empty: no icon font (icons then show as nothing)
};

// The first of candidates that exists (with its bold sibling when there is
// one), and the icon font if it exists. nullopt with a message naming every
// path tried when no text font is there.
std::optional<FontFiles> find_fonts(const std::vector<std::string>& candidates, const std::string& icons,
                                    std::string* error);

// Codepoint sets (sorted, unique) the atlases must hold besides GB 2312.
struct FontCharsets {
  std::vector<char32_t> ui;     // every UI string of both languages, business names, error messages
  std::vector<char32_t> title;  // strings drawn at title size
  std::vector<char32_t> hero;   // strings drawn at display size
};
void add_codepoints(std::vector<char32_t>& set, std::string_view utf8);  // keeps set sorted and unique

// Pixel sizes as ImGui counts them (line height); Noto's em is size / 1.448,
// so body 35 px draws Chinese characters 24 px wide (18 pt).
struct FontSizes {
  float body = 35, title = 52, display = 76, ticket = 100, icon_xl = 132;
  // Elderly mode multiplies body, title and display: body 48 px, whose
  // em (48 / 1.448) is 33 px, above the MIIT rules' 32 (tests/kiosk/elderly_test).
  float large = 1.38f;
};

struct FontStats {
  double first_build_ms = 0;  // UI strings only, before the first frame
  bool first_from_cache = false, full_from_cache = false;  // read from the atlas cache (widgets/atlas_cache.h)
  double full_build_ms = 0;   // the worker's first build with GB 2312
  double last_build_ms = 0;   // the latest build (e.g. after characters were added)
  int builds = 0;
  int text_w = 0, text_h = 0, display_w = 0, display_h = 0;
  int text_glyphs = 0;
};

class FontAtlases {
 public:
  // Uploads an 8-bit alpha image as a texture; returns its id. Absent
  // (headless tests): atlases get no texture.
  using Upload = std::function<ImTextureID(const unsigned char* alpha8, int w, int h)>;
  using Release = std::function<void(ImTextureID)>;

  FontAtlases(FontFiles files, FontCharsets charsets, FontSizes sizes = {});
  ~FontAtlases();
  FontAtlases(const FontAtlases&) = delete;
  FontAtlases& operator=(const FontAtlases&) = delete;

  // Sets the texture functions and uploads the atlases built so far (call
  // once the GL context and ImGui's renderer exist).
  void set_uploader(Upload upload, Release release);
  // Where built atlases are kept between starts (widgets/atlas_cache.h);
  // empty (the default): none. Call before the first build.
  void set_cache_dir(std::string dir) { cache_dir_ = std::move(dir); }
  // Called on the worker thread when a build is ready for poll() (the
  // platform wakes its event loop with it).
  void set_wake(std::function<void()> wake) { wake_ = std::move(wake); }
  // Synchronous: the UI strings at every size. Throws std::runtime_error when a font cannot be read.
  void build_first();
  // The same in two halves, so the window can open meanwhile: start_first()
  // builds on a thread, finish_first() waits and installs (on the UI thread).
  void start_first();
  void finish_first();
  // start_first()'s build is done (finish_first() will not wait).
  bool first_built() const { return first_built_.load(); }
  // Starts the worker: GB 2312 plus everything asked for so far.
  void start_full();
  // Between frames: swaps in a finished build (uploading its textures).
  // True when the fonts changed. Call before ImGui::NewFrame.
  bool poll();
  // Blocks until no build is running or queued, then polls (tests, the tour).
  void wait_idle();
  bool busy() const;         // a build is running or queued: keep polling
  bool full_ready() const;   // GB 2312 is in
  const FontStats& stats() const { return stats_; }

  ImFontAtlas* text_atlas() const { return text_.get(); }
  // Where the white texel of the atlas uploaded as tex is (for drawing
  // shapes untextured); false when tex is not one of these atlases.
  bool white_uv(ImTextureID tex, ImVec2* uv) const;
  ImFontAtlas* display_atlas() const { return display_.get(); }
  // The font for a role; large: the large-text mode's (falls back to the
  // normal one until the worker has built it).
  ImFont* font(FontRole role, bool large) const;
  // The font to draw text in: font(role, large) when it has every character
  // of utf8, else the body font (which has GB 2312) after asking for them.
  ImFont* font_for(FontRole role, bool large, std::string_view utf8);
  static bool has_all(const ImFont* font, std::string_view utf8);
  // Makes sure the characters of utf8 get into the body fonts: the missing
  // ones are added by a background rebuild. True when nothing was missing.
  bool request(std::string_view utf8);

 private:
  struct Build;
  // The installed full text atlas, kept so that adding a few characters
  // re-uses its 7,600 rasterised glyphs instead of drawing them again.
  struct GlyphSource {
    std::vector<unsigned char> pixels;  // alpha8
    int width = 0, height = 0;
    std::vector<ImFontGlyph> glyphs;    // the body font's
  };
  enum Slot { body, title, display, ticket, icon_xl, body_l, title_l, display_l, kSlots };
  struct Ranges;  // one build's glyph ranges
  struct Maps;    // the font files mapped for one build
  std::unique_ptr<Build> make_build(bool full);
  uint64_t cache_key(const Ranges& r, bool full) const;
  std::unique_ptr<Build> load_cached(const std::string& path, uint64_t key, bool full);
  bool save_cached(const Build& b, const std::string& path, uint64_t key);
  Ranges ranges_for(bool full);
  std::vector<std::pair<int, const ImFontGlyph*>> add_text_fonts(Build& b, Maps& maps, Ranges& r,
                                                                 const GlyphSource* src);
  void add_display_fonts(Build& b, Maps& maps, const Ranges& r);
  static void copy_reused(ImFontAtlas* t, const GlyphSource& src,
                          const std::vector<std::pair<int, const ImFontGlyph*>>& reused);
  std::shared_ptr<const GlyphSource> load_source(const std::string& path, uint64_t key);
  void worker_main();
  void install(Build& b);

  FontFiles files_;
  std::string cache_dir_;
  FontCharsets charsets_;
  FontSizes sizes_;
  Upload upload_;
  Release release_;
  std::function<void()> wake_;
  std::unique_ptr<ImFontAtlas> text_, display_;
  ImFont* fonts_[kSlots] = {};
  ImTextureID text_tex_ = nullptr, display_tex_ = nullptr;
  FontStats stats_;
  bool full_ = false;  // the installed atlases have GB 2312

  // Worker state, guarded by mutex_.
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::thread worker_;
  std::thread first_thread_;
  std::unique_ptr<Build> first_;
  std::string first_error_;
  std::atomic<bool> first_built_{false};
  bool want_full_ = false;
  bool queued_ = false;   // a (re)build is wanted
  bool running_ = false;  // the worker is building
  bool quit_ = false;
  std::set<char32_t> extra_text_, extra_large_;  // characters asked for beyond the base sets
  std::shared_ptr<const GlyphSource> text_source_;  // see GlyphSource
  std::string source_path_;  // or the cache file that holds it (and its key)
  uint64_t source_key_ = 0;
  std::unique_ptr<Build> done_;                  // finished, waiting for poll()
};

// The atlases of the running app, for code outside the widgets (the pinyin
// and handwriting candidate bars) that must make sure characters render.
void set_current_fonts(FontAtlases* fonts);
FontAtlases* current_fonts();
// Asks for the characters of utf8 to be added to the fonts (between frames,
// in the background); true when they are all there already.
bool request_glyphs(std::string_view utf8);

}  // namespace odr::kiosk
