// Solid shapes drawn without the texture. Dear ImGui draws everything with
// one shader that samples the font atlas: a filled shape samples the
// atlas's white texel, whose value changes nothing. A software renderer
// (llvmpipe, the kiosk's) pays for that bilinear sample on every pixel, and
// for blending on every pixel: a full 1080p layer costs ~30 ms textured and
// blended, ~12 ms untextured and blended, ~7 ms untextured and opaque.
//
// split_solid_runs cuts each draw command into runs of consecutive
// triangles of one kind and puts a callback command before each run; the
// callback (prepare_run, GL) selects an untextured program for solid runs
// and turns blending off for opaque ones. Same triangles, same order, same
// clip rectangles: the same pixels, fewer cycles.
#pragma once
#include <imgui.h>

#include <cstdint>
#include <functional>

namespace odr::kiosk {

enum class RunKind : uint8_t {
  textured,       // samples the texture (text, icons, images, textured lines)
  solid_blended,  // every vertex at the white texel, some not opaque (AA fringes, shadows)
  solid_opaque,   // every vertex at the white texel and opaque: blending changes nothing
};

// Where a texture's white texel is; false for a texture without one (it is drawn as is).
using WhiteUv = std::function<bool(ImTextureID tex, ImVec2* uv)>;

// The kind of triangle (i0, i1, i2) of a draw list.
RunKind triangle_kind(const ImDrawVert& a, const ImDrawVert& b, const ImDrawVert& c, bool has_white, ImVec2 white);

// Rewrites dd's command buffers: every draw command becomes one command per
// run, each after a callback command (prepare, its data the run's RunKind).
// A list already split (its first command is `prepare`) is left alone.
// A run covering less than merge_below_px2 square pixels joins the run
// before or after it when that kind can draw it too (textured draws
// anything, blended draws any solid run): a draw call costs more than the
// texture saves on a few small triangles.
void split_solid_runs(ImDrawData* dd, const WhiteUv& white_uv, ImDrawCallback prepare, float merge_below_px2 = 1024);

// The callback for split_solid_runs with OpenGL 3.3 and ImGui's OpenGL 3
// renderer: switches between the renderer's program (textured) and ours.
// Our program is made at the first call (Window::warm_up makes that call
// before the first frame); if it cannot be made, every run is drawn by the
// renderer's program with blending, as ImGui would.
void prepare_run(const ImDrawList* list, const ImDrawCmd* cmd);
// The GL objects of prepare_run, freed while the context is current.
void release_run_programs();

}  // namespace odr::kiosk
