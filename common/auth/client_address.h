#pragma once

// Who is on the other end of a call, as an address: the client's IP taken
// from gRPC's peer string ("ipv4:10.0.3.7:52144", "ipv6:[::1]:52144"), or —
// only when that peer is a trusted proxy — from the x-forwarded-for header
// the proxy appended. The refusal throttle keys on it and the audit records
// it (docs/SECURITY.md "Audit", "Rate limits").
//
//   ASSIGN_OR_RETURN(TrustedProxies proxies, TrustedProxies::Parse("10.0.0.0/8,fd00::/8"));
//   ClientAddress who = ResolveClientAddress(ctx.peer(), forwarded_for, proxies);
//   // who.address: "203.0.113.9" behind a trusted ingress, else the peer's IP.
//
// Pure: no gRPC. Thread-safe (immutable after Parse).

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ecoplan::common {

// IPv4 and IPv6 networks in CIDR notation; an IPv4-mapped IPv6 address
// (::ffff:10.0.0.1) matches the IPv4 networks.
class TrustedProxies {
 public:
  // A comma-separated list of networks ("10.0.0.0/8, fd00::/8"; a bare address
  // is a /32 or /128); "" is none. Errors: InvalidArgument naming the entry.
  static absl::StatusOr<TrustedProxies> Parse(absl::string_view networks);

  bool empty() const { return networks_.empty(); }
  // Whether `ip` (an address without port or brackets) lies in one of the networks.
  bool Contains(absl::string_view ip) const;

 private:
  struct Network {
    std::array<uint8_t, 16> bytes{};  // IPv4 as IPv4-mapped IPv6
    int prefix = 0;                   // in bits of the 128
  };
  std::vector<Network> networks_;
};

struct ClientAddress {
  // The client's IP (no port, no brackets); for a peer that is not an IP
  // address (e.g. "unix:…", "inproc"), the peer string cut to 64 bytes.
  std::string address;
  // The x-forwarded-for value as sent (cut to 256 bytes), whether believed or not.
  std::string forwarded_for;
  // Whether `address` was taken from x-forwarded-for (the peer is a trusted proxy).
  bool from_forwarded_for = false;
};

// The IP of a gRPC peer string, or "" when it names no IP address.
std::string PeerIp(absl::string_view peer);

// The key a client's refusal budget is kept under: the IPv4 address itself;
// for IPv6 its /64 network ("2001:db8:1:2::/64"), since one host commonly
// holds a whole /64; anything else unchanged.
std::string ThrottleKey(absl::string_view address);

// The client behind `peer`. `forwarded_for` is the x-forwarded-for header
// ("" when absent; several headers joined with ","). When the peer's IP is in
// `proxies`, the header's entries are walked from the right (the nearest hop)
// past further trusted proxies: the first one that is not trusted is the
// client. An entry that is not an IP address stops the walk: the last
// trusted hop is then the client. Otherwise the header is ignored.
ClientAddress ResolveClientAddress(absl::string_view peer, absl::string_view forwarded_for,
                                   const TrustedProxies& proxies);

}  // namespace ecoplan::common
