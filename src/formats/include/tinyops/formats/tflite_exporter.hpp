// Writes the graph IR as a TFLite flatbuffer model (.tflite, schema version 3).
//
// The file follows the TFLite schema the way TFLite's own converter writes it, so TFLite
// and TFLite Micro load it: one subgraph, operator codes with both the 8-bit deprecated
// and the 32-bit builtin code, buffer 0 empty, one 16-byte-aligned buffer per constant
// tensor, per-tensor or per-channel quantisation, and the builtin options table of the
// right union type for every operator the IR models. Custom operators keep their
// FlexBuffers options.
//
// Export is deterministic and a fixed point of import: for a graph g read from a file,
// export_tflite(import_tflite(export_tflite(g))) == export_tflite(g) byte for byte, and
// the re-imported graph computes exactly what g computes. What the IR does not keep is
// not written (signature defs, metadata other than below, options of OpType::Other
// operators, LSTM intermediates): see docs/tflite_export.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tinyops/core/graph.hpp"

namespace tinyops::formats {

struct ExportOptions {
  // Model.description; when unset, the graph's own description (which the importer
  // filled from the source file, e.g. "MLIR Converted.").
  std::optional<std::string> description;
  // When non-empty, a "min_runtime_version" metadata entry holding this string (e.g.
  // "1.14.0"), zero-padded to 16 bytes as TFLite's converter writes it. TFLite reads it
  // to refuse models newer than itself; TFLite Micro ignores it.
  std::string min_runtime_version;
};

// The .tflite bytes of `graph`. Validates the graph first. Throws InputError for a graph
// that fails validation, and UnsupportedError for what a .tflite file cannot express: an
// OpType::Other operator whose name is no TFLite builtin the importer names (e.g. one from
// another format), a custom operator without a name, or more than 2 GB of constant data.
std::vector<uint8_t> export_tflite(const Graph& graph, const ExportOptions& options = {});

// Writes export_tflite(graph, options) to `path` through a temporary file and a rename.
void export_tflite_file(const Graph& graph, const std::filesystem::path& path,
                        const ExportOptions& options = {});

}  // namespace tinyops::formats
