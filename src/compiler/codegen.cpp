#include "tinyops/compiler/codegen.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <limits>
#include <map>
#include <regex>
#include <set>

#include "cortex_m_dsp.hpp"
#include "runtime_sources.hpp"
#include "tinyops/compiler/lowering.hpp"
#include "tinyops/core/error.hpp"
#include "tinyops/core/graph_stats.hpp"
#include "tinyops/core/shape.hpp"
#include "tinyops/core/tensor_values.hpp"
#include "tinyops/interp/c_emit.hpp"
#include "tinyops/interp/interpreter.hpp"

namespace tinyops::compiler {
namespace {

std::string c_type(DataType type) {
  switch (type) {
    case DataType::Float32:
      return "float";
    case DataType::Int8:
      return "int8_t";
    case DataType::UInt8:
    case DataType::Bool:
      return "uint8_t";
    case DataType::Int16:
      return "int16_t";
    case DataType::UInt16:
      return "uint16_t";
    case DataType::Int32:
      return "int32_t";
    case DataType::UInt32:
      return "uint32_t";
    case DataType::Int64:
      return "int64_t";
    case DataType::UInt64:
      return "uint64_t";
  }
  return "uint8_t";
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Comment-safe text: no "*/" can end the comment early.
std::string comment_text(std::string s) {
  for (size_t p = s.find("*/"); p != std::string::npos; p = s.find("*/")) s.replace(p, 2, "* /");
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  return s;
}

std::string weight_initializer(const Tensor& t) {
  const std::vector<double> values = stored_values(t.type, t.data);
  std::string s;
  s.reserve(values.size() * 6);
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) s += (i % 16 == 0) ? ",\n    " : ", ";
    if (t.type == DataType::Float32) {
      s += interp::c_float(static_cast<float>(values[i]));
    } else if (t.type == DataType::UInt64) {
      uint64_t v;
      std::memcpy(&v, &t.data[i * 8], 8);
      s += std::to_string(v) + "ULL";
    } else if (t.type == DataType::Int64) {
      int64_t v;
      std::memcpy(&v, &t.data[i * 8], 8);
      s += interp::c_int(v);
    } else if (t.type == DataType::UInt32) {
      s += fmt::format("{}u", static_cast<uint64_t>(values[i]));
    } else {
      s += interp::c_int(static_cast<int64_t>(values[i]));
    }
  }
  return s;
}

// "CONV_2D" -> "conv2d", "DEPTHWISE_CONV_2D" -> "depthwise_conv2d", "SignalWindow" ->
// "signalwindow": a C-identifier fragment for names of tensors an op produces.
std::string op_slug(const std::string& op_name) {
  std::string s;
  for (size_t i = 0; i < op_name.size(); ++i) {
    const auto c = static_cast<unsigned char>(op_name[i]);
    if (c == '_' && i + 1 < op_name.size() &&
        std::isdigit(static_cast<unsigned char>(op_name[i + 1])))
      continue;
    s += std::isalnum(c) ? static_cast<char>(std::tolower(c)) : '_';
  }
  return s;
}

// The names generated code gives arena tensors: t<index>_<role>, where the role is the
// producing op's output ("t12_conv2d_out"), a graph input or a state variable.
std::vector<std::string> arena_tensor_names(const Graph& graph) {
  std::vector<std::string> role(graph.tensors.size());
  for (size_t t = 0; t < graph.tensors.size(); ++t)
    role[t] = graph.tensors[t].is_variable ? "state" : "tensor";
  for (int32_t i : graph.inputs) role[static_cast<size_t>(i)] = "input";
  for (const Op& op : graph.ops) {
    for (size_t k = 0; k < op.outputs.size(); ++k) {
      const int32_t t = op.outputs[k];
      if (t >= 0 && !graph.tensors[static_cast<size_t>(t)].is_variable)
        role[static_cast<size_t>(t)] =
            op_slug(op.display_name()) + "_out" + (k ? std::to_string(k) : "");
    }
  }
  std::vector<std::string> names(graph.tensors.size());
  for (size_t t = 0; t < names.size(); ++t) names[t] = "t" + std::to_string(t) + "_" + role[t];
  return names;
}

class BundleEmitter : public interp::EmitContext {
 public:
  BundleEmitter(const Graph& graph, const MemoryPlan& plan, std::string prefix, bool dsp_kernels)
      : graph_(graph),
        plan_(plan),
        prefix_(std::move(prefix)),
        dsp_kernels_(dsp_kernels),
        names_(arena_tensor_names(graph)) {}

