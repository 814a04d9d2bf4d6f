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

#include <sys/random.h>

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

// The HTTP front door (common/http) calls the server through its in-process
// channel, whose calls gRPC gives no telling peer ("unknown"). It proves
// itself with this metadata, holding FrontDoorProof(): random bytes drawn
// anew in every process, which no remote caller can know. A call carrying
// it has its x-forwarded-for believed as a trusted proxy's (its last hop is
// the HTTP client's TCP peer) and may carry the front door's own refusals
// (common/server/unparsable_request_interceptor.h). Header-only, so that
// common/server uses it without linking common/auth.
inline constexpr char kFrontDoorProofMetadata[] = "ecoplan-front-door-proof";
inline const std::string& FrontDoorProof() {
  static const std::string proof = [] {
    unsigned char bytes[24] = {};
    size_t got = 0;
    while (got < sizeof bytes) {
      const ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
      if (n > 0) got += static_cast<size_t>(n);
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    for (unsigned char b : bytes) {
      hex.push_back(kHex[b >> 4]);
      hex.push_back(kHex[b & 15]);
    }
    return hex;
  }();
  return proof;
}
// Whether `value` (of kFrontDoorProofMetadata) is this process's proof; in
// time independent of where it differs.
inline bool IsFrontDoorProof(absl::string_view value) {
  const std::string& proof = FrontDoorProof();
  if (value.size() != proof.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < proof.size(); ++i) diff |= static_cast<unsigned char>(value[i] ^ proof[i]);
  return diff == 0;
}

// The key a client's refusal budget is kept under: the IPv4 address itself;
// for IPv6 its /64 network ("2001:db8:1:2::/64"), since one host commonly
// holds a whole /64; anything else unchanged.
std::string ThrottleKey(absl::string_view address);

// The client behind `peer`. `forwarded_for` is the x-forwarded-for header
// ("" when absent; several headers joined with ","). When the peer's IP is in
// `proxies`, the header's entries are walked from the right (the nearest hop)
// past further trusted proxies: the first one that is not trusted is the
// client. An entry that is not an IP address stops the walk: the last
// trusted hop is then the client. Otherwise the header is ignored. A call
// `from_front_door` (it carried FrontDoorProof) counts as from a trusted
// proxy whatever its peer.
ClientAddress ResolveClientAddress(absl::string_view peer, absl::string_view forwarded_for,
                                   const TrustedProxies& proxies, bool from_front_door = false);

}  // namespace ecoplan::common
