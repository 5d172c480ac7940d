// Releases: a model admitted by the farm on a board, compiled into that board's device image
// and described by a signed manifest (manifest.hpp). Both are registry artifacts
// (`device_image`, `release`) with lineage model -> image -> release, and the farm report
// that admitted the model as a parent of the release. Rollouts (later) hang off releases.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "tinyops/fleet/manifest.hpp"
#include "tinyops/store/registry.hpp"

namespace tinyops::fleet {

struct ReleaseOptions {
  std::string model;   // registry id or unique prefix of an int8 or float model
  std::string board;   // board profile name
  std::string key = "default";
  std::filesystem::path work_dir;  // firmware build folder (a temporary one when empty)
  std::function<void(const std::string&)> progress;
};

struct Release {
  std::string id;  // the release artifact (its content is the signed envelope)
  Manifest manifest;
  std::string key_name;
  KeyId key_id{};
  std::string image_id;  // the device_image artifact
  std::string created;
};

// Refuses (ConflictError) a model with no farm report in which `board` passed bit-exact and
// fitting, as `model promote` does for production. The sequence number is one above the
// highest of the board's earlier releases.
Release create_release(store::Workspace& ws, const ReleaseOptions& options);
std::vector<Release> list_releases(store::Workspace& ws);
// By id or unique prefix; the envelope is opened against its key again (InputError when
// it no longer verifies: the object was altered).
Release find_release(store::Workspace& ws, const std::string& id_or_prefix);

}  // namespace tinyops::fleet