  // Op k of the graph being emitted, op `shown` of the model the user gave (they differ once
  // lowering folded ops away); names, comments and the per-layer report use `shown`.
  void begin_op(size_t k, size_t shown, const std::string& op_name) {
    op_ = k;
    shown_ = shown;
    if (layers_.size() <= shown) layers_.resize(shown + 1);
    layers_[shown].op = op_name;
  }
  // Per source op; `source_ops` sizes it when the last ops were folded away.
  std::vector<compiler::LayerKernel> take_layers(size_t source_ops) {
    if (layers_.size() < source_ops) layers_.resize(source_ops);
    return std::move(layers_);
  }

  std::string tensor(int32_t index) override {
    if (index < 0) return "NULL";
    const Tensor& t = graph_.tensors.at(static_cast<size_t>(index));
    if (t.is_constant()) {
      used_constants_.insert(index);
      return "w" + std::to_string(index);
    }
    if (plan_.offsets.at(static_cast<size_t>(index)) == MemoryPlan::kNotPlanned)
      throw UnsupportedError("tensor " + std::to_string(index) + " has no place in the arena");
    used_arena_.insert(index);
    return names_[static_cast<size_t>(index)];
  }

  std::string unique(const std::string& base) override {
    return fmt::format("op{}_{}", shown_, base);
  }
  void declare(const std::string& declaration) override { declarations_.push_back(declaration); }
  void statement(const std::string& s) override {
    body_.push_back("  " + s);
    // The call opens the statement, or follows a block's local declarations ("{ ...; f(").
    static const std::regex call_re(R"re((?:^|[;{]\s*)(tinyops_[A-Za-z0-9_]+)\()re");
    std::smatch m;
    if (std::regex_search(s, m, call_re) && shown_ < layers_.size()) {
      auto& kernels = layers_[shown_].kernels;
      if (std::find(kernels.begin(), kernels.end(), m[1].str()) == kernels.end())
        kernels.push_back(m[1].str());
    }
  }
  void allows_in_place() override { in_place_ops_.push_back(static_cast<int32_t>(op_)); }
  const std::vector<int32_t>& in_place_ops() const { return in_place_ops_; }
  int64_t scratch_budget() override {
    flexible_ops_.insert(op_);
    return op_ < budgets_.size() ? budgets_[op_] : std::numeric_limits<int64_t>::max();
  }
  void set_scratch_budgets(std::vector<int64_t> bytes_per_op) { budgets_ = std::move(bytes_per_op); }
  // Ops whose kernel asked for a budget (its scratch may shrink).
  const std::set<size_t>& flexible_ops() const { return flexible_ops_; }
  void keeps_reference(const std::string& why) override {
    if (shown_ < layers_.size()) layers_[shown_].reference_reason = why;
  }
  void reset_statement(const std::string& s) override { resets_.push_back("  " + s); }
  void use_source(const std::string& file) override { sources_.insert(file); }
  // Cores with the Arm DSP extension run the int8 layers their kernels take on them.
  bool lower(const interp::Int8ConvLayer& l) override {
    return dsp_kernels_ && cortex_m_dsp::lower(*this, l);
  }
  bool lower(const interp::Int8DepthwiseConvLayer& l) override {
    return dsp_kernels_ && cortex_m_dsp::lower(*this, l);
  }
  bool lower(const interp::Int8FullyConnectedLayer& l) override {
    return dsp_kernels_ && cortex_m_dsp::lower(*this, l);
  }
  bool dsp_extension() const override { return dsp_kernels_; }
  bool lower(const interp::Int8SvdfLayer& l) override {
    return dsp_kernels_ && cortex_m_dsp::lower(*this, l);
  }
  bool lower(const interp::Int8LstmLayer& l) override {
    return dsp_kernels_ && cortex_m_dsp::lower(*this, l);
  }
  // An op's work buffer is a block of the arena the planner placed among the tensors, alive
  // only during that op. The first emission pass only records the requests
  // (scratch_requests) for the planner; the second gets the planned bytes.
  std::string scratch(int64_t bytes) override {
    if (bytes <= 0) return "NULL";  // the kernel needs none this time
    const int64_t words = (bytes + 3) / 4 * 4;
    if (requests_.size() <= op_) requests_.resize(op_ + 1, 0);
    requests_[op_] = std::max(requests_[op_], words);
    layers_[shown_].scratch_bytes = requests_[op_];
    const bool planned =
        op_ < plan_.scratch_offsets.size() && plan_.scratch_offsets[op_] != MemoryPlan::kNotPlanned;
    if (planned && (op_ >= planned_scratch_.size() || planned_scratch_[op_] < words))
      throw std::logic_error("op " + std::to_string(op_) + " asks for more scratch than planned");
    if (planned) used_scratch_[op_] = shown_;
    return fmt::format("op{}_scratch", shown_);
  }
  void set_planned_scratch(std::vector<int64_t> bytes_per_op) {
    planned_scratch_ = std::move(bytes_per_op);
  }
  const std::vector<int64_t>& scratch_requests() const { return requests_; }
  const std::map<size_t, size_t>& used_scratch() const { return used_scratch_; }  // op -> shown
  void comment(const std::string& c) { body_.push_back("  /* " + comment_text(c) + " */"); }

