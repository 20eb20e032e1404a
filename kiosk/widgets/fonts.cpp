#include "widgets/fonts.h"

#include <fcntl.h>
#include <malloc.h>
#include <sys/mman.h>
#include <stb/stb_truetype.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <chrono>
#include <filesystem>
#include <future>
#include <stdexcept>

#include "util/utf8.h"
#include "widgets/icons.h"

namespace odr::kiosk {

namespace {

const ImWchar kGb2312Ranges[] = {
#include "widgets/gb2312_ranges.inc"
};

// Besides ASCII, symbols the UI and shoppers use that GB 2312 lacks or spells
// differently (¥ vs ￥, en dash, curly quotes are in GB 2312 but cheap to list).
constexpr std::string_view kCommonExtras = "¥€×÷–—‘’“”…•·©®°±²³√←→↑↓";

FontAtlases* g_fonts = nullptr;

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// A read-only view of a font file. The atlas reads glyph outlines from it
// only while building, so it is mapped for one build and unmapped after:
// the 20 MB collection does not stay in the kiosk's memory.
struct MappedFile {
  void* data = nullptr;
  size_t size = 0;
  explicit MappedFile(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error(path + ": cannot be opened");
    struct stat st {};
    if (::fstat(fd, &st) == 0 && st.st_size > 0) {
      size = static_cast<size_t>(st.st_size);
      data = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
      if (data == MAP_FAILED) data = nullptr;
    }
    ::close(fd);
    if (!data) throw std::runtime_error(path + ": cannot be read");
  }
  ~MappedFile() {
    if (data) ::munmap(data, size);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
};

// ImGui glyph ranges (pairs, zero-terminated) from a sorted codepoint list.
std::vector<ImWchar> ranges_of(const std::vector<char32_t>& cps) {
  std::vector<ImWchar> r;
  for (char32_t c : cps) {
    if (c == 0 || c > 0xFFFF) continue;  // ImWchar is 16-bit in Debian's build
    if (!r.empty() && r.back() + 1u == c) {
      r.back() = static_cast<ImWchar>(c);
    } else if (r.empty() || r.back() < c) {
      r.push_back(static_cast<ImWchar>(c));
      r.push_back(static_cast<ImWchar>(c));
    }
  }
  r.push_back(0);
  return r;
}

void merge_into(std::vector<char32_t>& set, const std::vector<char32_t>& more) {
  std::vector<char32_t> out;
  out.reserve(set.size() + more.size());
  std::set_union(set.begin(), set.end(), more.begin(), more.end(), std::back_inserter(out));
  set.swap(out);
}

std::vector<char32_t> ascii_and_extras() {
  std::vector<char32_t> s;
  for (char32_t c = 0x20; c < 0x7F; ++c) s.push_back(c);
  add_codepoints(s, kCommonExtras);
  return s;
}

std::vector<char32_t> gb2312_codepoints() {
  std::vector<char32_t> s;
  s.reserve(7600);
  for (size_t i = 0; i + 1 < sizeof(kGb2312Ranges) / sizeof(kGb2312Ranges[0]); i += 2)
    for (char32_t c = kGb2312Ranges[i]; c <= kGb2312Ranges[i + 1]; ++c) s.push_back(c);
  return s;
}

// stb_truetype packs a glyph without pixels (a space) as "not packed" when
// the atlas has no padding between glyphs, and its advance comes out as 0.
// The text atlas needs padding 0 to hold GB 2312, so blank glyphs get their
// advance from the font's metrics here.
void fix_blank_glyphs(ImFont* font, const MappedFile& file, int face, float size) {
  const auto* data = static_cast<const unsigned char*>(file.data);
  stbtt_fontinfo info;
  if (!stbtt_InitFont(&info, data, stbtt_GetFontOffsetForIndex(data, face))) return;
  const float scale = stbtt_ScaleForPixelHeight(&info, size);
  bool fixed = false;
  for (ImWchar c : {ImWchar(0x20), ImWchar(0xA0), ImWchar(0x3000), ImWchar(0x2002), ImWchar(0x2003)}) {
    ImFontGlyph* g = const_cast<ImFontGlyph*>(font->FindGlyphNoFallback(c));
    if (!g || g->AdvanceX > 0) continue;
    int advance = 0, lsb = 0;
    stbtt_GetCodepointHMetrics(&info, c, &advance, &lsb);
    g->AdvanceX = IM_ROUND(advance * scale);
    fixed = true;
  }
  if (fixed) font->BuildLookupTable();
}

int face_for(const std::string& path) {
  // Noto CJK collections hold JP, KR, SC, TC, HK in that order: face 2 is SC.
  std::string name = std::filesystem::path(path).filename().string();
  return name.find("CJK") != std::string::npos && name.ends_with(".ttc") ? 2 : 0;
}

}  // namespace

void add_codepoints(std::vector<char32_t>& set, std::string_view utf8) {
  std::vector<char32_t> more;
  for (size_t i = 0; i < utf8.size();) {
    char32_t c = next_codepoint(utf8, i);
    if (c >= 0x20 && c != 0xFFFD) more.push_back(c);
  }
  std::sort(more.begin(), more.end());
  more.erase(std::unique(more.begin(), more.end()), more.end());
  merge_into(set, more);
}

std::optional<FontFiles> find_fonts(const std::vector<std::string>& candidates, const std::string& icons,
                                    std::string* error) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (const std::string& p : candidates) {
    if (!fs::is_regular_file(p, ec)) continue;
    FontFiles f;
    f.regular = p;
    f.regular_face = face_for(p);
    f.bold = p;
    f.bold_face = f.regular_face;
    std::string bold = p;
    if (size_t at = bold.rfind("-Regular"); at != std::string::npos) {
      bold.replace(at, 8, "-Bold");
      if (fs::is_regular_file(bold, ec)) {
        f.bold = bold;
        f.bold_face = face_for(bold);
      }
    }
    if (!icons.empty() && fs::is_regular_file(icons, ec)) f.icons = icons;
    return f;
  }
  if (error) {
    std::string tried;
    for (const std::string& p : candidates) tried += (tried.empty() ? "" : ", ") + p;
    *error = "no Chinese font found (tried " + (tried.empty() ? std::string("nothing") : tried) +
             "); install fonts-noto-cjk or fonts-wqy-microhei, or set [fonts] text in the config";
  }
  return std::nullopt;
}

// One build: both atlases and the fonts in them, made on any thread.
struct FontAtlases::Build {
  std::unique_ptr<ImFontAtlas> text, display;
  ImFont* fonts[kSlots] = {};
  bool full = false;
  double ms = 0;
  std::string error;
  int text_glyphs = 0;
};

std::unique_ptr<FontAtlases::Build> FontAtlases::make_build(bool full) {
  auto t0 = std::chrono::steady_clock::now();
  auto b = std::make_unique<Build>();
  b->full = full;

  std::vector<char32_t> body_cps = ascii_and_extras(), large_cps;
  merge_into(body_cps, charsets_.ui);
  large_cps = body_cps;
  {
    std::lock_guard lock(mutex_);
    merge_into(body_cps, std::vector<char32_t>(extra_text_.begin(), extra_text_.end()));
    merge_into(large_cps, std::vector<char32_t>(extra_large_.begin(), extra_large_.end()));
  }
  if (full) merge_into(body_cps, gb2312_codepoints());
  std::vector<char32_t> title_cps = ascii_and_extras(), hero_cps = ascii_and_extras(), ticket_cps;
  merge_into(title_cps, charsets_.title);
  merge_into(hero_cps, charsets_.hero);
  add_codepoints(ticket_cps, " -0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ");

  std::vector<ImWchar> r_body = ranges_of(body_cps), r_large = ranges_of(large_cps), r_title = ranges_of(title_cps),
                       r_hero = ranges_of(hero_cps), r_ticket = ranges_of(ticket_cps);
  std::vector<ImWchar> r_icons;
  for (unsigned short c : kIconCodepoints) {
    r_icons.push_back(c);
    r_icons.push_back(c);
  }
  r_icons.push_back(0);
  static const ImWchar r_space[] = {0x20, 0x20, 0};
  // Only a few icons are drawn at the biggest size.
  std::vector<ImWchar> r_icons_xl;
  for (const char* icon : {ICON_CHECK_CIRCLE, ICON_WARNING, ICON_RESTART_ALT, ICON_TIMER, ICON_ERROR_OUTLINE,
                           ICON_INFO, ICON_LOCK, ICON_TOUCH_APP, ICON_PRINT_DISABLED}) {
    size_t i = 0;
    ImWchar c = static_cast<ImWchar>(next_codepoint(icon, i));
    r_icons_xl.push_back(c);
    r_icons_xl.push_back(c);
  }
  std::sort(r_icons_xl.begin(), r_icons_xl.end());
  r_icons_xl.push_back(0);

  MappedFile regular(files_.regular);
  std::optional<MappedFile> bold_map, icons_map;
  if (files_.bold != files_.regular) bold_map.emplace(files_.bold);
  if (!files_.icons.empty()) icons_map.emplace(files_.icons);
  MappedFile& bold = bold_map ? *bold_map : regular;

  auto add = [](ImFontAtlas* atlas, MappedFile& file, int face, float size, const ImWchar* ranges,
                bool merge = false, float min_advance = 0, float offset_y = 0) {
    ImFontConfig cfg;
    // "Owned" only so that ImGui does not copy the 20 MB collection for every
    // font it is used in (it copies data it does not own); the mapping is
    // ours, and disown() hands it back before the atlas could free it.
    cfg.FontDataOwnedByAtlas = true;
    cfg.FontNo = face;
    cfg.OversampleH = 1;  // at these sizes 1 looks the same and halves the atlas
    cfg.OversampleV = 1;
    cfg.PixelSnapH = true;
    cfg.MergeMode = merge;
    cfg.GlyphMinAdvanceX = min_advance;
    cfg.GlyphOffset.y = offset_y;
    return atlas->AddFontFromMemoryTTF(file.data, static_cast<int>(file.size), size, &cfg, ranges);
  };
  // Icons sit on the text's baseline: move their centre to the centre of the
  // text's glyphs (Noto: 0.259 of the size above the baseline).
  auto add_icons = [&](ImFontAtlas* atlas, float text_size) {
    if (!icons_map) return;
    float s = IM_ROUND(text_size * 0.92f);
    add(atlas, *icons_map, 0, s, r_icons.data(), true, s, IM_ROUND(s * 0.5f - 0.259f * text_size));
  };

  // The text atlas: the body font. Padding 0 because glyphs are drawn 1:1 at
  // whole pixels, and it is what lets GB 2312 at 35 px fit in 2048x2048.
  b->text = std::make_unique<ImFontAtlas>();
  ImFontAtlas* t = b->text.get();
  t->Flags |= ImFontAtlasFlags_NoMouseCursors;
  t->TexGlyphPadding = 0;
  if (full) t->TexDesiredWidth = 2048;
  std::shared_ptr<const GlyphSource> src;
  if (full) {
    std::lock_guard lock(mutex_);
    src = text_source_;
  }
  // With a previous full atlas, only characters it lacks are rasterised; its
  // glyphs come along as ready-made rectangles (copied after the build).
  std::vector<std::pair<int, const ImFontGlyph*>> reused;  // custom rect id, old glyph
  if (src) {
    std::vector<char32_t> fresh;
    std::vector<char32_t> had;
    // Blank glyphs (spaces) cannot be rectangles: they are "drawn" again, for free.
    auto pixel_size = [&](const ImFontGlyph& g) {
      return ImVec2(IM_ROUND((g.U1 - g.U0) * src->width), IM_ROUND((g.V1 - g.V0) * src->height));
    };
    for (const ImFontGlyph& g : src->glyphs)
      if (pixel_size(g).x >= 1 && pixel_size(g).y >= 1) had.push_back(g.Codepoint);
    std::sort(had.begin(), had.end());
    std::set_difference(body_cps.begin(), body_cps.end(), had.begin(), had.end(), std::back_inserter(fresh));
    if (fresh.empty()) fresh.push_back(0x20);  // a font needs at least one range
    r_body = ranges_of(fresh);
    b->fonts[body] = add(t, regular, files_.regular_face, sizes_.body, r_body.data());
    for (const ImFontGlyph& g : src->glyphs) {
      const int w = static_cast<int>(pixel_size(g).x), h = static_cast<int>(pixel_size(g).y);
      if (w < 1 || h < 1 || std::binary_search(fresh.begin(), fresh.end(), static_cast<char32_t>(g.Codepoint))) continue;
      int id = t->AddCustomRectFontGlyph(b->fonts[body], static_cast<ImWchar>(g.Codepoint), w, h, g.AdvanceX,
                                         ImVec2(g.X0, g.Y0));
      reused.emplace_back(id, &g);
    }
  } else {
    b->fonts[body] = add(t, regular, files_.regular_face, sizes_.body, r_body.data());
    add_icons(t, sizes_.body);
  }

  ImFontAtlas* d = (b->display = std::make_unique<ImFontAtlas>()).get();
  d->Flags |= ImFontAtlasFlags_NoMouseCursors;
  d->TexGlyphPadding = 1;
  const float L = sizes_.large;
  b->fonts[title] = add(d, bold, files_.bold_face, sizes_.title, r_title.data());
  add_icons(d, sizes_.title);
  b->fonts[display] = add(d, bold, files_.bold_face, sizes_.display, r_hero.data());
  b->fonts[ticket] = add(d, bold, files_.bold_face, sizes_.ticket, r_ticket.data());
  b->fonts[icon_xl] = add(d, regular, files_.regular_face, sizes_.icon_xl, r_space);
  if (icons_map) add(d, *icons_map, 0, sizes_.icon_xl, r_icons_xl.data(), true, sizes_.icon_xl, 0);
  b->fonts[title_l] = add(d, bold, files_.bold_face, IM_ROUND(sizes_.title * L), r_title.data());
  add_icons(d, IM_ROUND(sizes_.title * L));
  b->fonts[display_l] = add(d, bold, files_.bold_face, IM_ROUND(sizes_.display * L), r_hero.data());
  if (full) {
    b->fonts[body_l] = add(d, regular, files_.regular_face, IM_ROUND(sizes_.body * L), r_large.data());
    add_icons(d, IM_ROUND(sizes_.body * L));
  }

  auto disown = [](ImFontAtlas* a) {
    for (ImFontConfig& c : a->ConfigData) {
      c.FontData = nullptr;
      c.FontDataOwnedByAtlas = false;
    }
  };
  // The two atlases are independent: build them on two cores at once.
  std::future<bool> display_built = std::async(std::launch::async, [d] { return d->Build(); });
  const bool text_built = t->Build();
  const bool built = display_built.get() && text_built;
  if (!built) {
    disown(t);
    disown(d);
    throw std::runtime_error("the font atlas could not be built from " + files_.regular);
  }
  if (src) {
    unsigned char* px;
    int w, h;
    t->GetTexDataAsAlpha8(&px, &w, &h);
    for (const auto& [id, g] : reused) {
      const ImFontAtlasCustomRect* r = t->GetCustomRectByIndex(id);
      const int sx = static_cast<int>(IM_ROUND(g->U0 * src->width)), sy = static_cast<int>(IM_ROUND(g->V0 * src->height));
      for (int y = 0; y < r->Height; ++y)
        memcpy(px + static_cast<size_t>(r->Y + y) * w + r->X,
               src->pixels.data() + static_cast<size_t>(sy + y) * src->width + sx, r->Width);
    }
  }
  fix_blank_glyphs(b->fonts[body], regular, files_.regular_face, sizes_.body);
  // Both atlases are needed as 8-bit alpha: compute it now, off the UI thread.
  unsigned char* px;
  int w, h;
  t->GetTexDataAsAlpha8(&px, &w, &h);
  d->GetTexDataAsAlpha8(&px, &w, &h);
  // The ranges and the mapped files go away with this function.
  disown(t);
  disown(d);
  t->ClearInputData();
  d->ClearInputData();
  b->text_glyphs = b->fonts[body]->Glyphs.Size;
  b->ms = ms_since(t0);
  return b;
}

FontAtlases::FontAtlases(FontFiles files, FontCharsets charsets, FontSizes sizes)
    : files_(std::move(files)), charsets_(std::move(charsets)), sizes_(sizes) {}

FontAtlases::~FontAtlases() {
  if (first_thread_.joinable()) first_thread_.join();
  {
    std::lock_guard lock(mutex_);
    quit_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
  if (release_) {
    if (text_tex_) release_(text_tex_);
    if (display_tex_) release_(display_tex_);
  }
  if (g_fonts == this) g_fonts = nullptr;
}

void FontAtlases::set_uploader(Upload upload, Release release) {
  upload_ = std::move(upload);
  release_ = std::move(release);
  if (!upload_) return;
  for (auto [atlas, tex] : {std::pair{text_.get(), &text_tex_}, std::pair{display_.get(), &display_tex_}}) {
    if (!atlas) continue;
    unsigned char* px;
    int w, h;
    atlas->GetTexDataAsAlpha8(&px, &w, &h);
    *tex = upload_(px, w, h);
    atlas->SetTexID(*tex);
    atlas->ClearTexData();
  }
}

void FontAtlases::install(Build& b) {
  ImTextureID new_text = nullptr, new_display = nullptr;
  if (upload_) {
    unsigned char* px;
    int w, h;
    b.text->GetTexDataAsAlpha8(&px, &w, &h);
    new_text = upload_(px, w, h);
    b.display->GetTexDataAsAlpha8(&px, &w, &h);
    new_display = upload_(px, w, h);
  }
  b.text->SetTexID(new_text);
  b.display->SetTexID(new_display);
  if (b.full) {
    // Kept for adding characters later without drawing every glyph again.
    auto src = std::make_shared<GlyphSource>();
    unsigned char* px;
    int w, h;
    b.text->GetTexDataAsAlpha8(&px, &w, &h);
    src->pixels.assign(px, px + static_cast<size_t>(w) * h);
    src->width = w;
    src->height = h;
    src->glyphs.assign(b.fonts[body]->Glyphs.begin(), b.fonts[body]->Glyphs.end());
    std::lock_guard lock(mutex_);
    text_source_ = std::move(src);
  }
  // The GPU has its copy: free ours.
  if (upload_) {
    b.text->ClearTexData();
    b.display->ClearTexData();
  }
  if (release_) {
    if (text_tex_) release_(text_tex_);
    if (display_tex_) release_(display_tex_);
  }
  text_tex_ = new_text;
  display_tex_ = new_display;
  if (ImGui::GetCurrentContext() && ImGui::GetIO().Fonts == text_.get()) ImGui::GetIO().Fonts = b.text.get();
  text_ = std::move(b.text);
  display_ = std::move(b.display);
  for (int i = 0; i < kSlots; ++i) fonts_[i] = b.fonts[i];
  full_ = full_ || b.full;
  stats_.builds++;
  stats_.last_build_ms = b.ms;
  if (b.full && stats_.full_build_ms == 0) stats_.full_build_ms = b.ms;
  stats_.text_w = text_->TexWidth;
  stats_.text_h = text_->TexHeight;
  stats_.display_w = display_->TexWidth;
  stats_.display_h = display_->TexHeight;
  stats_.text_glyphs = b.text_glyphs;
  // A build frees tens of MB of scratch (glyph bitmaps, packing) inside the
  // worker's malloc arena; give it back to the system rather than keep it.
  malloc_trim(0);
}

void FontAtlases::build_first() {
  start_first();
  finish_first();
}

void FontAtlases::start_first() {
  first_thread_ = std::thread([this] {
    try {
      first_ = make_build(false);
    } catch (const std::exception& e) {
      first_error_ = e.what();
    }
  });
}

void FontAtlases::finish_first() {
  if (first_thread_.joinable()) first_thread_.join();
  if (!first_) throw std::runtime_error(first_error_.empty() ? "the fonts could not be built" : first_error_);
  stats_.first_build_ms = first_->ms;
  install(*first_);
  first_.reset();
  if (!g_fonts) g_fonts = this;
}

void FontAtlases::start_full() {
  std::lock_guard lock(mutex_);
  want_full_ = true;
  queued_ = true;
  if (!worker_.joinable()) worker_ = std::thread([this] { worker_main(); });
  cv_.notify_all();
}

void FontAtlases::worker_main() {
  std::unique_lock lock(mutex_);
  for (;;) {
    cv_.wait(lock, [&] { return quit_ || queued_; });
    if (quit_) return;
    queued_ = false;
    running_ = true;
    bool full = want_full_;
    lock.unlock();
    std::unique_ptr<Build> b;
    try {
      b = make_build(full);
    } catch (const std::exception& e) {
      b.reset();
      fprintf(stderr, "odr-kiosk: fonts: %s\n", e.what());
    }
    lock.lock();
    running_ = false;
    if (b) done_ = std::move(b);  // a newer build replaces one poll() has not taken yet
    cv_.notify_all();
    if (wake_) wake_();
  }
}

bool FontAtlases::poll() {
  std::unique_ptr<Build> b;
  {
    std::lock_guard lock(mutex_);
    b = std::move(done_);
  }
  if (!b) return false;
  install(*b);
  return true;
}

void FontAtlases::wait_idle() {
  {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return quit_ || (!queued_ && !running_) || !worker_.joinable(); });
  }
  poll();
}

