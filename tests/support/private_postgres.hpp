// A private PostgreSQL server for tests: initdb in a temporary folder, pg_ctl start on a
// free loopback port (and a Unix socket in that folder), stopped when the test program
// exits. Each caller gets a fresh database on it. As root, the server runs as the
// `postgres` user (PostgreSQL refuses to run as root), which Debian's package creates.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "tinyops/store/database.hpp"

namespace tinyops::test_support {

class PrivatePostgres {
 public:
  // The server of this test program, started on first use. Throws, saying what is
  // missing, when PostgreSQL's server programs are not installed (scripts/setup.sh
  // installs them).
  static PrivatePostgres& instance() {
    static PrivatePostgres server;
    return server;
  }

  // A new, empty database; its postgresql:// URL.
  std::string create_database() {
    static std::atomic<int> counter{0};
    const std::string name = "t" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    auto admin = store::open_postgres(url("postgres"));
    admin->exec("CREATE DATABASE " + name);
    return url(name);
  }

  std::string url(const std::string& database) const {
    return "postgresql://tinyops@127.0.0.1:" + std::to_string(port_) + "/" + database;
  }

  ~PrivatePostgres() {
    if (started_) run(bin_ / "pg_ctl", {"-D", data_.string(), "-m", "immediate", "-w", "stop"});
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

 private:
  PrivatePostgres() {
    bin_ = find_bin_dir();
    dir_ = std::filesystem::temp_directory_path() / ("tinyops-pg-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    data_ = dir_ / "data";
    if (::geteuid() == 0) {
      const passwd* pg = ::getpwnam("postgres");
      if (!pg) throw std::runtime_error("running as root and there is no `postgres` user to run the server as");
      if (::chown(dir_.c_str(), pg->pw_uid, pg->pw_gid) != 0) throw std::runtime_error("cannot chown " + dir_.string());
      as_user_ = "postgres";
    }
    port_ = free_port();
    if (run(bin_ / "initdb", {"-D", data_.string(), "-U", "tinyops", "-A", "trust", "--no-locale", "-E", "UTF8",
                              "--no-sync"}) != 0)
      throw std::runtime_error("initdb failed; see " + (dir_ / "log").string());
    const std::string options = "-p " + std::to_string(port_) + " -k " + dir_.string() +
                                " -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
                                " -c synchronous_commit=off -c max_connections=100";
    if (run(bin_ / "pg_ctl", {"-D", data_.string(), "-l", (dir_ / "server.log").string(), "-w", "-t", "60", "-o",
                              options, "start"}) != 0)
      throw std::runtime_error("pg_ctl start failed; see " + (dir_ / "server.log").string());
    started_ = true;
  }

  static std::filesystem::path find_bin_dir() {
    std::vector<std::filesystem::path> candidates;
    std::error_code ec;
    // Debian keeps the server programs out of PATH, one folder per major version.
    for (const auto& e : std::filesystem::directory_iterator("/usr/lib/postgresql", ec))
      candidates.push_back(e.path() / "bin");
    std::sort(candidates.rbegin(), candidates.rend());
    if (const char* path = std::getenv("PATH")) {
      std::stringstream dirs(path);
      for (std::string d; std::getline(dirs, d, ':');) candidates.emplace_back(d);
    }
    for (const auto& c : candidates)
      if (::access((c / "initdb").c_str(), X_OK) == 0 && ::access((c / "pg_ctl").c_str(), X_OK) == 0) return c;
    throw std::runtime_error(
        "PostgreSQL's server programs (initdb, pg_ctl) are not installed: run scripts/setup.sh "
        "(Debian package postgresql)");
  }

  static int free_port() {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      ::close(s);
      throw std::runtime_error("no free loopback port");
    }
    ::close(s);
    return ntohs(a.sin_port);
  }

  // Runs a server program (as `postgres` when we are root), its output to dir_/log.
  int run(const std::filesystem::path& program, const std::vector<std::string>& args) const {
    std::string command = as_user_.empty() ? "" : "runuser -u " + as_user_ + " -- ";
    command += quote(program.string());
    for (const auto& a : args) command += " " + quote(a);
    command += " >>" + quote((dir_ / "log").string()) + " 2>&1";
    return std::system(command.c_str());
  }

  static std::string quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
  }

  std::filesystem::path bin_, dir_, data_;
  std::string as_user_;
  int port_ = 0;
  bool started_ = false;
};

}  // namespace tinyops::test_support
