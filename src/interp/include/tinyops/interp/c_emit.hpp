// How a prepared op prints itself as C99 for the code generator.
//
// Prepare computes an op's kernel parameters once; it hands the same values to the
// interpreter's invoke step and, through OpContext::on_emit, to an emitter that prints
// them as `static const` initialisers and one kernel call. Host interpretation and
// generated code therefore cannot drift apart: both start from one set of numbers.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "tinyops/interp/lowerable_layers.hpp"

namespace tinyops::interp {

class EmitContext {
 public:
  virtual ~EmitContext() = default;
  // C expression for tensor `index`'s data, typed by the tensor's element type:
  // an arena slice "((int8_t*)(tinyops_arena + 128))" or a weight array "w12".
  virtual std::string tensor(int32_t index) = 0;
  // A file-scope name unique to this op: unique("params") -> "op3_params".
  virtual std::string unique(const std::string& base) = 0;
  // Adds a file-scope declaration (a static const struct or array) before the calls.
  virtual void declare(const std::string& declaration) = 0;
  // Adds a statement to the model's invoke function, in op order.
  virtual void statement(const std::string& c_statement) = 0;
  // Adds a statement to the model's reset function, which returns op state (e.g. a
  // static noise estimate) to its initial value; it also runs before the first invoke.
  virtual void reset_statement(const std::string& c_statement) = 0;
  // Names a runtime source file the call needs ("conv_s8.c"); its header comes along.
  virtual void use_source(const std::string& file) = 0;
  // Offers a prepared layer to the target's own kernels: true when the context printed it
  // (the op then prints nothing more), false for the reference call. The code generator
  // lowers these for cores with the Arm DSP extension (compiler/cortex_m_dsp.cpp).
  virtual bool lower(const Int8ConvLayer& layer) { return (void)layer, false; }
  virtual bool lower(const Int8DepthwiseConvLayer& layer) { return (void)layer, false; }
  virtual bool lower(const Int8FullyConnectedLayer& layer) { return (void)layer, false; }
  virtual bool lower(const Int8SvdfLayer& layer) { return (void)layer, false; }
  virtual bool lower(const Int8LstmLayer& layer) { return (void)layer, false; }
  // The target core has the Arm DSP extension: ops without a prepared layer of their own
  // (the signal ops) pick their SIMD kernel by asking.
  virtual bool dsp_extension() const { return false; }
  // Said by a lowering whose kernel, just printed, may write its output over its input 0,
  // both starting at the same byte, whatever their sizes: it reads every input element it
  // still needs before the output overwrites it. The memory planner may then give both one
  // block (the larger) when the input dies at this op.
  virtual void allows_in_place() {}
  // The work-buffer bytes the current op may take without raising the arena above what the
  // other ops need. Asked by kernels that trade scratch for passes over their data (the
  // depthwise DSP kernels go over the channels in passes); no limit unless the compiler
  // sets one.
  virtual int64_t scratch_budget() { return std::numeric_limits<int64_t>::max(); }
  // Why a layer the optimised kernels could serve keeps the reference kernel (reported by
  // `model compile --json` and `farm test --json`, so no heavy layer falls back silently).
  virtual void keeps_reference(const std::string& why) { (void)why; }
  // C expression for a work buffer of at least `bytes` bytes, 4-byte aligned (int32_t*;
  // NULL when `bytes` is 0),
  // whose contents only need to last for this op's call. This default declares one static
  // array per op; the bundle generator places each op's buffer in the arena with the tensors.
  virtual std::string scratch(int64_t bytes) {
    if (bytes <= 0) return "NULL";  // the kernel needs none this time
    const std::string name = unique("scratch");
    declare("static int32_t " + name + "[" + std::to_string((bytes + 3) / 4) + "];");
    return name;
  }
};

using EmitFn = std::function<void(EmitContext&)>;

// Printing helpers for declarations.
// c_struct("tinyops_conv_params", "op3_params", {{"stride_h", "2"}, ...}) ->
//   "static const tinyops_conv_params op3_params = {.stride_h = 2, ...};"
std::string c_struct(const std::string& type, const std::string& name,
                     const std::vector<std::pair<std::string, std::string>>& fields);
// c_array("int32_t", "op3_multiplier", {1, 2}) -> "static const int32_t op3_multiplier[2] = {1,
// 2};"
std::string c_array(const std::string& element_type, const std::string& name,
                    const std::vector<int64_t>& values);
std::string c_float_array(const std::string& name, const std::vector<float>& values);
// Exact C spelling of an int32/float literal (INT32_MIN spelled as an expression,
// floats with all significant digits and an f suffix).
std::string c_int(int64_t value);
std::string c_float(float value);
// c_call("f", {"a", "b"}) -> "f(a, b);"
std::string c_call(const std::string& function, const std::vector<std::string>& args);
// C expression for an optional input's data: "NULL" for an omitted one (index kNoTensor, -1).
std::string optional_tensor(EmitContext& e, int32_t index);

}  // namespace tinyops::interp