  const std::set<int32_t>& used_constants() const { return used_constants_; }
  const std::set<int32_t>& used_arena_tensors() const { return used_arena_; }
  const std::string& arena_name(int32_t index) const {
    return names_.at(static_cast<size_t>(index));
  }
  const std::vector<std::string>& declarations() const { return declarations_; }
  const std::vector<std::string>& body() const { return body_; }
  const std::vector<std::string>& resets() const { return resets_; }
  const std::set<std::string>& sources() const { return sources_; }
  int64_t scratch_bytes() const {
    return requests_.empty() ? 0 : *std::max_element(requests_.begin(), requests_.end());
  }

 private:
  const Graph& graph_;
  const MemoryPlan& plan_;
  std::string prefix_;
  bool dsp_kernels_;
  size_t op_ = 0, shown_ = 0;
  std::vector<int64_t> requests_, planned_scratch_, budgets_;  // scratch bytes per op
  std::set<size_t> flexible_ops_;
  std::map<size_t, size_t> used_scratch_;
  std::vector<int32_t> in_place_ops_;  // ops whose kernel may write over input 0
  std::vector<std::string> names_;     // of arena tensors, by index
  std::set<int32_t> used_constants_, used_arena_;
  std::vector<std::string> declarations_, body_, resets_;
  std::set<std::string> sources_;
  std::vector<compiler::LayerKernel> layers_;
};

// The work buffer each flexible op may take: what the arena needs for everything else (the
// most bytes alive at one op, with the flexible ops' scratch left out) minus the bytes alive
// at that op, and at least kMinScratchBudget (fewer bytes cost more passes than they save).
std::vector<int64_t> scratch_budgets(const Graph& graph, PlanOptions options,
                                     const std::set<size_t>& flexible) {
  constexpr int64_t kMinScratchBudget = 1024;
  for (size_t k : flexible)
    if (k < options.scratch_bytes_per_op.size()) options.scratch_bytes_per_op[k] = 0;
  const MemoryPlan rest = plan_memory(graph, options);
  std::vector<int64_t> budgets(graph.ops.size(), std::numeric_limits<int64_t>::max());
  for (size_t k : flexible)
    budgets[k] = std::max(kMinScratchBudget, rest.peak_live_bytes - rest.live_bytes_per_op[k]);
  return budgets;
}

// The runtime headers a set of files includes, transitively.
std::set<std::string> runtime_headers(const std::set<std::string>& files) {
  const auto& all = runtime_sources();
  static const std::regex include_re(R"re(#include\s+"tinyops/runtime/([A-Za-z0-9_]+\.h)")re");
  std::set<std::string> headers;
  std::vector<std::string> todo(files.begin(), files.end());
  while (!todo.empty()) {
    const std::string file = todo.back();
    todo.pop_back();
    const auto it = all.find(file);
    if (it == all.end()) throw std::logic_error("runtime file " + file + " is not embedded");
    const std::string text(it->second);
    for (std::sregex_iterator m(text.begin(), text.end(), include_re), end; m != end; ++m) {
      const std::string h = (*m)[1];
      if (headers.insert(h).second) todo.push_back(h);
    }
  }
  return headers;
}

}  // namespace

