#include "tinyops/formats/tflite_exporter.hpp"

#include <flatbuffers/flexbuffers.h>

#include <algorithm>
#include <map>
#include <string_view>
#include <tuple>
#include <type_traits>

#include "tflite_operators.hpp"
#include "tflite_subset_generated.h"
#include "tinyops/core/error.hpp"
#include "tinyops/formats/file_io.hpp"

namespace tinyops::formats {
namespace {

namespace tfl = ::tinyops::tfl;
using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;

constexpr int32_t kPlaceholderCode = 127;  // deprecated_builtin_code for codes >= 127

tfl::TensorType tensor_type(DataType type) {
  switch (type) {
    case DataType::Float32:
      return tfl::TensorType::FLOAT32;
    case DataType::Int8:
      return tfl::TensorType::INT8;
    case DataType::UInt8:
      return tfl::TensorType::UINT8;
    case DataType::Int16:
      return tfl::TensorType::INT16;
    case DataType::UInt16:
      return tfl::TensorType::UINT16;
    case DataType::Int32:
      return tfl::TensorType::INT32;
    case DataType::UInt32:
      return tfl::TensorType::UINT32;
    case DataType::Int64:
      return tfl::TensorType::INT64;
    case DataType::UInt64:
      return tfl::TensorType::UINT64;
    case DataType::Bool:
      return tfl::TensorType::BOOL;
  }
  return tfl::TensorType::FLOAT32;
}

// The operator version: the int8 form's for an op whose first input is int8, else 1.
// Versions say what a runtime must implement; TFLite Micro ignores them and TFLite accepts
// any version it registers.
int32_t op_version(const Graph& graph, const Op& op, const TfliteOperator& known) {
  for (int32_t i : op.inputs) {
    if (i != kNoTensor)
      return graph.tensors[static_cast<size_t>(i)].type == DataType::Int8 ? known.int8_version : 1;
  }
  return 1;
}

// Encodes attributes as the FlexBuffers map TFLite custom operators read; used only when
// an op carries attributes but no raw custom_options (a graph built in memory).
std::vector<uint8_t> encode_attributes(const Attributes& attributes) {
  flexbuffers::Builder fbb;
  fbb.Map([&] {
    for (const auto& [key, value] : attributes) {
      const char* k = key.c_str();
      std::visit(
          [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, bool>) {
              fbb.Bool(k, v);
            } else if constexpr (std::is_same_v<T, int64_t>) {
              fbb.Int(k, v);
            } else if constexpr (std::is_same_v<T, double>) {
              fbb.Double(k, v);
            } else if constexpr (std::is_same_v<T, std::string>) {
              fbb.String(k, v);
            } else if constexpr (std::is_same_v<T, std::vector<int64_t>>) {
              fbb.TypedVector(k, [&] {
                for (int64_t e : v) fbb.Int(e);
              });
            } else {
              fbb.TypedVector(k, [&] {
                for (double e : v) fbb.Double(e);
              });
            }
          },
          value);
    }
  });
  fbb.Finish();
  return fbb.GetBuffer();
}

// An options table and its BuiltinOptions union tag (0, NONE, when the op has none).
struct BuiltinOptions {
  uint8_t tag = 0;
  Offset<tfl::Opaque> table = 0;
};

template <class T>
BuiltinOptions tagged(uint8_t tag, Offset<T> table) {
  return {tag, Offset<tfl::Opaque>(table.o)};
}

// The option struct an op carries, or the IR's defaults when a graph built in memory
// left it unset (the importer always sets it).
template <class T>
T options_of(const Op& op) {
  if (const T* o = std::get_if<T>(&op.options)) return *o;
  return T{};
}

int8_t code_of(Activation a) {
  return static_cast<int8_t>(a);
}
int8_t code_of(Padding p) {
  return p == Padding::Valid ? 1 : 0;
}

class Exporter {
 public:
  Exporter(const Graph& graph, const ExportOptions& options) : g_(graph), options_(options) {}

