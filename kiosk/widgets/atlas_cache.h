// Built font atlases kept on disk (the kiosk's data dir, cache/fonts), so a
// start re-reads a few MB instead of rasterising glyphs for tens of ms (the
// first atlas) or ~1-2 s of a core (GB 2312): stb_truetype's work is the
// same every start for the same fonts, sizes and characters.
//
// A file holds atlases as ImGui leaves them after a build whose input data
// was cleared: the 8-bit pixels, the white pixel and line UVs, and per font
// its metrics and glyphs. It is named and checked by a key made of
// everything the build depends on (the font files' path, size, mtime and
// inode; sizes; every glyph range; this format's version), ends with a
// checksum of its contents, and is written to a temporary file renamed over
// the old one. A missing, damaged, truncated or stale file is not used (the
// atlases are then built and the file written again).
#pragma once
#include <imgui.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace odr::kiosk {

// FNV-1a 64: the cache's key and checksum (damage, not an attacker: the
// folder is the kiosk's own, 0700).
uint64_t atlas_hash(std::string_view bytes, uint64_t h = 0xcbf29ce484222325ull);
// "path size mtime_ns inode" of a file, or "path missing": part of the key.
std::string file_identity(const std::string& path);

struct CachedAtlases {
  std::vector<std::unique_ptr<ImFontAtlas>> atlases;  // built: pixels in, input data cleared
  std::vector<int32_t> extra;                         // the caller's numbers (which font is which)
};

// Writes atlases (each built, with its alpha8 pixels) and extra under key
// into path, atomically. False and *error when it cannot (the kiosk goes on
// without a cache).
bool save_atlases(const std::string& path, uint64_t key, const std::vector<const ImFontAtlas*>& atlases,
                  const std::vector<int32_t>& extra, std::string* error);
// The atlases saved under key in path, or nullptr when the file is not
// there, not this key, damaged or truncated (*why says which, for the log).
std::unique_ptr<CachedAtlases> load_atlases(const std::string& path, uint64_t key, std::string* why);

}  // namespace odr::kiosk
