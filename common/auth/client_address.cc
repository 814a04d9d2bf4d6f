#include "common/auth/client_address.h"

#include <arpa/inet.h>

#include <cstring>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace ecoplan::common {
namespace {

constexpr size_t kMaxForwardedFor = 256;
constexpr size_t kMaxOtherPeer = 64;

// `ip` as 16 bytes (IPv4 mapped into IPv6), or nullopt.
std::optional<std::array<uint8_t, 16>> ParseIp(absl::string_view ip) {
  const std::string text(ip);
  std::array<uint8_t, 16> out{};
  in_addr v4;
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    out[10] = out[11] = 0xff;
    std::memcpy(out.data() + 12, &v4, 4);
    return out;
  }
  in6_addr v6;
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    std::memcpy(out.data(), &v6, 16);
    return out;
  }
  return std::nullopt;
}

bool IsIp(absl::string_view ip) { return ParseIp(ip).has_value(); }

}  // namespace

absl::StatusOr<TrustedProxies> TrustedProxies::Parse(absl::string_view networks) {
  TrustedProxies proxies;
  for (absl::string_view entry : absl::StrSplit(networks, ',', absl::SkipWhitespace())) {
    entry = absl::StripAsciiWhitespace(entry);
    absl::string_view address = entry;
    std::optional<int> prefix;
    if (const size_t slash = entry.find('/'); slash != absl::string_view::npos) {
      address = entry.substr(0, slash);
      int bits = -1;
      if (!absl::SimpleAtoi(entry.substr(slash + 1), &bits)) bits = -1;
      prefix = bits;
    }
    const std::optional<std::array<uint8_t, 16>> bytes = ParseIp(address);
    const bool v4 = address.find(':') == absl::string_view::npos;
    const int max_bits = v4 ? 32 : 128;
    if (!bytes || (prefix && (*prefix < 0 || *prefix > max_bits))) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", entry, "\" is not a network in CIDR notation (10.0.0.0/8, fd00::/8)"));
    }
    Network network;
    network.bytes = *bytes;
    network.prefix = (v4 ? 96 : 0) + prefix.value_or(max_bits);
    proxies.networks_.push_back(network);
  }
  return proxies;
}

bool TrustedProxies::Contains(absl::string_view ip) const {
  const std::optional<std::array<uint8_t, 16>> bytes = ParseIp(ip);
  if (!bytes) return false;
  for (const Network& network : networks_) {
    int bits = network.prefix;
    bool match = true;
    for (int i = 0; i < 16 && bits > 0 && match; ++i, bits -= 8) {
      const uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
      match = ((*bytes)[i] & mask) == (network.bytes[i] & mask);
    }
    if (match) return true;
  }
  return false;
}

std::string PeerIp(absl::string_view peer) {
  absl::string_view rest = peer;
  if (absl::ConsumePrefix(&rest, "ipv4:")) {
    const size_t colon = rest.rfind(':');
    if (colon != absl::string_view::npos) rest = rest.substr(0, colon);
    return IsIp(rest) ? std::string(rest) : "";
  }
  if (absl::ConsumePrefix(&rest, "ipv6:")) {
    // "[::1]:52144", percent-encoded zone ids aside.
    if (absl::ConsumePrefix(&rest, "[")) {
      const size_t close = rest.find(']');
      if (close == absl::string_view::npos) return "";
      rest = rest.substr(0, close);
    }
    const std::string ip(rest);
    if (!IsIp(ip)) return "";
    // An IPv4-mapped peer is the IPv4 client.
    absl::string_view mapped = ip;
    if (absl::ConsumePrefix(&mapped, "::ffff:") && mapped.find('.') != absl::string_view::npos) {
      return std::string(mapped);
    }
    return ip;
  }
  return "";
}

std::string ThrottleKey(absl::string_view address) {
  if (address.find(':') == absl::string_view::npos) return std::string(address);
  const std::string text(address);
  in6_addr v6;
  if (inet_pton(AF_INET6, text.c_str(), &v6) != 1) return text;
  std::memset(v6.s6_addr + 8, 0, 8);
  char out[INET6_ADDRSTRLEN];
  if (inet_ntop(AF_INET6, &v6, out, sizeof(out)) == nullptr) return text;
  return absl::StrCat(out, "/64");
}

ClientAddress ResolveClientAddress(absl::string_view peer, absl::string_view forwarded_for,
                                   const TrustedProxies& proxies, bool from_front_door) {
  ClientAddress out;
  out.forwarded_for = std::string(forwarded_for.substr(0, kMaxForwardedFor));
  std::string ip = PeerIp(peer);
  // The HTTP front door appends its TCP peer as a proxy does.
  if (ip.empty() && !from_front_door) {
    out.address = std::string(peer.substr(0, kMaxOtherPeer));
    return out;
  }
  out.address = from_front_door ? std::string(peer.substr(0, kMaxOtherPeer)) : ip;
  if (forwarded_for.empty() || (!from_front_door && !proxies.Contains(ip))) return out;
  const std::vector<absl::string_view> hops = absl::StrSplit(forwarded_for, ',');
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    absl::string_view hop = absl::StripAsciiWhitespace(*it);
    if (!IsIp(hop)) break;  // a hop we cannot read: the last trusted one is the client
    out.address = std::string(hop);
    out.from_forwarded_for = true;
    if (!proxies.Contains(hop)) break;
  }
  return out;
}

}  // namespace ecoplan::common
