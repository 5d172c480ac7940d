// Aligned plain-text tables for output that people read.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace tinyops::cli {

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header) : header_(std::move(header)) {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  // Columns whose cells all look numeric are right-aligned.
  std::string render() const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// A JSON object as aligned "field  value" lines (`show` verbs): strings bare, the rest as JSON.
std::string field_lines(const nlohmann::json& object);

// 1234567 -> "1,234,567"
std::string with_commas(long long value);

}  // namespace tinyops::cli