nlohmann::json layer_kernels_json(const std::vector<LayerKernel>& layers) {
  nlohmann::json out = nlohmann::json::array();
  for (size_t k = 0; k < layers.size(); ++k) {
    nlohmann::json layer = {{"index", k}, {"op", layers[k].op}, {"kernels", layers[k].kernels}};
    if (!layers[k].reference_reason.empty()) layer["reference_reason"] = layers[k].reference_reason;
    if (layers[k].scratch_bytes > 0) layer["scratch_bytes"] = layers[k].scratch_bytes;
    if (layers[k].folded_into >= 0) layer["folded_into"] = layers[k].folded_into;
    out.push_back(layer);
  }
  return out;
}

GeneratedBundle generate_c(const Graph& source, const CodegenOptions& options) {
  static const std::regex identifier("[A-Za-z_][A-Za-z0-9_]*");
  require(std::regex_match(options.name, identifier),
          "bundle name '" + options.name + "' is not a C identifier (use letters, digits, _)");
  const std::string& p = options.name;
  const std::string P = upper(p);

  const LoweredGraph lowered = fold_padding_into_convolutions(source);
  const Graph& graph = lowered.graph;
  interp::Interpreter interpreter(graph);  // prepares every op: same parameters as the host
  const GraphStats stats = compute_stats(graph);
  auto emit_ops = [&](BundleEmitter& emitter) {
    for (size_t k = 0; k < graph.ops.size(); ++k) {
      const Op& op = graph.ops[k];
      const interp::EmitFn& emit = interpreter.emitter(k);
      if (!emit) {
        throw UnsupportedError("operator " + std::to_string(k) + " (" + op.display_name() +
                               ") runs on the host interpreter but cannot be compiled to C yet");
      }
      const LayerStats& layer = stats.layers[k];
      const auto shown = static_cast<size_t>(lowered.origin[k]);
      emitter.comment(fmt::format("{}: {} -> {}{}", shown, op.display_name(),
                                  shape_to_string(layer.output_shape),
                                  layer.macs ? fmt::format(", {} MACs", layer.macs) : ""));
      emitter.begin_op(k, shown, op.display_name());
      emit(emitter);
      emitter.statement(fmt::format("TINYOPS_LAYER_DONE({});", shown));
    }
  };

  // A sizing pass learns each op's scratch request and which kernels may run in place; the
  // planner then places the scratch blocks with the tensors, and the last pass prints the
  // code against that plan. Kernels whose scratch can shrink get a second sizing pass with
  // a budget each: the bytes the other ops leave free at their op (scratch_budgets).
  PlanOptions plan_options = options.plan;
  std::vector<int64_t> budgets;
  const MemoryPlan sizing_plan = plan_memory(graph, options.plan);
  for (int round = 0; round < 2; ++round) {
    BundleEmitter sizing(graph, sizing_plan, p, options.dsp_kernels);
    sizing.set_scratch_budgets(budgets);
    emit_ops(sizing);
    plan_options.scratch_bytes_per_op = sizing.scratch_requests();
    plan_options.kernel_in_place_ops = sizing.in_place_ops();
    if (round > 0 || sizing.flexible_ops().empty()) break;
    budgets = scratch_budgets(graph, plan_options, sizing.flexible_ops());
  }
  GeneratedBundle bundle;
  bundle.plan = plan_memory(graph, plan_options);
  check_memory_plan(graph, bundle.plan, plan_options.scratch_bytes_per_op);
  bundle.peak = plan_peak(graph, bundle.plan, plan_options.scratch_bytes_per_op);
  if (bundle.peak.op >= 0) bundle.peak.op = lowered.origin[static_cast<size_t>(bundle.peak.op)];
  const MemoryPlan& plan = bundle.plan;
  BundleEmitter emitter(graph, plan, p, options.dsp_kernels);
  emitter.set_scratch_budgets(budgets);
  emitter.set_planned_scratch(plan_options.scratch_bytes_per_op);
  emit_ops(emitter);
  // The reset and I/O functions below name these tensors too: declare them with the rest.
  for (int32_t i : graph.inputs) emitter.tensor(i);
  for (int32_t o : graph.outputs) emitter.tensor(o);
  for (size_t t = 0; t < graph.tensors.size(); ++t) {
    if (graph.tensors[t].is_variable && plan.offsets[t] != MemoryPlan::kNotPlanned)
      emitter.tensor(static_cast<int32_t>(t));
  }

  // ---- header ----
  std::string h;
  h += fmt::format("/* {}.h: generated by TinyOps; do not edit.\n", p);
  h += fmt::format(
      " * model {}\n * board {}\n * arena {} bytes (one static buffer, planned offline)\n */\n",
      comment_text(options.model_id.empty() ? "(unnamed)" : options.model_id),
      comment_text(options.board), plan.arena_bytes);
  h += fmt::format("#ifndef {0}_H\n#define {0}_H\n\n#include <stdint.h>\n\n", P);
  h += fmt::format("#define {}_ARENA_BYTES {}\n", P, plan.arena_bytes);
  auto io_macros = [&](const char* kind, const std::vector<int32_t>& list) {
    h += fmt::format("#define {}_{}_COUNT {}\n", P, kind, list.size());
    for (size_t i = 0; i < list.size(); ++i) {
      const Tensor& t = graph.tensors[static_cast<size_t>(list[i])];
      const std::string m = fmt::format("{}_{}{}", P, kind, i);
      h += fmt::format("/* {} {}: '{}' {}{} */\n", kind, i, comment_text(t.name), to_string(t.type),
                       shape_to_string(t.shape));
      h += fmt::format("#define {}_BYTES {}\n", m, t.byte_size());
      h += fmt::format("#define {}_ELEMENTS {}\n", m, t.element_count());
      if (t.quant.is_quantized() && !t.quant.is_per_channel()) {
        h += fmt::format("#define {}_SCALE {}\n", m, interp::c_float(t.quant.scales[0]));
        h += fmt::format("#define {}_ZERO_POINT {}\n", m, t.quant.zero_points[0]);
      }
    }
  };
  io_macros("INPUT", graph.inputs);
  io_macros("OUTPUT", graph.outputs);
  h += fmt::format(
      "\n/* Where to write input i (INPUTi_BYTES bytes) before {0}_invoke(). */\n"
      "void* {0}_input(int index);\n"
      "/* Where output i is after {0}_invoke(); valid until the next call. */\n"
      "const void* {0}_output(int index);\n"
      "/* Runs one inference. */\n"
      "void {0}_invoke(void);\n"
      "/* Returns stateful layers to their initial state (done before the first invoke). */\n"
      "void {0}_reset(void);\n\n#endif\n",
      p);

  // ---- source ----
  std::set<std::string> sources = emitter.sources();
  const std::set<std::string> headers = runtime_headers(sources);
  std::string c;
  c += fmt::format("/* {}.c: generated by TinyOps; do not edit.\n", p);
  c += fmt::format(" * model {}\n * board {}\n * arena {} bytes, peak live {} bytes\n",
                   comment_text(options.model_id.empty() ? "(unnamed)" : options.model_id),
                   comment_text(options.board), plan.arena_bytes, plan.peak_live_bytes);
  c += fmt::format(" * {} layers, {} MACs\n *\n *  #  op                      MACs  live bytes\n",
                   graph.ops.size(), stats.total_macs);
  for (const LayerStats& l : stats.layers) {
    c += fmt::format(" * {:>2}  {:<20} {:>10} {:>11}\n", lowered.origin[l.index],
                     comment_text(l.op), l.macs, plan.live_bytes_per_op[l.index]);
  }
  for (size_t k = 0; k < source.ops.size(); ++k) {
    if (lowered.folded_into[k] >= 0)
      c += fmt::format(" * {:>2}  {:<20} folded into op {}\n", k,
                       comment_text(source.ops[k].display_name()),
                       lowered.origin[static_cast<size_t>(lowered.folded_into[k])]);
  }
  if (emitter.scratch_bytes() > 0) {
    c += fmt::format(
        " * largest kernel work buffer {} bytes, placed in the arena with the tensors\n",
        emitter.scratch_bytes());
  }
  c += " */\n";
  c += fmt::format(
      "#include \"{}.h\"\n\n#include <math.h>\n#include <stddef.h>\n#include <string.h>\n\n", p);
  for (const std::string& hdr : headers) c += fmt::format("#include \"tinyops/runtime/{}\"\n", hdr);
  c += "\n/* Define TINYOPS_LAYER_DONE(index) to time or trace layers (`tinyops farm test "
       "--profile`\n"
       " * does); by default it compiles to nothing. */\n"
       "#ifndef TINYOPS_LAYER_DONE\n#define TINYOPS_LAYER_DONE(index) ((void)0)\n#endif\n";
  c += fmt::format(
      "\n/* All activations live here, each tensor at the offset the memory planner gave it. */\n"
      "static union {{\n  uint8_t bytes[{1}];\n  int64_t align8;\n}} {0}_arena;\n\n",
      p, std::max<int64_t>(plan.arena_bytes, 8));
  for (int32_t index : emitter.used_arena_tensors()) {
    const Tensor& t = graph.tensors[static_cast<size_t>(index)];
    c += fmt::format("/* tensor {} '{}' {}{} */\n#define {} (({}*)({}_arena.bytes + {}))\n", index,
                     comment_text(t.name), to_string(t.type), shape_to_string(t.shape),
                     emitter.arena_name(index), c_type(t.type), p,
                     plan.offsets[static_cast<size_t>(index)]);
  }
  for (const auto& [k, shown] : emitter.used_scratch()) {
    c += fmt::format(
        "/* work buffer of op {}, {} bytes, alive during its call only */\n"
        "#define op{}_scratch ((int32_t*)({}_arena.bytes + {}))\n",
        shown, plan_options.scratch_bytes_per_op[k], shown, p, plan.scratch_offsets[k]);
  }
  bundle.scratch_bytes = emitter.scratch_bytes();
  bundle.layers = emitter.take_layers(source.ops.size());
  for (size_t k = 0; k < source.ops.size(); ++k) {
    if (lowered.folded_into[k] < 0) continue;
    bundle.layers[k].op = source.ops[k].display_name();
    bundle.layers[k].folded_into = lowered.origin[static_cast<size_t>(lowered.folded_into[k])];
  }

  c += "\n/* Weights and other constant tensors. */\n";
  for (int32_t index : emitter.used_constants()) {
    const Tensor& t = graph.tensors[static_cast<size_t>(index)];
    c += fmt::format("/* tensor {} '{}' {}{} */\n", index, comment_text(t.name), to_string(t.type),
                     shape_to_string(t.shape));
    c += fmt::format("static const {} w{}[{}] = {{\n    {}}};\n", c_type(t.type), index,
                     std::max<int64_t>(t.element_count(), 1), weight_initializer(t));
    bundle.weight_bytes += static_cast<int64_t>(t.data.size());
  }
  c += "\n/* Layer parameters. */\n";
  for (const std::string& d : emitter.declarations()) c += d + "\n";

  // State tensors start from the values the model gives them, else as TFLite Micro's
  // ResetVariableTensors does: int8 at its zero point, everything else at 0 (the interpreter's
  // reset_state does the same).
  std::string reset_body;
  for (size_t t = 0; t < graph.tensors.size(); ++t) {
    const Tensor& tensor = graph.tensors[t];
    if (!tensor.is_variable || plan.offsets[t] == MemoryPlan::kNotPlanned) continue;
    const std::string name = emitter.tensor(static_cast<int32_t>(t));
    if (!tensor.data.empty() && tensor.data.size() == tensor.byte_size()) {
      c += fmt::format("/* initial value of state tensor {} '{}' */\n", t,
                       comment_text(tensor.name));
      c += fmt::format("static const {} {}_initial[{}] = {{\n    {}}};\n", c_type(tensor.type),
                       name, tensor.element_count(), weight_initializer(tensor));
      reset_body += fmt::format("  memcpy({0}, {0}_initial, {1});\n", name, tensor.byte_size());
      continue;
    }
    const int fill = tensor.type == DataType::Int8 && tensor.quant.is_quantized()
                         ? static_cast<int>(tensor.quant.zero_points[0])
                         : 0;
    reset_body += fmt::format("  memset({}, {}, {});\n", name, fill, tensor.byte_size());
  }
  c += fmt::format("\nstatic int {}_ready = 0;\n\nvoid {}_reset(void) {{\n", p, p);
  c += reset_body;
  for (const std::string& s : emitter.resets()) c += s + "\n";
  c += fmt::format("  {}_ready = 1;\n}}\n\n", p);

  c += fmt::format("void* {}_input(int index) {{\n  switch (index) {{\n", p);
  for (size_t i = 0; i < graph.inputs.size(); ++i)
    c += fmt::format("    case {}: return {};\n", i, emitter.tensor(graph.inputs[i]));
  c += "    default: return NULL;\n  }\n}\n\n";
  c += fmt::format("const void* {}_output(int index) {{\n  switch (index) {{\n", p);
  for (size_t i = 0; i < graph.outputs.size(); ++i) {
    const int32_t t = graph.outputs[i];
    c += fmt::format("    case {}: return {};\n", i, emitter.tensor(t));
  }
  c += "    default: return NULL;\n  }\n}\n\n";
  c += fmt::format("void {0}_invoke(void) {{\n  if (!{0}_ready) {0}_reset();\n", p);
  for (const std::string& line : emitter.body()) c += line + "\n";
  c += "}\n";

  bundle.files[p + ".h"] = h;
  bundle.files[p + ".c"] = c;
  const auto& all = runtime_sources();
  for (const std::string& s : sources) bundle.files[s] = std::string(all.at(s));
  for (const std::string& hdr : headers)
    bundle.files["tinyops/runtime/" + hdr] = std::string(all.at(hdr));
  return bundle;
}

}  // namespace tinyops::compiler
