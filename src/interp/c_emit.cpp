#include "tinyops/interp/c_emit.hpp"

#include <cmath>
#include <cstdio>
#include <limits>

namespace tinyops::interp {

std::string c_int(int64_t value) {
  // -2147483648 is not a C literal (it is minus an out-of-range int); spell it as an expression.
  if (value == std::numeric_limits<int32_t>::min()) return "(-2147483647 - 1)";
  if (value > std::numeric_limits<int32_t>::max() || value < std::numeric_limits<int32_t>::min())
    return std::to_string(value) + "LL";
  return std::to_string(value);
}

std::string c_float(float value) {
  if (std::isinf(value)) return value > 0 ? "HUGE_VALF" : "(-HUGE_VALF)";  // <math.h>
  if (value == std::numeric_limits<float>::max()) return "3.40282347e+38f";
  if (value == std::numeric_limits<float>::lowest()) return "-3.40282347e+38f";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9gf", static_cast<double>(value));
  std::string s = buf;
  // "1f" is not a float literal; make it "1.f".
  if (s.find_first_of(".eE") == std::string::npos) s.insert(s.size() - 1, ".");
  return s;
}

std::string c_struct(const std::string& type, const std::string& name,
                     const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string s = "static const " + type + " " + name + " = {";
  for (size_t i = 0; i < fields.size(); ++i) {
    s += (i ? ", ." : ".") + fields[i].first + " = " + fields[i].second;
  }
  return s + "};";
}

namespace {

template <class T, class Fmt>
std::string array_text(const std::string& element_type, const std::string& name,
                       const std::vector<T>& values, Fmt fmt) {
  std::string s = "static const " + element_type + " " + name + "[" +
                  std::to_string(values.empty() ? 1 : values.size()) + "] = {";
  if (values.empty()) s += "0";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) s += (i % 16 == 0) ? ",\n    " : ", ";
    s += fmt(values[i]);
  }
  return s + "};";
}

}  // namespace

std::string c_array(const std::string& element_type, const std::string& name,
                    const std::vector<int64_t>& values) {
  return array_text(element_type, name, values, [](int64_t v) { return c_int(v); });
}

std::string c_float_array(const std::string& name, const std::vector<float>& values) {
  return array_text("float", name, values, [](float v) { return c_float(v); });
}

std::string c_call(const std::string& function, const std::vector<std::string>& args) {
  std::string s = function + "(";
  for (size_t i = 0; i < args.size(); ++i) s += (i ? ", " : "") + args[i];
  return s + ");";
}

std::string optional_tensor(EmitContext& e, int32_t index) {
  return index < 0 ? std::string("NULL") : e.tensor(index);
}

}  // namespace tinyops::interp
