// Synthetic handwriting for tests and benchmarks: characters drawn as a
// finger would, stroke by stroke in writing order, on a pad of any size.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "input/ime.h"

namespace odr::input::testing {

// A straight stroke from (x0, y0) to (x1, y1), in fractions of the pad,
// sampled like a touch screen reporting every few pixels.
inline Stroke line(float w, float h, float x0, float y0, float x1, float y1, int samples = 24) {
  Stroke s;
  for (int i = 0; i <= samples; ++i) {
    const float t = static_cast<float>(i) / static_cast<float>(samples);
    s.push_back({(x0 + (x1 - x0) * t) * w, (y0 + (y1 - y0) * t) * h});
  }
  return s;
}

// A stroke that turns a corner (横折): through the three points.
inline Stroke bend(float w, float h, float x0, float y0, float x1, float y1, float x2, float y2) {
  Stroke s = line(w, h, x0, y0, x1, y1);
  Stroke t = line(w, h, x1, y1, x2, y2);
  s.insert(s.end(), t.begin() + 1, t.end());
  return s;
}

struct WrittenCharacter {
  std::string text;
  std::vector<Stroke> strokes;
};

// 一, 十, 二, 三 and a small 口, drawn on a pad of w x h pixels.
inline std::vector<WrittenCharacter> simple_characters(float w, float h) {
  return {
      {"一", {line(w, h, 0.15f, 0.50f, 0.85f, 0.50f)}},
      {"十", {line(w, h, 0.15f, 0.47f, 0.85f, 0.47f), line(w, h, 0.50f, 0.12f, 0.50f, 0.88f)}},
      {"二", {line(w, h, 0.28f, 0.32f, 0.72f, 0.32f), line(w, h, 0.15f, 0.70f, 0.85f, 0.70f)}},
      {"三",
       {line(w, h, 0.25f, 0.25f, 0.75f, 0.25f), line(w, h, 0.30f, 0.50f, 0.70f, 0.50f),
        line(w, h, 0.15f, 0.78f, 0.85f, 0.78f)}},
      {"口",
       {line(w, h, 0.38f, 0.38f, 0.38f, 0.62f), bend(w, h, 0.38f, 0.38f, 0.62f, 0.38f, 0.62f, 0.62f),
        line(w, h, 0.38f, 0.62f, 0.62f, 0.62f)}},
  };
}

// 口 drawn to fill the whole pad: raw zinnia reads it as the radical 囗.
inline std::vector<Stroke> pad_filling_mouth(float w, float h) {
  return {line(w, h, 0.08f, 0.08f, 0.08f, 0.92f), bend(w, h, 0.08f, 0.08f, 0.92f, 0.08f, 0.92f, 0.92f),
          line(w, h, 0.08f, 0.92f, 0.92f, 0.92f)};
}

// A stroke through points given in fractions of a square box, written in
// the square of side h centred on a pad of w x h (as a shopper writes one
// character in the middle of the keyboard's wide pad).
inline Stroke through(float w, float h, std::vector<std::pair<float, float>> points, int samples_per_leg = 12) {
  const float x0 = (w - h) * 0.5f;
  Stroke s;
  for (size_t i = 0; i + 1 < points.size(); ++i)
    for (int k = i == 0 ? 0 : 1; k <= samples_per_leg; ++k) {
      const float t = static_cast<float>(k) / static_cast<float>(samples_per_leg);
      s.push_back({x0 + (points[i].first + (points[i + 1].first - points[i].first) * t) * h,
                   (points[i].second + (points[i + 1].second - points[i].second) * t) * h});
    }
  return s;
}

// Characters as a finger writes them, curves and all, centred on a wide pad.
inline std::vector<WrittenCharacter> curved_characters(float w, float h) {
  return {
      {"人", {through(w, h, {{0.50f, 0.12f}, {0.46f, 0.45f}, {0.22f, 0.86f}}),
              through(w, h, {{0.50f, 0.50f}, {0.64f, 0.70f}, {0.82f, 0.86f}})}},
      {"大", {through(w, h, {{0.15f, 0.38f}, {0.85f, 0.38f}}),
              through(w, h, {{0.50f, 0.10f}, {0.47f, 0.50f}, {0.20f, 0.88f}}),
              through(w, h, {{0.50f, 0.52f}, {0.65f, 0.72f}, {0.85f, 0.88f}})}},
      {"小", {through(w, h, {{0.50f, 0.10f}, {0.50f, 0.85f}, {0.44f, 0.80f}}),
              through(w, h, {{0.30f, 0.40f}, {0.20f, 0.70f}}),
              through(w, h, {{0.68f, 0.40f}, {0.80f, 0.68f}})}},
  };
}

}  // namespace odr::input::testing
