// `tinyops key create|list` and `tinyops release create|list|show`: signing keys and signed
// device releases (src/fleet).
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "text_table.hpp"
#include "tinyops/fleet/views.hpp"

namespace tinyops::cli {
int key_create(const KeyArgs& args) {
  store::Workspace ws = open_workspace(args);
  const fleet::SigningKey k = fleet::create_key(ws, args.name);
  if (args.json) {
    std::cout << fleet::key_json(k).dump(2) << "\n";
  } else {
    std::cout << fmt::format("key '{}' (id {}): secret in {} (mode 0600; back it up, never share it)\n",
                             k.name, fleet::hex(k.id), k.secret_path.string());
  }
  return 0;
}

int key_list(const KeyArgs& args) {
  store::Workspace ws = open_workspace(args);
  const auto keys = fleet::list_keys(ws);
  if (args.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& k : keys) out.push_back(fleet::key_json(k));
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  TextTable table({"name", "id", "public key"});
  for (const auto& k : keys) table.add({k.name, fleet::hex(k.id), fleet::hex(k.public_key)});
  std::cout << table.render() << fmt::format("{} keys\n", keys.size());
  return 0;
}

int release_create(const ReleaseArgs& args) {
  store::Workspace ws = open_workspace(args);
  fleet::ReleaseOptions o;
  o.model = args.id;
  o.board = args.board;
  o.key = args.key;
  if (!args.quiet && !args.json) o.progress = [](const std::string& line) { std::cerr << line << "\n"; };
  const fleet::Release r = fleet::create_release(ws, o);
  if (args.json) {
    std::cout << fleet::release_json(r).dump(2) << "\n";
  } else {
    std::cout << fmt::format("release {} : sequence {} for {}, image {} bytes (sha256 {}), signed by '{}'\n",
                             r.id.substr(0, 12), r.manifest.sequence, r.manifest.class_id,
                             r.manifest.image_size, fleet::hex(r.manifest.image_digest).substr(0, 16),
                             r.key_name);
  }
  return 0;
}

int release_list(const ReleaseArgs& args) {
  store::Workspace ws = open_workspace(args);
  const auto releases = fleet::list_releases(ws);
  if (args.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : releases) out.push_back(fleet::release_json(r));
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  TextTable table({"id", "board", "sequence", "model", "image bytes", "key", "created"});
  for (const auto& r : releases)
    table.add({r.id.substr(0, 12), r.manifest.class_id, std::to_string(r.manifest.sequence),
               r.manifest.model_id.substr(0, 12), std::to_string(r.manifest.image_size), r.key_name,
               r.manifest.created});
  std::cout << table.render() << fmt::format("{} releases\n", releases.size());
  return 0;
}

int release_show(const ReleaseArgs& args) {
  store::Workspace ws = open_workspace(args);
  const fleet::Release r = fleet::find_release(ws, args.id);
  const nlohmann::json j = fleet::release_json(r);
  if (args.json) {
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::cout << field_lines(j);
  return 0;
}

}  // namespace tinyops::cli
