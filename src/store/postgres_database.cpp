// The team backend: PostgreSQL through libpq. Statements run with text parameters and text
// results (binary only for blobs), so values convert the way SQLite's do.
#include <libpq-fe.h>

#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <vector>

#include "tinyops/core/error.hpp"
#include "tinyops/store/database.hpp"

namespace tinyops::store {

namespace {

// An arbitrary constant: the key of the advisory lock that exclusive transactions hold.
constexpr int64_t kWriteLockKey = 0x54696e794f7073;  // "TinyOps"

// ?N -> $N outside quoted literals and identifiers.
std::string to_postgres_placeholders(const std::string& sql) {
  std::string out;
  out.reserve(sql.size());
  char quote = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '?') {
      if (i + 1 >= sql.size() || sql[i + 1] < '0' || sql[i + 1] > '9')
        throw std::logic_error("SQL placeholders must be numbered (?1, ?2 ...): " + sql.substr(0, 80));
      out += '$';
      continue;
    }
    out += c;
  }
  return out;
}

int highest_placeholder(const std::string& pg_sql) {
  int highest = 0;
  for (size_t i = 0; i < pg_sql.size(); ++i) {
    if (pg_sql[i] != '$') continue;
    int n = 0;
    size_t j = i + 1;
    while (j < pg_sql.size() && pg_sql[j] >= '0' && pg_sql[j] <= '9') n = n * 10 + (pg_sql[j++] - '0');
    highest = std::max(highest, n);
  }
  return highest;
}

// The URL with its password replaced, for messages.
std::string redact(const std::string& url) {
  const size_t scheme = url.find("://");
  const size_t at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos) return url;
  const size_t colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

class PostgresStatement final : public StatementImpl {
 public:
  PostgresStatement(PGconn* conn, int* changes, const std::string& sql)
      : conn_(conn), changes_(changes), sql_(to_postgres_placeholders(sql)) {
    const size_t n = static_cast<size_t>(highest_placeholder(sql_));
    values_.resize(n);
    binary_.resize(n, 0);
  }
  ~PostgresStatement() override { PQclear(result_); }

  void bind_int(int index, int64_t value) override { set(index, std::to_string(value), false); }
  void bind_double(int index, double value) override {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", value);
    set(index, buf, false);
  }
  void bind_text(int index, const std::string& value) override { set(index, value, false); }
  void bind_blob(int index, std::span<const uint8_t> blob) override {
    set(index, std::string(reinterpret_cast<const char*>(blob.data()), blob.size()), true);
  }
  void bind_null(int index) override { slot(index) = std::nullopt; }

  bool step() override {
    if (!result_) execute();
    ++row_;
    return row_ < PQntuples(result_);
  }
  void reset() override {
    PQclear(result_);
    result_ = nullptr;
    row_ = -1;
    for (auto& v : values_) v.reset();
  }

  int64_t column_int(int index) const override { return std::strtoll(value(index), nullptr, 10); }
  double column_double(int index) const override { return std::strtod(value(index), nullptr); }
  std::string column_text(int index) const override {
    return std::string(value(index), static_cast<size_t>(PQgetlength(result_, row_, index)));
  }
  bool column_is_null(int index) const override { return PQgetisnull(result_, row_, index) != 0; }

 private:
  std::optional<std::string>& slot(int index) {
    if (index < 1 || static_cast<size_t>(index) > values_.size())
      throw std::logic_error("bind index " + std::to_string(index) + " is not in " + sql_.substr(0, 80));
    return values_[static_cast<size_t>(index - 1)];
  }
  void set(int index, std::string value, bool binary) {
    slot(index) = std::move(value);
    binary_[static_cast<size_t>(index - 1)] = binary ? 1 : 0;
  }
  const char* value(int index) const { return PQgetvalue(result_, row_, index); }

  void execute() {
    std::vector<const char*> values(values_.size());
    std::vector<int> lengths(values_.size());
    for (size_t i = 0; i < values_.size(); ++i) {
      values[i] = values_[i] ? values_[i]->data() : nullptr;
      lengths[i] = values_[i] ? static_cast<int>(values_[i]->size()) : 0;
    }
    result_ = PQexecParams(conn_, sql_.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                           lengths.data(), binary_.data(), 0);
    const ExecStatusType status = PQresultStatus(result_);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      const std::string message = result_ ? PQresultErrorMessage(result_) : PQerrorMessage(conn_);
      PQclear(result_);
      result_ = nullptr;
      throw std::runtime_error("SQL failed (" + sql_.substr(0, 80) + "): " + message);
    }
    const char* affected = PQcmdTuples(result_);
    *changes_ = affected && *affected ? std::atoi(affected) : 0;
    row_ = -1;
  }

  PGconn* conn_;
  int* changes_;
  std::string sql_;
  std::vector<std::optional<std::string>> values_;
  std::vector<int> binary_;
  PGresult* result_ = nullptr;
  int row_ = -1;
};

class PostgresDatabase final : public Database {
 public:
  explicit PostgresDatabase(const std::string& url) : url_(url) {
    conn_ = PQconnectdb(url.c_str());
    if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
      const std::string message = conn_ ? PQerrorMessage(conn_) : "out of memory";
      PQfinish(conn_);
      conn_ = nullptr;
      throw InputError("cannot connect to the PostgreSQL metadata database " + redact(url) + ": " + message +
                       "check that the server runs and that the URL (postgresql://USER@HOST:PORT/DATABASE) "
                       "is right");
    }
    // CREATE ... IF NOT EXISTS and friends send notices; they are not for the user.
    PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
    exec("SET client_min_messages = warning");
  }
  ~PostgresDatabase() override { PQfinish(conn_); }

  Backend backend() const override { return Backend::Postgres; }
  std::string describe() const override { return redact(url_); }

  void exec(const std::string& sql) override {
    PGresult* r = PQexec(conn_, sql.c_str());
    const ExecStatusType status = PQresultStatus(r);
    const std::string message = r ? PQresultErrorMessage(r) : PQerrorMessage(conn_);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
      const char* affected = PQcmdTuples(r);
      changes_ = affected && *affected ? std::atoi(affected) : 0;
    }
    PQclear(r);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
      throw std::runtime_error("SQL failed (" + sql.substr(0, 80) + "): " + message);
  }
  Statement prepare(const std::string& sql) override {
    return Statement(std::make_unique<PostgresStatement>(conn_, &changes_, sql));
  }
  int changes() const override { return changes_; }
  bool has_table(const std::string& name) override {
    Statement q = prepare(
        "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?1");
    q.bind(1, name);
    return q.step();
  }

  void begin(bool exclusive) override {
    exec("BEGIN");
    if (exclusive) exec("SELECT pg_advisory_xact_lock(" + std::to_string(kWriteLockKey) + ")");
  }
  void commit() override { exec("COMMIT"); }
  void rollback() override { exec("ROLLBACK"); }

 private:
  std::string url_;
  PGconn* conn_ = nullptr;
  int changes_ = 0;
};

}  // namespace

std::unique_ptr<Database> open_postgres(const std::string& url) { return std::make_unique<PostgresDatabase>(url); }

}  // namespace tinyops::store
