#include "common/auth/client_address.h"

#include <gtest/gtest.h>

#include "common/testing/status_matchers.h"

namespace ecoplan::common {
namespace {

TEST(PeerIpTest, TakesTheAddressOfIpv4AndIpv6PeersWithoutThePort) {
  EXPECT_EQ(PeerIp("ipv4:10.0.3.7:52144"), "10.0.3.7");
  EXPECT_EQ(PeerIp("ipv6:[::1]:52144"), "::1");
  EXPECT_EQ(PeerIp("ipv6:[::ffff:10.0.3.7]:52144"), "10.0.3.7");
  EXPECT_EQ(PeerIp("ipv6:[fd00::17]:1"), "fd00::17");
  EXPECT_EQ(PeerIp("unix:/tmp/socket"), "");
  EXPECT_EQ(PeerIp("ipv4:not-an-address:1"), "");
  EXPECT_EQ(PeerIp(""), "");
}

TEST(TrustedProxiesTest, ParsesNetworksAndRefusesWhatIsNotOne) {
  ASSERT_OK_AND_ASSIGN(TrustedProxies proxies,
                       TrustedProxies::Parse(" 10.0.0.0/8, fd00::/8 ,192.0.2.7"));
  EXPECT_TRUE(proxies.Contains("10.255.0.1"));
  EXPECT_TRUE(proxies.Contains("::ffff:10.1.2.3")) << "IPv4-mapped";
  EXPECT_FALSE(proxies.Contains("11.0.0.1"));
  EXPECT_TRUE(proxies.Contains("fd12::1"));
  EXPECT_FALSE(proxies.Contains("fe80::1"));
  EXPECT_TRUE(proxies.Contains("192.0.2.7"));
  EXPECT_FALSE(proxies.Contains("192.0.2.8"));
  EXPECT_FALSE(proxies.Contains("garbage"));
  ASSERT_OK_AND_ASSIGN(TrustedProxies none, TrustedProxies::Parse(""));
  EXPECT_TRUE(none.empty());
  EXPECT_FALSE(none.Contains("127.0.0.1"));
  for (const char* bad :
       {"10.0.0.0/33", "fd00::/129", "10.0.0/8", "host.example", "10.0.0.0/x", "10.0.0.0/-1"}) {
    EXPECT_STATUS_CODE(TrustedProxies::Parse(bad).status(), absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST(ResolveClientAddressTest, IgnoresForwardedForFromAnUntrustedPeer) {
  ASSERT_OK_AND_ASSIGN(TrustedProxies proxies, TrustedProxies::Parse("10.0.0.0/8"));
  ClientAddress c = ResolveClientAddress("ipv4:192.0.2.5:4000", "203.0.113.9", proxies);
  EXPECT_EQ(c.address, "192.0.2.5");
  EXPECT_EQ(c.forwarded_for, "203.0.113.9") << "kept as a claim";
  EXPECT_FALSE(c.from_forwarded_for);
}

TEST(ResolveClientAddressTest, WalksForwardedForFromATrustedPeerPastFurtherProxies) {
  ASSERT_OK_AND_ASSIGN(TrustedProxies proxies, TrustedProxies::Parse("10.0.0.0/8"));
  // client (spoofing a first hop) → 203.0.113.9 → proxy 10.1.1.1 → ingress 10.0.0.2 → us
  ClientAddress c =
      ResolveClientAddress("ipv4:10.0.0.2:4000", "1.2.3.4, 203.0.113.9, 10.1.1.1", proxies);
  EXPECT_EQ(c.address, "203.0.113.9");
  EXPECT_TRUE(c.from_forwarded_for);
  // An unreadable hop stops the walk at the last trusted one.
  c = ResolveClientAddress("ipv4:10.0.0.2:4000", "203.0.113.9, bogus", proxies);
  EXPECT_EQ(c.address, "10.0.0.2");
  // No header: the peer.
  c = ResolveClientAddress("ipv4:10.0.0.2:4000", "", proxies);
  EXPECT_EQ(c.address, "10.0.0.2");
  EXPECT_FALSE(c.from_forwarded_for);
  // Every hop trusted: the first one.
  c = ResolveClientAddress("ipv4:10.0.0.2:4000", "10.9.9.9, 10.1.1.1", proxies);
  EXPECT_EQ(c.address, "10.9.9.9");
}

TEST(ThrottleKeyTest, KeysIpv6ClientsByTheirSlash64) {
  EXPECT_EQ(ThrottleKey("192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(ThrottleKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
  EXPECT_EQ(ThrottleKey("2001:db8:1:2::9"), ThrottleKey("2001:db8:1:2:ffff::1"));
  EXPECT_EQ(ThrottleKey("unix:/x"), "unix:/x");
}

TEST(ResolveClientAddressTest, BoundsWhatItKeeps) {
  ClientAddress c =
      ResolveClientAddress(std::string(500, 'u'), std::string(5000, 'x'), TrustedProxies());
  EXPECT_EQ(c.address.size(), 64u);
  EXPECT_EQ(c.forwarded_for.size(), 256u);
}

}  // namespace
}  // namespace ecoplan::common
