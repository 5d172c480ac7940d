#include "tinyops/train/model_io.hpp"

#include "tinyops/core/error.hpp"

namespace tinyops::train {

namespace {

constexpr const char* kKinds[] = {"dense", "conv2d", "depthwise_conv2d", "max_pool2d",
                                  "avg_pool2d", "global_avg_pool", "flatten", "dropout"};
constexpr const char* kActivations[] = {"none", "relu", "relu6"};

template <class E, size_t N>
E enum_of(const std::string& name, const char* const (&names)[N], const char* what) {
  for (size_t i = 0; i < N; ++i)
    if (name == names[i]) return static_cast<E>(i);
  throw InputError(std::string("unknown ") + what + " '" + name + "'");
}

}  // namespace

nlohmann::json to_json(const NetworkSpec& spec) {
  nlohmann::json layers = nlohmann::json::array();
  for (const LayerSpec& l : spec.layers)
    layers.push_back({{"kind", kKinds[static_cast<int>(l.kind)]}, {"units", l.units},
                      {"kernel", {l.kernel_h, l.kernel_w}}, {"stride", {l.stride_h, l.stride_w}},
                      {"same_padding", l.same_padding}, {"activation", kActivations[static_cast<int>(l.activation)]},
                      {"dropout", l.dropout}, {"batch_norm", l.batch_norm}});
  return {{"name", spec.name}, {"input_shape", spec.input_shape}, {"classifier", spec.classifier}, {"layers", layers}};
}

NetworkSpec spec_from_json(const nlohmann::json& j) {
  try {
    NetworkSpec s;
    s.name = j.at("name").get<std::string>();
    s.input_shape = j.at("input_shape").get<std::vector<int32_t>>();
    s.classifier = j.at("classifier").get<bool>();
    for (const auto& l : j.at("layers")) {
      LayerSpec ls;
      ls.kind = enum_of<LayerKind>(l.at("kind").get<std::string>(), kKinds, "layer kind");
      ls.units = l.at("units").get<int32_t>();
      ls.kernel_h = l.at("kernel").at(0).get<int32_t>();
      ls.kernel_w = l.at("kernel").at(1).get<int32_t>();
      ls.stride_h = l.at("stride").at(0).get<int32_t>();
      ls.stride_w = l.at("stride").at(1).get<int32_t>();
      ls.same_padding = l.at("same_padding").get<bool>();
      ls.activation = enum_of<LayerActivation>(l.at("activation").get<std::string>(), kActivations, "activation");
      ls.dropout = l.at("dropout").get<float>();
      ls.batch_norm = l.at("batch_norm").get<bool>();
      s.layers.push_back(ls);
    }
    layer_shapes(s);  // consistent
    return s;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(std::string("malformed network description: ") + e.what());
  }
}

nlohmann::json to_json(const TrainedModel& model) {
  nlohmann::json layers = nlohmann::json::array();
  for (const LayerWeights& w : model.layers)
    layers.push_back({{"shape", w.shape}, {"weights", w.weights}, {"bias", w.bias}});
  return {{"spec", to_json(model.spec)}, {"weights", layers}};
}

TrainedModel model_from_json(const nlohmann::json& j) {
  try {
    TrainedModel m;
    m.spec = spec_from_json(j.at("spec"));
    for (const auto& l : j.at("weights"))
      m.layers.push_back({l.at("shape").get<std::vector<int32_t>>(), l.at("weights").get<std::vector<float>>(),
                          l.at("bias").get<std::vector<float>>()});
    require(m.layers.size() == m.spec.layers.size(), "weights for a different number of layers");
    return m;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(std::string("malformed trained model: ") + e.what());
  }
}

}  // namespace tinyops::train
