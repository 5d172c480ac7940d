// The workspace as the API shows it: JSON views of models, artifacts, lineage, runs,
// dataset versions and farm reports, and model promotion. Ids are resolved here: an id
// that names nothing throws NotFoundError, a malformed one InputError, a promotion the
// gate refuses ConflictError. No HTTP here: api.cpp maps those errors to status codes.
#pragma once

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "request_parsing.hpp"
#include "tinyops/store/registry.hpp"
#include "tinyops/store/workspace.hpp"

namespace tinyops::server {

// A list endpoint's page and the length of the whole list (the X-Total-Count header).
struct Page {
  nlohmann::json items = nlohmann::json::array();
  size_t total = 0;
};

// The artifact `id_or_prefix` names (see check_artifact_id); NotFoundError if none.
store::Artifact artifact_of(store::Workspace& ws, const std::string& id_or_prefix);

Page models_json(store::Workspace& ws, const Paging& paging);
nlohmann::json artifact_json(store::Workspace& ws, const std::string& id_or_prefix);
// Like `tinyops lineage --json`: the artifact, what it was made from (ancestors) and what
// was made from it (descendants), each walked to the end with its depth and role.
nlohmann::json lineage_json(store::Workspace& ws, const std::string& id_or_prefix);

Page runs_json(store::Workspace& ws, const Paging& paging);
nlohmann::json run_json(store::Workspace& ws, const std::string& id);

// The samples in the workspace now (per label and category, kinds, shards) and the page of
// frozen dataset versions; `versions_total` receives how many versions there are.
nlohmann::json datasets_json(store::Workspace& ws, const Paging& paging, size_t& versions_total);
// One version by id, unique id prefix or name: per-label counts from its manifest and the
// artifacts made from it.
nlohmann::json dataset_json(store::Workspace& ws, const std::string& ref);

// Farm reports, oldest first; only those of `model` (an id or prefix) when given.
Page farm_reports_json(store::Workspace& ws, const Paging& paging,
                       const std::optional<std::string>& model);
nlohmann::json farm_report_json(store::Workspace& ws, const std::string& id_or_prefix);

// Moves a model to the stage the body {"stage": ...} names; returns the stage change.
// Releases (signature checked on every read) and devices; `tag` filters devices ("all" or
// none: every one). Enrolling answers the device's credential, the only time it is shown.
Page releases_json(store::Workspace& ws, const Paging& paging);
nlohmann::json release_json(store::Workspace& ws, const std::string& id_or_prefix);
Page devices_json(store::Workspace& ws, const Paging& paging, const std::optional<std::string>& tag);
nlohmann::json device_json(store::Workspace& ws, const std::string& name);
nlohmann::json enroll_device_json(store::Workspace& ws, std::string_view body);
// Body {"model": ID, "board": B, "key": NAME (default "default")}: a release, as
// `tinyops release create` makes it (the farm gate, the image with the agent, the signature).
nlohmann::json create_release_json(store::Workspace& ws, std::string_view body);
Page rollouts_json(store::Workspace& ws, const Paging& paging);
// With its devices and events; `id` is the rollout's number.
nlohmann::json rollout_json(store::Workspace& ws, const std::string& id);
// Body {"release": R, "devices": TAG, "stages": "1,10,50,100", "bake": "10m",
// "max_failure_rate": "2%", "report_timeout": "10m"} (all but release optional, the
// CLI's spellings and defaults): starts a rollout and records its first stage's offers.
nlohmann::json start_rollout_json(store::Workspace& ws, std::string_view body);
// verb: pause, resume or abort (body {"reason": ...} optional for abort).
nlohmann::json control_rollout_json(store::Workspace& ws, const std::string& id, const std::string& verb,
                                    std::string_view body);

nlohmann::json promote_json(store::Workspace& ws, const std::string& model, std::string_view body);

// Queues the pipeline file the body {"pipeline": "PATH"} names, relative to the workspace
// root and inside it (a request cannot point the server at any other file); returns the
// queued run as GET /api/v1/runs/{id} shows it.
nlohmann::json trigger_run_json(store::Workspace& ws, std::string_view body,
                                const std::function<int64_t(store::Workspace&, const std::filesystem::path&)>& queue);

}  // namespace tinyops::server
