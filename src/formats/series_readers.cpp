// Time series from CSV and from the JSON data-acquisition layout.
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

#include "tinyops/core/error.hpp"
#include "tinyops/formats/sample_readers.hpp"

namespace tinyops::formats {

namespace {

constexpr int64_t kMaxValues = 100'000'000;  // 400 MB of floats: far beyond any sample

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '"')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '"'))
    s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    const size_t comma = line.find(',', start);
    out.push_back(trim(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start)));
    if (comma == std::string_view::npos) return out;
    start = comma + 1;
  }
}

// "accX (m/s2)" -> {"accX", "m/s2"}
Axis axis_of(std::string_view header) {
  Axis a;
  const size_t open = header.find('(');
  if (open != std::string_view::npos && header.back() == ')') {
    a.name = std::string(trim(header.substr(0, open)));
    a.units = std::string(trim(header.substr(open + 1, header.size() - open - 2)));
  } else {
    a.name = std::string(header);
  }
  return a;
}

// The sampling interval from the timestamps: their mean step, which every step must be
// close to (sensors jitter; dropped or reordered readings are a data error).
double interval_of(const std::vector<double>& t, const std::string& name) {
  // Row k of the data is line k + 2 of the file (after the header).
  for (size_t i = 1; i < t.size(); ++i) {
    require(t[i] > t[i - 1], name + ": line " + std::to_string(i + 2) + ": timestamps must increase (" +
                                 std::to_string(t[i]) + " after " + std::to_string(t[i - 1]) + ")");
  }
  const double mean = (t.back() - t.front()) / static_cast<double>(t.size() - 1);
  for (size_t i = 1; i < t.size(); ++i) {
    const double step = t[i] - t[i - 1];
    require(std::fabs(step - mean) <= 0.5 * mean,
            name + ": line " + std::to_string(i + 2) + ": uneven sampling (step " + std::to_string(step) +
                " ms, mean " + std::to_string(mean) + " ms); resample the recording to a fixed rate first");
  }
  return mean;
}

}  // namespace

Sample read_csv_series(std::string_view text, const std::string& name) {
  std::vector<std::string_view> lines;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!trim(line).empty()) lines.push_back(line);
    start = end + 1;
  }
  require(!lines.empty(), name + ": the CSV is empty");
  const auto header = split_fields(lines[0]);
  require(header.size() >= 2, name + ": line 1: expected a header `timestamp,<axis>,...` with at "
                                     "least one axis column");
  std::string first(header[0]);
  for (char& c : first) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  require(first == "timestamp" || first == "time" || first == "t" || first.rfind("timestamp", 0) == 0,
          name + ": line 1: the first column must be the timestamp in ms (header `timestamp`), "
                 "found `" + std::string(header[0]) + "`");
  Sample s;
  s.kind = SampleKind::TimeSeries;
  for (size_t i = 1; i < header.size(); ++i) {
    require(!header[i].empty(), name + ": line 1: column " + std::to_string(i + 1) + " has no name");
    s.axes.push_back(axis_of(header[i]));
  }
  require(lines.size() >= 2, name + ": the CSV has a header but no rows");
  require(static_cast<int64_t>(lines.size()) * static_cast<int64_t>(header.size()) <= kMaxValues,
          name + ": too many values for one sample; split the recording");
  std::vector<double> times;
  for (size_t r = 1; r < lines.size(); ++r) {
    const auto fields = split_fields(lines[r]);
    require(fields.size() == header.size(),
            name + ": line " + std::to_string(r + 1) + ": " + std::to_string(fields.size()) +
                " fields, the header has " + std::to_string(header.size()));
    for (size_t c = 0; c < fields.size(); ++c) {
      double v = 0;
      const auto* b = fields[c].data();
      const auto* e = b + fields[c].size();
      const auto [ptr, ec] = std::from_chars(b, e, v);
      require(ec == std::errc() && ptr == e && std::isfinite(v) && !fields[c].empty(),
              name + ": line " + std::to_string(r + 1) + ", column " + std::to_string(c + 1) +
                  " (" + (c == 0 ? std::string("timestamp") : s.axes[c - 1].name) +
                  "): `" + std::string(fields[c]) + "` is not a finite number");
      if (c == 0) {
        times.push_back(v);
      } else {
        require(std::fabs(v) <= 3.4e38, name + ": line " + std::to_string(r + 1) +
                                             ": value out of float range");
        s.values.push_back(static_cast<float>(v));
      }
    }
  }
  require(times.size() >= 2, name + ": one row is not a time series (need at least two)");
  s.interval_ms = interval_of(times, name);
  s.frames = static_cast<int64_t>(times.size());
  return s;
}

