// Decodes the options of a TFLite custom operator into named attributes.
//
// TFLite stores a custom op's options as a FlexBuffers map ("shift" -> 12, "fft_length" ->
// 512, ...). The bytes come from the model file, so they are verified before anything is
// read: truncated or corrupted options are an InputError, never a crash.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "tinyops/core/graph.hpp"

namespace tinyops::formats {

// Decodes a FlexBuffers map. Empty bytes give no attributes. Values become bool, int64,
// double, string, vector<int64> (int, uint and bool vectors) or vector<double> (float
// vectors, and untyped vectors holding any float). Null values are left out; values with
// no attribute form (nested maps, blobs, vectors of strings) are left out too: the raw
// bytes stay in Op::custom_options for a kernel that wants them.
// Throws InputError "<where>: custom options ..." when the bytes are not a valid
// FlexBuffers map or an unsigned value does not fit int64.
Attributes decode_flexbuffer_attributes(std::span<const uint8_t> bytes, const std::string& where);

}  // namespace tinyops::formats
