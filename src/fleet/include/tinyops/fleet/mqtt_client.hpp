// MQTT clients (libmosquitto) without a thread each: `pump` drives any number of them from
// one thread by polling their sockets, so a simulated fleet of thousands of devices and the
// server run on one machine. A dropped client reconnects by itself and subscribes again.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

struct mosquitto;

namespace tinyops::fleet {

class MqttClient {
 public:
  using OnMessage = std::function<void(const std::string& topic, std::span<const uint8_t> payload)>;
  using OnConnect = std::function<void()>;

  MqttClient(const std::string& user, const std::string& password, OnMessage on_message,
             OnConnect on_connect = {});
  ~MqttClient();
  MqttClient(const MqttClient&) = delete;
  MqttClient& operator=(const MqttClient&) = delete;

  // Starts connecting (the CONNACK arrives through pump). InputError when the address is
  // unreachable.
  void connect(const std::string& host, int port);
  void subscribe(const std::string& pattern);  // kept, and renewed on every reconnection
  void publish(const std::string& topic, std::span<const uint8_t> payload);
  bool connected() const { return connected_; }
  // The last CONNACK refusal (5: not authorised), 0 when none.
  int refused() const { return refused_; }
  uint64_t sent() const { return sent_; }
  uint64_t received() const { return received_; }

 private:
  friend void pump(std::span<MqttClient* const> clients, std::chrono::milliseconds timeout);
  void service(bool readable, bool writable);

  mosquitto* m_ = nullptr;
  OnMessage on_message_;
  OnConnect on_connect_;
  std::vector<std::string> subscriptions_;
  bool connected_ = false, started_ = false;
  int refused_ = 0;
  std::chrono::steady_clock::time_point next_retry_{};
  uint64_t sent_ = 0, received_ = 0;
};

// Waits up to `timeout` for traffic on any client and services every one that has some
// (reading, writing, keep-alives, reconnection).
void pump(std::span<MqttClient* const> clients, std::chrono::milliseconds timeout);

}  // namespace tinyops::fleet