  std::vector<uint8_t> run() {
    g_.validate();
    check_size();
    // Children are written before the tables that point at them; the order is fixed so
    // the same graph always gives the same bytes.
    const auto buffers = write_buffers();
    const auto tensors = write_tensors();
    const auto operators = write_operators();
    const auto codes = write_operator_codes();
    const auto subgraph = tfl::CreateSubGraph(
        fbb_, fbb_.CreateVector(tensors), fbb_.CreateVector(g_.inputs),
        fbb_.CreateVector(g_.outputs), fbb_.CreateVector(operators), fbb_.CreateString("main"));
    const std::string& description = options_.description ? *options_.description : g_.description;
    const auto description_offset = description.empty() ? 0 : fbb_.CreateString(description);
    Offset<flatbuffers::Vector<Offset<tfl::Metadata>>> metadata = 0;
    if (!metadata_.empty()) metadata = fbb_.CreateVector(metadata_);
    const auto model = tfl::CreateModel(
        fbb_, /*version=*/3, fbb_.CreateVector(codes), fbb_.CreateVector(&subgraph, 1),
        description_offset, fbb_.CreateVector(buffers), /*metadata_buffer=*/0, metadata);
    tfl::FinishModelBuffer(fbb_, model);
    return {fbb_.GetBufferPointer(), fbb_.GetBufferPointer() + fbb_.GetSize()};
  }

 private:
  // A flatbuffer addresses at most 2 GB; TFLite's external-buffer form for larger
  // models is not written.
  void check_size() const {
    uint64_t total = 0;
    for (const Tensor& t : g_.tensors) total += t.data.size() + 16;
    for (const Op& op : g_.ops) total += op.custom_options.size();
    if (total > (uint64_t{1} << 31) - (uint64_t{64} << 20)) {
      throw UnsupportedError("the model holds " + std::to_string(total) +
                             " bytes of constant data; a .tflite flatbuffer holds under 2 GB");
    }
  }

  std::vector<Offset<tfl::Buffer>> write_buffers() {
    // Buffer 0 is empty by convention: every tensor without data points at it.
    std::vector<Offset<tfl::Buffer>> buffers{tfl::CreateBuffer(fbb_)};
    tensor_buffer_.assign(g_.tensors.size(), 0);
    for (size_t i = 0; i < g_.tensors.size(); ++i) {
      const Tensor& t = g_.tensors[i];
      if (t.data.empty()) continue;
      tensor_buffer_[i] = static_cast<uint32_t>(buffers.size());
      // 16-byte alignment (the schema's force_align) lets a runtime read typed data in place.
      buffers.push_back(tfl::CreateBufferDirect(fbb_, &t.data));
    }
    if (!options_.min_runtime_version.empty()) {
      std::vector<uint8_t> text(options_.min_runtime_version.begin(),
                                options_.min_runtime_version.end());
      text.resize(std::max<size_t>(16, text.size() + 1), 0);
      metadata_.push_back(tfl::CreateMetadataDirect(fbb_, "min_runtime_version",
                                                    static_cast<uint32_t>(buffers.size())));
      buffers.push_back(tfl::CreateBufferDirect(fbb_, &text));
    }
    return buffers;
  }

  std::vector<Offset<tfl::Tensor>> write_tensors() {
    std::vector<Offset<tfl::Tensor>> tensors;
    tensors.reserve(g_.tensors.size());
    for (size_t i = 0; i < g_.tensors.size(); ++i) {
      const Tensor& t = g_.tensors[i];
      Offset<tfl::QuantizationParameters> quant = 0;
      if (t.quant.is_quantized()) {
        std::vector<int64_t> zero_points = t.quant.zero_points;
        zero_points.resize(t.quant.scales.size(), 0);
        quant = tfl::CreateQuantizationParametersDirect(fbb_, nullptr, nullptr, &t.quant.scales,
                                                        &zero_points, 0, 0, t.quant.axis);
      }
      tensors.push_back(tfl::CreateTensorDirect(fbb_, &t.shape, tensor_type(t.type),
                                                tensor_buffer_[i], t.name.c_str(), quant,
                                                t.is_variable));
    }
    return tensors;
  }

