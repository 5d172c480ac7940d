// Enrolling devices: names, boards, tags, and credentials kept only as hashes.
#include "tinyops/fleet/devices.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "../support/expect_error.hpp"
#include "../support/temp_dir.hpp"

namespace tinyops::fleet {
namespace {

using test_support::error_of;
using test_support::TempDir;
using ::testing::HasSubstr;

TEST(Devices, EnrollsOnceWithACredentialOnlyTheDeviceKnows) {
  TempDir tmp("devices");
  store::Workspace ws = store::Workspace::init(tmp.path());
  const Enrollment e = enroll_device(ws, "dev-001", "nano33ble", {"canary", "eu"});
  EXPECT_EQ(e.secret.size(), 64u);
  EXPECT_EQ(e.device.board, "nano33ble");
  EXPECT_TRUE(device_secret_matches(ws, "dev-001", e.secret));
  EXPECT_FALSE(device_secret_matches(ws, "dev-001", std::string(64, '0')));
  EXPECT_FALSE(device_secret_matches(ws, "dev-002", e.secret));
  const Enrollment other = enroll_device(ws, "dev-002", "nano33ble", {});
  EXPECT_NE(other.secret, e.secret);
  EXPECT_FALSE(device_secret_matches(ws, "dev-002", e.secret)) << "one device's secret is not another's";
  std::ifstream db(ws.dir() / "metadata.db", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(db)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes.find(e.secret), std::string::npos) << "the secret itself is never stored";

  EXPECT_THROW(enroll_device(ws, "dev-001", "nano33ble", {}), ConflictError);
  EXPECT_EQ(find_device(ws, "dev-001").tags, (std::vector<std::string>{"canary", "eu"}));
  EXPECT_EQ(find_device(ws, "dev-001").installed_sequence, 0u);
  EXPECT_THAT(error_of([&] { find_device(ws, "nope"); }), HasSubstr("tinyops fleet enroll nope"));
}

TEST(Devices, ListsByTag) {
  TempDir tmp("devices");
  store::Workspace ws = store::Workspace::init(tmp.path());
  enroll_device(ws, "b", "nano33ble", {"canary"});
  enroll_device(ws, "a", "nano33ble", {});
  enroll_device(ws, "c", "nano33ble", {"canary", "eu"});
  EXPECT_EQ(list_devices(ws).size(), 3u);
  EXPECT_EQ(list_devices(ws, "all").size(), 3u);
  const auto canary = list_devices(ws, "canary");
  ASSERT_EQ(canary.size(), 2u);
  EXPECT_EQ(canary[0].name, "b");
  EXPECT_EQ(canary[1].name, "c");
  EXPECT_TRUE(list_devices(ws, "us").empty());
}

TEST(Devices, RefusesBadNamesTagsAndBoards) {
  TempDir tmp("devices");
  store::Workspace ws = store::Workspace::init(tmp.path());
  EXPECT_THAT(error_of([&] { enroll_device(ws, "a b", "nano33ble", {}); }), HasSubstr("device name"));
  EXPECT_THAT(error_of([&] { enroll_device(ws, "a", "nano33ble", {"x;y"}); }), HasSubstr("tag 'x;y'"));
  EXPECT_THAT(error_of([&] { enroll_device(ws, "a", "nano33ble", {"all"}); }), HasSubstr("reserved"));
  EXPECT_THROW(enroll_device(ws, "a", "no-such-board", {}), InputError);
  EXPECT_TRUE(list_devices(ws).empty()) << "nothing enrolled by refused calls";
}

}  // namespace
}  // namespace tinyops::fleet
