// Random streams: the xoshiro256+ reference output, reproducibility, and
// independence of streams derived from different names or seeds.
#include "sim-core/rng.h"

#include <gtest/gtest.h>

#include <cmath>

namespace viosim::core {
namespace {

// xoshiro256+ written out from its definition, state seeded by splitmix64,
// to check the production generator against.
struct ReferenceXoshiro {
  uint64_t s[4];
  explicit ReferenceXoshiro(uint64_t seed) {
    for (auto& w : s) w = splitmix64(seed);
  }
  uint64_t next() {
    const uint64_t result = s[0] + s[3];
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> (64 - 45));
    return result;
  }
};

TEST(Rng, SplitMix64KnownValues) {
  // First outputs of splitmix64 from state 0 (published test values).
  uint64_t x = 0;
  EXPECT_EQ(splitmix64(x), 0xe220a8397b1dcdafull);
  EXPECT_EQ(splitmix64(x), 0x6e789e6aa1b965f4ull);
}

TEST(Rng, MatchesTheReferenceGenerator) {
  Rng rng(12345);
  ReferenceXoshiro ref(12345);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(rng.next(), ref.next());
}

TEST(Rng, SameStreamSeedSameSequence) {
  Rng a(derive_stream_seed(7, "vm0.vcpu1")), b(derive_stream_seed(7, "vm0.vcpu1"));
  for (int i = 0; i < 100; ++i) ASSERT_EQ(a.next(), b.next());
}

TEST(Rng, StreamSeedsDependOnSeedAndName) {
  EXPECT_NE(derive_stream_seed(1, "a"), derive_stream_seed(2, "a"));
  EXPECT_NE(derive_stream_seed(1, "a"), derive_stream_seed(1, "b"));
  EXPECT_NE(derive_stream_seed(1, "core1"), derive_stream_seed(1, "core10"));
}

// Streams of neighbouring names are uncorrelated: the sample correlation of
// 100k paired uniforms is within 4.5 standard errors of 0.
TEST(Rng, NeighbouringStreamsAreUncorrelated) {
  for (auto [x, y] : {std::pair{"lp1", "lp2"}, std::pair{"vm0", "vm1"}}) {
    Rng a(derive_stream_seed(1, x)), b(derive_stream_seed(1, y));
    const int n = 100'000;
    double sa = 0, sb = 0, sab = 0, saa = 0, sbb = 0;
    for (int i = 0; i < n; ++i) {
      const double u = a.uniform01(), v = b.uniform01();
      sa += u, sb += v, sab += u * v, saa += u * u, sbb += v * v;
    }
    const double cov = sab / n - (sa / n) * (sb / n);
    const double r = cov / std::sqrt((saa / n - (sa / n) * (sa / n)) * (sbb / n - (sb / n) * (sb / n)));
    EXPECT_LT(std::abs(r), 4.5 / std::sqrt(double(n))) << x << " " << y;
  }
}

TEST(Rng, DistributionsHaveTheirMoments) {
  Rng rng(42);
  const int n = 400'000;
  double sum_u = 0, sum_e = 0;
  int counts[10] = {};
  for (int i = 0; i < n; ++i) {
    const double u = rng.uniform01();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum_u += u;
    sum_e += rng.exponential(2.0);
    const uint32_t k = rng.below(10);
    ASSERT_LT(k, 10u);
    ++counts[k];
  }
  EXPECT_NEAR(sum_u / n, 0.5, 0.003);
  EXPECT_NEAR(sum_e / n, 2.0, 0.02);
  double chi2 = 0;
  for (int c : counts) chi2 += (c - n / 10.0) * (c - n / 10.0) / (n / 10.0);
  EXPECT_LT(chi2, 27.9);  // 9 degrees of freedom, p = 0.001
  EXPECT_EQ(rng.exponential(Duration::zero()), Duration::zero());
}

}  // namespace
}  // namespace viosim::core
