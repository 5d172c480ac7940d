// `tinyops token create`: API tokens for the REST API's writes.
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "tinyops/server/api.hpp"

namespace tinyops::cli {

int token_create(const TokenArgs& args) {
  store::Workspace ws = open_workspace(args);
  const std::string token = server::create_token(ws, args.name);
  if (args.json) {
    std::cout << nlohmann::json{{"name", args.name}, {"token", token}}.dump(2) << "\n";
  } else {
    std::cout << token << "\n";
    std::cerr << "token '" << args.name
              << "' created; it is shown only now (only its sha256 is stored)\n";
  }
  return 0;
}

}  // namespace tinyops::cli
