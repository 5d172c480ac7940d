// The table of TFLite builtins that importer and exporter share (src/formats/tflite_operators).
#include "tflite_operators.hpp"

#include <gtest/gtest.h>

#include <set>

namespace tinyops::formats {
namespace {

constexpr OpType kModelled[] = {
    OpType::Add,
    OpType::AveragePool2D,
    OpType::Cast,
    OpType::Concatenation,
    OpType::Conv2D,
    OpType::DepthwiseConv2D,
    OpType::Dequantize,
    OpType::Div,
    OpType::FullyConnected,
    OpType::Logistic,
    OpType::MaxPool2D,
    OpType::Maximum,
    OpType::Mean,
    OpType::Minimum,
    OpType::Mul,
    OpType::Pad,
    OpType::Quantize,
    OpType::Relu,
    OpType::Relu6,
    OpType::Reshape,
    OpType::Softmax,
    OpType::Squeeze,
    OpType::StridedSlice,
    OpType::Sub,
    OpType::Svdf,
    OpType::Tanh,
    OpType::Transpose,
    OpType::UnidirectionalSequenceLstm,
    OpType::Custom,
};

TEST(TfliteOperators, EveryIrOperatorHasOneCodeNamedAsTheIrNamesIt) {
  std::set<int32_t> codes;
  for (OpType type : kModelled) {
    const TfliteOperator* op = tflite_operator(type);
    ASSERT_NE(op, nullptr) << to_string(type);
    EXPECT_EQ(op->name, to_string(type));
    EXPECT_TRUE(codes.insert(op->code).second) << "code " << op->code << " twice";
    // The code leads back to the same entry.
    EXPECT_EQ(tflite_operator(op->code), op);
    EXPECT_EQ(tflite_operator(op->name), op);
  }
  EXPECT_EQ(tflite_operator(OpType::Other), nullptr);
}

TEST(TfliteOperators, KnowsTheSchemasCodesOptionsAndInt8Versions) {
  // Spot checks against TFLite's schema.fbs and converter.
  EXPECT_EQ(tflite_operator(OpType::Conv2D)->code, 3);
  EXPECT_EQ(tflite_operator(OpType::Conv2D)->options_tag, 1);
  EXPECT_EQ(tflite_operator(OpType::FullyConnected)->int8_version, 4);
  EXPECT_EQ(tflite_operator(OpType::UnidirectionalSequenceLstm)->options_tag, 71);
  EXPECT_EQ(tflite_operator(OpType::Quantize)->code, 114);
  EXPECT_EQ(tflite_operator(OpType::Custom)->code, kTfliteCustomCode);
}

TEST(TfliteOperators, UnmodelledBuiltinsGoByNameBothWays) {
  EXPECT_EQ(tflite_operator_name(98), "LEAKY_RELU");
  EXPECT_EQ(tflite_other_code("LEAKY_RELU"), 98);
  EXPECT_EQ(tflite_operator_name(200), "BUILTIN_200");
  EXPECT_EQ(tflite_other_code("BUILTIN_200"), 200);
  // Names that would come back as an IR operator or CUSTOM, and names that are no builtin.
  EXPECT_EQ(tflite_other_code("CONV_2D"), std::nullopt);
  EXPECT_EQ(tflite_other_code("BUILTIN_3"), std::nullopt);
  EXPECT_EQ(tflite_other_code("BUILTIN_32"), std::nullopt);
  EXPECT_EQ(tflite_other_code("BUILTIN_"), std::nullopt);
  EXPECT_EQ(tflite_other_code("BUILTIN_-4"), std::nullopt);
  EXPECT_EQ(tflite_other_code("BUILTIN_7x"), std::nullopt);
  EXPECT_EQ(tflite_other_code("MY_OP"), std::nullopt);
}

}  // namespace
}  // namespace tinyops::formats
