// Power cuts at random byte offsets of an update (the download and its writes, the boot
// record's swap, the new image's confirmation): every trial must leave a device that boots
// a valid image, the old or the new one, and that can then finish the update.
#include <gtest/gtest.h>

#include "release_fixture.hpp"

extern "C" {
#include "agent_reason.h"
}

namespace tinyops::fleet::testing {
namespace {

TEST(AgentPowerCut, AThousandCutsNeverBrickTheDevice) {
  TestKey key;
  const SimDeviceOptions options = device_options(key);
  const uint32_t size = options.layout.flash_size();
  const auto v1 = make_release(key, 1, 7000);
  const auto v2 = make_release(key, 2, 9500);

  SimFlash base("", size, options.layout.page_size);
  {
    SimDevice device(options, base);
    device.boot();
    ASSERT_TRUE(install(device, v1)->installed);
  }
  const std::vector<uint8_t> dump(base.memory(), base.memory() + size);

  // How many bytes a whole update of v2 erases and programs, confirmation included.
  uint64_t total = 0;
  {
    SimFlash flash("", size, options.layout.page_size);
    flash.load(dump);
    SimDevice device(options, flash);
    device.boot();
    const uint64_t at_boot = flash.bytes_touched();
    ASSERT_TRUE(install(device, v2)->installed);
    ASSERT_EQ(device.report().sequence, 2u);
    total = flash.bytes_touched() - at_boot;
  }
  ASSERT_GT(total, 9500u);

  std::mt19937_64 rng(2026);
  int old_image = 0, new_image = 0;
  for (int trial = 0; trial < 1000; ++trial) {
    // most cuts fall anywhere; a third land in the last bytes: the record swap and the
    // confirmation, which are few bytes but the riskiest
    const uint64_t cut = trial % 3 == 0 ? total - rng() % std::min<uint64_t>(total, 200)
                                        : rng() % total;
    SimFlash flash("", size, options.layout.page_size);
    flash.load(dump);
    {
      SimDevice device(options, flash);
      device.boot();
      flash.cut_power_after(cut, static_cast<uint64_t>(trial));
      (void)install(device, v2);  // what it thinks happened no longer matters
    }
    flash.restore_power();
    SimDevice device(options, flash);
    device.boot();
    const SimReport r = device.report();
    ASSERT_NE(device.booted_slot(), TINYOPS_NO_SLOT) << "bricked: trial " << trial << " cut " << cut;
    tinyops_manifest m;
    ASSERT_EQ(tinyops_slot_verify(&device.device(), device.booted_slot(), &m), TINYOPS_AGENT_OK)
        << "trial " << trial;
    ASSERT_TRUE(r.sequence == 1u || r.sequence == 2u) << "trial " << trial;
    ASSERT_TRUE(r.confirmed) << "trial " << trial << " cut " << cut;
    (r.sequence == 1u ? old_image : new_image)++;
    if (r.sequence == 1u) {  // the update can always be finished afterwards
      const auto out = install(device, v2);
      ASSERT_TRUE(out && out->installed) << "trial " << trial << " reason " << int(out ? out->reason : 0);
      ASSERT_EQ(device.report().sequence, 2u) << "trial " << trial;
    }
  }
  // both outcomes happen, or the cuts did not cover the update
  EXPECT_GT(old_image, 100);
  EXPECT_GT(new_image, 10);
}

}  // namespace
}  // namespace tinyops::fleet::testing