  // Index of the operator code for (builtin code, custom name, version), added on first use.
  uint32_t code_index(int32_t builtin, const std::string& custom, int32_t version) {
    const auto key = std::make_tuple(builtin, custom, version);
    const auto [it, added] = code_indices_.try_emplace(key, static_cast<uint32_t>(codes_.size()));
    if (added) codes_.push_back(key);
    return it->second;
  }

  std::vector<Offset<tfl::OperatorCode>> write_operator_codes() {
    std::vector<Offset<tfl::OperatorCode>> out;
    out.reserve(codes_.size());
    for (const auto& [builtin, custom, version] : codes_) {
      const auto deprecated = static_cast<int8_t>(std::min(builtin, kPlaceholderCode));
      out.push_back(tfl::CreateOperatorCodeDirect(
          fbb_, deprecated, builtin == kTfliteCustomCode ? custom.c_str() : nullptr, version,
          builtin));
    }
    return out;
  }

  std::vector<Offset<tfl::Operator>> write_operators() {
    std::vector<Offset<tfl::Operator>> out;
    out.reserve(g_.ops.size());
    for (size_t k = 0; k < g_.ops.size(); ++k) {
      const Op& op = g_.ops[k];
      const std::string where = "operator " + std::to_string(k) + " (" + op.display_name() + ")";
      int32_t builtin = -1;
      int32_t version = 1;
      if (op.type == OpType::Other) {
        const auto code = tflite_other_code(op.name);
        if (!code) {
          throw UnsupportedError(where +
                                 " is not a TFLite builtin operator, so it cannot be written "
                                 "to a .tflite file (replace it with a supported operator)");
        }
        builtin = *code;
      } else {
        const TfliteOperator& known = *tflite_operator(op.type);
        builtin = known.code;
        version = op_version(g_, op, known);
      }
      if (op.type == OpType::Custom && op.name.empty())
        throw UnsupportedError(where + " is a custom operator without a name");
      const uint32_t opcode =
          code_index(builtin, op.type == OpType::Custom ? op.name : "", version);

      Offset<flatbuffers::Vector<uint8_t>> custom_options = 0;
      if (op.type == OpType::Custom) {
        if (!op.custom_options.empty())
          custom_options = fbb_.CreateVector(op.custom_options);
        else if (!op.attributes.empty())
          custom_options = fbb_.CreateVector(encode_attributes(op.attributes));
      }
      const BuiltinOptions options = write_options(op);
      out.push_back(tfl::CreateOperator(fbb_, opcode, fbb_.CreateVector(op.inputs),
                                        fbb_.CreateVector(op.outputs), options.tag, options.table,
                                        custom_options));
    }
    return out;
  }

  // TFLite has no per-side padding; only the compiler's lowered graphs carry it.
  static void refuse_explicit_padding(const Op& op, const ExplicitPadding& p) {
    if (p.any()) {
      throw UnsupportedError(op.display_name() +
                             " has explicit padding, which a .tflite file cannot hold (export "
                             "the model before the compiler folds PAD into it)");
    }
  }

