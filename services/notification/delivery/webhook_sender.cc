#include "services/notification/delivery/webhook_sender.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

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
  const WebhookSecurity* security = nullptr;  // addresses judged at connect time
  std::atomic<int64_t>* opened = nullptr;     // counts the connections allowed
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
  const AddressVerdict verdict = purpose == CURLSOCKTYPE_IPCXN
                                     ? t->security->addresses.Judge(&address->addr)
                                     : AddressVerdict{false, "not a TCP connection"};
  if (!verdict.allowed) {
    t->refused_address = true;
    const std::optional<IpAddress> ip = IpAddress::FromSockaddr(&address->addr);
    t->refused_text = absl::StrCat(ip ? ip->ToString() : "?", ": ", verdict.rule);
    return CURL_SOCKET_BAD;
  }
  ++*t->opened;
  return socket(address->family, address->socktype, address->protocol);
}

}  // namespace

void CurlGlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string DeliveryErrorText(DeliveryErrorClass error_class, int status_code) {
  switch (error_class) {
    case DeliveryErrorClass::kNone:
      return "";
    case DeliveryErrorClass::kRefusedByPolicy:
      return "refused by policy";
    case DeliveryErrorClass::kConnectionFailed:
      return "connection failed";
    case DeliveryErrorClass::kTimeout:
      return "timeout";
    case DeliveryErrorClass::kTls:
      return "TLS";
    case DeliveryErrorClass::kHttpStatus:
      return absl::StrCat("HTTP ", std::clamp(status_code / 100, 1, 9), "xx");
    case DeliveryErrorClass::kResponseTooLarge:
      return "response too large";
  }
  return "connection failed";
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
    const AddressVerdict verdict = security_.addresses.Judge(a->ai_addr);
    if (!verdict.allowed) {
      const std::optional<IpAddress> ip = IpAddress::FromSockaddr(a->ai_addr);
      return absl::InvalidArgumentError(absl::StrCat(
          "subscription.url host \"", host, "\" resolves to ", ip ? ip->ToString() : "?",
          ", refused for webhooks: ", verdict.rule,
          verdict.rule == "outside --webhook_allowed_networks"
              ? ""
              : " is a special-purpose range, reached only when --webhook_allowed_networks names "
                "a network inside it"));
    }
  }
  return absl::OkStatus();
}

CurlWebhookSender::CurlWebhookSender(CurlSenderOptions options, WebhookSecurity security)
    : options_(std::move(options)), security_(std::move(security)) {
  CurlGlobalInit();
}

CurlWebhookSender::~CurlWebhookSender() {
  for (auto& [key, handle] : idle_) curl_easy_cleanup(handle);
}

int64_t CurlWebhookSender::connections_opened() const { return connections_opened_.load(); }

void* CurlWebhookSender::TakeHandle(const std::string& key) {
  if (!key.empty()) {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = idle_.rbegin(); it != idle_.rend(); ++it) {
      if (it->first == key) {
        CURL* handle = it->second;
        idle_.erase(std::next(it).base());
        return handle;
      }
    }
  }
  return curl_easy_init();
}

void CurlWebhookSender::ReturnHandle(const std::string& key, void* handle, bool reusable) {
  std::vector<CURL*> closed;
  if (reusable && !key.empty() && options_.max_idle_connections > 0) {
    // The request's options go (they point into its stack frame); its connection and DNS cache
    // stay.
    curl_easy_reset(handle);
    std::lock_guard<std::mutex> lock(mu_);
    idle_.emplace_back(key, handle);
    while (idle_.size() > options_.max_idle_connections) {
      closed.push_back(idle_.front().second);
      idle_.pop_front();
    }
  } else {
    closed.push_back(handle);
  }
  // Closing a connection may write to its socket: outside the lock.
  for (CURL* c : closed) curl_easy_cleanup(c);
}

