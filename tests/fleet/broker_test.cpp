// A private Mosquitto on a loopback port, configured by write_broker_config: devices log in
// with their own credentials and reach only their own topics; the server reaches all.
#include "tinyops/fleet/broker.hpp"

#include <gtest/gtest.h>
#include <mosquitto.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <set>
#include <thread>

#include "../support/free_port.hpp"
#include "../support/temp_dir.hpp"
#include "tinyops/farm/process.hpp"
#include "tinyops/fleet/devices.hpp"

namespace tinyops::fleet {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

using test_support::free_port;

// One MQTT client, stepped by hand (no background thread), every wait bounded.
class Client {
 public:
  Client(const std::string& user, const std::string& password) {
    m_ = mosquitto_new(nullptr, true, this);
    mosquitto_username_pw_set(m_, user.c_str(), password.c_str());
    mosquitto_connect_callback_set(m_, [](mosquitto*, void* self, int rc) {
      static_cast<Client*>(self)->connack_ = rc;
    });
    mosquitto_message_callback_set(m_, [](mosquitto*, void* self, const mosquitto_message* msg) {
      static_cast<Client*>(self)->received_.insert(msg->topic);
    });
  }
  ~Client() { mosquitto_destroy(m_); }
  // The broker's CONNACK code (0: accepted), or nullopt when none came in time.
  std::optional<int> connect(int port) {
    if (mosquitto_connect(m_, "127.0.0.1", port, 10) != MOSQ_ERR_SUCCESS) return std::nullopt;
    for (auto until = Clock::now() + 5s; !connack_ && Clock::now() < until;) step();
    return connack_;
  }
  void subscribe(const std::string& pattern) {
    mosquitto_subscribe(m_, nullptr, pattern.c_str(), 1);
    pump(300ms);
  }
  void publish(const std::string& topic) {
    mosquitto_publish(m_, nullptr, topic.c_str(), 2, "hi", 1, false);
    pump(300ms);
  }
  void pump(std::chrono::milliseconds d) {
    for (auto until = Clock::now() + d; Clock::now() < until;) step();
  }
  const std::set<std::string>& received() const { return received_; }

 private:
  void step() { mosquitto_loop(m_, 20, 1); }
  mosquitto* m_ = nullptr;
  std::optional<int> connack_;
  std::set<std::string> received_;
};

TEST(Broker, DevicesReachOnlyTheirOwnTopics) {
  test_support::TempDir tmp("broker");
  store::Workspace ws = store::Workspace::init(tmp.path() / "ws");
  const Enrollment a = enroll_device(ws, "dev-a", "nano33ble", {});
  const Enrollment b = enroll_device(ws, "dev-b", "nano33ble", {});
  const int port = free_port();
  const BrokerConfig c = write_broker_config(ws, tmp.path() / "broker", "127.0.0.1", port);
  farm::ChildProcess broker({mosquitto_program().string(), "-c", c.config.string()});
  mosquitto_lib_init();

  Client server(kServerAccount, server_password(ws));
  std::optional<int> up;
  for (auto until = Clock::now() + 10s; Clock::now() < until && up != 0;) {
    up = server.connect(port);
    if (up != 0) std::this_thread::sleep_for(100ms);  // the broker is still starting
  }
  ASSERT_EQ(up, 0) << "the server account logs in";
  server.subscribe("tinyops/devices/#");

  Client dev_a("dev-a", a.secret), dev_b("dev-b", b.secret);
  ASSERT_EQ(dev_a.connect(port), 0);
  ASSERT_EQ(dev_b.connect(port), 0);
  Client wrong("dev-a", b.secret), nobody("dev-c", a.secret);
  EXPECT_NE(wrong.connect(port).value_or(0), 0) << "another device's credential is refused";
  EXPECT_NE(nobody.connect(port).value_or(0), 0) << "an unenrolled name is refused";

  dev_a.subscribe(device_downlink("dev-a") + "/#");
  dev_b.subscribe(device_downlink("dev-a") + "/#");  // eavesdropping on dev-a's updates
  dev_a.publish(device_uplink("dev-a") + "/heartbeat");
  dev_a.publish(device_uplink("dev-b") + "/heartbeat");  // impersonating dev-b
  server.publish(device_downlink("dev-a") + "/manifest");
  server.pump(500ms);
  dev_a.pump(300ms);
  dev_b.pump(300ms);

  EXPECT_TRUE(server.received().count(device_uplink("dev-a") + "/heartbeat"));
  EXPECT_FALSE(server.received().count(device_uplink("dev-b") + "/heartbeat"));
  EXPECT_TRUE(dev_a.received().count(device_downlink("dev-a") + "/manifest"));
  EXPECT_TRUE(dev_b.received().empty()) << "dev-b reads nothing of dev-a's";
  mosquitto_lib_cleanup();
}

}  // namespace
}  // namespace tinyops::fleet
