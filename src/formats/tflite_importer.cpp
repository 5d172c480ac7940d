#include "tinyops/formats/tflite_importer.hpp"

#include <algorithm>
#include <cstring>
#include <optional>

#include "tflite_operators.hpp"
#include "tflite_subset_generated.h"
#include "tinyops/core/error.hpp"
#include "tinyops/core/shape.hpp"
#include "tinyops/formats/file_io.hpp"
#include "tinyops/formats/flexbuffer_attributes.hpp"

namespace tinyops::formats {
namespace {

namespace tfl = ::tinyops::tfl;

class Importer {
 public:
  Importer(std::span<const uint8_t> bytes, std::string source)
      : bytes_(bytes), source_(std::move(source)) {}

  Graph run() {
    check(bytes_.size() >= 8,
          "file is " + std::to_string(bytes_.size()) + " bytes, too short to be a .tflite model");
    check(tfl::ModelBufferHasIdentifier(bytes_.data()),
          "missing the 'TFL3' file identifier at byte 4: this is not a TFLite flatbuffer "
          "model (convert it with the TFLite converter)");
    flatbuffers::Verifier::Options opts;
    opts.max_depth = 64;
    opts.max_tables = 10'000'000;
    opts.check_alignment = true;
    flatbuffers::Verifier verifier(bytes_.data(), bytes_.size(), opts);
    check(tfl::VerifyModelBuffer(verifier),
          "the flatbuffer failed verification (truncated or corrupted file): re-export the "
          "model");
    model_ = tfl::GetModel(bytes_.data());
    verifier_ = &verifier;

    check(model_->subgraphs() != nullptr && model_->subgraphs()->size() > 0,
          "the model has no subgraph");
    const tfl::SubGraph* sg = model_->subgraphs()->Get(0);
    Graph g;
    if (model_->description()) g.description = model_->description()->str();
    read_tensors(*sg, g);
    g.inputs = read_index_list(sg->inputs(), "subgraph input list");
    g.outputs = read_index_list(sg->outputs(), "subgraph output list");
    read_operators(*sg, g);
    try {
      g.validate();
    } catch (const InputError& e) {
      throw InputError(source_ + ": " + e.what());
    }
    verifier_ = nullptr;
    return g;
  }

 private:
  void check(bool condition, const std::string& message) const {
    if (!condition) throw InputError(source_ + ": " + message);
  }

  std::vector<int32_t> read_index_list(const flatbuffers::Vector<int32_t>* list,
                                       const std::string& what) const {
    std::vector<int32_t> out;
    if (list == nullptr) return out;
    out.assign(list->begin(), list->end());
    (void)what;
    return out;
  }

  static std::optional<DataType> map_type(tfl::TensorType t) {
    switch (t) {
      case tfl::TensorType::FLOAT32:
        return DataType::Float32;
      case tfl::TensorType::INT8:
        return DataType::Int8;
      case tfl::TensorType::UINT8:
        return DataType::UInt8;
      case tfl::TensorType::INT16:
        return DataType::Int16;
      case tfl::TensorType::UINT16:
        return DataType::UInt16;
      case tfl::TensorType::UINT32:
        return DataType::UInt32;
      case tfl::TensorType::INT32:
        return DataType::Int32;
      case tfl::TensorType::INT64:
        return DataType::Int64;
      case tfl::TensorType::UINT64:
        return DataType::UInt64;
      case tfl::TensorType::BOOL:
        return DataType::Bool;
      default:
        return std::nullopt;
    }
  }

  std::span<const uint8_t> buffer_bytes(uint32_t index, const std::string& where) const {
    const auto* buffers = model_->buffers();
    check(buffers != nullptr && index < buffers->size(),
          where + " refers to buffer " + std::to_string(index) + ", but the model has " +
              std::to_string(buffers ? buffers->size() : 0) + " buffers");
    const tfl::Buffer* b = buffers->Get(index);
    if (b == nullptr) return {};
    if (b->data() != nullptr && b->data()->size() > 0)
      return {b->data()->data(), b->data()->size()};
    // Models over 2 GB keep data outside the flatbuffer, addressed from the file start.
    if (b->offset() > 1) {
      const uint64_t offset = b->offset(), size = b->size();
      check(offset <= bytes_.size() && size <= bytes_.size() - offset,
            where + ": buffer " + std::to_string(index) + " points outside the file (offset " +
                std::to_string(offset) + ", size " + std::to_string(size) + ")");
      return {bytes_.data() + offset, static_cast<size_t>(size)};
    }
    return {};
  }

