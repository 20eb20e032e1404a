#include "widgets/atlas_cache.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace odr::kiosk {

namespace {

constexpr char kMagic[8] = {'O', 'D', 'R', 'A', 'T', 'L', 'S', '1'};

struct Writer {
  std::string out;
  template <class T>
  void put(const T& v) {
    out.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  void bytes(const void* p, size_t n) { out.append(static_cast<const char*>(p), n); }
};

// Reads what Writer wrote; any read past the end makes it !ok.
struct Reader {
  std::string_view in;
  size_t at = 0;
  bool ok = true;
  template <class T>
  T get() {
    T v{};
    if (!take(&v, sizeof v)) ok = false;
    return v;
  }
  bool take(void* p, size_t n) {
    if (!ok || in.size() - at < n) return ok = false;
    std::memcpy(p, in.data() + at, n);
    at += n;
    return true;
  }
};

void put_atlas(Writer& w, const ImFontAtlas& a) {
  w.put<int32_t>(a.TexWidth);
  w.put<int32_t>(a.TexHeight);
  w.put(a.TexUvScale);
  w.put(a.TexUvWhitePixel);
  w.bytes(a.TexUvLines, sizeof a.TexUvLines);
  w.put<int32_t>(a.Fonts.Size);
  for (const ImFont* f : a.Fonts) {
    w.put(f->FontSize);
    w.put(f->Ascent);
    w.put(f->Descent);
    w.put<uint16_t>(f->FallbackChar);
    w.put<uint16_t>(f->EllipsisChar);
    w.put<uint16_t>(f->DotChar);
    w.put<int32_t>(f->Glyphs.Size);
    w.bytes(f->Glyphs.Data, sizeof(ImFontGlyph) * static_cast<size_t>(f->Glyphs.Size));
  }
  w.bytes(a.TexPixelsAlpha8, static_cast<size_t>(a.TexWidth) * a.TexHeight);
}

// One atlas as a build would leave it, or nullptr when the bytes are not one.
std::unique_ptr<ImFontAtlas> get_atlas(Reader& r) {
  auto a = std::make_unique<ImFontAtlas>();
  a->Flags |= ImFontAtlasFlags_NoMouseCursors;
  const int32_t w = r.get<int32_t>(), h = r.get<int32_t>();
  if (!r.ok || w < 1 || h < 1 || w > 8192 || h > 8192) return nullptr;
  a->TexWidth = w;
  a->TexHeight = h;
  a->TexUvScale = r.get<ImVec2>();
  a->TexUvWhitePixel = r.get<ImVec2>();
  r.take(a->TexUvLines, sizeof a->TexUvLines);
  const int32_t fonts = r.get<int32_t>();
  if (!r.ok || fonts < 1 || fonts > 64) return nullptr;
  for (int32_t i = 0; i < fonts; ++i) {
    ImFont* f = IM_NEW(ImFont)();
    a->Fonts.push_back(f);
    f->ContainerAtlas = a.get();
    f->FontSize = r.get<float>();
    f->Ascent = r.get<float>();
    f->Descent = r.get<float>();
    f->FallbackChar = r.get<uint16_t>();
    f->EllipsisChar = r.get<uint16_t>();
    f->DotChar = r.get<uint16_t>();
    const int32_t n = r.get<int32_t>();
    if (!r.ok || n < 1 || n > 0x10000) return nullptr;
    f->Glyphs.resize(n);
    if (!r.take(f->Glyphs.Data, sizeof(ImFontGlyph) * static_cast<size_t>(n))) return nullptr;
    for (const ImFontGlyph& g : f->Glyphs)
      if (g.Codepoint > 0xFFFF) return nullptr;
    f->BuildLookupTable();
  }
  const size_t px = static_cast<size_t>(w) * h;
  a->TexPixelsAlpha8 = static_cast<unsigned char*>(IM_ALLOC(px));
  if (!r.take(a->TexPixelsAlpha8, px)) return nullptr;
  a->TexReady = true;
  return a;
}

}  // namespace

uint64_t atlas_hash(std::string_view bytes, uint64_t h) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

std::string file_identity(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return path + " missing";
  return path + " " + std::to_string(st.st_size) + " " + std::to_string(st.st_mtim.tv_sec) + "." +
         std::to_string(st.st_mtim.tv_nsec) + " " + std::to_string(st.st_ino);
}

bool save_atlases(const std::string& path, uint64_t key, const std::vector<const ImFontAtlas*>& atlases,
                  const std::vector<int32_t>& extra, std::string* error) {
  Writer w;
  w.bytes(kMagic, sizeof kMagic);
  w.put(key);
  w.put<int32_t>(static_cast<int32_t>(atlases.size()));
  for (const ImFontAtlas* a : atlases) {
    if (!a || !a->TexPixelsAlpha8) {
      if (error) *error = "an atlas has no pixels to save";
      return false;
    }
    put_atlas(w, *a);
  }
  w.put<int32_t>(static_cast<int32_t>(extra.size()));
  for (int32_t v : extra) w.put(v);
  w.put(atlas_hash(w.out));
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  // Another kiosk process (a tour, a test) may write the same file: each its own temporary.
  const std::string tmp = path + ".tmp" + std::to_string(::getpid()) + "-" + std::to_string(gettid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(w.out.data(), static_cast<std::streamsize>(w.out.size()));
    out.close();
    if (!out) {
      if (error) *error = "cannot write " + tmp;
      std::filesystem::remove(tmp, ec);
      return false;
    }
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    if (error) *error = "cannot rename " + tmp + ": " + std::strerror(errno);
    std::filesystem::remove(tmp, ec);
    return false;
  }
  return true;
}

std::unique_ptr<CachedAtlases> load_atlases(const std::string& path, uint64_t key, std::string* why) {
  auto no = [&](const char* reason) -> std::unique_ptr<CachedAtlases> {
    if (why) *why = reason;
    return nullptr;
  };
  std::ifstream in(path, std::ios::binary);
  if (!in) return no("no cache file");
  const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (all.size() < sizeof kMagic + 2 * sizeof(uint64_t)) return no("truncated");
  const std::string_view body(all.data(), all.size() - sizeof(uint64_t));
  uint64_t sum = 0;
  std::memcpy(&sum, all.data() + body.size(), sizeof sum);
  if (std::memcmp(all.data(), kMagic, sizeof kMagic) != 0) return no("not an atlas cache of this version");
  if (atlas_hash(body) != sum) return no("damaged (checksum)");
  Reader r{body, sizeof kMagic};
  if (r.get<uint64_t>() != key) return no("made for other fonts, sizes or characters");
  auto out = std::make_unique<CachedAtlases>();
  const int32_t n = r.get<int32_t>();
  if (!r.ok || n < 1 || n > 8) return no("damaged (atlases)");
  for (int32_t i = 0; i < n; ++i) {
    auto a = get_atlas(r);
    if (!a) return no("damaged (an atlas)");
    out->atlases.push_back(std::move(a));
  }
  const int32_t extra = r.get<int32_t>();
  if (!r.ok || extra < 0 || extra > 1024) return no("damaged (extra)");
  for (int32_t i = 0; i < extra; ++i) out->extra.push_back(r.get<int32_t>());
  if (!r.ok || r.at != body.size()) return no("damaged (length)");
  return out;
}

}  // namespace odr::kiosk
