#include "services/notification/delivery/webhook_sender.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace ecoplan::notification {
namespace {

struct CurlUrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct HeaderListDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

// Scheme and host of a URL through libcurl's own parser (so the check and the
// request agree on what the host is).
absl::Status SplitUrl(const std::string& url, std::string* scheme, std::string* host,
                      std::string* port) {
  std::unique_ptr<CURLU, CurlUrlDeleter> u(curl_url());
  if (curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return absl::InvalidArgumentError("subscription.url is not a valid URL");
  }
  auto get = [&](CURLUPart part, std::string* out, unsigned flags) {
    char* value = nullptr;
    if (curl_url_get(u.get(), part, &value, flags) == CURLUE_OK && value != nullptr) {
      *out = value;
      curl_free(value);
      return true;
    }
    return false;
  };
  get(CURLUPART_SCHEME, scheme, 0);
  if (!get(CURLUPART_HOST, host, 0) || host->empty()) {
    return absl::InvalidArgumentError("subscription.url has no host");
  }
  get(CURLUPART_PORT, port, CURLU_DEFAULT_PORT);
  *scheme = absl::AsciiStrToLower(*scheme);
  if (*scheme != "http" && *scheme != "https") {
    return absl::InvalidArgumentError("subscription.url must be http or https");
  }
  std::string user;
  if (get(CURLUPART_USER, &user, 0) && !user.empty()) {
    return absl::InvalidArgumentError("subscription.url must not carry credentials");
  }
  // Brackets of an IPv6 literal.
  if (absl::StartsWith(*host, "[") && absl::EndsWith(*host, "]")) {
    *host = host->substr(1, host->size() - 2);
  }
  return absl::OkStatus();
}

struct Transfer {
  const WebhookSecurity* security = nullptr;
  size_t max_bytes = 0;
  size_t received = 0;
  bool too_large = false;
  bool refused_address = false;
  std::string refused_text;
  std::optional<absl::Duration> retry_after;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  Transfer* t = static_cast<Transfer*>(user);
  t->received += size * count;
  if (t->received > t->max_bytes) {
    t->too_large = true;
    return 0;  // aborts the transfer: CURLE_WRITE_ERROR
  }
  return size * count;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  Transfer* t = static_cast<Transfer*>(user);
  absl::string_view line(data, size * count);
  if (absl::StartsWithIgnoreCase(line, "retry-after:")) {
    absl::string_view value = absl::StripAsciiWhitespace(line.substr(12));
    int64_t seconds = 0;
    if (absl::SimpleAtoi(value, &seconds) && seconds >= 0) {
      t->retry_after = absl::Seconds(std::min<int64_t>(seconds, 7 * 86400));
    } else {
      const time_t when = curl_getdate(std::string(value).c_str(), nullptr);
      if (when > 0) {
        t->retry_after = std::max(absl::ZeroDuration(), absl::FromTimeT(when) - absl::Now());
      }
    }
  }
  return size * count;
}

curl_socket_t OnOpenSocket(void* user, curlsocktype purpose, struct curl_sockaddr* address) {
  Transfer* t = static_cast<Transfer*>(user);
  if (purpose != CURLSOCKTYPE_IPCXN || !t->security->networks.Allows(&address->addr)) {
    t->refused_address = true;
    char text[INET6_ADDRSTRLEN] = "?";
    if (address->family == AF_INET) {
      inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&address->addr)->sin_addr, text,
                sizeof(text));
    } else if (address->family == AF_INET6) {
      inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&address->addr)->sin6_addr, text,
                sizeof(text));
    }
    t->refused_text = text;
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype, address->protocol);
}

}  // namespace

void CurlGlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

absl::StatusOr<NetworkAllowlist> NetworkAllowlist::Parse(absl::string_view text) {
  NetworkAllowlist list;
  for (absl::string_view entry : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    entry = absl::StripAsciiWhitespace(entry);
    std::pair<std::string, std::string> parts = absl::StrSplit(entry, absl::MaxSplits('/', 1));
    Network n;
    if (inet_pton(AF_INET, parts.first.c_str(), n.bytes) == 1) {
      n.family = AF_INET;
      n.prefix = 32;
    } else if (inet_pton(AF_INET6, parts.first.c_str(), n.bytes) == 1) {
      n.family = AF_INET6;
      n.prefix = 128;
    } else {
      return absl::InvalidArgumentError(absl::StrCat("not a network: \"", entry, "\""));
    }
    if (!parts.second.empty()) {
      int prefix = -1;
      if (!absl::SimpleAtoi(parts.second, &prefix) || prefix < 0 || prefix > n.prefix) {
        return absl::InvalidArgumentError(absl::StrCat("bad prefix length in \"", entry, "\""));
      }
      n.prefix = prefix;
    }
    list.networks_.push_back(n);
  }
  return list;
}

