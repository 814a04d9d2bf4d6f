#include "services/notification/delivery/address_policy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace ecoplan::notification {
namespace {

// The IPv4 address embedded in the last 4 bytes of an IPv6 one.
IpAddress EmbeddedIpv4(const IpAddress& v6) {
  IpAddress v4;
  std::memcpy(v4.bytes.data(), v6.bytes.data() + 12, 4);
  return v4;
}

void ClearHostBits(IpAddress* address, int prefix) {
  for (int bit = prefix; bit < address->bits(); ++bit) {
    address->bytes[bit / 8] &= static_cast<uint8_t>(~(0x80u >> (bit % 8)));
  }
}

// Only called on the literals of the static table below.
IpNetwork Net(const char* text) { return *IpNetwork::Parse(text); }

}  // namespace

std::optional<IpAddress> IpAddress::FromSockaddr(const struct sockaddr* address) {
  IpAddress out;
  if (address->sa_family == AF_INET) {
    std::memcpy(out.bytes.data(), &reinterpret_cast<const sockaddr_in*>(address)->sin_addr, 4);
    return out;
  }
  if (address->sa_family == AF_INET6) {
    out.v6 = true;
    std::memcpy(out.bytes.data(), reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr.s6_addr,
                16);
    return out;
  }
  return std::nullopt;
}

std::optional<IpAddress> IpAddress::Parse(absl::string_view text) {
  const std::string s(text);
  IpAddress out;
  if (inet_pton(AF_INET, s.c_str(), out.bytes.data()) == 1) return out;
  if (inet_pton(AF_INET6, s.c_str(), out.bytes.data()) == 1) {
    out.v6 = true;
    return out;
  }
  return std::nullopt;
}

std::string IpAddress::ToString() const {
  char text[INET6_ADDRSTRLEN] = "?";
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), text, sizeof(text));
  return text;
}

absl::StatusOr<IpNetwork> IpNetwork::Parse(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  std::pair<absl::string_view, absl::string_view> parts =
      absl::StrSplit(text, absl::MaxSplits('/', 1));
  std::optional<IpAddress> base = IpAddress::Parse(parts.first);
  if (!base.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat("not a network: \"", text, "\""));
  }
  IpNetwork n;
  n.base = *base;
  n.prefix = base->bits();
  if (text.find('/') != absl::string_view::npos) {
    int prefix = -1;
    if (!absl::SimpleAtoi(parts.second, &prefix) || prefix < 0 || prefix > base->bits()) {
      return absl::InvalidArgumentError(absl::StrCat("bad prefix length in \"", text, "\""));
    }
    n.prefix = prefix;
  }
  // ::ffff:a.b.c.d/(96+k) is a.b.c.d/k: connections to mapped addresses reach IPv4 ones.
  static const uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (n.base.v6 && n.prefix >= 96 && std::memcmp(n.base.bytes.data(), kMapped, 12) == 0) {
    n.base = EmbeddedIpv4(n.base);
    n.prefix -= 96;
  }
  ClearHostBits(&n.base, n.prefix);
  return n;
}

bool IpNetwork::Contains(const IpAddress& address) const {
  if (address.v6 != base.v6) return false;
  IpAddress masked = address;
  ClearHostBits(&masked, prefix);
  return masked.bytes == base.bytes;
}

bool IpNetwork::Within(const IpNetwork& outer) const {
  return prefix >= outer.prefix && outer.Contains(base);
}

std::string IpNetwork::ToString() const { return absl::StrCat(base.ToString(), "/", prefix); }

