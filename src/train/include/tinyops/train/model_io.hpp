// TrainedModel <-> JSON: the architecture and the float weights, so that a training run
// stored in the registry can be picked up by later pipeline stages.
#pragma once

#include <nlohmann/json.hpp>

#include "tinyops/train/trainer.hpp"

namespace tinyops::train {

nlohmann::json to_json(const NetworkSpec& spec);
NetworkSpec spec_from_json(const nlohmann::json& j);  // throws InputError when malformed
nlohmann::json to_json(const TrainedModel& model);
TrainedModel model_from_json(const nlohmann::json& j);

}  // namespace tinyops::train
