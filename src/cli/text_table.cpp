#include "text_table.hpp"

#include <algorithm>

namespace tinyops::cli {
namespace {

bool numeric(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == ',' || c == '.' || c == '-' || c == '%';
  });
}

}  // namespace

std::string with_commas(long long value) {
  const std::string digits = std::to_string(value);
  const size_t sign = value < 0 ? 1 : 0;
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    const size_t remaining = digits.size() - i;
    if (i > sign && remaining % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string TextTable::render() const {
  const size_t columns = header_.size();
  std::vector<size_t> width(columns, 0);
  std::vector<bool> right(columns, true);
  for (size_t c = 0; c < columns; ++c) {
    width[c] = header_[c].size();
    bool any = false;
    for (const auto& row : rows_) {
      if (c >= row.size()) continue;
      width[c] = std::max(width[c], row[c].size());
      if (!row[c].empty()) {
        any = true;
        right[c] = right[c] && numeric(row[c]);
      }
    }
    right[c] = right[c] && any;
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t c = 0; c < columns; ++c) {
      const std::string cell = c < cells.size() ? cells[c] : "";
      const std::string pad(width[c] - cell.size(), ' ');
      out += right[c] ? pad + cell : cell + pad;
      if (c + 1 < columns) out += "  ";
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = line(header_);
  std::string rule;
  for (size_t c = 0; c < columns; ++c)
    rule += std::string(width[c], '-') + (c + 1 < columns ? "  " : "");
  out += rule + "\n";
  for (const auto& row : rows_) out += line(row);
  return out;
}

std::string field_lines(const nlohmann::json& object) {
  size_t width = 0;
  for (const auto& [field, value] : object.items()) width = std::max(width, field.size());
  std::string out;
  for (const auto& [field, value] : object.items()) {
    out += field + std::string(width + 2 - field.size(), ' ');
    out += (value.is_string() ? value.get<std::string>() : value.dump()) + "\n";
  }
  return out;
}

}  // namespace tinyops::cli