  void read_tensors(const tfl::SubGraph& sg, Graph& g) const {
    const auto* tensors = sg.tensors();
    if (tensors == nullptr) return;
    g.tensors.reserve(tensors->size());
    for (uint32_t i = 0; i < tensors->size(); ++i) {
      const tfl::Tensor* t = tensors->Get(i);
      const std::string where = "tensor " + std::to_string(i);
      check(t != nullptr, where + " is null");
      Tensor out;
      if (t->name()) out.name = t->name()->str();
      const std::string named = where + " ('" + out.name + "')";
      const auto type = map_type(t->type());
      if (!type) {
        throw UnsupportedError(source_ + ": " + named + " has element type " +
                               tfl::EnumNameTensorType(t->type()) +
                               ", which TinyOps does not support (supported: float32, int8, "
                               "uint8, int16, uint16, int32, uint32, int64, uint64, bool)");
      }
      out.type = *type;
      if (t->shape()) out.shape.assign(t->shape()->begin(), t->shape()->end());
      check(out.shape.size() <= 8, named + " has " + std::to_string(out.shape.size()) +
                                       " dimensions; at most 8 are supported");
      check(element_count(out.shape) >= 0,
            named + " has an invalid shape " + shape_to_string(out.shape) +
                ": dimensions must be non-negative and hold fewer than 2^31 elements");
      if (t->sparsity() != nullptr) {
        throw UnsupportedError(source_ + ": " + named +
                               " is stored sparse; TinyOps reads dense tensors only (convert "
                               "without sparsity)");
      }
      out.is_variable = t->is_variable();
      read_quantization(t->quantization(), named, out);
      const auto data = buffer_bytes(t->buffer(), named);
      if (!data.empty()) {
        check(data.size() == out.byte_size(),
              named + " has " + std::to_string(data.size()) + " bytes of data, but shape " +
                  shape_to_string(out.shape) + " of " + std::string(to_string(out.type)) +
                  " needs " + std::to_string(out.byte_size()));
        out.data.assign(data.begin(), data.end());
      }
      g.tensors.push_back(std::move(out));
    }
  }

  void read_quantization(const tfl::QuantizationParameters* q, const std::string& named,
                         Tensor& out) const {
    if (q == nullptr || q->scale() == nullptr || q->scale()->size() == 0) return;
    if (q->details_type() != 0) {
      throw UnsupportedError(source_ + ": " + named +
                             " uses custom quantisation details, which TinyOps does not read");
    }
    out.quant.scales.assign(q->scale()->begin(), q->scale()->end());
    if (q->zero_point() != nullptr && q->zero_point()->size() > 0) {
      // The verifier only guarantees 4-byte alignment of vector data; copy int64 values
      // byte-wise rather than dereferencing possibly misaligned pointers.
      const uint8_t* raw = q->zero_point()->Data();
      out.quant.zero_points.resize(q->zero_point()->size());
      std::memcpy(out.quant.zero_points.data(), raw,
                  out.quant.zero_points.size() * sizeof(int64_t));
    } else
      out.quant.zero_points.assign(out.quant.scales.size(), 0);
    out.quant.axis = q->quantized_dimension();
    // Some converters tag 1-D per-channel biases with the weights' axis (e.g. 3); the only
    // meaningful axis of a 1-D tensor is 0, as TFLite Micro reads it.
    if (out.shape.size() == 1 && out.quant.axis != 0 && out.quant.scales.size() > 1)
      out.quant.axis = 0;
  }

  // The options table of an op of `type`, checked to be the one its code carries.
  template <class T>
  const T* options_as(const tfl::Operator& op, OpType type, const std::string& where) const {
    if (op.builtin_options() == nullptr) return nullptr;
    const uint8_t expected_tag = tflite_operator(type)->options_tag;
    check(static_cast<uint8_t>(op.builtin_options_type()) == expected_tag,
          where + " carries options of union type " +
              std::to_string(static_cast<int>(op.builtin_options_type())) + ", expected " +
              std::to_string(expected_tag));
    const T* opts = reinterpret_cast<const T*>(op.builtin_options());
    // The whole-model verifier only saw an opaque table here; verify the real layout.
    check(opts->Verify(*verifier_), where + " has corrupted options");
    return opts;
  }

