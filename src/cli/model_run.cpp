#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <numeric>

#include "commands.hpp"
#include "tensor_json.hpp"
#include "tinyops/core/error.hpp"
#include "tinyops/core/tensor_values.hpp"
#include "tinyops/formats/file_io.hpp"
#include "tinyops/formats/npy.hpp"
#include "tinyops/formats/tflite_importer.hpp"
#include "tinyops/interp/interpreter.hpp"

namespace tinyops::cli {
namespace {

namespace fs = std::filesystem;

// Raw bytes must be exactly the tensor's size; .npy must have its type and element count
// (the shape may differ, e.g. [49, 10] for [1, 49, 10, 1]).
std::vector<uint8_t> load_input(const std::string& path, const Tensor& tensor) {
  std::vector<uint8_t> bytes = formats::read_file(path);
  if (formats::looks_like_npy(bytes)) {
    formats::NpyArray array = formats::parse_npy(bytes, path);
    require(array.type == tensor.type,
            path + ": holds " + std::string(to_string(array.type)) + " but input '" + tensor.name +
                "' is " + std::string(to_string(tensor.type)) + " (convert with arr.astype(...))");
    require(array.data.size() == tensor.byte_size(),
            path + ": holds " + std::to_string(array.data.size() / element_size(array.type)) +
                " elements but input '" + tensor.name + "' needs " +
                std::to_string(tensor.element_count()));
    return std::move(array.data);
  }
  require(bytes.size() == tensor.byte_size(),
          path + ": is " + std::to_string(bytes.size()) + " bytes but input '" + tensor.name +
              "' (" + tensor_summary(tensor) + ") needs exactly " +
              std::to_string(tensor.byte_size()) + " raw little-endian bytes (or pass a .npy)");
  return bytes;
}

void save_output(const std::string& path, const Tensor& tensor, std::span<const uint8_t> bytes) {
  if (fs::path(path).extension() == ".npy") {
    formats::NpyArray array{tensor.type, tensor.shape, {bytes.begin(), bytes.end()}};
    formats::write_file(path, formats::serialize_npy(array));
  } else {
    formats::write_file(path, bytes);
  }
}

// A classifier output: one row of at least two scores.
bool looks_like_classifier(const Tensor& t) {
  return !t.shape.empty() && t.shape.back() >= 2 && t.element_count() == t.shape.back();
}

std::vector<size_t> top_classes(const std::vector<double>& scores, size_t k) {
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), size_t{0});
  k = std::min(k, order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(),
                    [&](size_t a, size_t b) { return scores[a] > scores[b]; });
  order.resize(k);
  return order;
}

std::string format_values(const std::vector<double>& values, bool integral) {
  std::string s = "[";
  const size_t shown = values.size() <= 64 ? values.size() : 32;
  for (size_t i = 0; i < shown; ++i) {
    if (i) s += ", ";
    s += integral ? fmt::format("{}", static_cast<long long>(values[i]))
                  : fmt::format("{:.6g}", values[i]);
  }
  if (shown < values.size()) s += fmt::format(", ... ({} more)", values.size() - shown);
  return s + "]";
}

}  // namespace

int model_run(const RunArgs& args) {
  const Graph graph = formats::import_tflite_file(args.model);
  interp::Interpreter interpreter(graph);
  require(args.inputs.size() == interpreter.input_count(),
          args.model + ": the model has " + std::to_string(interpreter.input_count()) +
              " input(s) but " + std::to_string(args.inputs.size()) +
              " --input file(s) were given (pass one --input per model input, in order)");
  for (size_t i = 0; i < args.inputs.size(); ++i) {
    const auto bytes = load_input(args.inputs[i], interpreter.input_tensor(i));
    std::copy(bytes.begin(), bytes.end(), interpreter.input(i).begin());
  }
  interpreter.invoke();

  if (!args.output.empty())
    save_output(args.output, interpreter.output_tensor(0), interpreter.output(0));

  nlohmann::json j = nlohmann::json::array();
  for (size_t o = 0; o < interpreter.output_count(); ++o) {
    const Tensor& t = interpreter.output_tensor(o);
    const auto stored = stored_values(t.type, interpreter.output(o));
    const auto real = real_values(t, interpreter.output(o));
    const bool quantized = t.quant.is_quantized() && t.type != DataType::Float32;
    nlohmann::json out = tensor_json(graph, graph.outputs[o]);
    out["values"] = stored;
    if (quantized) out["real_values"] = real;
    if (looks_like_classifier(t)) {
      nlohmann::json top = nlohmann::json::array();
      for (size_t c : top_classes(real, static_cast<size_t>(std::max(args.top, 0))))
        top.push_back({{"class", c}, {"score", real[c]}});
      out["top"] = top;
    }
    j.push_back(out);

    if (args.json) continue;
    std::cout << fmt::format("output #{} '{}' {}\n", graph.outputs[o], t.name, tensor_summary(t));
    std::cout << "  values " << format_values(stored, t.type != DataType::Float32) << "\n";
    if (quantized) std::cout << "  real   " << format_values(real, false) << "\n";
    if (out.contains("top")) {
      std::cout << "  top classes:";
      for (const auto& entry : out["top"])
        std::cout << fmt::format("  {} ({:.4f})", entry["class"].get<size_t>(),
                                 entry["score"].get<double>());
      std::cout << "\n";
    }
  }
  if (args.json) std::cout << nlohmann::json{{"model", args.model}, {"outputs", j}}.dump(2) << "\n";
  if (!args.output.empty() && !args.json) std::cout << "wrote " << args.output << "\n";
  return 0;
}

}  // namespace tinyops::cli
