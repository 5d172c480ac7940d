#include "tinyops/fleet/views.hpp"

namespace tinyops::fleet {

nlohmann::json key_json(const SigningKey& k) {
  return {{"name", k.name},
          {"id", hex(k.id)},
          {"public_key", hex(k.public_key)},
          {"secret_file", k.secret_path.string()}};
}

nlohmann::json release_json(const Release& r) {
  const Manifest& m = r.manifest;
  return {{"id", r.id},
          {"board", m.class_id},
          {"sequence", m.sequence},
          {"vendor", m.vendor},
          {"model", m.model_id},
          {"lineage", m.lineage_id},
          {"farm_report", m.farm_report_id},
          {"image", r.image_id},
          {"image_sha256", hex(m.image_digest)},
          {"image_bytes", m.image_size},
          {"smoke_test", {{"input_bytes", m.smoke_input.size()}, {"output_bytes", m.smoke_output.size()}}},
          {"key", r.key_name},
          {"key_id", hex(r.key_id)},
          {"signature", "verified"},  // a Release exists only once its envelope verified
          {"created", m.created}};
}

nlohmann::json device_json(const Device& d) {
  return {{"name", d.name},
          {"board", d.board},
          {"tags", d.tags},
          {"installed_release", d.installed_release},
          {"installed_sequence", d.installed_sequence},
          {"last_heartbeat", d.last_heartbeat},
          {"health", nlohmann::json::parse(d.health)},
          {"enrolled_at", d.enrolled_at}};
}

nlohmann::json rollout_json(const Rollout& r) {
  nlohmann::json j = {{"id", r.id},
                      {"release", r.release_id},
                      {"artifact", r.artifact_id},
                      {"board", r.board},
                      {"cohort", r.cohort},
                      {"stages", r.stages},
                      {"bake_seconds", r.bake_seconds},
                      {"max_failure_rate", r.max_failure_rate},
                      {"report_timeout_seconds", r.report_timeout_seconds},
                      {"state", r.state},
                      {"stage", r.stage},
                      {"stage_started_at", r.stage_started_at},
                      {"reason", r.reason},
                      {"created_at", r.created_at},
                      {"updated_at", r.updated_at}};
  if (!r.devices.empty()) {
    j["devices"] = nlohmann::json::array();
    for (const RolloutDevice& d : r.devices)
      j["devices"].push_back({{"device", d.device}, {"stage", d.stage}, {"status", d.status},
                              {"reason", d.reason}, {"previous_release", d.previous_release},
                              {"updated_at", d.updated_at}});
  }
  if (!r.events.empty()) {
    j["events"] = nlohmann::json::array();
    for (const RolloutEvent& e : r.events)
      j["events"].push_back({{"at", e.at}, {"event", e.event}, {"evidence", nlohmann::json::parse(e.evidence)}});
  }
  return j;
}

}  // namespace tinyops::fleet
