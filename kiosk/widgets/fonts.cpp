// The kiosk's two font atlases (widgets/fonts.h says what is in each).
//
// Index of this file:
// [SECTION] Glyph sets and font files
// [SECTION] One build: its ranges and mapped files, both atlases
// [SECTION] The atlases: the first build, the worker, swapping in
// [SECTION] Fonts for text: by role, characters asked for

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
#include "widgets/atlas_cache.h"
#include "widgets/icons.h"

namespace odr::kiosk {

// -----------------------------------------------------------------------------
// [SECTION] Glyph sets and font files
// -----------------------------------------------------------------------------

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

// -----------------------------------------------------------------------------
// [SECTION] One build: its ranges and mapped files, both atlases
// -----------------------------------------------------------------------------

// One build: both atlases and the fonts in them, made on any thread.
struct FontAtlases::Build {
  std::unique_ptr<ImFontAtlas> text, display;
  ImFont* fonts[kSlots] = {};
  bool full = false;
  bool from_cache = false;
  std::string cache_path;  // in the cache (read from or written to) under cache_key
  uint64_t cache_key = 0;
  double ms = 0;
  std::string error;
  int text_glyphs = 0;
};

// The glyph ranges of one build: ImGui reads them until the atlases are built.
struct FontAtlases::Ranges {
  std::vector<char32_t> body_cps;  // the body font's characters
  std::vector<ImWchar> body, large, title, hero, ticket, icons, icons_xl;
};

// The font files of one build, mapped for as long as it runs.
struct FontAtlases::Maps {
  MappedFile regular;
  std::optional<MappedFile> bold_map, icons;
  explicit Maps(const FontFiles& f) : regular(f.regular) {
    if (f.bold != f.regular) bold_map.emplace(f.bold);
    if (!f.icons.empty()) icons.emplace(f.icons);
  }
  MappedFile& bold() { return bold_map ? *bold_map : regular; }
};

namespace {

ImFont* add_font(ImFontAtlas* atlas, MappedFile& file, int face, float size, const ImWchar* ranges, bool merge = false,
                 float min_advance = 0, float offset_y = 0) {
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
}

// Icons sit on the text's baseline: move their centre to the centre of the
// text's glyphs (Noto: 0.259 of the size above the baseline).
void add_icons(ImFontAtlas* atlas, std::optional<MappedFile>& icons, const std::vector<ImWchar>& ranges,
               float text_size) {
  if (!icons) return;
  float s = IM_ROUND(text_size * 0.92f);
  add_font(atlas, *icons, 0, s, ranges.data(), true, s, IM_ROUND(s * 0.5f - 0.259f * text_size));
}

std::vector<ImWchar> icon_ranges() {
  std::vector<ImWchar> r;
  for (unsigned short c : kIconCodepoints) {
    r.push_back(c);
    r.push_back(c);
  }
  r.push_back(0);
  return r;
}

// Only a few icons are drawn at the biggest size.
std::vector<ImWchar> big_icon_ranges() {
  std::vector<ImWchar> r;
  for (const char* icon : {ICON_CHECK_CIRCLE, ICON_WARNING, ICON_RESTART_ALT, ICON_TIMER, ICON_ERROR_OUTLINE,
                           ICON_INFO, ICON_LOCK, ICON_TOUCH_APP, ICON_PRINT_DISABLED}) {
    size_t i = 0;
    ImWchar c = static_cast<ImWchar>(next_codepoint(icon, i));
    r.push_back(c);
    r.push_back(c);
  }
  std::sort(r.begin(), r.end());
  r.push_back(0);
  return r;
}

// The font data is the mapping's, not the atlas's: take it back before the
// atlas could free it.
void disown(ImFontAtlas* a) {
  for (ImFontConfig& c : a->ConfigData) {
    c.FontData = nullptr;
    c.FontDataOwnedByAtlas = false;
  }
}

// The two atlases are independent: build them on two cores at once.
bool build_both(ImFontAtlas* t, ImFontAtlas* d) {
  std::future<bool> display_built = std::async(std::launch::async, [d] { return d->Build(); });
  const bool text_built = t->Build();
  return display_built.get() && text_built;
}

// Both atlases are needed as 8-bit alpha: compute it now, off the UI thread.
// The ranges and the mapped files go away after the build.
void finish_atlases(ImFontAtlas* t, ImFontAtlas* d) {
  unsigned char* px;
  int w, h;
  t->GetTexDataAsAlpha8(&px, &w, &h);
  d->GetTexDataAsAlpha8(&px, &w, &h);
  disown(t);
  disown(d);
  t->ClearInputData();
  d->ClearInputData();
}

}  // namespace

FontAtlases::Ranges FontAtlases::ranges_for(bool full) {
  Ranges r;
  std::vector<char32_t> large_cps;
  r.body_cps = ascii_and_extras();
  merge_into(r.body_cps, charsets_.ui);
  large_cps = r.body_cps;
  {
    std::lock_guard lock(mutex_);
    merge_into(r.body_cps, std::vector<char32_t>(extra_text_.begin(), extra_text_.end()));
    merge_into(large_cps, std::vector<char32_t>(extra_large_.begin(), extra_large_.end()));
  }
  if (full) merge_into(r.body_cps, gb2312_codepoints());
  std::vector<char32_t> title_cps = ascii_and_extras(), hero_cps = ascii_and_extras(), ticket_cps;
  merge_into(title_cps, charsets_.title);
  merge_into(hero_cps, charsets_.hero);
  add_codepoints(ticket_cps, " -0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ");
  r.body = ranges_of(r.body_cps);
  r.large = ranges_of(large_cps);
  r.title = ranges_of(title_cps);
  r.hero = ranges_of(hero_cps);
  r.ticket = ranges_of(ticket_cps);
  r.icons = icon_ranges();
  r.icons_xl = big_icon_ranges();
  return r;
}

// The text atlas: the body font. Padding 0 because glyphs are drawn 1:1 at
// whole pixels, and it is what lets GB 2312 at 35 px fit in 2048x2048.
// With a previous full atlas (src), only characters it lacks are rasterised;
// its glyphs come along as ready-made rectangles, returned to be copied
// after the build.
std::vector<std::pair<int, const ImFontGlyph*>> FontAtlases::add_text_fonts(Build& b, Maps& maps, Ranges& r,
                                                                            const GlyphSource* src) {
  b.text = std::make_unique<ImFontAtlas>();
  ImFontAtlas* t = b.text.get();
  t->Flags |= ImFontAtlasFlags_NoMouseCursors;
  t->TexGlyphPadding = 0;
  if (b.full) t->TexDesiredWidth = 2048;
  std::vector<std::pair<int, const ImFontGlyph*>> reused;  // custom rect id, old glyph
  if (!src) {
    b.fonts[body] = add_font(t, maps.regular, files_.regular_face, sizes_.body, r.body.data());
    add_icons(t, maps.icons, r.icons, sizes_.body);
    return reused;
  }
  std::vector<char32_t> fresh;
  std::vector<char32_t> had;
  // Blank glyphs (spaces) cannot be rectangles: they are "drawn" again, for free.
  auto pixel_size = [&](const ImFontGlyph& g) {
    return ImVec2(IM_ROUND((g.U1 - g.U0) * src->width), IM_ROUND((g.V1 - g.V0) * src->height));
  };
  for (const ImFontGlyph& g : src->glyphs)
    if (pixel_size(g).x >= 1 && pixel_size(g).y >= 1) had.push_back(g.Codepoint);
  std::sort(had.begin(), had.end());
  std::set_difference(r.body_cps.begin(), r.body_cps.end(), had.begin(), had.end(), std::back_inserter(fresh));
  if (fresh.empty()) fresh.push_back(0x20);  // a font needs at least one range
  r.body = ranges_of(fresh);
  b.fonts[body] = add_font(t, maps.regular, files_.regular_face, sizes_.body, r.body.data());
  for (const ImFontGlyph& g : src->glyphs) {
    const int w = static_cast<int>(pixel_size(g).x), h = static_cast<int>(pixel_size(g).y);
    if (w < 1 || h < 1 || std::binary_search(fresh.begin(), fresh.end(), static_cast<char32_t>(g.Codepoint))) continue;
    int id = t->AddCustomRectFontGlyph(b.fonts[body], static_cast<ImWchar>(g.Codepoint), w, h, g.AdvanceX,
                                       ImVec2(g.X0, g.Y0));
    reused.emplace_back(id, &g);
  }
  return reused;
}

// The display atlas: titles, the hero line, the ticket, big icons, and the
// large-text mode's fonts (its body font only in a full build).
void FontAtlases::add_display_fonts(Build& b, Maps& maps, const Ranges& r) {
  static const ImWchar r_space[] = {0x20, 0x20, 0};
  ImFontAtlas* d = (b.display = std::make_unique<ImFontAtlas>()).get();
  d->Flags |= ImFontAtlasFlags_NoMouseCursors;
  d->TexGlyphPadding = 1;
  const float L = sizes_.large;
  MappedFile& bold = maps.bold();
  b.fonts[title] = add_font(d, bold, files_.bold_face, sizes_.title, r.title.data());
  add_icons(d, maps.icons, r.icons, sizes_.title);
  b.fonts[display] = add_font(d, bold, files_.bold_face, sizes_.display, r.hero.data());
  b.fonts[ticket] = add_font(d, bold, files_.bold_face, sizes_.ticket, r.ticket.data());
  b.fonts[icon_xl] = add_font(d, maps.regular, files_.regular_face, sizes_.icon_xl, r_space);
  if (maps.icons) add_font(d, *maps.icons, 0, sizes_.icon_xl, r.icons_xl.data(), true, sizes_.icon_xl, 0);
  b.fonts[title_l] = add_font(d, bold, files_.bold_face, IM_ROUND(sizes_.title * L), r.title.data());
  add_icons(d, maps.icons, r.icons, IM_ROUND(sizes_.title * L));
  b.fonts[display_l] = add_font(d, bold, files_.bold_face, IM_ROUND(sizes_.display * L), r.hero.data());
  if (b.full) {
    b.fonts[body_l] = add_font(d, maps.regular, files_.regular_face, IM_ROUND(sizes_.body * L), r.large.data());
    add_icons(d, maps.icons, r.icons, IM_ROUND(sizes_.body * L));
  }
}

// The old atlas's pixels into the rectangles kept for its glyphs.
void FontAtlases::copy_reused(ImFontAtlas* t, const GlyphSource& src,
                              const std::vector<std::pair<int, const ImFontGlyph*>>& reused) {
  unsigned char* px;
  int w, h;
  t->GetTexDataAsAlpha8(&px, &w, &h);
  for (const auto& [id, g] : reused) {
    const ImFontAtlasCustomRect* r = t->GetCustomRectByIndex(id);
    const int sx = static_cast<int>(IM_ROUND(g->U0 * src.width)), sy = static_cast<int>(IM_ROUND(g->V0 * src.height));
    for (int y = 0; y < r->Height; ++y)
      memcpy(px + static_cast<size_t>(r->Y + y) * w + r->X,
             src.pixels.data() + static_cast<size_t>(sy + y) * src.width + sx, r->Width);
  }
}

// Everything a build's output depends on: the files, faces, sizes, ranges
// and this code's version (bump it when the way atlases are built changes).
uint64_t FontAtlases::cache_key(const Ranges& r, bool full) const {
  std::string m = "odr-kiosk atlases 1 imgui " IMGUI_VERSION " glyph " + std::to_string(sizeof(ImFontGlyph));
  m += "|" + file_identity(files_.regular) + " " + std::to_string(files_.regular_face);
  m += "|" + file_identity(files_.bold) + " " + std::to_string(files_.bold_face);
  m += "|" + (files_.icons.empty() ? std::string("no icons") : file_identity(files_.icons));
  for (float f : {sizes_.body, sizes_.title, sizes_.display, sizes_.ticket, sizes_.icon_xl, sizes_.large})
    m += " " + std::to_string(f);
  m += full ? " full" : " first";
  uint64_t h = atlas_hash(m);
  for (const std::vector<ImWchar>* v : {&r.body, &r.large, &r.title, &r.hero, &r.ticket, &r.icons, &r.icons_xl})
    h = atlas_hash(std::string_view(reinterpret_cast<const char*>(v->data()), v->size() * sizeof(ImWchar)), h);
  return h;
}

// A build read back from the cache: the two atlases and which font is which.
std::unique_ptr<FontAtlases::Build> FontAtlases::load_cached(const std::string& path, uint64_t key, bool full) {
  std::string why;
  auto c = load_atlases(path, key, &why);
  if (!c || c->atlases.size() != 2 || c->extra.size() != kSlots + 1) return nullptr;
  auto b = std::make_unique<Build>();
  b->full = full;
  b->from_cache = true;
  for (int i = 0; i < kSlots; ++i) {
    const int32_t where = c->extra[i];
    if (where < 0) continue;
    ImFontAtlas* a = c->atlases[static_cast<size_t>(where >> 16)].get();
    const int index = where & 0xFFFF;
    if ((where >> 16) > 1 || index >= a->Fonts.Size) return nullptr;
    b->fonts[i] = a->Fonts[index];
  }
  if (!b->fonts[body]) return nullptr;
  b->text_glyphs = c->extra[kSlots];
  b->text = std::move(c->atlases[0]);
  b->display = std::move(c->atlases[1]);
  return b;
}

bool FontAtlases::save_cached(const Build& b, const std::string& path, uint64_t key) {
  std::vector<int32_t> extra;
  for (int i = 0; i < kSlots; ++i) {
    int32_t where = -1;
    for (int k = 0; k < 2 && where < 0; ++k) {
      const ImFontAtlas* a = k == 0 ? b.text.get() : b.display.get();
      for (int j = 0; j < a->Fonts.Size; ++j)
        if (b.fonts[i] && a->Fonts[j] == b.fonts[i]) where = (k << 16) | j;
    }
    extra.push_back(where);
  }
  extra.push_back(b.text_glyphs);
  std::string error;
  if (save_atlases(path, key, {b.text.get(), b.display.get()}, extra, &error)) return true;
  fprintf(stderr, "odr-kiosk: font atlas cache not written: %s\n", error.c_str());
  return false;
}

// The body font's glyphs and pixels of a full build kept in the cache: what
// a rebuild that adds characters copies instead of drawing them again.
std::shared_ptr<const FontAtlases::GlyphSource> FontAtlases::load_source(const std::string& path, uint64_t key) {
  auto b = load_cached(path, key, true);
  if (!b) return nullptr;
  auto src = std::make_shared<GlyphSource>();
  src->width = b->text->TexWidth;
  src->height = b->text->TexHeight;
  src->pixels.assign(b->text->TexPixelsAlpha8, b->text->TexPixelsAlpha8 + static_cast<size_t>(src->width) * src->height);
  src->glyphs.assign(b->fonts[body]->Glyphs.begin(), b->fonts[body]->Glyphs.end());
  return src;
}

std::unique_ptr<FontAtlases::Build> FontAtlases::make_build(bool full) {
  auto t0 = std::chrono::steady_clock::now();
  Ranges r = ranges_for(full);
  std::shared_ptr<const GlyphSource> src;
  std::string source_path;
  uint64_t source_key = 0;
  if (full) {
    std::lock_guard lock(mutex_);
    src = text_source_;
    source_path = source_path_;
    source_key = source_key_;
  }
  if (!src && !source_path.empty()) src = load_source(source_path, source_key);
  // Builds from scratch (the first, the first with GB 2312) are the same
  // every start: read back when the cache has them. Rebuilds that add
  // characters are not kept.
  const std::string cache = cache_dir_.empty() || src ? std::string()
                            : cache_dir_ + (full ? "/atlas-full.bin" : "/atlas-first.bin");
  const uint64_t key = cache.empty() ? 0 : cache_key(r, full);
  if (!cache.empty())
    if (auto cached = load_cached(cache, key, full)) {
      cached->cache_path = cache;
      cached->cache_key = key;
      cached->ms = ms_since(t0);
      return cached;
    }
  auto b = std::make_unique<Build>();
  b->full = full;
  Maps maps(files_);
  const auto reused = add_text_fonts(*b, maps, r, src.get());
  add_display_fonts(*b, maps, r);
  if (!build_both(b->text.get(), b->display.get())) {
    disown(b->text.get());
    disown(b->display.get());
    throw std::runtime_error("the font atlas could not be built from " + files_.regular);
  }
  if (src) copy_reused(b->text.get(), *src, reused);
  fix_blank_glyphs(b->fonts[body], maps.regular, files_.regular_face, sizes_.body);
  finish_atlases(b->text.get(), b->display.get());
  b->text_glyphs = b->fonts[body]->Glyphs.Size;
  if (!cache.empty() && save_cached(*b, cache, key)) {
    b->cache_path = cache;
    b->cache_key = key;
  }
  b->ms = ms_since(t0);
  return b;
}

// -----------------------------------------------------------------------------
// [SECTION] The atlases: the first build, the worker, swapping in
// -----------------------------------------------------------------------------

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
  if (b.full && !b.cache_path.empty()) {
    // Adding characters later copies the glyphs from the cache file: no
    // copy of the 4 MB text atlas stays in memory.
    std::lock_guard lock(mutex_);
    text_source_.reset();
    source_path_ = b.cache_path;
    source_key_ = b.cache_key;
  } else if (b.full && source_path_.empty()) {
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
  if (b.full && stats_.full_build_ms == 0) stats_.full_from_cache = b.from_cache;
  if (!b.full && stats_.builds == 1) stats_.first_from_cache = b.from_cache;
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
    first_built_ = true;
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

// -----------------------------------------------------------------------------
// [SECTION] Fonts for text: by role, characters asked for
// -----------------------------------------------------------------------------

bool FontAtlases::white_uv(ImTextureID tex, ImVec2* uv) const {
  const ImFontAtlas* a = !tex ? nullptr : tex == text_tex_ ? text_.get() : tex == display_tex_ ? display_.get() : nullptr;
  if (!a) return false;
  *uv = a->TexUvWhitePixel;
  return true;
}

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
