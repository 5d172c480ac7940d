#include "tinyops/store/database.hpp"

namespace tinyops::store {

bool Database::is_postgres_url(const std::string& location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

std::unique_ptr<Database> Database::open(const std::string& location, bool create) {
  if (is_postgres_url(location)) return open_postgres(location);
  return open_sqlite(location, create);
}

Statement& Statement::bind(int index, int64_t value) {
  impl_->bind_int(index, value);
  return *this;
}

Statement& Statement::bind(int index, double value) {
  impl_->bind_double(index, value);
  return *this;
}

Statement& Statement::bind(int index, const std::string& value) {
  impl_->bind_text(index, value);
  return *this;
}

Statement& Statement::bind(int index, std::span<const uint8_t> blob) {
  impl_->bind_blob(index, blob);
  return *this;
}

Statement& Statement::bind_null(int index) {
  impl_->bind_null(index);
  return *this;
}

void Statement::run() {
  while (step()) {
  }
}

Transaction::Transaction(Database& db, Lock lock) : db_(db) { db_.begin(lock == Lock::Exclusive); }

Transaction::~Transaction() {
  if (!done_) {
    try {
      db_.rollback();
    } catch (...) {
      // Destructors must not throw; both engines roll back an unfinished transaction
      // when the connection closes.
    }
  }
}

void Transaction::commit() {
  db_.commit();
  done_ = true;
}

}  // namespace tinyops::store
