// The embedded backend: one SQLite file in WAL mode.
#include <sqlite3.h>

#include <stdexcept>

#include "tinyops/store/database.hpp"

namespace tinyops::store {

namespace {

[[noreturn]] void fail(sqlite3* db, const std::string& what) {
  throw std::runtime_error(what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

class SqliteStatement final : public StatementImpl {
 public:
  SqliteStatement(sqlite3* db, const std::string& sql) : db_(db), sql_(sql) {
    if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &stmt_, nullptr) != SQLITE_OK)
      fail(db, "cannot prepare SQL (" + sql.substr(0, 80) + ")");
  }
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }

  void bind_int(int index, int64_t value) override { check(sqlite3_bind_int64(stmt_, index, value)); }
  void bind_double(int index, double value) override { check(sqlite3_bind_double(stmt_, index, value)); }
  void bind_text(int index, const std::string& value) override {
    check(sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT));
  }
  void bind_blob(int index, std::span<const uint8_t> blob) override {
    check(sqlite3_bind_blob(stmt_, index, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT));
  }
  void bind_null(int index) override { check(sqlite3_bind_null(stmt_, index)); }

  bool step() override {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(db_, "SQL failed (" + sql_.substr(0, 80) + ")");
  }
  void reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  int64_t column_int(int index) const override { return sqlite3_column_int64(stmt_, index); }
  double column_double(int index) const override { return sqlite3_column_double(stmt_, index); }
  std::string column_text(int index) const override {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, index));
    return text ? std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt_, index))) : "";
  }
  bool column_is_null(int index) const override { return sqlite3_column_type(stmt_, index) == SQLITE_NULL; }

 private:
  void check(int rc) {
    if (rc != SQLITE_OK) fail(db_, "bind failed in " + sql_);
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string sql_;
};

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(const std::filesystem::path& file, bool create) : file_(file) {
    const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(file.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      db_ = nullptr;
      throw std::runtime_error("cannot open the metadata database " + file.string() + ": " + message);
    }
    // Two processes writing one workspace wait for each other instead of failing.
    sqlite3_busy_timeout(db_, 30000);
    exec("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;");
  }
  ~SqliteDatabase() override { sqlite3_close(db_); }

  Backend backend() const override { return Backend::Sqlite; }
  std::string describe() const override { return file_.string(); }

  void exec(const std::string& sql) override {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      const std::string text = message ? message : "unknown error";
      sqlite3_free(message);
      throw std::runtime_error("SQL failed (" + sql.substr(0, 80) + "): " + text);
    }
  }
  Statement prepare(const std::string& sql) override { return Statement(std::make_unique<SqliteStatement>(db_, sql)); }
  int changes() const override { return sqlite3_changes(db_); }
  bool has_table(const std::string& name) override {
    Statement q = prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
    q.bind(1, name);
    return q.step();
  }

  // SQLite has one writer at a time: every transaction takes the write lock up front (a
  // deferred one could deadlock upgrading its read lock).
  void begin(bool /*exclusive*/) override { exec("BEGIN IMMEDIATE"); }
  void commit() override { exec("COMMIT"); }
  void rollback() override { exec("ROLLBACK"); }

 private:
  sqlite3* db_ = nullptr;
  std::filesystem::path file_;
};

}  // namespace

std::unique_ptr<Database> open_sqlite(const std::filesystem::path& file, bool create) {
  return std::make_unique<SqliteDatabase>(file, create);
}

}  // namespace tinyops::store
