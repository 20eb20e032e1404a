#include "platform/solid_runs.h"

#define GL_GLEXT_PROTOTYPES 1
#include <GL/gl.h>
#include <GL/glext.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <vector>

namespace odr::kiosk {

namespace {

struct Run {
  unsigned first = 0, count = 0;  // triangles of the command
  RunKind kind = RunKind::textured;
  float area = 0;  // square pixels
};

// Whether a run of kind `drawer` draws a run of kind `run` exactly.
bool can_draw(RunKind drawer, RunKind run) {
  return drawer == run || drawer == RunKind::textured ||
         (drawer == RunKind::solid_blended && run == RunKind::solid_opaque);
}

float area(const ImVec2& a, const ImVec2& b, const ImVec2& c) {
  return std::fabs((b.x - a.x) * (c.y - a.y) - (c.x - a.x) * (b.y - a.y)) * 0.5f;
}

// The command's triangles as maximal runs of one kind.
std::vector<Run> raw_runs(const ImDrawList& l, const ImDrawCmd& cmd, bool has_white, ImVec2 white) {
  std::vector<Run> runs;
  const ImDrawIdx* idx = l.IdxBuffer.Data + cmd.IdxOffset;
  const ImDrawVert* vtx = l.VtxBuffer.Data + cmd.VtxOffset;
  for (unsigned t = 0; t < cmd.ElemCount / 3; ++t) {
    const ImDrawVert &a = vtx[idx[3 * t]], &b = vtx[idx[3 * t + 1]], &c = vtx[idx[3 * t + 2]];
    const RunKind k = triangle_kind(a, b, c, has_white, white);
    if (runs.empty() || runs.back().kind != k) runs.push_back(Run{t, 0, k, 0});
    runs.back().count++;
    runs.back().area += area(a.pos, b.pos, c.pos);
  }
  return runs;
}

// Small runs join a neighbour that can draw them.
std::vector<Run> merged(const std::vector<Run>& runs, float below) {
  std::vector<Run> out;
  for (const Run& r : runs) {
    if (!out.empty()) {
      Run& p = out.back();
      const bool same = p.kind == r.kind, into_prev = r.area < below && can_draw(p.kind, r.kind),
                 into_next = p.area < below && can_draw(r.kind, p.kind);
      if (same || into_prev || into_next) {
        if (!same && !into_prev) p.kind = r.kind;
        p.count += r.count;
        p.area += r.area;
        continue;
      }
    }
    out.push_back(r);
  }
  return out;
}

bool already_split(const ImDrawData& dd, ImDrawCallback prepare) {
  for (int i = 0; i < dd.CmdListsCount; ++i)
    for (const ImDrawCmd& c : dd.CmdLists[i]->CmdBuffer)
      if (c.UserCallback == prepare) return true;
  return false;
}

}  // namespace

RunKind triangle_kind(const ImDrawVert& a, const ImDrawVert& b, const ImDrawVert& c, bool has_white, ImVec2 white) {
  auto at_white = [&](const ImDrawVert& v) { return v.uv.x == white.x && v.uv.y == white.y; };
  if (!has_white || !at_white(a) || !at_white(b) || !at_white(c)) return RunKind::textured;
  const ImU32 opaque = IM_COL32_A_MASK;
  return (a.col & b.col & c.col & opaque) == opaque ? RunKind::solid_opaque : RunKind::solid_blended;
}

void split_solid_runs(ImDrawData* dd, const WhiteUv& white_uv, ImDrawCallback prepare, float merge_below_px2) {
  if (!dd || !white_uv || already_split(*dd, prepare)) return;
  // The renderer starts each pass textured and blended; the state carries
  // from one list to the next within the pass.
  RunKind state = RunKind::textured;
  for (int li = 0; li < dd->CmdListsCount; ++li) {
    ImDrawList* l = dd->CmdLists[li];
    ImVector<ImDrawCmd> out;
    for (const ImDrawCmd& cmd : l->CmdBuffer) {
      if (cmd.UserCallback) {
        out.push_back(cmd);
        state = RunKind::textured;  // ResetRenderState, or a callback of someone else's: set ours again
        continue;
      }
      ImVec2 white(0, 0);
      const bool has_white = white_uv(cmd.TextureId, &white);
      std::vector<Run> runs = merged(raw_runs(*l, cmd, has_white, white), merge_below_px2);
      if (runs.empty()) runs.push_back(Run{});
      for (const Run& r : runs) {
        if (r.kind != state) {
          ImDrawCmd cb = cmd;
          cb.ElemCount = 0;
          cb.UserCallback = prepare;
          cb.UserCallbackData = reinterpret_cast<void*>(static_cast<intptr_t>(r.kind));
          out.push_back(cb);
          state = r.kind;
        }
        ImDrawCmd part = cmd;
        part.IdxOffset = cmd.IdxOffset + 3 * r.first;
        part.ElemCount = 3 * r.count;
        out.push_back(part);
      }
    }
    l->CmdBuffer.swap(out);
  }
}

// --- OpenGL ----------------------------------------------------------------------------

namespace {

struct Programs {
  GLuint solid = 0;
  GLint solid_proj = -1;
  bool failed = false;
  GLuint imgui = 0;  // the renderer's program, seen bound at a callback
  GLint imgui_proj = -1;
  GLuint imgui_proj_of = 0;  // the program imgui_proj was looked up in
};
Programs g_programs;

GLuint compile(GLenum type, const char* src) {
  GLuint s = glCreateShader(type);
  glShaderSource(s, 1, &src, nullptr);
  glCompileShader(s);
  GLint ok = 0;
  glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    glDeleteShader(s);
    return 0;
  }
  return s;
}

// Position computed exactly as the renderer's vertex shader does, so the
// same triangles cover the same pixels; the colour is the vertex colour.
bool make_solid(Programs& p) {
  const char* vs =
      "#version 330 core\n"
      "uniform mat4 ProjMtx;\n"
      "in vec2 Position;\n"
      "in vec4 Color;\n"
      "out vec4 Frag_Color;\n"
      "void main() { Frag_Color = Color; gl_Position = ProjMtx * vec4(Position.xy, 0, 1); }\n";
  const char* fs =
      "#version 330 core\n"
      "in vec4 Frag_Color;\n"
      "out vec4 Out_Color;\n"
      "void main() { Out_Color = Frag_Color; }\n";
  const GLint pos = glGetAttribLocation(p.imgui, "Position"), col = glGetAttribLocation(p.imgui, "Color");
  const GLuint v = compile(GL_VERTEX_SHADER, vs), f = compile(GL_FRAGMENT_SHADER, fs);
  GLint linked = 0;
  GLuint prog = 0;
  if (v && f && pos >= 0 && col >= 0) {
    prog = glCreateProgram();
    glAttachShader(prog, v);
    glAttachShader(prog, f);
    // The renderer's vertex array is set up for its program's locations.
    glBindAttribLocation(prog, static_cast<GLuint>(pos), "Position");
    glBindAttribLocation(prog, static_cast<GLuint>(col), "Color");
    glLinkProgram(prog);
    glGetProgramiv(prog, GL_LINK_STATUS, &linked);
  }
  if (v) glDeleteShader(v);
  if (f) glDeleteShader(f);
  if (!linked) {
    if (prog) glDeleteProgram(prog);
    std::fprintf(stderr, "odr-kiosk: the untextured shader did not build; every shape is drawn textured\n");
    return false;
  }
  p.solid = prog;
  p.solid_proj = glGetUniformLocation(prog, "ProjMtx");
  return true;
}

}  // namespace

