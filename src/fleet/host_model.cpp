#include "tinyops/fleet/host_model.hpp"

#include <dlfcn.h>

#include <cstring>
#include <fstream>

#include "tinyops/compiler/codegen.hpp"
#include "tinyops/farm/process.hpp"

namespace fs = std::filesystem;

namespace tinyops::fleet {

HostModel::HostModel(const Graph& graph, const fs::path& dir) {
  compiler::CodegenOptions options;
  options.name = "sim_model";
  const compiler::GeneratedBundle bundle = compiler::generate_c(graph, options);
  fs::create_directories(dir);
  std::vector<std::string> argv = {"gcc", "-O2", "-std=c99", "-shared", "-fPIC", "-o",
                                   (dir / "sim_model.so").string()};
  for (const auto& [name, text] : bundle.files) {
    fs::create_directories((dir / name).parent_path());
    std::ofstream(dir / name, std::ios::binary) << text;
    if (name.ends_with(".c")) argv.push_back((dir / name).string());
  }
  argv.push_back("-I" + dir.string());
  argv.push_back("-lm");
  const farm::CommandResult built = farm::run_command(argv, dir);
  if (built.exit_code != 0)
    throw std::runtime_error("building the simulated device's model failed: " + built.output);
  // RTLD_LOCAL and a private copy per folder: two releases' bundles never share symbols
  library_ = ::dlopen((dir / "sim_model.so").c_str(), RTLD_NOW | RTLD_LOCAL);
  if (library_ == nullptr) throw std::runtime_error(std::string("cannot load the model: ") + ::dlerror());
  input_ = reinterpret_cast<void* (*)(int)>(::dlsym(library_, "sim_model_input"));
  output_ = reinterpret_cast<const void* (*)(int)>(::dlsym(library_, "sim_model_output"));
  invoke_ = reinterpret_cast<void (*)()>(::dlsym(library_, "sim_model_invoke"));
  if (!input_ || !output_ || !invoke_) throw std::runtime_error("the model library lacks its entry points");
  input_bytes_ = static_cast<size_t>(graph.tensors[static_cast<size_t>(graph.inputs.at(0))].byte_size());
  output_bytes_ = static_cast<size_t>(graph.tensors[static_cast<size_t>(graph.outputs.at(0))].byte_size());
}

HostModel::~HostModel() {
  if (library_ != nullptr) ::dlclose(library_);
}

std::optional<std::vector<uint8_t>> HostModel::run(std::span<const uint8_t> input) {
  if (input.size() != input_bytes_) return std::nullopt;
  std::memcpy(input_(0), input.data(), input.size());
  invoke_();
  const auto* out = static_cast<const uint8_t*>(output_(0));
  return std::vector<uint8_t>(out, out + output_bytes_);
}

}  // namespace tinyops::fleet
