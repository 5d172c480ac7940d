// C99 code generation: turns a prepared graph into a self-contained bundle — a header
// with the model's API and sizes, a source with one kernel call per layer and weights as
// `static const` arrays, and only the runtime files those calls need. No malloc, no
// interpreter, no flatbuffer at run time; one static arena sized by the memory planner.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tinyops/compiler/memory_plan.hpp"
#include "tinyops/core/graph.hpp"

namespace tinyops::compiler {

struct CodegenOptions {
  std::string name = "model";  // C identifier prefix and file names: model.h, model.c
  std::string board = "host";  // recorded in the header comment
  std::string model_id;        // e.g. the .tflite's sha256, recorded in the header comment
  // The target core has the Arm DSP extension (Cortex-M4, M7, M33, M55): int8 convolution,
  // depthwise and fully connected layers use the SIMD kernels of runtime/dsp_kernels.h,
  // with weights re-laid out at compile time and one shared scratch buffer.
  bool dsp_kernels = false;
  PlanOptions plan;
};

// The kernel(s) one layer calls, and why it kept the reference kernel where an optimised
// one exists for its op.
struct LayerKernel {
  std::string op;
  std::vector<std::string> kernels;  // C functions: "tinyops_conv2d_s8_dsp"
  std::string reference_reason;      // empty when nothing better was refused
  int64_t scratch_bytes = 0;         // the work buffer its kernels asked for (in the arena)
};

struct GeneratedBundle {
  std::map<std::string, std::string> files;  // relative path -> contents
  MemoryPlan plan;
  PlanPeak peak;  // where the arena's floor lies, kernel scratch included
  int64_t weight_bytes = 0;
  int64_t scratch_bytes = 0;        // the largest kernel work buffer (inside the arena: plan)
  std::vector<LayerKernel> layers;  // per op, in order
};

// Throws UnsupportedError naming the first op that has no C emitter yet, InputError for
// names that are not C identifiers.
// {"index", "op", "kernels", "reference_reason"} per layer, for --json reports.
nlohmann::json layer_kernels_json(const std::vector<LayerKernel>& layers);

GeneratedBundle generate_c(const Graph& graph, const CodegenOptions& options);

}  // namespace tinyops::compiler
