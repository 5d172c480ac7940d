#include "tinyops/formats/npy.hpp"

#include <cstring>

#include "tinyops/core/error.hpp"
#include "tinyops/core/shape.hpp"
#include "tinyops/formats/little_endian.hpp"

namespace tinyops::formats {
namespace {

constexpr char kMagic[] = "\x93NUMPY";

struct Dtype {
  const char* descr;
  DataType type;
};
constexpr Dtype kDtypes[] = {
    {"<f4", DataType::Float32}, {"|i1", DataType::Int8},  {"|u1", DataType::UInt8},
    {"<i2", DataType::Int16},   {"<i4", DataType::Int32}, {"<i8", DataType::Int64},
    {"|b1", DataType::Bool},
};

std::string dict_value(const std::string& header, const std::string& key,
                       const std::string& source) {
  const std::string quoted = "'" + key + "'";
  const size_t k = header.find(quoted);
  require(k != std::string::npos, source + ": .npy header lacks the '" + key + "' key");
  size_t v = header.find(':', k + quoted.size());
  require(v != std::string::npos, source + ": .npy header is malformed near '" + key + "'");
  ++v;
  while (v < header.size() && header[v] == ' ') ++v;
  require(v < header.size(), source + ": .npy header is malformed near '" + key + "'");
  size_t end = v;
  if (header[v] == '\'') {
    end = header.find('\'', v + 1);
    require(end != std::string::npos, source + ": .npy header has an unterminated string");
    return header.substr(v + 1, end - v - 1);
  }
  if (header[v] == '(') {
    end = header.find(')', v);
    require(end != std::string::npos, source + ": .npy header has an unterminated shape");
    return header.substr(v, end - v + 1);
  }
  while (end < header.size() && header[end] != ',' && header[end] != '}') ++end;
  return header.substr(v, end - v);
}

std::vector<int32_t> parse_shape(const std::string& text, const std::string& source) {
  require(text.size() >= 2 && text.front() == '(' && text.back() == ')',
          source + ": .npy shape '" + text + "' is not a tuple like (1, 49, 10)");
  std::vector<int32_t> shape;
  int64_t value = -1;
  for (char c : text.substr(1)) {
    if (c >= '0' && c <= '9') {
      value = (value < 0 ? 0 : value) * 10 + (c - '0');
      require(value < (int64_t{1} << 31), source + ": .npy shape dimension is too large");
    } else if (c == ',' || c == ')') {
      if (value >= 0) shape.push_back(static_cast<int32_t>(value));
      value = -1;
    } else {
      require(c == ' ', source + ": .npy shape '" + text + "' is malformed");
    }
  }
  return shape;
}

}  // namespace

bool looks_like_npy(std::span<const uint8_t> bytes) {
  return bytes.size() >= 6 && std::memcmp(bytes.data(), kMagic, 6) == 0;
}

NpyArray parse_npy(std::span<const uint8_t> bytes, const std::string& source) {
  require(looks_like_npy(bytes) && bytes.size() >= 10, source + ": not a .npy file");
  const uint8_t major = bytes[6];
  size_t header_len = 0, header_start = 0;
  if (major == 1) {
    header_len = bytes[8] | (bytes[9] << 8);
    header_start = 10;
  } else {
    require(bytes.size() >= 12 && (major == 2 || major == 3),
            source + ": unsupported .npy version " + std::to_string(major));
    header_len = read_le32(bytes, 8);
    header_start = 12;
  }
  require(header_len <= bytes.size() - header_start, source + ": .npy header is truncated");
  const std::string header(reinterpret_cast<const char*>(bytes.data() + header_start), header_len);

  NpyArray array;
  std::string descr = dict_value(header, "descr", source);
  if (descr.size() == 3 && descr[0] == '=') descr[0] = descr[1] == '1' ? '|' : '<';
  bool found = false;
  for (const Dtype& d : kDtypes) {
    if (descr == d.descr || (d.descr[0] == '|' && descr == std::string("<") + (d.descr + 1))) {
      array.type = d.type;
      found = true;
    }
  }
  require(found, source + ": .npy dtype '" + descr +
                     "' is not supported (use little-endian float32, int8, uint8, int16, int32, "
                     "int64 or bool)");
  require(dict_value(header, "fortran_order", source).find("False") != std::string::npos,
          source + ": .npy array is in Fortran order; save it in C order (np.ascontiguousarray)");
  array.shape = parse_shape(dict_value(header, "shape", source), source);
  const int64_t count = element_count(array.shape);
  require(count >= 0, source + ": .npy shape is too large");
  const size_t expected = static_cast<size_t>(count) * element_size(array.type);
  const size_t available = bytes.size() - header_start - header_len;
  require(available == expected, source + ": .npy data holds " + std::to_string(available) +
                                     " bytes but its shape needs " + std::to_string(expected));
  array.data.assign(bytes.begin() + static_cast<std::ptrdiff_t>(header_start + header_len),
                    bytes.end());
  return array;
}

std::vector<uint8_t> serialize_npy(const NpyArray& array) {
  std::string descr;
  for (const Dtype& d : kDtypes)
    if (d.type == array.type) descr = d.descr;
  std::string shape = "(";
  for (size_t i = 0; i < array.shape.size(); ++i) {
    shape += std::to_string(array.shape[i]);
    shape += (array.shape.size() == 1 || i + 1 < array.shape.size()) ? "," : "";
    if (i + 1 < array.shape.size()) shape += " ";
  }
  shape += ")";
  std::string header =
      "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Pad with spaces so the data starts on a 64-byte boundary, ending in a newline.
  const size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  std::vector<uint8_t> out(kMagic, kMagic + 6);
  out.push_back(1);
  out.push_back(0);
  out.push_back(static_cast<uint8_t>(header.size() & 0xff));
  out.push_back(static_cast<uint8_t>(header.size() >> 8));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), array.data.begin(), array.data.end());
  return out;
}

}  // namespace tinyops::formats
