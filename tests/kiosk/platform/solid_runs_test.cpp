// Solid shapes drawn untextured (platform/solid_runs.h): the split keeps
// every triangle, in order, with its clip rectangle and texture, and draws
// each with a state that gives the same pixel; and on the real renderer
// (Xvfb + Mesa) a frame split that way reads back the same as one drawn as
// ImGui draws it.
#include "platform/solid_runs.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "platform/window.h"
#include "testing/xvfb.h"

namespace odr::kiosk {
namespace {

const ImVec2 kScreen(800, 600);
const auto kFontTex = reinterpret_cast<ImTextureID>(static_cast<intptr_t>(7));
const auto kImageTex = reinterpret_cast<ImTextureID>(static_cast<intptr_t>(9));

void prepare_stub(const ImDrawList*, const ImDrawCmd*) {}

bool can_draw(RunKind drawer, RunKind t) {
  return drawer == t || drawer == RunKind::textured || (drawer == RunKind::solid_blended && t == RunKind::solid_opaque);
}

// A headless ImGui context with the default font.
struct Context {
  ImGuiContext* ctx = ImGui::CreateContext();
  Context() {
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // no imgui.ini left in the working folder
    io.DisplaySize = kScreen;
    io.Fonts->AddFontDefault();
    unsigned char* px;
    int w, h;
    io.Fonts->GetTexDataAsAlpha8(&px, &w, &h);
    io.Fonts->SetTexID(kFontTex);
  }
  ~Context() { ImGui::DestroyContext(ctx); }
  WhiteUv white() const {
    const ImVec2 w = ImGui::GetIO().Fonts->TexUvWhitePixel;
    return [w](ImTextureID t, ImVec2* uv) {
      *uv = w;
      return t == kFontTex;
    };
  }
};

// Something of everything a kiosk screen draws: a full-screen gradient,
// blended circles, rounded cards with shadows, text, a textured image, a
// clipped region, thick lines.
void draw_scene(ImTextureID image) {
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(kScreen);
  ImGui::Begin("root", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoBackground);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilledMultiColor(ImVec2(0, 0), kScreen, IM_COL32(230, 238, 252, 255), IM_COL32(245, 246, 248, 255),
                              IM_COL32(245, 246, 248, 255), IM_COL32(230, 238, 252, 255));
  dl->AddCircleFilled(ImVec2(400, -30), 190, IM_COL32(26, 92, 208, 12), 96);
  for (int i = 0; i < 3; ++i) {
    const float x = 40 + i * 250.0f;
    dl->AddRectFilled(ImVec2(x - 4, 100 - 2), ImVec2(x + 204, 300 + 6), IM_COL32(16, 34, 72, 10), 24);
    dl->AddRectFilled(ImVec2(x, 100), ImVec2(x + 200, 300), IM_COL32(255, 255, 255, 255), 20);
    dl->AddRect(ImVec2(x + 1, 101), ImVec2(x + 199, 299), IM_COL32(200, 205, 215, 255), 20, 0, 1.5f);
    dl->AddText(ImVec2(x + 20, 120), IM_COL32(20, 30, 40, 255), "Start / 12315 consumer");
    dl->AddRectFilled(ImVec2(x + 20, 200), ImVec2(x + 180, 260), IM_COL32(26, 92, 208, 255), 12);
    dl->AddText(ImVec2(x + 40, 222), IM_COL32(255, 255, 255, 255), "Tap here");
  }
  dl->PushClipRect(ImVec2(100, 350), ImVec2(500, 450), true);
  dl->AddRectFilled(ImVec2(0, 300), ImVec2(800, 500), IM_COL32(240, 200, 180, 255));
  dl->AddLine(ImVec2(100, 360), ImVec2(700, 440), IM_COL32(200, 20, 20, 200), 3);
  dl->PopClipRect();
  dl->AddImage(image, ImVec2(600, 460), ImVec2(780, 580));
  dl->AddTriangleFilled(ImVec2(20, 580), ImVec2(40, 540), ImVec2(60, 580), IM_COL32(0, 120, 0, 255));
  ImGui::End();
}

ImDrawData* render_scene(ImTextureID image) {
  ImGui::NewFrame();
  draw_scene(image);
  ImGui::Render();
  return ImGui::GetDrawData();
}

struct Part {
  const ImDrawList* list;
  ImDrawCmd cmd;
};

std::vector<Part> commands(const ImDrawData* dd) {
  std::vector<Part> out;
  for (int i = 0; i < dd->CmdListsCount; ++i)
    for (const ImDrawCmd& c : dd->CmdLists[i]->CmdBuffer) out.push_back({dd->CmdLists[i], c});
  return out;
}

TEST(SolidRuns, EveryTriangleKeepsItsPlaceClipAndTextureAndIsDrawnByAKindThatCanDrawIt) {
  Context c;
  ImDrawData* dd = render_scene(kImageTex);
  const std::vector<Part> before = commands(dd);
  split_solid_runs(dd, c.white(), prepare_stub);
  const std::vector<Part> after = commands(dd);
  ASSERT_GT(after.size(), before.size());

  // The draw commands after the split tile the ones before, in order.
  size_t b = 0;
  unsigned covered = 0;  // of before[b]
  RunKind state = RunKind::textured;
  int checked = 0, opaque = 0, blended = 0, textured = 0;
  const ImVec2 white = ImGui::GetIO().Fonts->TexUvWhitePixel;
  for (const Part& p : after) {
    if (p.cmd.UserCallback) {
      ASSERT_EQ(p.cmd.UserCallback, &prepare_stub);
      ASSERT_EQ(p.cmd.ElemCount, 0u);
      state = static_cast<RunKind>(reinterpret_cast<intptr_t>(p.cmd.UserCallbackData));
      continue;
    }
    ASSERT_LT(b, before.size());
    const ImDrawCmd& o = before[b].cmd;
    ASSERT_EQ(p.list, before[b].list);
    EXPECT_EQ(p.cmd.IdxOffset, o.IdxOffset + covered);
    EXPECT_EQ(p.cmd.VtxOffset, o.VtxOffset);
    EXPECT_EQ(p.cmd.TextureId, o.TextureId);
    EXPECT_EQ(std::memcmp(&p.cmd.ClipRect, &o.ClipRect, sizeof o.ClipRect), 0);
    for (unsigned t = 0; t < p.cmd.ElemCount / 3; ++t) {
      const ImDrawIdx* idx = p.list->IdxBuffer.Data + p.cmd.IdxOffset + 3 * t;
      const ImDrawVert* v = p.list->VtxBuffer.Data + p.cmd.VtxOffset;
      const RunKind k = triangle_kind(v[idx[0]], v[idx[1]], v[idx[2]], p.cmd.TextureId == kFontTex, white);
      ASSERT_TRUE(can_draw(state, k)) << "triangle " << t << " of a run drawn as " << int(state);
      ++checked;
    }
    (state == RunKind::solid_opaque ? opaque : state == RunKind::solid_blended ? blended : textured) +=
        static_cast<int>(p.cmd.ElemCount / 3);
    covered += p.cmd.ElemCount;
    if (covered == o.ElemCount) {
      ++b;
      covered = 0;
    }
  }
  EXPECT_EQ(b, before.size());
  EXPECT_GT(checked, 100);
  // Each kind is used: the gradient and the cards' insides opaque, the
  // fringes and shadows blended, the text and the image textured.
  EXPECT_GT(opaque, 0);
  EXPECT_GT(blended, 0);
  EXPECT_GT(textured, 0);
}

TEST(SolidRuns, ATextureWithoutAWhiteTexelAndASecondSplitChangeNothing) {
  Context c;
  ImDrawData* dd = render_scene(kImageTex);
  split_solid_runs(dd, c.white(), prepare_stub);
  // The image's own command is drawn as ImGui draws it: no run before it but textured.
  RunKind state = RunKind::textured;
  for (const Part& p : commands(dd)) {
    if (p.cmd.UserCallback) {
      state = static_cast<RunKind>(reinterpret_cast<intptr_t>(p.cmd.UserCallbackData));
    } else if (p.cmd.TextureId == kImageTex) {
      EXPECT_EQ(state, RunKind::textured);
    }
  }
  const size_t once = commands(dd).size();
  split_solid_runs(dd, c.white(), prepare_stub);
  EXPECT_EQ(commands(dd).size(), once);
}

TEST(SolidRuns, TheFullScreenBackgroundIsOneOpaqueRun) {
  Context c;
  ImDrawData* dd = render_scene(kImageTex);
  split_solid_runs(dd, c.white(), prepare_stub);
  const std::vector<Part> cmds = commands(dd);
  // The first run is the gradient's two triangles: opaque, untextured.
  ASSERT_GE(cmds.size(), 2u);
  ASSERT_EQ(cmds[0].cmd.UserCallback, &prepare_stub);
  EXPECT_EQ(static_cast<RunKind>(reinterpret_cast<intptr_t>(cmds[0].cmd.UserCallbackData)), RunKind::solid_opaque);
  EXPECT_GE(cmds[1].cmd.ElemCount, 6u);
}

// --- on the real renderer --------------------------------------------------------

class SolidRunsGl : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(x_.start(static_cast<int>(kScreen.x), static_cast<int>(kScreen.y), &error)) << error;
    setenv("DISPLAY", x_.display().c_str(), 1);
    ctx_ = std::make_unique<Context>();
    WindowOptions o;
    o.fullscreen = false;
    o.width = static_cast<int>(kScreen.x);
    o.height = static_cast<int>(kScreen.y);
    window_ = Window::open(o, &error);
    ASSERT_TRUE(window_) << error;
    unsigned char* px;
    int w, h;
    ImGui::GetIO().Fonts->GetTexDataAsAlpha8(&px, &w, &h);
    font_tex_ = Window::upload_alpha(px, w, h);
    ImGui::GetIO().Fonts->SetTexID(font_tex_);
    // An image with texels of its own (not white), drawn textured.
    std::vector<unsigned char> img(64 * 64);
    for (size_t i = 0; i < img.size(); ++i) img[i] = static_cast<unsigned char>((i * 37) % 251);
    image_tex_ = Window::upload_alpha(img.data(), 64, 64);
    window_->warm_up();
  }
  void TearDown() override {
    if (window_) {
      Window::release_texture(font_tex_);
      Window::release_texture(image_tex_);
    }
    window_.reset();
    ctx_.reset();
  }
  std::vector<unsigned char> frame(bool split) {
    const ImVec2 white = ImGui::GetIO().Fonts->TexUvWhitePixel;
    const ImTextureID font = font_tex_;
    window_->white_uv = nullptr;
    if (split)
      window_->white_uv = [white, font](ImTextureID t, ImVec2* uv) {
        *uv = white;
        return t == font;
      };
    build_frame([this] { draw_scene(image_tex_); });
    window_->end_frame(false);
    int w = 0, h = 0;
    return window_->read_pixels(&w, &h);
  }
  void build_frame(const std::function<void()>& f) {
    window_->begin_frame();
    ImGui::NewFrame();
    f();
    ImGui::Render();
  }
  XvfbServer x_;
  std::unique_ptr<Context> ctx_;
  std::unique_ptr<Window> window_;
  ImTextureID font_tex_ = nullptr, image_tex_ = nullptr;
};

TEST_F(SolidRunsGl, AFrameSplitIntoSolidRunsHasTheSamePixelsAsOneDrawnAsImGuiDrawsIt) {
  const std::vector<unsigned char> plain = frame(false), split = frame(true), again = frame(false);
  ASSERT_EQ(plain.size(), static_cast<size_t>(kScreen.x * kScreen.y * 4));
  ASSERT_EQ(plain, again);  // the scene itself is the same each frame
  size_t differing = 0;
  for (size_t i = 0; i < plain.size(); i += 4)
    if (std::memcmp(&plain[i], &split[i], 3) != 0) ++differing;
  EXPECT_EQ(differing, 0u) << "pixels that differ";
  // And the frame is not blank: the scene's colours are there.
  size_t blue = 0;
  for (size_t i = 0; i < split.size(); i += 4)
    if (split[i] == 26 && split[i + 1] == 92 && split[i + 2] == 208) ++blue;
  EXPECT_GT(blue, 3000u);
}

}  // namespace
}  // namespace odr::kiosk
