// Synthetic magic-wand recordings: 3-axis accelerometer CSV files of the gestures of
// TensorFlow Lite Micro's magic-wand example (wing = W, ring = O, slope = an angle) and
// idle, for the bundled gesture example. Each gesture is a 2D path of the wand tip,
// differentiated twice to acceleration, rotated into a tilted device frame with gravity,
// and recorded by a noisy, biased, saturating sensor; persons differ in speed, size,
// style and how they hold the wand. See docs/examples.md.
#pragma once

#include <cstdint>
#include <filesystem>

#include "tinyops/examples/report.hpp"

namespace tinyops::examples {

struct GestureOptions {
  uint64_t seed = 1;
  int32_t persons = 12;          // simulated people, each with their own style
  int32_t repetitions = 20;      // recordings per person and label (idle included)
  double sample_rate_hz = 50.0;  // accelerometer output rate
  double window_s = 3.0;         // length of every recording
  double range_g = 4.0;          // the sensor saturates at +-range_g * 9.80665 m/s2
  ProgressCallback progress;     // optional
};

// Writes OUT/<label>/<label>.pPP.rRR.csv for label in wing, ring, slope, idle: a header
// `timestamp,accX (m/s2),accY (m/s2),accZ (m/s2)`, timestamps in ms from 0. Files of the
// same names are overwritten; nothing else in OUT is touched. Throws InputError for
// options out of range or a folder that cannot be written.
GenerationReport generate_gestures(const std::filesystem::path& out,
                                   const GestureOptions& options = {});

}  // namespace tinyops::examples
