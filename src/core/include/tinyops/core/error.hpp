// Errors of the host platform. Exceptions carry a message that names what was wrong,
// where, and how to fix it; the CLI and server catch them once and pick the exit code.
#pragma once

#include <stdexcept>
#include <string>

namespace tinyops {

// Bad input or bad usage: a malformed model file, an unknown option, a shape that does
// not fit. The CLI maps it to exit code 2.
class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& message) : std::runtime_error(message) {}
};

// A model that is well formed but uses something TinyOps does not implement (yet).
// Also exit code 2: the user must change the model or wait for support.
class UnsupportedError : public InputError {
 public:
  explicit UnsupportedError(const std::string& message) : InputError(message) {}
};

// An id or name that names nothing in the workspace (an artifact, a run, a dataset
// version). A kind of bad input (exit code 2); the server answers 404.
class NotFoundError : public InputError {
 public:
  explicit NotFoundError(const std::string& message) : InputError(message) {}
};

// A well-formed request that the current state refuses, e.g. the production gate turning
// a promotion down for want of evidence. Exit code 2; the server answers 409.
class ConflictError : public InputError {
 public:
  explicit ConflictError(const std::string& message) : InputError(message) {}
};

// Throws InputError with `message` when `condition` is false. For checks on outside data.
void require(bool condition, const std::string& message);

}  // namespace tinyops
