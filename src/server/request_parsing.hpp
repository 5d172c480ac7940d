// What the API reads from outside, checked: query parameters (paging), ids in paths and
// JSON bodies. Every check throws InputError naming the field and the fix, so that a bad
// request gets a 400 and never reaches the store half-checked. No HTTP here (the fuzz
// target and the tests reach it through ApiServer::handle).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tinyops::server {

// The decoded query parameters (httplib::Params).
using QueryParams = std::multimap<std::string, std::string>;

// ?offset=N&limit=M on list endpoints: without limit, everything from offset on.
struct Paging {
  size_t offset = 0;
  std::optional<size_t> limit;
};
constexpr size_t kMaxPageLimit = 1000;

// Throws InputError when a parameter is not one of `allowed` or is given twice.
void check_params(const QueryParams& params, const std::vector<std::string>& allowed);
std::optional<std::string> param(const QueryParams& params, const std::string& name);
// limit: 1 to kMaxPageLimit; offset: 0 or more (decimal digits only).
Paging paging_of(const QueryParams& params);

// The part of `items` the page covers, as [begin, end) indices.
struct Slice {
  size_t begin = 0, end = 0;
};
Slice slice_of(size_t items, const Paging& paging);

// An artifact id or unique prefix as the registry takes it: 6 to 64 lowercase hex digits.
void check_artifact_id(const std::string& text);
// A run id: a positive decimal integer.
int64_t parse_run_id(const std::string& text);
// A dataset version's full id, unique id prefix or name (1 to 128 characters).
void check_dataset_ref(const std::string& text);

// The request body as a JSON object with only the `allowed` fields; InputError when it is
// not JSON, not an object, or has another field.
nlohmann::json parse_json_object(std::string_view body, const std::vector<std::string>& allowed);

}  // namespace tinyops::server
