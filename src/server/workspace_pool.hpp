// Open workspaces kept for the server's requests. Opening one (a database connection, its
// pragmas and the schema check) costs more than answering most reads, and a connection
// must serve one request at a time, so each request borrows one and gives it back.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "tinyops/store/workspace.hpp"

namespace tinyops::server {

class WorkspacePool {
 public:
  // `root` and `db` as store::Workspace::open takes them.
  WorkspacePool(std::filesystem::path root, std::string db, size_t max_idle = 64);

  // A borrowed workspace, back in the pool when the lease ends unless discard() was called
  // (after an unexpected error that may have left the connection in a bad state).
  class Lease {
   public:
    Lease(WorkspacePool& pool, std::unique_ptr<store::Workspace> ws)
        : pool_(&pool), ws_(std::move(ws)) {}
    Lease(Lease&&) = default;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    store::Workspace& operator*() { return *ws_; }
    void discard() { ws_.reset(); }

   private:
    WorkspacePool* pool_;
    std::unique_ptr<store::Workspace> ws_;
  };

  // An idle workspace, or a newly opened one; throws what Workspace::open throws.
  Lease acquire();

 private:
  void give_back(std::unique_ptr<store::Workspace> ws);

  std::filesystem::path root_;
  std::string db_;
  size_t max_idle_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<store::Workspace>> idle_;
};

}  // namespace tinyops::server
