#include "services/notification/delivery/address_policy.h"

#include <gtest/gtest.h>

#include <string>

#include "absl/strings/match.h"

namespace ecoplan::notification {
namespace {

AddressVerdict JudgeText(const WebhookAddressPolicy& policy, const std::string& address) {
  std::optional<IpAddress> ip = IpAddress::Parse(address);
  EXPECT_TRUE(ip.has_value()) << address;
  return ip ? policy.Judge(*ip) : AddressVerdict{};
}

WebhookAddressPolicy Policy(const std::string& allowed) {
  absl::StatusOr<WebhookAddressPolicy> policy = WebhookAddressPolicy::Parse(allowed);
  EXPECT_TRUE(policy.ok()) << policy.status();
  return *policy;
}

// Under the production default (an empty allow-list), one address of every special-purpose
// range is refused, each with the rule that names its range.
TEST(WebhookAddressPolicyTest, TheDefaultRefusesEverySpecialPurposeRangeNamingIt) {
  const WebhookAddressPolicy policy = Policy("");
  const std::pair<const char*, const char*> cases[] = {
      {"127.0.0.1", "loopback (127.0.0.0/8)"},
      {"127.255.255.254", "loopback (127.0.0.0/8)"},
      {"::1", "loopback (::1/128)"},
      {"::ffff:127.0.0.1", "IPv4-mapped loopback (127.0.0.0/8)"},
      {"10.1.2.3", "private (RFC 1918) (10.0.0.0/8)"},
      {"172.20.0.1", "private (RFC 1918) (172.16.0.0/12)"},
      {"192.168.1.1", "private (RFC 1918) (192.168.0.0/16)"},
      {"::ffff:10.0.0.1", "IPv4-mapped private (RFC 1918) (10.0.0.0/8)"},
      {"100.64.0.1", "shared address space (CGNAT, RFC 6598) (100.64.0.0/10)"},
      {"169.254.169.254", "link-local (169.254.0.0/16)"},
      {"0.0.0.0", "\"this network\" (unspecified) (0.0.0.0/8)"},
      {"255.255.255.255", "limited broadcast (255.255.255.255/32)"},
      {"224.0.0.1", "multicast (224.0.0.0/4)"},
      {"240.0.0.1", "reserved (240.0.0.0/4)"},
      {"192.0.2.10", "documentation (TEST-NET-1) (192.0.2.0/24)"},
      {"198.51.100.10", "documentation (TEST-NET-2) (198.51.100.0/24)"},
      {"203.0.113.10", "documentation (TEST-NET-3) (203.0.113.0/24)"},
      {"198.18.0.1", "benchmarking (198.18.0.0/15)"},
      {"192.0.0.8", "IETF protocol assignments (192.0.0.0/24)"},
      {"::", "unspecified (::/128)"},
      {"fd00::1", "unique local (ULA) (fc00::/7)"},
      {"fe80::1", "link-local (fe80::/10)"},
      {"ff02::1", "multicast (ff00::/8)"},
      {"2001:db8::1", "documentation (2001:db8::/32)"},
      {"2001:0:4136:e378::1", "Teredo (2001::/32)"},
      {"2002:7f00:1::1", "6to4 (2002::/16)"},
      {"64:ff9b::a9fe:a9fe", "NAT64-embedded link-local (169.254.0.0/16)"},
      {"::127.0.0.1", "IPv4-compatible (deprecated) (::/96)"},
      {"100::1", "discard-only (100::/64)"},
      {"4000::1", "reserved (outside global unicast 2000::/3) (4000::/2)"},
  };
  for (const auto& [address, rule] : cases) {
    const AddressVerdict verdict = JudgeText(policy, address);
    EXPECT_FALSE(verdict.allowed) << address;
    EXPECT_EQ(verdict.rule, rule) << address;
  }
}

TEST(WebhookAddressPolicyTest, TheDefaultAdmitsPublicAddresses) {
  const WebhookAddressPolicy policy = Policy("");
  for (const char* address :
       {"8.8.8.8", "1.1.1.1", "101.6.6.6", "2606:4700:4700::1111", "64:ff9b::808:808"}) {
    EXPECT_TRUE(JudgeText(policy, address).allowed) << address;
  }
}

// 0.0.0.0/0 (what reaching real receivers used to require) readmits nothing special.
TEST(WebhookAddressPolicyTest, AllowingEverythingDoesNotReadmitTheSpecialRanges) {
  const WebhookAddressPolicy policy = Policy("0.0.0.0/0,::/0,10.0.0.0/7");
  for (const char* address : {"127.0.0.1", "10.0.0.1", "::1", "::ffff:127.0.0.1", "fd00::1",
                              "169.254.169.254", "100.64.0.1"}) {
    EXPECT_FALSE(JudgeText(policy, address).allowed) << address;
  }
  EXPECT_TRUE(JudgeText(policy, "8.8.8.8").allowed);
  EXPECT_TRUE(JudgeText(policy, "11.0.0.1").allowed);
}

// A network inside a special range, named explicitly, admits exactly that network (in any
// spelling: the IPv4-mapped one too), and public addresses stay admitted.
TEST(WebhookAddressPolicyTest, AnExplicitNetworkInsideASpecialRangeAdmitsOnlyThatNetwork) {
  const WebhookAddressPolicy policy = Policy("127.0.0.1/32, 10.20.0.0/16, fd12::/16");
  EXPECT_TRUE(JudgeText(policy, "127.0.0.1").allowed);
  EXPECT_TRUE(JudgeText(policy, "::ffff:127.0.0.1").allowed);
  EXPECT_FALSE(JudgeText(policy, "127.0.0.2").allowed);
  EXPECT_FALSE(JudgeText(policy, "::1").allowed);
  EXPECT_TRUE(JudgeText(policy, "10.20.3.4").allowed);
  EXPECT_FALSE(JudgeText(policy, "10.21.3.4").allowed);
  EXPECT_TRUE(JudgeText(policy, "fd12::5").allowed);
  EXPECT_FALSE(JudgeText(policy, "fd13::5").allowed);
  EXPECT_TRUE(JudgeText(policy, "8.8.8.8").allowed);
  // The mapped spelling of an allowed network is the network.
  EXPECT_TRUE(JudgeText(Policy("::ffff:127.0.0.1/128"), "127.0.0.1").allowed);
}

// A public network in the list restricts public destinations to the networks listed.
TEST(WebhookAddressPolicyTest, APublicEntryRestrictsPublicDestinations) {
  const WebhookAddressPolicy policy = Policy("8.8.8.0/24");
  EXPECT_TRUE(JudgeText(policy, "8.8.8.8").allowed);
  const AddressVerdict other = JudgeText(policy, "1.1.1.1");
  EXPECT_FALSE(other.allowed);
  EXPECT_EQ(other.rule, "outside --webhook_allowed_networks");
  EXPECT_FALSE(JudgeText(policy, "127.0.0.1").allowed);
}

TEST(WebhookAddressPolicyTest, BadEntriesAreRefusedByName) {
  for (const char* bad : {"10.0.0.0/33", "not-a-network", "::1/129", "10.0.0.0/x", "1.2.3/8"}) {
    absl::StatusOr<WebhookAddressPolicy> policy = WebhookAddressPolicy::Parse(bad);
    ASSERT_FALSE(policy.ok()) << bad;
    EXPECT_EQ(policy.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StrContains(policy.status().message(), bad)) << policy.status();
  }
}

TEST(IpNetworkTest, ParsesClearsHostBitsAndNests) {
  absl::StatusOr<IpNetwork> n = IpNetwork::Parse("10.1.2.3/8");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->ToString(), "10.0.0.0/8");
  EXPECT_TRUE(n->Within(*IpNetwork::Parse("10.0.0.0/8")));
  EXPECT_FALSE(IpNetwork::Parse("10.0.0.0/7")->Within(*n));
  EXPECT_EQ(IpNetwork::Parse("::ffff:127.0.0.0/104")->ToString(), "127.0.0.0/8");
  EXPECT_EQ(IpNetwork::Parse("::1")->ToString(), "::1/128");
}

}  // namespace
}  // namespace ecoplan::notification
