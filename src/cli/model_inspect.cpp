#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "tensor_json.hpp"
#include "text_table.hpp"
#include "tinyops/core/graph_stats.hpp"
#include "tinyops/core/shape.hpp"
#include "tinyops/formats/tflite_importer.hpp"

namespace tinyops::cli {

int model_inspect(const InspectArgs& args) {
  const Graph graph = formats::import_tflite_file(args.model);
  const GraphStats stats = compute_stats(graph);
  const auto file_bytes = std::filesystem::file_size(args.model);

  if (args.json) {
    nlohmann::json j;
    j["model"] = args.model;
    j["file_bytes"] = file_bytes;
    j["description"] = graph.description;
    j["inputs"] = nlohmann::json::array();
    for (int32_t i : graph.inputs) j["inputs"].push_back(tensor_json(graph, i));
    j["outputs"] = nlohmann::json::array();
    for (int32_t o : graph.outputs) j["outputs"].push_back(tensor_json(graph, o));
    j["operators"] = stats.op_counts;
    j["layers"] = nlohmann::json::array();
    for (const LayerStats& l : stats.layers) {
      const Op& op = graph.ops[l.index];
      j["layers"].push_back({{"index", l.index},
                             {"op", l.op},
                             {"inputs", op.inputs},
                             {"outputs", op.outputs},
                             {"output_shape", l.output_shape},
                             {"macs", l.macs},
                             {"param_bytes", l.param_bytes}});
    }
    j["totals"] = {{"ops", graph.ops.size()},
                   {"tensors", graph.tensors.size()},
                   {"macs", stats.total_macs},
                   {"param_bytes", stats.total_param_bytes}};
    std::cout << j.dump(2) << "\n";
    return 0;
  }

  std::cout << fmt::format("model     {} ({} bytes)\n", args.model,
                           with_commas(static_cast<long long>(file_bytes)));
  if (!graph.description.empty()) std::cout << fmt::format("about     {}\n", graph.description);
  for (int32_t i : graph.inputs) {
    const Tensor& t = graph.tensors[static_cast<size_t>(i)];
    std::cout << fmt::format("input     #{} '{}' {}\n", i, t.name, tensor_summary(t));
  }
  for (int32_t o : graph.outputs) {
    const Tensor& t = graph.tensors[static_cast<size_t>(o)];
    std::cout << fmt::format("output    #{} '{}' {}\n", o, t.name, tensor_summary(t));
  }
  std::string counts;
  for (const auto& [name, n] : stats.op_counts)
    counts += fmt::format("{}{} x{}", counts.empty() ? "" : ", ", name, n);
  std::cout << fmt::format("operators {}\n\n", counts);

  TextTable table({"#", "op", "output", "MACs", "param bytes"});
  for (const LayerStats& l : stats.layers) {
    table.add({std::to_string(l.index), l.op, shape_to_string(l.output_shape), with_commas(l.macs),
               with_commas(l.param_bytes)});
  }
  std::cout << table.render();
  std::cout << fmt::format("\ntotal     {} ops, {} MACs, {} parameter bytes, {} tensors\n",
                           graph.ops.size(), with_commas(stats.total_macs),
                           with_commas(stats.total_param_bytes), graph.tensors.size());
  return 0;
}

}  // namespace tinyops::cli