void prepare_run(const ImDrawList*, const ImDrawCmd* cmd) {
  Programs& p = g_programs;
  GLint current = 0;
  glGetIntegerv(GL_CURRENT_PROGRAM, &current);
  if (static_cast<GLuint>(current) != p.solid || !p.solid) p.imgui = static_cast<GLuint>(current);
  if (!p.solid && !p.failed) p.failed = !make_solid(p);
  const auto kind = static_cast<RunKind>(reinterpret_cast<intptr_t>(cmd->UserCallbackData));
  if (kind == RunKind::textured || p.failed) {
    glUseProgram(p.imgui);
    glEnable(GL_BLEND);
    return;
  }
  if (static_cast<GLuint>(current) != p.solid) {
    if (p.imgui_proj_of != p.imgui) {
      p.imgui_proj = glGetUniformLocation(p.imgui, "ProjMtx");
      p.imgui_proj_of = p.imgui;
    }
    GLfloat proj[16];
    glGetUniformfv(p.imgui, p.imgui_proj, proj);
    glUseProgram(p.solid);
    glUniformMatrix4fv(p.solid_proj, 1, GL_FALSE, proj);
  }
  if (kind == RunKind::solid_opaque)
    glDisable(GL_BLEND);
  else
    glEnable(GL_BLEND);
}

void release_run_programs() {
  if (g_programs.solid) glDeleteProgram(g_programs.solid);
  g_programs = Programs{};
}

}  // namespace odr::kiosk
