// The JSON shapes of keys, releases, devices and rollouts, one for `--json` and the REST API alike.
#pragma once

#include <nlohmann/json.hpp>

#include "tinyops/fleet/devices.hpp"
#include "tinyops/fleet/release.hpp"
#include "tinyops/fleet/rollout.hpp"

namespace tinyops::fleet {

nlohmann::json key_json(const SigningKey& key);
nlohmann::json release_json(const Release& release);
nlohmann::json device_json(const Device& device);
// With its devices and events when they were loaded (find_rollout).
nlohmann::json rollout_json(const Rollout& rollout);

}  // namespace tinyops::fleet
