// Signing keys: where the secret goes and who may read it, names, signatures.
#include "tinyops/fleet/keys.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "../support/expect_error.hpp"
#include "../support/temp_dir.hpp"

namespace tinyops::fleet {
namespace {

using test_support::error_of;
using test_support::TempDir;
using ::testing::HasSubstr;

mode_t mode_of(const std::filesystem::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 0777;
}

TEST(Keys, TheSecretIsReadableByItsOwnerOnlyAndNotInTheDatabase) {
  TempDir tmp("keys");
  store::Workspace ws = store::Workspace::init(tmp.path());
  const SigningKey k = create_key(ws, "release-2026");
  EXPECT_EQ(k.secret_path, ws.dir() / "keys" / "release-2026.key");
  EXPECT_EQ(mode_of(k.secret_path), 0600u);
  EXPECT_EQ(mode_of(ws.dir() / "keys"), 0700u);
  EXPECT_EQ(k.id, key_id_of(k.public_key));
  // The database file never holds the secret's text.
  std::ifstream secret(k.secret_path);
  std::string seed;
  secret >> seed;
  ASSERT_EQ(seed.size(), 64u);
  std::ifstream db(ws.dir() / "metadata.db", std::ios::binary);
  const std::string db_bytes((std::istreambuf_iterator<char>(db)), std::istreambuf_iterator<char>());
  EXPECT_EQ(db_bytes.find(seed), std::string::npos);
  EXPECT_EQ(find_key(ws, "release-2026").public_key, k.public_key);
  ASSERT_EQ(list_keys(ws).size(), 1u);
}

TEST(Keys, NamesAreCheckedAndNeverReused) {
  TempDir tmp("keys");
  store::Workspace ws = store::Workspace::init(tmp.path());
  create_key(ws, "default");
  const SigningKey first = find_key(ws, "default");
  EXPECT_THROW(create_key(ws, "default"), ConflictError);
  EXPECT_EQ(find_key(ws, "default").public_key, first.public_key) << "the first key is kept";
  for (const char* bad : {"", "../evil", "a/b", "..", std::string(65, 'k').c_str()})
    EXPECT_THAT(error_of([&] { create_key(ws, bad); }), HasSubstr("key name")) << bad;
  EXPECT_THAT(error_of([&] { find_key(ws, "missing"); }), HasSubstr("tinyops key create missing"));
}

TEST(Keys, SignaturesVerifyOnlyForTheSignedBytesAndKey) {
  TempDir tmp("keys");
  store::Workspace ws = store::Workspace::init(tmp.path());
  const SigningKey a = create_key(ws, "a"), b = create_key(ws, "b");
  const std::vector<uint8_t> message = {1, 2, 3, 4, 5};
  const Signature sig = sign(a, message);
  EXPECT_TRUE(verify(a.public_key, message, sig));
  EXPECT_FALSE(verify(b.public_key, message, sig));
  std::vector<uint8_t> changed = message;
  changed[2] ^= 1;
  EXPECT_FALSE(verify(a.public_key, changed, sig));
  Signature bad = sig;
  bad[10] ^= 0x40;
  EXPECT_FALSE(verify(a.public_key, message, bad));
}

TEST(Keys, ADamagedSecretFileIsAnErrorNotAWrongSignature) {
  TempDir tmp("keys");
  store::Workspace ws = store::Workspace::init(tmp.path());
  const SigningKey k = create_key(ws, "k");
  std::filesystem::permissions(k.secret_path, std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::add);
  { std::ofstream(k.secret_path) << "not hex\n"; }
  EXPECT_THAT(error_of([&] { sign(k, std::vector<uint8_t>{1}); }), HasSubstr("damaged"));
  { std::ofstream(k.secret_path) << std::string(64, '0') << "\n"; }
  EXPECT_THAT(error_of([&] { sign(k, std::vector<uint8_t>{1}); }),
              HasSubstr("does not match its public key"));
}

}  // namespace
}  // namespace tinyops::fleet