bool FontAtlases::busy() const {
  std::lock_guard lock(mutex_);
  return queued_ || running_ || done_ != nullptr;
}

bool FontAtlases::full_ready() const { return full_; }

ImFont* FontAtlases::font(FontRole role, bool large) const {
  switch (role) {
    case FontRole::body: return large && fonts_[body_l] ? fonts_[body_l] : fonts_[body];
    case FontRole::title: return large && fonts_[title_l] ? fonts_[title_l] : fonts_[title];
    case FontRole::display: return large && fonts_[display_l] ? fonts_[display_l] : fonts_[display];
    case FontRole::ticket: return fonts_[ticket];
    case FontRole::icon_xl: return fonts_[icon_xl];
  }
  return fonts_[body];
}

bool FontAtlases::has_all(const ImFont* font, std::string_view utf8) {
  if (!font) return false;
  for (size_t i = 0; i < utf8.size();) {
    char32_t c = next_codepoint(utf8, i);
    if (c < 0x20 || c > 0xFFFF) continue;  // newlines are not glyphs; beyond 16 bits cannot be added
    if (!const_cast<ImFont*>(font)->FindGlyphNoFallback(static_cast<ImWchar>(c))) return false;
  }
  return true;
}

ImFont* FontAtlases::font_for(FontRole role, bool large, std::string_view utf8) {
  ImFont* f = font(role, large);
  if (has_all(f, utf8)) return f;
  request(utf8);
  return fonts_[body];
}

bool FontAtlases::request(std::string_view utf8) {
  bool added = false, missing = false;
  {
    std::lock_guard lock(mutex_);
    for (size_t i = 0; i < utf8.size();) {
      char32_t c = next_codepoint(utf8, i);
      if (c < 0x20 || c > 0xFFFF || c == 0xFFFD) continue;
      ImWchar w = static_cast<ImWchar>(c);
      if (!fonts_[body]->FindGlyphNoFallback(w)) {
        missing = true;
        added |= extra_text_.insert(c).second;
      }
      if (fonts_[body_l] && !fonts_[body_l]->FindGlyphNoFallback(w)) {
        missing = true;
        added |= extra_large_.insert(c).second;
      }
    }
    if (added && want_full_) {
      queued_ = true;
      cv_.notify_all();
    }
  }
  // Before start_full() the characters wait in the sets for the first worker build.
  return !missing;
}

void set_current_fonts(FontAtlases* fonts) { g_fonts = fonts; }
FontAtlases* current_fonts() { return g_fonts; }
bool request_glyphs(std::string_view utf8) { return g_fonts ? g_fonts->request(utf8) : false; }

}  // namespace odr::kiosk