bool NetworkAllowlist::Allows(const struct sockaddr* address) const {
  int family = address->sa_family;
  const unsigned char* bytes = nullptr;
  unsigned char mapped[4];
  if (family == AF_INET) {
    bytes = reinterpret_cast<const unsigned char*>(
        &reinterpret_cast<const sockaddr_in*>(address)->sin_addr);
  } else if (family == AF_INET6) {
    bytes = reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr.s6_addr;
    // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is judged as the IPv4 address.
    static const unsigned char kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(bytes, kMappedPrefix, 12) == 0) {
      std::memcpy(mapped, bytes + 12, 4);
      bytes = mapped;
      family = AF_INET;
    }
  } else {
    return false;
  }
  for (const Network& n : networks_) {
    if (n.family != family) continue;
    const int full = n.prefix / 8;
    const int rest = n.prefix % 8;
    if (std::memcmp(bytes, n.bytes, full) != 0) continue;
    if (rest != 0) {
      const unsigned char mask = static_cast<unsigned char>(0xff << (8 - rest));
      if ((bytes[full] & mask) != (n.bytes[full] & mask)) continue;
    }
    return true;
  }
  return false;
}

absl::Status ResolvingUrlChecker::CheckUrl(const std::string& url) const {
  std::string scheme, host, port;
  if (absl::Status s = SplitUrl(url, &scheme, &host, &port); !s.ok()) return s;
  if (!security_.hosts.empty() && std::find(security_.hosts.begin(), security_.hosts.end(),
                                            absl::AsciiStrToLower(host)) == security_.hosts.end()) {
    return absl::FailedPreconditionError(absl::StrCat("subscription.url host \"", host,
                                                      "\" is not among the allowed webhook hosts"));
  }
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0 || found == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("subscription.url host \"", host, "\" does not resolve"));
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> guard(found, freeaddrinfo);
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    if (!security_.networks.Allows(a->ai_addr)) {
      return absl::FailedPreconditionError(
          absl::StrCat("subscription.url host \"", host,
                       "\" resolves to an address outside the networks allowed for webhooks"));
    }
  }
  return absl::OkStatus();
}

CurlWebhookSender::CurlWebhookSender(CurlSenderOptions options, WebhookSecurity security)
    : options_(std::move(options)), security_(std::move(security)) {
  CurlGlobalInit();
}

WebhookResult CurlWebhookSender::Send(const WebhookRequest& request) {
  WebhookResult result;
  const absl::Time start = absl::Now();
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) {
    result.error = "cannot create an HTTP handle";
    return result;
  }
  Transfer transfer;
  transfer.security = &security_;
  transfer.max_bytes = options_.max_response_bytes;
  std::unique_ptr<curl_slist, HeaderListDeleter> headers;
  auto add = [&](const std::string& h) {
    headers.reset(curl_slist_append(headers.release(), h.c_str()));
  };
  add("Content-Type: application/json");
  add(absl::StrCat("webhook-id: ", request.webhook_id));
  add(absl::StrCat("webhook-timestamp: ", request.timestamp));
  add(absl::StrCat("webhook-signature: ", request.signature));
  add("Expect:");
  CURL* c = curl.get();
  char error_buffer[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_PROXY, "");  // never a proxy from the environment
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(options_.connect_timeout)));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(options_.timeout)));
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
                   static_cast<curl_off_t>(options_.max_response_bytes));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, OnOpenSocket);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &transfer);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);
  const CURLcode code = curl_easy_perform(c);
  result.latency = absl::Now() - start;
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  result.status_code = static_cast<int>(status);
  result.retry_after = transfer.retry_after;
  if (transfer.refused_address) {
    result.error = absl::StrCat("address ", transfer.refused_text,
                                " is outside the networks allowed for webhooks; not connected");
  } else if (transfer.too_large || code == CURLE_FILESIZE_EXCEEDED) {
    result.error = absl::StrCat("response body exceeds ", options_.max_response_bytes, " bytes");
  } else if (code == CURLE_OPERATION_TIMEDOUT) {
    result.error = absl::StrCat("timeout after ", absl::ToInt64Milliseconds(result.latency), " ms");
  } else if (code != CURLE_OK) {
    result.error = absl::StrCat(curl_easy_strerror(code),
                                error_buffer[0] != '\0' ? absl::StrCat(": ", error_buffer) : "");
  } else if (status >= 300 && status < 400) {
    result.error = absl::StrCat("HTTP ", status, ": redirects are not followed");
  } else if (status < 200 || status >= 300) {
    result.error = absl::StrCat("HTTP ", status);
  }
  return result;
}

}  // namespace ecoplan::notification
