// The graph IR: what every importer produces and every executor, pass and code
// generator consumes. Tensors are indexed by position; ops run in list order.
#pragma once

#include <cstdint>
#include <cstring>
#include <map>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "tinyops/core/data_type.hpp"
#include "tinyops/core/op_type.hpp"

namespace tinyops {

// Affine quantisation: real = scale * (q - zero_point). One entry per tensor, or one per
// slice along `axis` (per-channel, used for weights). Empty when not quantised.
struct QuantParams {
  std::vector<float> scales;
  std::vector<int64_t> zero_points;
  int32_t axis = 0;

  bool is_quantized() const { return !scales.empty(); }
  bool is_per_channel() const { return scales.size() > 1; }
};

struct Tensor {
  std::string name;
  DataType type = DataType::Float32;
  std::vector<int32_t> shape;
  QuantParams quant;
  // Contents of a constant tensor (weights, biases, shape operands); empty for
  // activations. Stored in its own allocation, so typed reads are aligned.
  std::vector<uint8_t> data;
  // A variable tensor keeps its value across invocations (state of stateful ops).
  bool is_variable = false;

  bool is_constant() const { return !data.empty() && !is_variable; }
  int64_t element_count() const;
  size_t byte_size() const { return static_cast<size_t>(element_count()) * element_size(type); }

  template <class T>
  std::span<const T> constant_as() const {
    return {reinterpret_cast<const T*>(data.data()), data.size() / sizeof(T)};
  }
};

enum class Padding : uint8_t { Same, Valid };
enum class Activation : uint8_t { None, Relu, ReluN1To1, Relu6, Tanh, SignBit };

std::string_view to_string(Padding padding);
std::string_view to_string(Activation activation);

// Padding written out per side, added before the SAME/VALID rule applies. TFLite files never
// carry it: the compiler's lowering sets it when it folds a PAD into the convolution that
// reads it (compiler/lowering.hpp), and the exporter refuses it.
struct ExplicitPadding {
  int32_t top = 0, bottom = 0, left = 0, right = 0;
  bool any() const { return top != 0 || bottom != 0 || left != 0 || right != 0; }
};

struct ConvOptions {
  Padding padding = Padding::Same;
  int32_t stride_w = 1, stride_h = 1;
  int32_t dilation_w = 1, dilation_h = 1;
  Activation activation = Activation::None;
  ExplicitPadding explicit_padding = {};
};

struct DepthwiseConvOptions {
  Padding padding = Padding::Same;
  int32_t stride_w = 1, stride_h = 1;
  int32_t dilation_w = 1, dilation_h = 1;
  int32_t depth_multiplier = 1;
  Activation activation = Activation::None;
  ExplicitPadding explicit_padding = {};
};

struct PoolOptions {
  Padding padding = Padding::Same;
  int32_t stride_w = 1, stride_h = 1;
  int32_t filter_w = 1, filter_h = 1;
  Activation activation = Activation::None;
};

struct FullyConnectedOptions {
  Activation activation = Activation::None;
  bool keep_num_dims = false;
};

struct SoftmaxOptions {
  float beta = 1.0f;
};

struct ConcatenationOptions {
  int32_t axis = 0;
  Activation activation = Activation::None;
};

// Element-wise binary ops (ADD, SUB, MUL, DIV) with a fused activation.
struct ElementwiseOptions {
  Activation activation = Activation::None;
};

struct ReshapeOptions {
  std::vector<int32_t> new_shape;  // may be empty: the shape then comes from input 1
};

struct ReducerOptions {
  bool keep_dims = false;
};

struct SqueezeOptions {
  std::vector<int32_t> squeeze_dims;
};

struct StridedSliceOptions {
  int32_t begin_mask = 0, end_mask = 0, ellipsis_mask = 0, new_axis_mask = 0, shrink_axis_mask = 0;
  bool offset = false;
};

struct CastOptions {};

// SVDF: weights_feature rows are filters; each output unit sums `rank` filters.
struct SvdfOptions {
  int32_t rank = 1;
  Activation activation = Activation::None;
  bool asymmetric_quantize_inputs = false;
};

// UNIDIRECTIONAL_SEQUENCE_LSTM: `activation` is the cell gate's and the hidden state's
// non-linearity (TANH in practice); clips of 0 mean no clipping.
struct LstmOptions {
  Activation activation = Activation::Tanh;
  float cell_clip = 0.0f;
  float proj_clip = 0.0f;
  bool time_major = false;
  bool asymmetric_quantize_inputs = false;
};

using OpOptions = std::variant<std::monostate, ConvOptions, DepthwiseConvOptions, PoolOptions,
                               FullyConnectedOptions, SoftmaxOptions, ConcatenationOptions,
                               ElementwiseOptions, ReshapeOptions, ReducerOptions, SqueezeOptions,
                               StridedSliceOptions, SvdfOptions, LstmOptions>;

// A named attribute of a custom op, decoded from its format (FlexBuffers maps in TFLite).
using AttributeValue =
    std::variant<bool, int64_t, double, std::string, std::vector<int64_t>, std::vector<double>>;
using Attributes = std::map<std::string, AttributeValue>;

inline constexpr int32_t kNoTensor = -1;  // an omitted optional input (e.g. no bias)

struct Op {
  OpType type = OpType::Other;
  // For Custom and Other: the operator's name in its source format ("SignalRfft", "LSTM").
  std::string name;
  std::vector<int32_t> inputs;  // tensor indices; kNoTensor for an omitted optional input
  std::vector<int32_t> outputs;
  OpOptions options;
  std::vector<uint8_t> custom_options;  // raw options of a custom op (FlexBuffers in TFLite)
  Attributes attributes;                // custom_options decoded by the importer

  // "CONV_2D", or the custom/other name.
  std::string display_name() const;
};

struct Graph {
  std::vector<Tensor> tensors;
  std::vector<Op> ops;
  std::vector<int32_t> inputs;
  std::vector<int32_t> outputs;
  std::string description;

  // Checks indices, shapes and quantisation blocks for internal consistency; throws
  // InputError naming the op or tensor at fault. Importers call it before returning.
  void validate() const;
};

}  // namespace tinyops
