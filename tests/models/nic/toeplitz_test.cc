// Toeplitz hashing against the Microsoft RSS verification suite (the five
// IPv4 cases with the well-known key, with and without ports, as in the Intel
// datasheets and DPDK app/test/test_thash.c), the input layout, and the key
// and address parsers.
#include "models/nic/toeplitz.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace viosim::models {
namespace {

struct Vector {
  const char* src;
  uint16_t src_port;
  const char* dst;
  uint16_t dst_port;
  uint32_t hash_ip;     // 2-tuple
  uint32_t hash_ports;  // 4-tuple
};

constexpr Vector kMicrosoftIpv4[] = {
    {"66.9.149.187", 2794, "161.142.100.80", 1766, 0x323e8fc2, 0x51ccc178},
    {"199.92.111.2", 14230, "65.69.140.83", 4739, 0xd718262a, 0xc626b0ea},
    {"24.19.198.95", 12898, "12.22.207.184", 38024, 0xd2d0a5de, 0x5c2b394a},
    {"38.27.205.30", 48228, "209.142.163.6", 2217, 0x82989176, 0xafc7327f},
    {"153.39.163.191", 44251, "202.188.127.2", 1303, 0x5d1809c5, 0x10e828a2},
};

TEST(ToeplitzTest, MicrosoftVerificationSuiteIpv4) {
  for (const Vector& v : kMicrosoftIpv4) {
    SCOPED_TRACE(std::string(v.src) + " -> " + v.dst);
    const uint32_t src = parse_ipv4(v.src);
    const uint32_t dst = parse_ipv4(v.dst);
    EXPECT_EQ(toeplitz_hash(kDefaultRssKey, rss_input_ipv4(src, dst)), v.hash_ip);
    EXPECT_EQ(toeplitz_hash(kDefaultRssKey, rss_input_ipv4_ports(src, dst, v.src_port, v.dst_port)),
              v.hash_ports);

    FlowTuple flow{src, dst, v.src_port, v.dst_port, false};
    EXPECT_EQ(toeplitz_hash(kDefaultRssKey, flow), v.hash_ip);
    flow.has_ports = true;
    EXPECT_EQ(toeplitz_hash(kDefaultRssKey, flow), v.hash_ports);
  }
}

TEST(ToeplitzTest, InputIsNetworkOrderSourceFirst) {
  const auto in = rss_input_ipv4_ports(parse_ipv4("66.9.149.187"), parse_ipv4("161.142.100.80"),
                                       2794, 1766);
  const std::array<uint8_t, 12> expected = {0x42, 0x09, 0x95, 0xbb, 0xa1, 0x8e,
                                            0x64, 0x50, 0x0a, 0xea, 0x06, 0xe6};
  EXPECT_EQ(in, expected);
  const auto in2 = rss_input_ipv4(0x01020304, 0x05060708);
  const std::array<uint8_t, 8> expected2 = {1, 2, 3, 4, 5, 6, 7, 8};
  EXPECT_EQ(in2, expected2);
}

TEST(ToeplitzTest, HandComputedSingleBits) {
  // Input bit i picks the key window starting at bit i: the first bit gives
  // the key's first word, the last bit of byte 0 the word shifted by 7.
  const std::array<uint8_t, 1> first = {0x80};
  EXPECT_EQ(toeplitz_hash(kDefaultRssKey, first), 0x6d5a56dau);
  const std::array<uint8_t, 1> eighth = {0x01};
  // bits 7..38 of 6d5a56da 25: (0x6d5a56da25 >> 1) & 0xffffffff
  EXPECT_EQ(toeplitz_hash(kDefaultRssKey, eighth), 0xad2b6d12u);
  const std::array<uint8_t, 2> zeros = {0, 0};
  EXPECT_EQ(toeplitz_hash(kDefaultRssKey, zeros), 0u);
}

TEST(ToeplitzTest, LinearOverXor) {
  const auto a = rss_input_ipv4_ports(0x0a000001, 0x0a000002, 1000, 80);
  const auto b = rss_input_ipv4_ports(0xc0a80101, 0x08080808, 53, 5353);
  std::array<uint8_t, 12> x{};
  for (size_t i = 0; i < x.size(); ++i) x[i] = a[i] ^ b[i];
  EXPECT_EQ(toeplitz_hash(kDefaultRssKey, x),
            toeplitz_hash(kDefaultRssKey, a) ^ toeplitz_hash(kDefaultRssKey, b));
}

TEST(ToeplitzTest, KeyMustCoverInputPlusFourBytes) {
  const std::array<uint8_t, 15> short_key{};
  const std::array<uint8_t, 12> input{};
  EXPECT_THROW(toeplitz_hash(short_key, input), std::invalid_argument);
  const std::array<uint8_t, 16> exact_key{};
  EXPECT_NO_THROW(toeplitz_hash(exact_key, input));
}

TEST(ToeplitzTest, ParsesHexKeysInCommonSpellings) {
  const auto spaced = parse_hex_bytes(
      "6d5a56da 255b0ec2 4167253d 43a38fb0 d0ca2bcb ae7b30b4 77cb2da3 8030f20c 6a42b73b beac01fa");
  EXPECT_TRUE(std::equal(spaced.begin(), spaced.end(), kDefaultRssKey.begin(), kDefaultRssKey.end()));
  EXPECT_EQ(parse_hex_bytes("6D:5A:56:DA"), (std::vector<uint8_t>{0x6d, 0x5a, 0x56, 0xda}));
  EXPECT_EQ(parse_hex_bytes("0x6d5a-56da"), (std::vector<uint8_t>{0x6d, 0x5a, 0x56, 0xda}));
  EXPECT_THROW(parse_hex_bytes("6d5"), std::invalid_argument);
  EXPECT_THROW(parse_hex_bytes("6g"), std::invalid_argument);
  EXPECT_THROW(parse_hex_bytes(""), std::invalid_argument);
  EXPECT_THROW(parse_hex_bytes(" : "), std::invalid_argument);
}

TEST(ToeplitzTest, ParsesDottedIpv4) {
  EXPECT_EQ(parse_ipv4("66.9.149.187"), 0x420995bbu);
  EXPECT_EQ(parse_ipv4("0.0.0.0"), 0u);
  EXPECT_EQ(parse_ipv4("255.255.255.255"), 0xffffffffu);
  EXPECT_EQ(format_ipv4(0x420995bb), "66.9.149.187");
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1..2.3", "1.2.3.4 ", " 1.2.3.4",
                          "-1.2.3.4", "1.2.3.0004", "a.b.c.d", "1.2.3.4."}) {
    EXPECT_THROW(parse_ipv4(bad), std::invalid_argument) << bad;
  }
}

}  // namespace
}  // namespace viosim::models
