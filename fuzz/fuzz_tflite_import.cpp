// Feeds arbitrary bytes to the .tflite importer, then statistics and interpreter
// preparation (shape and quantisation checks of every kernel). Any crash, leak, overflow
// or undefined behaviour is a finding; InputError is the expected outcome for garbage.
#include <cstddef>
#include <cstdint>
#include <span>

#include "tinyops/core/error.hpp"
#include "tinyops/core/graph_stats.hpp"
#include "tinyops/formats/tflite_importer.hpp"
#include "tinyops/interp/interpreter.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const tinyops::Graph graph = tinyops::formats::import_tflite({data, size}, "fuzz");
    (void)tinyops::compute_stats(graph);
    tinyops::interp::Interpreter interpreter(graph);
  } catch (const tinyops::InputError&) {
  }
  return 0;
}
