// Tests of the device agent's C99 cryptography (firmware/agent): SHA-256 and SHA-512 against
// the FIPS 180-4 / NIST example vectors and libsodium, Ed25519 verification against the
// RFC 8032 section 7.1 vectors and against libsodium's crypto_sign_verify_detached, which is
// what the server signs and checks with: a device must accept exactly what libsodium accepts.
#include <gtest/gtest.h>
#include <sodium.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <string_view>
#include <vector>

extern "C" {
#include "ed25519.h"
#include "sha256.h"
#include "sha512.h"
}

namespace {

using Bytes = std::vector<uint8_t>;

Bytes from_hex(std::string_view hex) {
  Bytes out;
  auto nibble = [](char c) -> uint8_t {
    if (c >= '0' && c <= '9') return static_cast<uint8_t>(c - '0');
    return static_cast<uint8_t>(c - 'a' + 10);
  };
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
  }
  return out;
}

std::string to_hex(const uint8_t* p, size_t n) {
  static const char digits[] = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s.push_back(digits[p[i] >> 4]);
    s.push_back(digits[p[i] & 15]);
  }
  return s;
}

Bytes bytes_of(std::string_view text) {
  return Bytes(text.begin(), text.end());
}

std::string sha256_hex(const Bytes& m) {
  tinyops_sha256 s;
  uint8_t d[32];
  tinyops_sha256_init(&s);
  tinyops_sha256_update(&s, m.data(), m.size());
  tinyops_sha256_final(&s, d);
  return to_hex(d, 32);
}

std::string sha512_hex(const Bytes& m) {
  tinyops_sha512 s;
  uint8_t d[64];
  tinyops_sha512_init(&s);
  tinyops_sha512_update(&s, m.data(), m.size());
  tinyops_sha512_final(&s, d);
  return to_hex(d, 64);
}

Bytes random_bytes(std::mt19937& rng, size_t n) {
  Bytes b(n);
  for (auto& x : b) x = static_cast<uint8_t>(rng());
  return b;
}

// libsodium is the reference the agent must agree with.
class AgentCrypto : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_GE(sodium_init(), 0); }
};

bool sodium_accepts(const uint8_t sig[64], const Bytes& m, const uint8_t pk[32]) {
  return crypto_sign_verify_detached(sig, m.data(), m.size(), pk) == 0;
}

bool ours_accepts(const uint8_t sig[64], const Bytes& m, const uint8_t pk[32]) {
  int r = tinyops_ed25519_verify(sig, m.data(), m.size(), pk);
  EXPECT_TRUE(r == 0 || r == 1) << "verify returns 0 or 1, got " << r;
  return r == 1;
}

const std::string kNist448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
const std::string kNist896 =
    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopq"
    "rs"
    "mnopqrstnopqrstu";

}  // namespace

// ---- SHA-256 -------------------------------------------------------------------------------

