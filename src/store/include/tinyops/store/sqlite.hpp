// A thin RAII layer over SQLite's C API: one connection, prepared statements with typed
// binds and reads, and transactions that roll back unless committed. Errors become
// exceptions that say which statement failed and why.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace tinyops::store {

class Statement;

class Database {
 public:
  // Opens (creating when `create`) the database file; WAL journal, foreign keys on, and a
  // busy timeout so that two processes writing one workspace wait for each other.
  Database(const std::filesystem::path& file, bool create);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(const std::string& sql);  // one or more statements, no results
  Statement prepare(const std::string& sql);
  int64_t last_insert_rowid() const;
  int changes() const;  // rows the last INSERT/UPDATE/DELETE changed
  sqlite3* handle() { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::filesystem::path file_;
};

class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;

  // Binds are 1-based, as in SQL's ?1, ?2 ...
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, double value);
  Statement& bind(int index, const std::string& value);
  Statement& bind(int index, std::span<const uint8_t> blob);
  Statement& bind_null(int index);
  // Steps once: true while a row is available.
  bool step();
  // Steps to the end (for statements without results).
  void run();
  void reset();  // ready to bind and run again

  int64_t column_int(int index) const;
  double column_double(int index) const;
  std::string column_text(int index) const;
  bool column_is_null(int index) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string sql_;
};

// BEGIN IMMEDIATE on construction (the write lock up front, so concurrent writers queue
// instead of failing mid-way); ROLLBACK on destruction unless commit() was called.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

}  // namespace tinyops::store
