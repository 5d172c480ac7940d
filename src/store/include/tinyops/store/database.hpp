// The metadata database behind a workspace: SQLite (the embedded default, one file, no
// server) or PostgreSQL (for a team; workers on several machines). Callers write one SQL
// dialect, the common ground of both:
//   - placeholders ?1, ?2 ... (PostgreSQL's $1, $2 ... are substituted here);
//   - INSERT ... ON CONFLICT DO NOTHING / DO UPDATE, and RETURNING for generated ids;
//   - no engine-only functions; the column name "offset" quoted (PostgreSQL reserves it).
// Schema DDL is written for SQLite and translated for PostgreSQL (see migrations in
// workspace.cpp). Errors become exceptions that say which statement failed and why.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

namespace tinyops::store {

enum class Backend { Sqlite, Postgres };

// One backend's prepared statement; Statement is the handle callers hold.
class StatementImpl {
 public:
  virtual ~StatementImpl() = default;
  virtual void bind_int(int index, int64_t value) = 0;
  virtual void bind_double(int index, double value) = 0;
  virtual void bind_text(int index, const std::string& value) = 0;
  virtual void bind_blob(int index, std::span<const uint8_t> blob) = 0;
  virtual void bind_null(int index) = 0;
  virtual bool step() = 0;
  virtual void reset() = 0;
  virtual int64_t column_int(int index) const = 0;
  virtual double column_double(int index) const = 0;
  virtual std::string column_text(int index) const = 0;
  virtual bool column_is_null(int index) const = 0;
};

class Statement {
 public:
  explicit Statement(std::unique_ptr<StatementImpl> impl) : impl_(std::move(impl)) {}

  // Binds are 1-based, as in SQL's ?1, ?2 ...
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, double value);
  Statement& bind(int index, const std::string& value);
  Statement& bind(int index, std::span<const uint8_t> blob);
  Statement& bind_null(int index);
  // Steps once: true while a row is available.
  bool step() { return impl_->step(); }
  // Steps to the end (for statements without results).
  void run();
  void reset() { impl_->reset(); }  // ready to bind and run again

  int64_t column_int(int index) const { return impl_->column_int(index); }
  double column_double(int index) const { return impl_->column_double(index); }
  std::string column_text(int index) const { return impl_->column_text(index); }
  bool column_is_null(int index) const { return impl_->column_is_null(index); }

 private:
  std::unique_ptr<StatementImpl> impl_;
};

class Database {
 public:
  // A file path opens SQLite (creating the file when `create`); a postgresql:// or
  // postgres:// URL (libpq's connection URI) connects to PostgreSQL.
  static std::unique_ptr<Database> open(const std::string& location, bool create);
  static bool is_postgres_url(const std::string& location);

  virtual ~Database() = default;
  Database() = default;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  virtual Backend backend() const = 0;
  // Where it is, for messages (a file path, or the URL without its password).
  virtual std::string describe() const = 0;
  virtual void exec(const std::string& sql) = 0;  // one or more statements, no results
  virtual Statement prepare(const std::string& sql) = 0;
  virtual int changes() const = 0;  // rows the last INSERT/UPDATE/DELETE changed
  virtual bool has_table(const std::string& name) = 0;

  // Transactions (see Transaction): `exclusive` takes the database's single write lock up
  // front, so that concurrent writers queue instead of failing mid-way (SQLite's BEGIN
  // IMMEDIATE; a transaction-scoped advisory lock on PostgreSQL). Without it, PostgreSQL
  // transactions run concurrently under row locks (the job queue's FOR UPDATE SKIP LOCKED).
  virtual void begin(bool exclusive) = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
};

// BEGIN on construction; ROLLBACK on destruction unless commit() was called.
class Transaction {
 public:
  enum class Lock { Exclusive, RowsOnly };
  explicit Transaction(Database& db, Lock lock = Lock::Exclusive);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

std::unique_ptr<Database> open_sqlite(const std::filesystem::path& file, bool create);
std::unique_ptr<Database> open_postgres(const std::string& url);

}  // namespace tinyops::store
