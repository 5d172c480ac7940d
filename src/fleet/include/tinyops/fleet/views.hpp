// The JSON shapes of keys, releases and devices, one for `--json` and the REST API alike.
#pragma once

#include <nlohmann/json.hpp>

#include "tinyops/fleet/devices.hpp"
#include "tinyops/fleet/release.hpp"

namespace tinyops::fleet {

nlohmann::json key_json(const SigningKey& key);
nlohmann::json release_json(const Release& release);
nlohmann::json device_json(const Device& device);

}  // namespace tinyops::fleet
