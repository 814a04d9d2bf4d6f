#pragma once

// Which IP addresses a webhook may reach: public addresses by default, never a
// special-purpose one (loopback, private, link-local, CGNAT, multicast,
// documentation, reserved … as the IANA IPv4 and IPv6 Special-Purpose Address
// Registries list them) unless the operator allow-lists a network inside it.
//
// The rules, for an address A (an IPv4-mapped IPv6 address ::ffff:a.b.c.d is
// judged as a.b.c.d; a NAT64 address 64:ff9b::a.b.c.d as a.b.c.d when a.b.c.d
// is special):
//   1. A lies in special-purpose ranges (SpecialPurposeRanges()): it is
//      reached only when an allow-list entry contains A and lies inside one of
//      those ranges. 0.0.0.0/0, ::/0 or 10.0.0.0/7 do not readmit 10.1.2.3:
//      the operator must name 10.0.0.0/8 or a network inside it.
//   2. Otherwise A is public: reached when the allow-list has no entry outside
//      the special ranges, or one of those entries contains A. So the empty
//      list means "every public address"; "127.0.0.1/32" means "every public
//      address and 127.0.0.1"; "203.0.113.9/32,0.0.0.0/0" would mean
//      "every public IPv4 address and 203.0.113.9", no IPv6 public address.
//
// The allow-list is --webhook_allowed_networks (docs/OPERATIONS.md). Used at
// subscription time on every address the host resolves to and at connect time
// on the address actually dialled (webhook_sender.h).
//
// Thread-safe (immutable after Parse).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

struct sockaddr;

namespace ecoplan::notification {

// An IPv4 (4 bytes used) or IPv6 address.
struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};

  // From a socket address (AF_INET or AF_INET6); nullopt for other families.
  static std::optional<IpAddress> FromSockaddr(const struct sockaddr* address);
  // "127.0.0.1", "::1" (no brackets, no zone); nullopt when not an address.
  static std::optional<IpAddress> Parse(absl::string_view text);
  std::string ToString() const;
  int bits() const { return v6 ? 128 : 32; }
};

// A network in CIDR notation.
struct IpNetwork {
  IpAddress base;  // host bits cleared
  int prefix = 0;

  // "10.0.0.0/8", "::1/128", "127.0.0.1" (a bare address: /32 or /128). An
  // IPv4-mapped IPv6 network (::ffff:0:0/96 and longer) becomes the IPv4 one.
  // Errors: InvalidArgument naming the text.
  static absl::StatusOr<IpNetwork> Parse(absl::string_view text);
  bool Contains(const IpAddress& address) const;
  // Whether every address of this network is in `outer`.
  bool Within(const IpNetwork& outer) const;
  std::string ToString() const;
};

// One special-purpose range and what it is, e.g. {127.0.0.0/8, "loopback"}.
struct SpecialRange {
  IpNetwork network;
  std::string name;
};

// The IANA special-purpose ranges (IPv4 and IPv6), multicast, and every IPv6
// address outside global unicast 2000::/3 (reserved by the IETF).
const std::vector<SpecialRange>& SpecialPurposeRanges();

// The outcome for one address.
struct AddressVerdict {
  bool allowed = false;
  // When refused, the rule: e.g. "loopback (127.0.0.0/8)",
  // "IPv4-mapped loopback (127.0.0.0/8)", "outside --webhook_allowed_networks".
  std::string rule;
};

class WebhookAddressPolicy {
 public:
  // `allowed_networks`: comma-separated networks (IpNetwork::Parse), may be
  // empty. Errors: InvalidArgument naming the bad entry.
  static absl::StatusOr<WebhookAddressPolicy> Parse(absl::string_view allowed_networks);

  AddressVerdict Judge(const IpAddress& address) const;
  // A socket address of another family than AF_INET/AF_INET6 is refused.
  AddressVerdict Judge(const struct sockaddr* address) const;
  bool Allows(const struct sockaddr* address) const { return Judge(address).allowed; }

 private:
  std::vector<IpNetwork> special_entries_;  // entries inside a special range
  std::vector<IpNetwork> public_entries_;   // the others: they restrict public addresses
};

}  // namespace ecoplan::notification