Sample read_acquisition_json(std::string_view text, const std::string& name) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    // parse_error, and out_of_range for numbers beyond double (e.g. 1e999999).
    throw InputError(name + ": not valid JSON (" + e.what() + ")");
  }
  require(doc.is_object() && doc.contains("payload") && doc["payload"].is_object(),
          name + ": expected the data-acquisition layout {\"payload\": {\"interval_ms\", "
                 "\"sensors\", \"values\"}}");
  const auto& p = doc["payload"];
  require(p.contains("interval_ms") && p["interval_ms"].is_number() &&
              p["interval_ms"].get<double>() > 0 && std::isfinite(p["interval_ms"].get<double>()),
          name + ": payload.interval_ms must be a positive number (milliseconds between rows)");
  require(p.contains("sensors") && p["sensors"].is_array() && !p["sensors"].empty(),
          name + ": payload.sensors must be a non-empty array of {\"name\", \"units\"}");
  Sample s;
  s.kind = SampleKind::TimeSeries;
  s.interval_ms = p["interval_ms"].get<double>();
  for (size_t i = 0; i < p["sensors"].size(); ++i) {
    const auto& sensor = p["sensors"][i];
    const std::string where = name + ": payload.sensors[" + std::to_string(i) + "]";
    require(sensor.is_object() && sensor.contains("name") && sensor["name"].is_string(),
            where + " needs a string \"name\"");
    Axis a;
    a.name = sensor["name"].get<std::string>();
    if (sensor.contains("units")) {
      require(sensor["units"].is_string(), where + ".units must be a string");
      a.units = sensor["units"].get<std::string>();
    }
    s.axes.push_back(std::move(a));
  }
  require(p.contains("values") && p["values"].is_array() && !p["values"].empty(),
          name + ": payload.values must be a non-empty array of rows");
  const auto& rows = p["values"];
  require(static_cast<int64_t>(rows.size()) * static_cast<int64_t>(s.axes.size()) <= kMaxValues,
          name + ": too many values for one sample; split the recording");
  for (size_t r = 0; r < rows.size(); ++r) {
    const std::string where = name + ": payload.values[" + std::to_string(r) + "]";
    auto take = [&](const nlohmann::json& v, const std::string& at) {
      require(v.is_number() && std::isfinite(v.get<double>()) && std::fabs(v.get<double>()) <= 3.4e38,
              at + " must be a finite number");
      s.values.push_back(v.get<float>());
    };
    if (rows[r].is_array()) {
      require(rows[r].size() == s.axes.size(),
              where + " has " + std::to_string(rows[r].size()) + " values, payload.sensors names " +
                  std::to_string(s.axes.size()));
      for (size_t c = 0; c < rows[r].size(); ++c) take(rows[r][c], where + "[" + std::to_string(c) + "]");
    } else {
      require(s.axes.size() == 1, where + " must be an array of " +
                                      std::to_string(s.axes.size()) + " values (one per sensor)");
      take(rows[r], where);
    }
  }
  s.frames = static_cast<int64_t>(rows.size());
  return s;
}

}  // namespace tinyops::formats
