// The registry: every artifact (dataset version, feature set, training run, float and int8
// model, compiled bundle, farm report) is an immutable object named by its sha256 with a
// row saying what it is, and lineage edges say what made what, with the parameters, seed
// and tool versions in the artifact's metadata. Models move through stages (staging,
// production, archived); promotion to production is gated on evidence that is stored with
// the promotion.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tinyops/store/workspace.hpp"

namespace tinyops::store {

struct Artifact {
  std::string id;    // sha256 of the content
  std::string kind;  // dataset_version, feature_set, training_run, float_model, int8_model, bundle, farm_report
  std::string name;
  std::string created_at;
  std::string metadata;  // JSON object
};

struct LineageEdge {
  std::string parent, child, role;
};

// Stores `content` as an object and records it (idempotent: the same content and kind is
// one artifact), with edges from each parent. Returns the artifact.
Artifact record_artifact(Workspace& ws, const std::string& kind, const std::string& name,
                         std::span<const uint8_t> content, const std::string& metadata_json,
                         const std::vector<std::pair<std::string, std::string>>& parents = {});

// By full id or a unique prefix of at least 6 hex digits. Throws InputError otherwise.
Artifact find_artifact(Workspace& ws, const std::string& id_or_prefix);
std::vector<Artifact> list_artifacts(Workspace& ws, const std::string& kind = "");
std::vector<LineageEdge> parents_of(Workspace& ws, const std::string& id);
std::vector<LineageEdge> children_of(Workspace& ws, const std::string& id);

// Farm reports made from a model (directly or through its bundle), as recorded.
std::vector<Artifact> farm_reports_of(Workspace& ws, const std::string& model_id);

struct StageChange {
  std::string model, stage, changed_at, evidence;  // evidence: JSON
};

// The model's current stage ("none" when never promoted) and history, oldest first.
std::string current_stage(Workspace& ws, const std::string& model_id);
std::vector<StageChange> stage_history(Workspace& ws, const std::string& model_id);

// Moves an int8 or float model to `stage` (staging, production, archived). Production
// needs, among the model's descendants, a farm report whose every board passed bit-exact
// and fits, and a test accuracy (in the model's metadata) at or above the threshold: the
// one given (a pipeline promoting passes its own: the same model bytes may have been
// recorded first by a run with another threshold), else the one recorded with the model.
// A refusal is a ConflictError naming what is missing. The evidence (the farm reports,
// accuracy and threshold used) is stored with the change.
StageChange promote(Workspace& ws, const std::string& model_id, const std::string& stage,
                    std::optional<double> accuracy_threshold = std::nullopt);

}  // namespace tinyops::store