TEST_F(AgentCrypto, Sha256NistVectors) {
  EXPECT_EQ(sha256_hex({}), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex(bytes_of("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(bytes_of(kNist448)),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(bytes_of(kNist896)),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
  EXPECT_EQ(sha256_hex(Bytes(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_F(AgentCrypto, Sha256MillionAInOddChunks) {
  // The agent feeds the hash frame by frame; 1000 is not a multiple of the block size.
  tinyops_sha256 s;
  uint8_t d[32];
  const Bytes chunk(1000, 'a');
  tinyops_sha256_init(&s);
  for (int i = 0; i < 1000; ++i) tinyops_sha256_update(&s, chunk.data(), chunk.size());
  tinyops_sha256_final(&s, d);
  EXPECT_EQ(to_hex(d, 32), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_F(AgentCrypto, Sha256StreamingEqualsOneShotAndLibsodium) {
  std::mt19937 rng(256);
  for (int trial = 0; trial < 400; ++trial) {
    const size_t n = rng() % 1001;
    const Bytes m = random_bytes(rng, n);
    uint8_t expected[32];
    crypto_hash_sha256(expected, m.data(), m.size());
    ASSERT_EQ(sha256_hex(m), to_hex(expected, 32)) << "length " << n;

    tinyops_sha256 s;
    uint8_t d[32];
    tinyops_sha256_init(&s);
    size_t at = 0;
    while (at < n) {
      const size_t step = std::min<size_t>(n - at, rng() % 150);  // 0-byte updates included
      tinyops_sha256_update(&s, m.data() + at, step);
      at += step;
    }
    tinyops_sha256_final(&s, d);
    ASSERT_EQ(to_hex(d, 32), to_hex(expected, 32)) << "length " << n << " in random pieces";
  }
}

TEST_F(AgentCrypto, Sha256PaddingBoundaries) {
  // Lengths around 55/56/64 bytes decide whether the length fits in the last block.
  for (size_t n = 0; n <= 200; ++n) {
    const Bytes m(n, static_cast<uint8_t>(n));
    uint8_t expected[32];
    crypto_hash_sha256(expected, m.data(), m.size());
    ASSERT_EQ(sha256_hex(m), to_hex(expected, 32)) << "length " << n;
  }
}

// ---- SHA-512 -------------------------------------------------------------------------------

TEST_F(AgentCrypto, Sha512NistVectors) {
  EXPECT_EQ(
      sha512_hex({}),
      "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2"
      "877eec2f63b931bd47417a81a538327af927da3e");
  EXPECT_EQ(sha512_hex(bytes_of("abc")),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c"
            "23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
  EXPECT_EQ(sha512_hex(bytes_of(kNist448)),
            "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c13b1b07f9aa1d3b"
            "ea57789ca031ad85c7a71dd70354ec631238ca3445");
  EXPECT_EQ(sha512_hex(bytes_of(kNist896)),
            "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99"
            "dec4b5433ac7d329eeb6dd26545e96e55b874be909");
  EXPECT_EQ(sha512_hex(Bytes(1000000, 'a')),
            "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb043"
            "2ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b");
}

TEST_F(AgentCrypto, Sha512StreamingEqualsOneShotAndLibsodium) {
  std::mt19937 rng(512);
  for (int trial = 0; trial < 400; ++trial) {
    const size_t n = rng() % 1001;
    const Bytes m = random_bytes(rng, n);
    uint8_t expected[64];
    crypto_hash_sha512(expected, m.data(), m.size());
    ASSERT_EQ(sha512_hex(m), to_hex(expected, 64)) << "length " << n;

    tinyops_sha512 s;
    uint8_t d[64];
    tinyops_sha512_init(&s);
    size_t at = 0;
    while (at < n) {
      const size_t step = std::min<size_t>(n - at, rng() % 300);
      tinyops_sha512_update(&s, m.data() + at, step);
      at += step;
    }
    tinyops_sha512_final(&s, d);
    ASSERT_EQ(to_hex(d, 64), to_hex(expected, 64)) << "length " << n << " in random pieces";
  }
}

TEST_F(AgentCrypto, Sha512PaddingBoundaries) {
  // Lengths around 111/112/128 bytes decide whether the 128-bit length fits in the last block.
  for (size_t n = 0; n <= 300; ++n) {
    const Bytes m(n, static_cast<uint8_t>(n * 7));
    uint8_t expected[64];
    crypto_hash_sha512(expected, m.data(), m.size());
    ASSERT_EQ(sha512_hex(m), to_hex(expected, 64)) << "length " << n;
  }
}

// ---- Ed25519: RFC 8032 section 7.1 ---------------------------------------------------------

namespace {

struct RfcVector {
  const char *name, *secret, *public_key, *message, *signature;
};

const RfcVector kRfc8032[] = {
    {"TEST 1", "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9"
     "b46bd25bf5f0595bbe24655141438e7a100b"},
    {"TEST 2", "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f1"
     "1d8c387b2eaeb4302aeeb00d291612bb0c00"},
    {"TEST 3", "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984d"
     "c6594a7c15e9716ed28dc027beceea1ec40a"},
    {"TEST 1024", "f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5",
     "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e",
     "08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98fa6e264bf09efe12ee50f8f54e9f7"
     "7b1"
     "e355f6c50544e23fb1433ddf73be84d879de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37c93a1b270b203"
     "29d"
     "658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc1a858efcb8550ee3a5e1998bd177e"
     "93a"
     "7363c344fe6b199ee5d02e82d522c4feba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a365"
     "53e"
     "06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573cb116dbefefd75499da96bd68a8a97b928a8bb"
     "c10"
     "3b6621fcde2beca1231d206be6cd9ec7aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7"
     "ed1"
     "85ce81bd84359d44254d95629e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2d17ba70eb6248e594e1a2297acbbb"
     "39d"
     "502f1a8c6eb6f1ce22b3de1a1f40cc24554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f"
     "270"
     "88d78b7e883c8759d2c4f5c65adb7553878ad575f9fad878e80a0c9ba63bcbcc2732e69485bbc9c90bfbd62481d90"
     "89b"
     "eccf80cfe2df16a2cf65bd92dd597b0707e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a4612"
     "8ba"
     "b27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51addd3b75a2b1ae0784504df543af89"
     "69b"
     "e3ea7082ff7fc9888c144da2af58429ec96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9b47ac"
     "db7"
     "51fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c42f58c30c04aafdb038dda0847dd9"
     "88d"
     "cda6f3bfd15c4b4c4525004aa06eeff8ca61783aacec57fb3d1f92b0fe2fd1a85f6724517b65e614ad6808d6f6ee3"
     "4df"
     "f7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08d78ff4ef5d63653a65040cf9bfd4a"
     "ca7"
     "984a74d37145986780fc0b16ac451649de6188a7dbdf191f64b5fc5e2ab47b57f7f7276cd419c17a3ca8e1b939ae4"
     "9e4"
     "88acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a32ef5b52a1ecc820e308aa342721aa"
     "c09"
     "43bf6686b64b2579376504ccc493d97e6aed3fb0f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496af"
     "c5f"
     "b93246f6b1116398a346f1a641f3b041e989f7914f90cc2c7fff357876e506b50d334ba77c225bc307ba537152f3f"
     "161"
     "0e4eafe595f6d9d90d11faa933a15ef1369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb686069373"
     "80d"
     "b2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c0618983f8741c5ef68d3a101e8a3b"
     "8ca"
     "c60c905c15fc910840b94c00a0b9d0",
     "0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350aa5371b1508f9f4528ecea23c436"
     "d94b5e8fcd4f681e30a6ac00a9704a188a03"},
    {"TEST SHA(abc)", "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
     "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
     "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3fe"
     "ebbd454d4423643ce80e2a9ac94fa54ca49f",
     "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431"
     "e0303dca179c138ac17ad9bef1177331a704"},
};

}  // namespace

TEST_F(AgentCrypto, Ed25519Rfc8032VectorsVerify) {
  for (const auto& v : kRfc8032) {
    const Bytes pk = from_hex(v.public_key), m = from_hex(v.message), sig = from_hex(v.signature);
    ASSERT_EQ(pk.size(), 32u) << v.name;
    ASSERT_EQ(sig.size(), 64u) << v.name;
    // The vectors as typed here are the RFC's: libsodium derives the same key and signature.
    uint8_t derived_pk[32], derived_sk[64], derived_sig[64];
    crypto_sign_seed_keypair(derived_pk, derived_sk, from_hex(v.secret).data());
    ASSERT_EQ(to_hex(derived_pk, 32), v.public_key) << v.name;
    crypto_sign_detached(derived_sig, nullptr, m.data(), m.size(), derived_sk);
    ASSERT_EQ(to_hex(derived_sig, 64), v.signature) << v.name;

    EXPECT_TRUE(ours_accepts(sig.data(), m, pk.data())) << v.name;
    if (m.empty()) {  // an empty message may come as a null pointer
      EXPECT_EQ(tinyops_ed25519_verify(sig.data(), nullptr, 0, pk.data()), 1) << v.name;
    }
  }
}

TEST_F(AgentCrypto, Ed25519Rfc8032VectorsFailWithAnyBitFlipped) {
  for (const auto& v : kRfc8032) {
    Bytes pk = from_hex(v.public_key), m = from_hex(v.message), sig = from_hex(v.signature);
    for (size_t bit = 0; bit < 512; ++bit) {
      sig[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
      EXPECT_FALSE(ours_accepts(sig.data(), m, pk.data())) << v.name << " signature bit " << bit;
      sig[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    }
    for (size_t bit = 0; bit < 256; ++bit) {
      pk[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
      EXPECT_FALSE(ours_accepts(sig.data(), m, pk.data())) << v.name << " key bit " << bit;
      pk[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    }
    // Every bit of the short messages; a spread of bits (first, last, every 61st) of the long.
    const size_t bits = m.size() * 8;
    for (size_t bit = 0; bit < bits; bit += (bits > 512 ? 61 : 1)) {
      m[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
      EXPECT_FALSE(ours_accepts(sig.data(), m, pk.data())) << v.name << " message bit " << bit;
      m[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    }
    if (bits > 0) {
      m.back() ^= 0x80;
      EXPECT_FALSE(ours_accepts(sig.data(), m, pk.data())) << v.name << " last message bit";
      m.back() ^= 0x80;
      Bytes longer = m;
      longer.push_back(0);
      EXPECT_FALSE(ours_accepts(sig.data(), longer, pk.data())) << v.name << " one byte more";
      Bytes shorter(m.begin(), m.end() - 1);
      EXPECT_FALSE(ours_accepts(sig.data(), shorter, pk.data())) << v.name << " one byte less";
    }
    EXPECT_TRUE(ours_accepts(sig.data(), m, pk.data())) << v.name << " restored";
  }
}

// ---- Ed25519 against libsodium -------------------------------------------------------------

TEST_F(AgentCrypto, Ed25519AgreesWithLibsodiumOnRandomKeysAndBitFlips) {
  std::mt19937 rng(25519);
  int sodium_accepted_flips = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    const Bytes seed = random_bytes(rng, 32);
    uint8_t pk[32], sk[64], sig[64];
    crypto_sign_seed_keypair(pk, sk, seed.data());
    Bytes m = random_bytes(rng, rng() % 301);
    crypto_sign_detached(sig, nullptr, m.data(), m.size(), sk);
    ASSERT_TRUE(ours_accepts(sig, m, pk)) << "trial " << trial << " length " << m.size();

    // One random bit of the signature.
    const unsigned sbit = rng() % 512;
    sig[sbit / 8] ^= static_cast<uint8_t>(1u << (sbit % 8));
    const bool sodium_sig = sodium_accepts(sig, m, pk);
    ASSERT_EQ(ours_accepts(sig, m, pk), sodium_sig)
        << "trial " << trial << " signature bit " << sbit;
    sodium_accepted_flips += sodium_sig;
    sig[sbit / 8] ^= static_cast<uint8_t>(1u << (sbit % 8));

    // One random bit of the message.
    if (!m.empty()) {
      const size_t mbit = rng() % (m.size() * 8);
      m[mbit / 8] ^= static_cast<uint8_t>(1u << (mbit % 8));
      const bool sodium_msg = sodium_accepts(sig, m, pk);
      ASSERT_EQ(ours_accepts(sig, m, pk), sodium_msg)
          << "trial " << trial << " message bit " << mbit;
      sodium_accepted_flips += sodium_msg;
      m[mbit / 8] ^= static_cast<uint8_t>(1u << (mbit % 8));
    }

    // One random bit of the public key.
    const unsigned kbit = rng() % 256;
    pk[kbit / 8] ^= static_cast<uint8_t>(1u << (kbit % 8));
    const bool sodium_key = sodium_accepts(sig, m, pk);
    ASSERT_EQ(ours_accepts(sig, m, pk), sodium_key) << "trial " << trial << " key bit " << kbit;
    sodium_accepted_flips += sodium_key;
  }
  EXPECT_EQ(sodium_accepted_flips, 0);  // a flip that still verifies would be a forgery
}

namespace {

// L, the group order, little endian.
const uint8_t kL[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
                        0xa2, 0xde, 0xf9, 0xde, 0x14, 0,    0,    0,    0,    0,    0,
                        0,    0,    0,    0,    0,    0,    0,    0,    0,    0x10};

// a += b over 32 little-endian bytes.
void add_le(uint8_t a[32], const uint8_t b[32]) {
  unsigned carry = 0;
  for (int i = 0; i < 32; ++i) {
    carry += a[i] + b[i];
    a[i] = static_cast<uint8_t>(carry);
    carry >>= 8;
  }
}

// Encodings, sign bit clear, of the y coordinates of the points of order 1, 2, 4 and 8, and
// the non-canonical spellings p and p + 1 of 0 and 1.
std::vector<Bytes> small_order_encodings() {
  std::vector<Bytes> out;
  out.push_back(from_hex("0000000000000000000000000000000000000000000000000000000000000000"));
  out.push_back(from_hex("0100000000000000000000000000000000000000000000000000000000000000"));
  out.push_back(from_hex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"));
  out.push_back(from_hex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"));
  out.push_back(from_hex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"));
  out.push_back(from_hex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"));
  out.push_back(from_hex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"));
  const size_t n = out.size();
  for (size_t i = 0; i < n; ++i) {  // and each with the sign bit set
    Bytes b = out[i];
    b[31] |= 0x80;
    out.push_back(b);
  }
  return out;
}

}  // namespace

TEST_F(AgentCrypto, Ed25519RejectsNonCanonicalSLikeLibsodium) {
  std::mt19937 rng(8032);
  for (int trial = 0; trial < 100; ++trial) {
    uint8_t pk[32], sk[64], sig[64];
    crypto_sign_seed_keypair(pk, sk, random_bytes(rng, 32).data());
    const Bytes m = random_bytes(rng, rng() % 100);
    crypto_sign_detached(sig, nullptr, m.data(), m.size(), sk);
    ASSERT_TRUE(ours_accepts(sig, m, pk));
    // S + L satisfies the group equation just as S does; only the range check stops it.
    add_le(sig + 32, kL);
    EXPECT_FALSE(sodium_accepts(sig, m, pk)) << "trial " << trial;
    EXPECT_FALSE(ours_accepts(sig, m, pk)) << "trial " << trial;
  }
  // S = L exactly, and S = 2^256 - 1.
  uint8_t pk[32], sk[64], sig[64];
  crypto_sign_seed_keypair(pk, sk, random_bytes(rng, 32).data());
  const Bytes m = bytes_of("manifest");
  crypto_sign_detached(sig, nullptr, m.data(), m.size(), sk);
  std::memcpy(sig + 32, kL, 32);
  EXPECT_FALSE(sodium_accepts(sig, m, pk));
  EXPECT_FALSE(ours_accepts(sig, m, pk));
  std::memset(sig + 32, 0xff, 32);
  EXPECT_FALSE(sodium_accepts(sig, m, pk));
  EXPECT_FALSE(ours_accepts(sig, m, pk));
}

TEST_F(AgentCrypto, Ed25519RejectsSmallOrderKeysAndRLikeLibsodium) {
  std::mt19937 rng(8);
  uint8_t pk[32], sk[64], sig[64];
  crypto_sign_seed_keypair(pk, sk, random_bytes(rng, 32).data());
  const Bytes m = bytes_of("manifest");
  crypto_sign_detached(sig, nullptr, m.data(), m.size(), sk);
  for (const Bytes& bad : small_order_encodings()) {
    const std::string name = to_hex(bad.data(), 32);
    EXPECT_FALSE(sodium_accepts(sig, m, bad.data())) << "key " << name;
    EXPECT_FALSE(ours_accepts(sig, m, bad.data())) << "key " << name;
    // With S = 0 and the identity as key, [S]B - [k]A is the identity for every message: the
    // forgery that the small-order rule exists to stop.
    uint8_t forged[64];
    std::memcpy(forged, bad.data(), 32);
    std::memset(forged + 32, 0, 32);
    EXPECT_FALSE(sodium_accepts(forged, m, bad.data())) << "forged with key " << name;
    EXPECT_FALSE(ours_accepts(forged, m, bad.data())) << "forged with key " << name;
    // A small-order R with a good key.
    uint8_t with_r[64];
    std::memcpy(with_r, sig, 64);
    std::memcpy(with_r, bad.data(), 32);
    EXPECT_FALSE(sodium_accepts(with_r, m, pk)) << "R " << name;
    EXPECT_FALSE(ours_accepts(with_r, m, pk)) << "R " << name;
  }
}

// Signatures that satisfy the group equation [S]B - [k]A = R and are refused only by the
// small-order rules: without them each of these would be a forgery (or, for R, a signature
// with no commitment in it).
TEST_F(AgentCrypto, Ed25519SmallOrderRulesAreWhatStopsEquationValidForgeries) {
  std::mt19937 rng(4);
  const Bytes identity =
      from_hex("0100000000000000000000000000000000000000000000000000000000000000");
  for (int trial = 0; trial < 20; ++trial) {
    const Bytes m = random_bytes(rng, 1 + rng() % 40);
    uint8_t wide[64], s[32], sig[64];
    std::memcpy(wide, random_bytes(rng, 64).data(), 64);
    crypto_core_ed25519_scalar_reduce(s, wide);

    // Key = the identity: [S]B - [k]O = [S]B for any S, so R = [S]B verifies every message.
    // Also spelled y = p + 1 (non-canonical) and with the sign bit set (x = -0).
    ASSERT_EQ(crypto_scalarmult_ed25519_base_noclamp(sig, s), 0);
    std::memcpy(sig + 32, s, 32);
    for (const char* key_hex :
         {"0100000000000000000000000000000000000000000000000000000000000000",
          "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
          "0100000000000000000000000000000000000000000000000000000000000080"}) {
      const Bytes key = from_hex(key_hex);
      EXPECT_FALSE(sodium_accepts(sig, m, key.data())) << "trial " << trial << " key " << key_hex;
      EXPECT_FALSE(ours_accepts(sig, m, key.data())) << "trial " << trial << " key " << key_hex;
    }

    // R = the identity with a real key A = [a]B and S = k a: [S]B - [k]A is the identity.
    uint8_t A[32], h[64], k[32];
    ASSERT_EQ(crypto_scalarmult_ed25519_base_noclamp(A, s), 0);  // a = s
    crypto_hash_sha512_state hs;
    crypto_hash_sha512_init(&hs);
    crypto_hash_sha512_update(&hs, identity.data(), 32);
    crypto_hash_sha512_update(&hs, A, 32);
    crypto_hash_sha512_update(&hs, m.data(), m.size());
    crypto_hash_sha512_final(&hs, h);
    crypto_core_ed25519_scalar_reduce(k, h);
    std::memcpy(sig, identity.data(), 32);
    crypto_core_ed25519_scalar_mul(sig + 32, k, s);
    EXPECT_FALSE(sodium_accepts(sig, m, A)) << "trial " << trial;
    EXPECT_FALSE(ours_accepts(sig, m, A)) << "trial " << trial;
  }
}

TEST_F(AgentCrypto, Ed25519RejectsNonCanonicalAndOffCurveKeysLikeLibsodium) {
  std::mt19937 rng(19);
  uint8_t pk[32], sk[64], sig[64];
  crypto_sign_seed_keypair(pk, sk, random_bytes(rng, 32).data());
  const Bytes m = bytes_of("manifest");
  crypto_sign_detached(sig, nullptr, m.data(), m.size(), sk);
  // y = p + k for k < 19: the other spellings of 0..18.
  for (unsigned k = 0; k < 19; ++k) {
    for (uint8_t sign : {0, 0x80}) {
      Bytes key = from_hex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
      key[0] = static_cast<uint8_t>(0xed + k);
      key[31] |= sign;
      EXPECT_FALSE(sodium_accepts(sig, m, key.data())) << "y = p + " << k;
      EXPECT_FALSE(ours_accepts(sig, m, key.data())) << "y = p + " << k;
    }
  }
  // Random 32-byte strings: about half are not on the curve at all. Both must agree.
  int off_curve = 0;
  for (int trial = 0; trial < 200; ++trial) {
    const Bytes key = random_bytes(rng, 32);
    const bool sodium = sodium_accepts(sig, m, key.data());
    EXPECT_FALSE(sodium);
    EXPECT_EQ(ours_accepts(sig, m, key.data()), sodium);
    off_curve += crypto_core_ed25519_is_valid_point(key.data()) == 0;
  }
  EXPECT_GT(off_curve, 50);
}

// A key with a small-order component (A + T, T of order 8) is not refused by libsodium, and
// cofactorless verification then accepts exactly when [k]T is the identity, i.e. when 8
// divides k. The agent must draw the same line.
TEST_F(AgentCrypto, Ed25519MixedOrderKeyAgreesWithLibsodium) {
  std::mt19937 rng(2023);
  const Bytes t8 = from_hex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05");
  int accepted = 0, rejected = 0;
  for (int trial = 0; trial < 96; ++trial) {
    uint8_t wide[64], a[32], r[32], A[32], mixed[32], R[32];
    std::memcpy(wide, random_bytes(rng, 64).data(), 64);
    crypto_core_ed25519_scalar_reduce(a, wide);
    std::memcpy(wide, random_bytes(rng, 64).data(), 64);
    crypto_core_ed25519_scalar_reduce(r, wide);
    ASSERT_EQ(crypto_scalarmult_ed25519_base_noclamp(A, a), 0);
    ASSERT_EQ(crypto_core_ed25519_add(mixed, A, t8.data()), 0);
    ASSERT_EQ(crypto_scalarmult_ed25519_base_noclamp(R, r), 0);
    const Bytes m = random_bytes(rng, 1 + rng() % 64);
    // k = SHA-512(R || A' || M) mod L, S = r + k a mod L.
    crypto_hash_sha512_state hs;
    uint8_t h[64], k[32], ka[32], sig[64];
    crypto_hash_sha512_init(&hs);
    crypto_hash_sha512_update(&hs, R, 32);
    crypto_hash_sha512_update(&hs, mixed, 32);
    crypto_hash_sha512_update(&hs, m.data(), m.size());
    crypto_hash_sha512_final(&hs, h);
    crypto_core_ed25519_scalar_reduce(k, h);
    crypto_core_ed25519_scalar_mul(ka, k, a);
    std::memcpy(sig, R, 32);
    crypto_core_ed25519_scalar_add(sig + 32, r, ka);
    const bool sodium = sodium_accepts(sig, m, mixed);
    ASSERT_EQ(ours_accepts(sig, m, mixed), sodium) << "trial " << trial;
    EXPECT_EQ(sodium, (k[0] & 7) == 0) << "trial " << trial;
    (sodium ? accepted : rejected)++;
  }
  EXPECT_GT(accepted, 0);
  EXPECT_GT(rejected, 0);
}

TEST_F(AgentCrypto, Ed25519AgreesWithLibsodiumOnGarbage) {
  // Random R and S (S reduced so the range check does not decide everything) under real keys.
  std::mt19937 rng(7);
  for (int trial = 0; trial < 200; ++trial) {
    uint8_t pk[32], sk[64], sig[64], wide[64];
    crypto_sign_seed_keypair(pk, sk, random_bytes(rng, 32).data());
    std::memcpy(sig, random_bytes(rng, 32).data(), 32);
    std::memcpy(wide, random_bytes(rng, 64).data(), 64);
    crypto_core_ed25519_scalar_reduce(sig + 32, wide);
    const Bytes m = random_bytes(rng, rng() % 50);
    EXPECT_EQ(ours_accepts(sig, m, pk), sodium_accepts(sig, m, pk)) << "trial " << trial;
  }
}