  BuiltinOptions write_options(const Op& op) {
    if (op.type == OpType::Other || op.type == OpType::Custom) return {};
    const uint8_t tag = tflite_operator(op.type)->options_tag;
    switch (op.type) {
      case OpType::Conv2D: {
        const auto o = options_of<ConvOptions>(op);
        refuse_explicit_padding(op, o.explicit_padding);
        return tagged(tag,
                      tfl::CreateConv2DOptions(fbb_, code_of(o.padding), o.stride_w, o.stride_h,
                                               code_of(o.activation), o.dilation_w, o.dilation_h));
      }
      case OpType::DepthwiseConv2D: {
        const auto o = options_of<DepthwiseConvOptions>(op);
        refuse_explicit_padding(op, o.explicit_padding);
        return tagged(tag, tfl::CreateDepthwiseConv2DOptions(
                               fbb_, code_of(o.padding), o.stride_w, o.stride_h, o.depth_multiplier,
                               code_of(o.activation), o.dilation_w, o.dilation_h));
      }
      case OpType::AveragePool2D:
      case OpType::MaxPool2D: {
        const auto o = options_of<PoolOptions>(op);
        return tagged(tag,
                      tfl::CreatePool2DOptions(fbb_, code_of(o.padding), o.stride_w, o.stride_h,
                                               o.filter_w, o.filter_h, code_of(o.activation)));
      }
      case OpType::Svdf: {
        const auto o = options_of<SvdfOptions>(op);
        return tagged(tag, tfl::CreateSVDFOptions(fbb_, o.rank, code_of(o.activation),
                                                  o.asymmetric_quantize_inputs));
      }
      case OpType::FullyConnected: {
        const auto o = options_of<FullyConnectedOptions>(op);
        return tagged(tag, tfl::CreateFullyConnectedOptions(fbb_, code_of(o.activation),
                                                            /*weights_format=*/0, o.keep_num_dims));
      }
      case OpType::UnidirectionalSequenceLstm: {
        const auto o = options_of<LstmOptions>(op);
        return tagged(tag, tfl::CreateUnidirectionalSequenceLSTMOptions(
                               fbb_, code_of(o.activation), o.cell_clip, o.proj_clip, o.time_major,
                               o.asymmetric_quantize_inputs));
      }
      case OpType::Softmax:
        return tagged(tag, tfl::CreateSoftmaxOptions(fbb_, options_of<SoftmaxOptions>(op).beta));
      case OpType::Concatenation: {
        const auto o = options_of<ConcatenationOptions>(op);
        return tagged(tag, tfl::CreateConcatenationOptions(fbb_, o.axis, code_of(o.activation)));
      }
      case OpType::Add:
      case OpType::Mul:
      case OpType::Sub:
      case OpType::Div: {
        const auto o = options_of<ElementwiseOptions>(op);
        return tagged(tag, tfl::CreateActivationOnlyOptions(fbb_, code_of(o.activation)));
      }
      case OpType::Reshape: {
        // Converters omit the table when the shape comes from input 1; so do we, unless
        // the op carries a shape of its own.
        const auto o = options_of<ReshapeOptions>(op);
        if (o.new_shape.empty()) return {};
        return tagged(tag, tfl::CreateReshapeOptionsDirect(fbb_, &o.new_shape));
      }
      case OpType::Pad:
        return tagged(tag, tfl::CreatePadOptions(fbb_));
      case OpType::Transpose:
        return tagged(tag, tfl::CreateTransposeOptions(fbb_));
      case OpType::Mean:
        return tagged(tag,
                      tfl::CreateReducerOptions(fbb_, options_of<ReducerOptions>(op).keep_dims));
      case OpType::Squeeze: {
        const auto o = options_of<SqueezeOptions>(op);
        return tagged(tag, tfl::CreateSqueezeOptionsDirect(
                               fbb_, o.squeeze_dims.empty() ? nullptr : &o.squeeze_dims));
      }
      case OpType::StridedSlice: {
        const auto o = options_of<StridedSliceOptions>(op);
        return tagged(
            tag, tfl::CreateStridedSliceOptions(fbb_, o.begin_mask, o.end_mask, o.ellipsis_mask,
                                                o.new_axis_mask, o.shrink_axis_mask, o.offset));
      }
      case OpType::Dequantize:
        return tagged(tag, tfl::CreateDequantizeOptions(fbb_));
      default:
        // Cast, Quantize, Maximum, Minimum, the activations and custom ops carry no
        // options the runtimes read; OpType::Other keeps none in the IR.
        return {};
    }
  }

  const Graph& g_;
  const ExportOptions& options_;
  FlatBufferBuilder fbb_{1024};
  std::vector<uint32_t> tensor_buffer_;
  std::vector<Offset<tfl::Metadata>> metadata_;
  std::vector<std::tuple<int32_t, std::string, int32_t>> codes_;
  std::map<std::tuple<int32_t, std::string, int32_t>, uint32_t> code_indices_;
};

}  // namespace

std::vector<uint8_t> export_tflite(const Graph& graph, const ExportOptions& options) {
  return Exporter(graph, options).run();
}

void export_tflite_file(const Graph& graph, const std::filesystem::path& path,
                        const ExportOptions& options) {
  const std::vector<uint8_t> bytes = export_tflite(graph, options);
  write_file(path, bytes);
}

}  // namespace tinyops::formats
