#include "tinyops/fleet/mqtt_client.hpp"

#include <mosquitto.h>
#include <poll.h>

#include <mutex>

#include "tinyops/core/error.hpp"

namespace tinyops::fleet {
namespace {

void init_library() {
  static std::once_flag once;
  std::call_once(once, [] { mosquitto_lib_init(); });
}

}  // namespace

MqttClient::MqttClient(const std::string& user, const std::string& password, OnMessage on_message,
                       OnConnect on_connect)
    : on_message_(std::move(on_message)), on_connect_(std::move(on_connect)) {
  init_library();
  m_ = mosquitto_new(nullptr, true, this);
  if (m_ == nullptr) throw std::bad_alloc();
  mosquitto_username_pw_set(m_, user.c_str(), password.c_str());
  // an update is a dialogue of small messages: Nagle's delay would be paid on every chunk
  mosquitto_int_option(m_, MOSQ_OPT_TCP_NODELAY, 1);
  mosquitto_connect_callback_set(m_, [](mosquitto*, void* self, int rc) {
    auto& c = *static_cast<MqttClient*>(self);
    c.connected_ = rc == 0;
    c.refused_ = rc;
    if (rc != 0) return;
    for (const std::string& s : c.subscriptions_) mosquitto_subscribe(c.m_, nullptr, s.c_str(), 1);
    if (c.on_connect_) c.on_connect_();
  });
  mosquitto_disconnect_callback_set(m_, [](mosquitto*, void* self, int) {
    static_cast<MqttClient*>(self)->connected_ = false;
  });
  mosquitto_message_callback_set(m_, [](mosquitto*, void* self, const mosquitto_message* msg) {
    auto& c = *static_cast<MqttClient*>(self);
    ++c.received_;
    if (c.on_message_)
      c.on_message_(msg->topic, {static_cast<const uint8_t*>(msg->payload), static_cast<size_t>(msg->payloadlen)});
  });
}

MqttClient::~MqttClient() {
  if (connected_) mosquitto_disconnect(m_);
  mosquitto_destroy(m_);
}

void MqttClient::connect(const std::string& host, int port) {
  const int rc = mosquitto_connect(m_, host.c_str(), port, 30);
  started_ = true;
  if (rc != MOSQ_ERR_SUCCESS)
    throw InputError("cannot reach the MQTT broker at " + host + ":" + std::to_string(port) + ": " +
                           mosquitto_strerror(rc) + " (is `tinyops fleet serve` running?)");
}

void MqttClient::subscribe(const std::string& pattern) {
  subscriptions_.push_back(pattern);
  if (connected_) mosquitto_subscribe(m_, nullptr, pattern.c_str(), 1);
}

void MqttClient::publish(const std::string& topic, std::span<const uint8_t> payload) {
  // QoS 1: a message lost with a dropped connection is sent again after reconnecting
  mosquitto_publish(m_, nullptr, topic.c_str(), static_cast<int>(payload.size()), payload.data(), 1, false);
  ++sent_;
}

void MqttClient::service(bool readable, bool writable) {
  int rc = MOSQ_ERR_SUCCESS;
  if (readable) rc = mosquitto_loop_read(m_, 1);
  if (rc == MOSQ_ERR_SUCCESS && (writable || mosquitto_want_write(m_))) rc = mosquitto_loop_write(m_, 1);
  if (rc == MOSQ_ERR_SUCCESS) rc = mosquitto_loop_misc(m_);
  if (rc != MOSQ_ERR_SUCCESS) connected_ = false;  // the broker went away (or refused us)
  if (started_ && !connected_ && (rc != MOSQ_ERR_SUCCESS || mosquitto_socket(m_) < 0)) {
    // dropped: try again, at most once a second
    const auto now = std::chrono::steady_clock::now();
    if (now >= next_retry_) {
      next_retry_ = now + std::chrono::seconds(1);
      mosquitto_reconnect(m_);
    }
  }
}

void pump(std::span<MqttClient* const> clients, std::chrono::milliseconds timeout) {
  std::vector<pollfd> fds(clients.size());
  for (size_t i = 0; i < clients.size(); ++i) {
    fds[i].fd = mosquitto_socket(clients[i]->m_);
    fds[i].events = static_cast<short>(POLLIN | (mosquitto_want_write(clients[i]->m_) ? POLLOUT : 0));
  }
  ::poll(fds.data(), fds.size(), static_cast<int>(timeout.count()));
  for (size_t i = 0; i < clients.size(); ++i)
    clients[i]->service((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0, (fds[i].revents & POLLOUT) != 0);
}

}  // namespace tinyops::fleet