  static Padding padding(int8_t p) { return p == 1 ? Padding::Valid : Padding::Same; }

  Activation activation(int8_t a, const std::string& where) const {
    check(a >= 0 && a <= 5, where + " has unknown fused activation code " + std::to_string(a));
    return static_cast<Activation>(a);
  }

  void read_options(const tfl::Operator& op, Op& out, const std::string& where) const {
    switch (out.type) {
      case OpType::Conv2D: {
        ConvOptions o;
        if (const auto* p = options_as<tfl::Conv2DOptions>(op, out.type, where)) {
          o = {padding(p->padding()),  p->stride_w(),
               p->stride_h(),          p->dilation_w_factor(),
               p->dilation_h_factor(), activation(p->fused_activation_function(), where)};
        }
        check(o.stride_w > 0 && o.stride_h > 0 && o.dilation_w > 0 && o.dilation_h > 0,
              where + " has a non-positive stride or dilation");
        out.options = o;
        break;
      }
      case OpType::DepthwiseConv2D: {
        DepthwiseConvOptions o;
        if (const auto* p = options_as<tfl::DepthwiseConv2DOptions>(op, out.type, where)) {
          o = {padding(p->padding()),
               p->stride_w(),
               p->stride_h(),
               p->dilation_w_factor(),
               p->dilation_h_factor(),
               p->depth_multiplier(),
               activation(p->fused_activation_function(), where)};
        }
        check(o.stride_w > 0 && o.stride_h > 0 && o.dilation_w > 0 && o.dilation_h > 0,
              where + " has a non-positive stride or dilation");
        out.options = o;
        break;
      }
      case OpType::AveragePool2D:
      case OpType::MaxPool2D: {
        PoolOptions o;
        if (const auto* p = options_as<tfl::Pool2DOptions>(op, out.type, where)) {
          o = {padding(p->padding()), p->stride_w(),
               p->stride_h(),         p->filter_width(),
               p->filter_height(),    activation(p->fused_activation_function(), where)};
        }
        check(o.stride_w > 0 && o.stride_h > 0 && o.filter_w > 0 && o.filter_h > 0,
              where + " has a non-positive stride or filter size");
        out.options = o;
        break;
      }
      case OpType::FullyConnected: {
        FullyConnectedOptions o;
        if (const auto* p = options_as<tfl::FullyConnectedOptions>(op, out.type, where)) {
          if (p->weights_format() != 0) {
            throw UnsupportedError(source_ + ": " + where +
                                   " uses shuffled weights; only the default layout is supported");
          }
          o = {activation(p->fused_activation_function(), where), p->keep_num_dims()};
        }
        out.options = o;
        break;
      }
      case OpType::Svdf: {
        SvdfOptions o;
        if (const auto* p = options_as<tfl::SVDFOptions>(op, out.type, where)) {
          o = {p->rank(), activation(p->fused_activation_function(), where),
               p->asymmetric_quantize_inputs()};
        }
        check(o.rank > 0, where + " has rank " + std::to_string(o.rank) + "; it must be positive");
        out.options = o;
        break;
      }
      case OpType::UnidirectionalSequenceLstm: {
        LstmOptions o;
        if (const auto* p =
                options_as<tfl::UnidirectionalSequenceLSTMOptions>(op, out.type, where)) {
          o = {activation(p->fused_activation_function(), where), p->cell_clip(), p->proj_clip(),
               p->time_major(), p->asymmetric_quantize_inputs()};
          if (p->diagonal_recurrent_tensors()) {
            throw UnsupportedError(source_ + ": " + where +
                                   " uses diagonal recurrent weights, which TinyOps does not "
                                   "support");
          }
        }
        check(o.cell_clip >= 0.0f && o.proj_clip >= 0.0f,
              where + " has a negative cell or projection clip");
        out.options = o;
        break;
      }
      case OpType::Softmax: {
        SoftmaxOptions o;
        if (const auto* p = options_as<tfl::SoftmaxOptions>(op, out.type, where))
          o.beta = p->beta();
        out.options = o;
        break;
      }
      case OpType::Concatenation: {
        ConcatenationOptions o;
        if (const auto* p = options_as<tfl::ConcatenationOptions>(op, out.type, where))
          o = {p->axis(), activation(p->fused_activation_function(), where)};
        out.options = o;
        break;
      }
      case OpType::Add:
      case OpType::Mul:
      case OpType::Sub:
      case OpType::Div: {
        ElementwiseOptions o;
        if (const auto* p = options_as<tfl::ActivationOnlyOptions>(op, out.type, where))
          o.activation = activation(p->fused_activation_function(), where);
        out.options = o;
        break;
      }
      case OpType::Reshape: {
        ReshapeOptions o;
        if (const auto* p = options_as<tfl::ReshapeOptions>(op, out.type, where)) {
          if (p->new_shape()) o.new_shape.assign(p->new_shape()->begin(), p->new_shape()->end());
        }
        out.options = o;
        break;
      }
      case OpType::Mean: {
        ReducerOptions o;
        if (const auto* p = options_as<tfl::ReducerOptions>(op, out.type, where))
          o.keep_dims = p->keep_dims();
        out.options = o;
        break;
      }
      case OpType::Squeeze: {
        SqueezeOptions o;
        if (const auto* p = options_as<tfl::SqueezeOptions>(op, out.type, where)) {
          if (p->squeeze_dims())
            o.squeeze_dims.assign(p->squeeze_dims()->begin(), p->squeeze_dims()->end());
        }
        out.options = o;
        break;
      }
      case OpType::StridedSlice: {
        StridedSliceOptions o;
        if (const auto* p = options_as<tfl::StridedSliceOptions>(op, out.type, where)) {
          o = {p->begin_mask(),    p->end_mask(),         p->ellipsis_mask(),
               p->new_axis_mask(), p->shrink_axis_mask(), p->offset()};
        }
        out.options = o;
        break;
      }
      default:
        break;
    }
  }

