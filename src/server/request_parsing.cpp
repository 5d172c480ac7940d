#include "request_parsing.hpp"

#include <algorithm>

#include "tinyops/core/error.hpp"

namespace tinyops::server {

namespace {

std::string joined(const std::vector<std::string>& names) {
  if (names.empty()) return "none";
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// Decimal digits only (no sign, no spaces, no exponent), at most 12 of them.
std::optional<uint64_t> decimal(const std::string& text) {
  if (text.empty() || text.size() > 12 || text.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoull(text);
}

bool lowercase_hex(const std::string& text) {
  return text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

void check_params(const QueryParams& params, const std::vector<std::string>& allowed) {
  for (const auto& [name, value] : params) {
    require(std::find(allowed.begin(), allowed.end(), name) != allowed.end(),
            "unknown query parameter '" + name + "': this endpoint takes " + joined(allowed));
    require(params.count(name) == 1, "the query parameter '" + name + "' is given more than once");
  }
}

std::optional<std::string> param(const QueryParams& params, const std::string& name) {
  const auto it = params.find(name);
  if (it == params.end()) return std::nullopt;
  return it->second;
}

Paging paging_of(const QueryParams& params) {
  Paging p;
  if (const auto limit = param(params, "limit")) {
    const auto n = decimal(*limit);
    require(n && *n >= 1 && *n <= kMaxPageLimit, "limit must be a whole number from 1 to " +
                                                     std::to_string(kMaxPageLimit) + ", got '" +
                                                     *limit + "'");
    p.limit = static_cast<size_t>(*n);
  }
  if (const auto offset = param(params, "offset")) {
    const auto n = decimal(*offset);
    require(n.has_value(), "offset must be a whole number of 0 or more, got '" + *offset + "'");
    p.offset = static_cast<size_t>(*n);
  }
  return p;
}

Slice slice_of(size_t items, const Paging& paging) {
  const size_t begin = std::min(paging.offset, items);
  const size_t end = paging.limit ? begin + std::min(*paging.limit, items - begin) : items;
  return {begin, end};
}

void check_artifact_id(const std::string& text) {
  require(text.size() >= 6 && text.size() <= 64 && lowercase_hex(text),
          "'" + text.substr(0, 80) +
              "' is not an artifact id: give 6 to 64 lowercase hex digits of it");
}

int64_t parse_run_id(const std::string& text) {
  const auto n = decimal(text);
  require(n && *n >= 1,
          "'" + text.substr(0, 80) +
              "' is not a run id: runs are numbered 1, 2, ... (see GET /api/v1/runs)");
  return static_cast<int64_t>(*n);
}

void check_dataset_ref(const std::string& text) {
  require(
      !text.empty() && text.size() <= 128,
      "a dataset version is named by its id, a unique id prefix or its name (1 to 128 characters)");
}

nlohmann::json parse_json_object(std::string_view body, const std::vector<std::string>& allowed) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(body);
  } catch (const nlohmann::json::exception& e) {
    // parse_error, and out_of_range for numbers beyond a double ("1E400").
    throw InputError(std::string("the body is not valid JSON: ") + e.what());
  }
  require(j.is_object(), std::string("the body must be a JSON object, not ") + j.type_name());
  for (const auto& [name, value] : j.items())
    require(std::find(allowed.begin(), allowed.end(), name) != allowed.end(),
            "unknown field '" + name + "' in the body: it takes " + joined(allowed));
  return j;
}

}  // namespace tinyops::server
