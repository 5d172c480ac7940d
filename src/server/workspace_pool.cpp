#include "workspace_pool.hpp"

namespace tinyops::server {

WorkspacePool::WorkspacePool(std::filesystem::path root, std::string db, size_t max_idle)
    : root_(std::move(root)), db_(std::move(db)), max_idle_(max_idle) {}

WorkspacePool::Lease::~Lease() {
  if (ws_) pool_->give_back(std::move(ws_));
}

WorkspacePool::Lease WorkspacePool::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      std::unique_ptr<store::Workspace> ws = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(ws));
    }
  }
  return Lease(*this, std::make_unique<store::Workspace>(store::Workspace::open(root_, db_)));
}

void WorkspacePool::give_back(std::unique_ptr<store::Workspace> ws) {
  std::lock_guard lock(mutex_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(ws));
}

}  // namespace tinyops::server