const std::vector<SpecialRange>& SpecialPurposeRanges() {
  // IANA IPv4 and IPv6 Special-Purpose Address Registries (2024), multicast,
  // and the IPv6 space outside 2000::/3. The most specific range names a refusal.
  static const std::vector<SpecialRange>* const kRanges = new std::vector<SpecialRange>{
      {Net("0.0.0.0/8"), "\"this network\" (unspecified)"},
      {Net("10.0.0.0/8"), "private (RFC 1918)"},
      {Net("100.64.0.0/10"), "shared address space (CGNAT, RFC 6598)"},
      {Net("127.0.0.0/8"), "loopback"},
      {Net("169.254.0.0/16"), "link-local"},
      {Net("172.16.0.0/12"), "private (RFC 1918)"},
      {Net("192.0.0.0/24"), "IETF protocol assignments"},
      {Net("192.0.2.0/24"), "documentation (TEST-NET-1)"},
      {Net("192.31.196.0/24"), "AS112-v4"},
      {Net("192.52.193.0/24"), "AMT"},
      {Net("192.88.99.0/24"), "6to4 relay anycast (deprecated)"},
      {Net("192.168.0.0/16"), "private (RFC 1918)"},
      {Net("192.175.48.0/24"), "AS112 direct delegation"},
      {Net("198.18.0.0/15"), "benchmarking"},
      {Net("198.51.100.0/24"), "documentation (TEST-NET-2)"},
      {Net("203.0.113.0/24"), "documentation (TEST-NET-3)"},
      {Net("224.0.0.0/4"), "multicast"},
      {Net("240.0.0.0/4"), "reserved"},
      {Net("255.255.255.255/32"), "limited broadcast"},
      {Net("::/128"), "unspecified"},
      {Net("::1/128"), "loopback"},
      {Net("::/96"), "IPv4-compatible (deprecated)"},
      {Net("64:ff9b:1::/48"), "local-use NAT64"},
      {Net("100::/64"), "discard-only"},
      {Net("2001::/23"), "IETF protocol assignments"},
      {Net("2001::/32"), "Teredo"},
      {Net("2001:2::/48"), "benchmarking"},
      {Net("2001:10::/28"), "ORCHID (deprecated)"},
      {Net("2001:20::/28"), "ORCHIDv2"},
      {Net("2001:db8::/32"), "documentation"},
      {Net("2002::/16"), "6to4"},
      {Net("3fff::/20"), "documentation"},
      {Net("5f00::/16"), "SRv6 SIDs"},
      {Net("fc00::/7"), "unique local (ULA)"},
      {Net("fe80::/10"), "link-local"},
      {Net("fec0::/10"), "site-local (deprecated)"},
      {Net("ff00::/8"), "multicast"},
      {Net("::/3"), "reserved (outside global unicast 2000::/3)"},
      {Net("4000::/2"), "reserved (outside global unicast 2000::/3)"},
      {Net("8000::/1"), "reserved (outside global unicast 2000::/3)"},
  };
  return *kRanges;
}

absl::StatusOr<WebhookAddressPolicy> WebhookAddressPolicy::Parse(
    absl::string_view allowed_networks) {
  WebhookAddressPolicy policy;
  for (absl::string_view entry : absl::StrSplit(allowed_networks, ',', absl::SkipWhitespace())) {
    absl::StatusOr<IpNetwork> network = IpNetwork::Parse(entry);
    if (!network.ok()) return network.status();
    bool special = false;
    for (const SpecialRange& range : SpecialPurposeRanges()) {
      special = special || network->Within(range.network);
    }
    (special ? policy.special_entries_ : policy.public_entries_).push_back(*network);
  }
  return policy;
}

AddressVerdict WebhookAddressPolicy::Judge(const IpAddress& address) const {
  static const IpNetwork kNat64 = *IpNetwork::Parse("64:ff9b::/96");
  IpAddress judged = address;
  std::string form;
  if (address.v6) {
    // ::ffff:0:0/96 (IpNetwork::Parse would make it 0.0.0.0/0): the prefix bytes.
    static const uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(address.bytes.data(), kMappedPrefix, 12) == 0) {
      judged = EmbeddedIpv4(address);
      form = "IPv4-mapped ";
    } else if (kNat64.Contains(address)) {
      judged = EmbeddedIpv4(address);
      form = "NAT64-embedded ";
      bool special = false;
      for (const SpecialRange& range : SpecialPurposeRanges()) {
        special = special || range.network.Contains(judged);
      }
      if (!special) judged = address;  // a public IPv4 address through NAT64: public
    }
  }
  const SpecialRange* most_specific = nullptr;
  if (!(judged.v6 && kNat64.Contains(judged))) {
    for (const SpecialRange& range : SpecialPurposeRanges()) {
      if (range.network.Contains(judged) &&
          (most_specific == nullptr || range.network.prefix > most_specific->network.prefix)) {
        most_specific = &range;
      }
    }
  }
  AddressVerdict verdict;
  if (most_specific != nullptr) {
    // An entry inside a special range that contains the address lies inside a range containing
    // it: the operator named that part of it.
    for (const IpNetwork& entry : special_entries_) {
      if (entry.Contains(judged)) verdict.allowed = true;
    }
    if (!verdict.allowed) {
      verdict.rule =
          absl::StrCat(form, most_specific->name, " (", most_specific->network.ToString(), ")");
    }
    return verdict;
  }
  verdict.allowed = public_entries_.empty();
  for (const IpNetwork& entry : public_entries_) {
    if (entry.Contains(judged)) verdict.allowed = true;
  }
  if (!verdict.allowed) verdict.rule = "outside --webhook_allowed_networks";
  return verdict;
}

AddressVerdict WebhookAddressPolicy::Judge(const struct sockaddr* address) const {
  std::optional<IpAddress> ip = IpAddress::FromSockaddr(address);
  if (!ip.has_value()) return AddressVerdict{false, "not an IP address"};
  return Judge(*ip);
}

}  // namespace ecoplan::notification