  void read_operators(const tfl::SubGraph& sg, Graph& g) const {
    const auto* ops = sg.operators();
    if (ops == nullptr) return;
    const auto* codes = model_->operator_codes();
    const uint32_t code_count = codes ? codes->size() : 0;
    g.ops.reserve(ops->size());
    for (uint32_t k = 0; k < ops->size(); ++k) {
      const tfl::Operator* op = ops->Get(k);
      std::string where = "operator " + std::to_string(k);
      check(op != nullptr, where + " is null");
      check(op->opcode_index() < code_count,
            where + " uses operator code " + std::to_string(op->opcode_index()) +
                ", but the model lists " + std::to_string(code_count));
      const tfl::OperatorCode* code = codes->Get(op->opcode_index());
      check(code != nullptr, where + " has a null operator code");
      // Older models keep the code only in the 8-bit deprecated field; newer ones fill both.
      const int32_t builtin =
          std::max<int32_t>(code->deprecated_builtin_code(), code->builtin_code());
      const TfliteOperator* known = tflite_operator(builtin);
      Op out;
      if (known != nullptr && known->type == OpType::Custom) {
        out.type = OpType::Custom;
        out.name = code->custom_code() ? code->custom_code()->str() : "";
        check(!out.name.empty(), where + " is a CUSTOM operator without a name");
        if (op->custom_options())
          out.custom_options.assign(op->custom_options()->begin(), op->custom_options()->end());
        out.attributes = decode_flexbuffer_attributes(
            out.custom_options, source_ + ": " + where + " (" + out.name + ")");
      } else if (known != nullptr && known->type) {
        out.type = *known->type;
      } else {
        out.type = OpType::Other;
        out.name = tflite_operator_name(builtin);
      }
      where += " (" + out.display_name() + ")";
      out.inputs = read_index_list(op->inputs(), where);
      out.outputs = read_index_list(op->outputs(), where);
      read_options(*op, out, where);
      g.ops.push_back(std::move(out));
    }
  }

  std::span<const uint8_t> bytes_;
  std::string source_;
  const tfl::Model* model_ = nullptr;
  flatbuffers::Verifier* verifier_ = nullptr;
};

}  // namespace

Graph import_tflite(std::span<const uint8_t> bytes, const std::string& source) {
  return Importer(bytes, source).run();
}

Graph import_tflite_file(const std::filesystem::path& path) {
  const std::vector<uint8_t> bytes = read_file(path);
  return import_tflite(bytes, path.string());
}

std::vector<std::filesystem::path> tflite_files_in(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> found;
  if (!std::filesystem::is_directory(dir)) return found;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().extension() == ".tflite") found.push_back(entry.path());
  std::sort(found.begin(), found.end());
  return found;
}

}  // namespace tinyops::formats
