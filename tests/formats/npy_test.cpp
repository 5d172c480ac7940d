#include "tinyops/formats/npy.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tinyops/core/error.hpp"

namespace tinyops::formats {
namespace {

using ::testing::HasSubstr;

std::vector<uint8_t> npy_with_header(const std::string& dict, const std::vector<uint8_t>& data) {
  std::string header = dict;
  while ((10 + header.size() + 1) % 64) header += ' ';
  header += '\n';
  std::string file = "\x93NUMPY";
  file += '\x01';
  file += '\x00';
  file += static_cast<char>(header.size());
  file += '\x00';
  file += header;
  file.append(data.begin(), data.end());
  return {file.begin(), file.end()};
}

TEST(Npy, ParsesWhatNumpyWrites) {
  const auto bytes = npy_with_header("{'descr': '|i1', 'fortran_order': False, 'shape': (2, 3), }",
                                     {1, 2, 3, 4, 5, 6});
  const NpyArray a = parse_npy(bytes, "x.npy");
  EXPECT_EQ(a.type, DataType::Int8);
  EXPECT_EQ(a.shape, (std::vector<int32_t>{2, 3}));
  EXPECT_EQ(a.data.size(), 6u);
}

TEST(Npy, OneDimensionalAndScalarShapes) {
  EXPECT_EQ(parse_npy(npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }",
                                      {0, 0, 128, 63}),
                      "x")
                .shape,
            (std::vector<int32_t>{1}));
  EXPECT_TRUE(
      parse_npy(npy_with_header("{'descr': '<i2', 'fortran_order': False, 'shape': (), }", {1, 0}),
                "x")
          .shape.empty());
}

TEST(Npy, RoundTrips) {
  NpyArray a{DataType::Float32, {1, 2, 2}, std::vector<uint8_t>(16, 7)};
  const NpyArray b = parse_npy(serialize_npy(a), "rt");
  EXPECT_EQ(b.type, a.type);
  EXPECT_EQ(b.shape, a.shape);
  EXPECT_EQ(b.data, a.data);
  NpyArray v{DataType::Int8, {5}, {1, 2, 3, 4, 5}};
  EXPECT_EQ(parse_npy(serialize_npy(v), "rt").shape, v.shape);
}

TEST(Npy, RejectsBadFiles) {
  auto error_of = [](const std::vector<uint8_t>& bytes) {
    try {
      parse_npy(bytes, "bad.npy");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_THAT(error_of({1, 2, 3}), HasSubstr("not a .npy"));
  EXPECT_THAT(error_of(npy_with_header("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }",
                                       {0, 0, 0, 0})),
              HasSubstr("not supported"));
  EXPECT_THAT(
      error_of(npy_with_header("{'descr': '|i1', 'fortran_order': True, 'shape': (2,), }", {0, 0})),
      HasSubstr("Fortran"));
  EXPECT_THAT(error_of(npy_with_header("{'descr': '|i1', 'fortran_order': False, 'shape': (3,), }",
                                       {0, 0})),
              HasSubstr("needs 3"));
  auto truncated = npy_with_header("{'descr': '|i1', 'fortran_order': False, 'shape': (2,), }", {});
  truncated.resize(20);
  EXPECT_THAT(error_of(truncated), HasSubstr("truncated"));
}

}  // namespace
}  // namespace tinyops::formats
