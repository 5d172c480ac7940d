// The TinyOps version, recorded in every artifact's metadata and printed by --version.
#pragma once

namespace tinyops {

inline constexpr const char* kTinyOpsVersion = "0.1.0";

// The host C++ compiler that built this binary (for artifact metadata).
inline constexpr const char* kCompilerVersion =
#if defined(__clang__)
    "clang " __clang_version__;
#elif defined(__GNUC__)
    "gcc " __VERSION__;
#else
    "unknown";
#endif

}  // namespace tinyops