WebhookResult CurlWebhookSender::Send(const WebhookRequest& request) {
  WebhookResult result;
  const absl::Time start = absl::Now();
  // Set just before the answer: only a handle whose request succeeded is kept for the next.
  bool reusable = false;
  std::unique_ptr<CURL, std::function<void(CURL*)>> curl(
      TakeHandle(request.connection_key),
      [&](CURL* c) { ReturnHandle(request.connection_key, c, reusable); });
  if (!curl) {
    result.error_class = DeliveryErrorClass::kConnectionFailed;
    result.error = DeliveryErrorText(result.error_class, 0);
    result.detail = "cannot create an HTTP handle";
    return result;
  }
  Transfer transfer;
  transfer.security = &security_;
  transfer.opened = &connections_opened_;
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
  // One connection per handle: a handle serves one subscription, so one receiver.
  curl_easy_setopt(c, CURLOPT_MAXCONNECTS, 1L);
  curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
  const CURLcode code = curl_easy_perform(c);
  result.latency = absl::Now() - start;
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  result.status_code = static_cast<int>(status);
  result.retry_after = transfer.retry_after;
  // The class goes to the API; the detail only to the log.
  DeliveryErrorClass error_class = DeliveryErrorClass::kNone;
  std::string detail;
  if (transfer.refused_address) {
    error_class = DeliveryErrorClass::kRefusedByPolicy;
    detail = absl::StrCat("address ", transfer.refused_text, "; not connected");
  } else if (transfer.too_large || code == CURLE_FILESIZE_EXCEEDED) {
    error_class = DeliveryErrorClass::kResponseTooLarge;
    detail = absl::StrCat("response body exceeds ", options_.max_response_bytes, " bytes");
  } else if (code == CURLE_OPERATION_TIMEDOUT) {
    error_class = DeliveryErrorClass::kTimeout;
    detail = absl::StrCat("timeout after ", absl::ToInt64Milliseconds(result.latency), " ms");
  } else if (code == CURLE_SSL_CONNECT_ERROR || code == CURLE_PEER_FAILED_VERIFICATION ||
             code == CURLE_SSL_CERTPROBLEM || code == CURLE_SSL_CIPHER ||
             code == CURLE_SSL_CACERT_BADFILE || code == CURLE_SSL_ISSUER_ERROR ||
             code == CURLE_SSL_PINNEDPUBKEYNOTMATCH || code == CURLE_SSL_INVALIDCERTSTATUS ||
             code == CURLE_SSL_CRL_BADFILE || code == CURLE_SSL_SHUTDOWN_FAILED ||
             code == CURLE_SSL_ENGINE_NOTFOUND || code == CURLE_SSL_ENGINE_SETFAILED ||
             code == CURLE_SSL_ENGINE_INITFAILED || code == CURLE_USE_SSL_FAILED) {
    error_class = DeliveryErrorClass::kTls;
  } else if (code != CURLE_OK) {
    // Refused, reset, not HTTP (HTTP/0.9, a weird reply), an empty reply, a name that does not
    // resolve: one class, so that none of them tells what listens there.
    error_class = DeliveryErrorClass::kConnectionFailed;
  } else if (status >= 300 && status < 400) {
    error_class = DeliveryErrorClass::kHttpStatus;
    detail = "redirects are not followed";
  } else if (status < 200 || status >= 300) {
    error_class = DeliveryErrorClass::kHttpStatus;
  }
  if (error_class != DeliveryErrorClass::kNone && code != CURLE_OK && detail.empty()) {
    detail = absl::StrCat(curl_easy_strerror(code),
                          error_buffer[0] != '\0' ? absl::StrCat(": ", error_buffer) : "");
  }
  // No HTTP answer: no status code either (an HTTP/0.9 reply would have none anyway).
  if (error_class != DeliveryErrorClass::kHttpStatus &&
      error_class != DeliveryErrorClass::kResponseTooLarge &&
      error_class != DeliveryErrorClass::kNone) {
    result.status_code = 0;
  }
  result.error_class = error_class;
  result.error = DeliveryErrorText(error_class, result.status_code);
  result.detail = std::move(detail);
  reusable = result.ok();
  return result;
}

}  // namespace ecoplan::notification
