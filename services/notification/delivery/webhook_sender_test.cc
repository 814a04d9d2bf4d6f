// The webhook guard against probing the internal network (issue 15, finding 4):
// the URL check at subscription time on every spelling of loopback, the check
// on the address dialled, and the coarse error classes of failed attempts.

#include "services/notification/delivery/webhook_sender.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/testing/local_http_server.h"

namespace ecoplan::notification {
namespace {

WebhookSecurity Security(const std::string& allowed) {
  WebhookSecurity security;
  security.addresses = *WebhookAddressPolicy::Parse(allowed);
  return security;
}

// An HTTP receiver on 127.0.0.1 answering `status`, counting requests.
class Receiver {
 public:
  explicit Receiver(int status)
      : http_([this, status](httplib::Server& server) {
          server.Post("/hook", [this, status](const httplib::Request&, httplib::Response& res) {
            ++requests_;
            res.status = status;
          });
        }) {}
  int port() const { return http_.port(); }
  int requests() const { return requests_; }

 private:
  std::atomic<int> requests_{0};
  common::LocalHttpServer http_;  // last: stops before what its handler uses goes
};

// A keep-alive HTTP receiver on 127.0.0.1 answering `status()`, counting the TCP connections
// its requests came on (by the client's port).
class CountingReceiver {
 public:
  CountingReceiver()
      : http_([this](httplib::Server& server) {
          server.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
            {
              std::lock_guard<std::mutex> lock(mu_);
              ports_.insert(req.remote_port);
              ++requests_;
            }
            res.status = status_;
          });
          server.set_keep_alive_max_count(100000);
          server.set_keep_alive_timeout(1);
        }) {}
  std::string url(const std::string& host = "127.0.0.1") const { return http_.Url("/hook", host); }
  void set_status(int status) { status_ = status; }
  int connections() const {
    std::lock_guard<std::mutex> lock(mu_);
    return static_cast<int>(ports_.size());
  }
  int requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  std::atomic<int> status_{204};
  mutable std::mutex mu_;
  std::set<int> ports_;
  int requests_ = 0;
  common::LocalHttpServer http_;  // last: stops before what its handler uses goes
};

// A TCP listener on 127.0.0.1 that is not HTTP: it greets every connection as
// an SSH server would and closes it.
class NotHttpListener {
 public:
  NotHttpListener() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    socklen_t len = sizeof(addr);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    listen(fd_, 8);
    thread_ = std::thread([this] {
      while (true) {
        const int client = accept(fd_, nullptr, nullptr);
        if (client < 0 || stop_) {
          if (client >= 0) close(client);
          return;
        }
        const char kGreeting[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n";
        (void)!write(client, kGreeting, sizeof(kGreeting) - 1);
        close(client);
      }
    });
  }
  ~NotHttpListener() {
    stop_ = true;
    shutdown(fd_, SHUT_RDWR);
    // Wake accept() if shutdown did not.
    const int wake = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port_));
    (void)connect(wake, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    close(wake);
    thread_.join();
    close(fd_);
  }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// A loopback port nobody listens on (bound, then closed).
int ClosedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

WebhookRequest Post(const std::string& url) {
  WebhookRequest request;
  request.url = url;
  request.webhook_id = "msg_test";
  request.timestamp = 1;
  request.signature = "v1,x";
  request.body = "{}";
  return request;
}

class WebhookSenderTest : public ::testing::Test {
 protected:
  void SetUp() override { CurlGlobalInit(); }
};

// Under the production default every spelling of loopback is refused at subscription time,
// with INVALID_ARGUMENT naming the rule.
TEST_F(WebhookSenderTest, EveryLoopbackSpellingIsRefusedUnderTheDefault) {
  ResolvingUrlChecker checker(Security(""));
  for (const char* url :
       {"http://127.0.0.1:9/hook", "http://[::1]:9/hook", "http://[::ffff:127.0.0.1]:9/hook",
        "http://localhost:9/hook", "http://2130706433:9/hook", "http://0x7f000001:9/hook",
        "http://127.1:9/hook", "https://LOCALHOST/hook", "http://0177.0.0.1:9/hook"}) {
    const absl::Status s = checker.CheckUrl(url);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << url << ": " << s;
    EXPECT_TRUE(absl::StrContains(s.message(), "loopback")) << url << ": " << s;
  }
}

TEST_F(WebhookSenderTest, ASampleOfEverySpecialRangeIsRefusedAtSubscriptionTime) {
  ResolvingUrlChecker checker(Security("0.0.0.0/0,::/0"));
  const std::pair<const char*, const char*> cases[] = {
      {"http://10.0.0.1/", "private"},
      {"http://172.16.5.4/", "private"},
      {"http://192.168.0.1/", "private"},
      {"http://169.254.169.254/latest/meta-data/", "link-local"},
      {"http://[fe80::1]/", "link-local"},
      {"http://100.64.0.1/", "CGNAT"},
      {"http://[fd00::1]/", "unique local"},
      {"http://224.0.0.1/", "multicast"},
      {"http://[ff02::1]/", "multicast"},
      {"http://0.0.0.0/", "unspecified"},
      {"http://[::]/", "unspecified"},
      {"http://255.255.255.255/", "broadcast"},
      {"http://192.0.2.1/", "documentation"},
      {"http://198.18.0.1/", "benchmarking"},
      {"http://240.0.0.1/", "reserved"},
      {"http://[::ffff:10.1.1.1]/", "IPv4-mapped private"},
      {"http://[64:ff9b::7f00:1]/", "NAT64-embedded loopback"},
  };
  for (const auto& [url, rule] : cases) {
    const absl::Status s = checker.CheckUrl(url);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << url << ": " << s;
    EXPECT_TRUE(absl::StrContains(s.message(), rule)) << url << ": " << s;
  }
}

TEST_F(WebhookSenderTest, AnExplicitlyAllowListedLoopbackAddressIsAccepted) {
  ResolvingUrlChecker checker(Security("127.0.0.1/32"));
  EXPECT_TRUE(checker.CheckUrl("http://127.0.0.1:9/hook").ok());
  EXPECT_TRUE(checker.CheckUrl("http://[::ffff:127.0.0.1]:9/hook").ok());
  // ::1 is not 127.0.0.1/32.
  EXPECT_EQ(checker.CheckUrl("http://[::1]:9/hook").code(), absl::StatusCode::kInvalidArgument);
}

// A host name the subscription check never saw (or saw resolve elsewhere) that resolves to
// loopback when the POST goes out is refused on the address dialled: nothing reaches the
// receiver.
TEST_F(WebhookSenderTest, AHostNameResolvingToLoopbackIsRefusedAtDialTime) {
  Receiver receiver(200);
  CurlSenderOptions options;
  options.timeout = absl::Seconds(5);
  CurlWebhookSender sender(options, Security(""));
  const WebhookResult result =
      sender.Send(Post(absl::StrCat("http://localhost:", receiver.port(), "/hook")));
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.error_class, DeliveryErrorClass::kRefusedByPolicy);
  EXPECT_EQ(result.error, "refused by policy");
  EXPECT_EQ(result.status_code, 0);
  EXPECT_TRUE(absl::StrContains(result.detail, "loopback")) << result.detail;
  EXPECT_EQ(receiver.requests(), 0);
  // The same receiver allow-listed: delivered.
  CurlWebhookSender allowed(options, Security("127.0.0.1/32,::1/128"));
  const WebhookResult ok =
      allowed.Send(Post(absl::StrCat("http://localhost:", receiver.port(), "/hook")));
  EXPECT_TRUE(ok.ok()) << ok.detail;
  EXPECT_EQ(receiver.requests(), 1);
}

// A closed port and a port speaking another protocol look the same: the API is no port scanner.
// Keep-alive: requests with one connection key share one connection; other keys, and requests
// without a key, get their own.
TEST_F(WebhookSenderTest, RequestsWithOneConnectionKeyShareOneConnection) {
  CountingReceiver receiver;
  CurlWebhookSender sender({}, Security("127.0.0.1/32"));
  WebhookRequest request = Post(receiver.url());
  request.connection_key = "sub-a";
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(sender.Send(request).ok()) << i;
  EXPECT_EQ(receiver.connections(), 1);
  EXPECT_EQ(sender.connections_opened(), 1);
  request.connection_key = "";
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(sender.Send(request).ok()) << i;
  EXPECT_EQ(receiver.connections(), 4);
  request.connection_key = "sub-b";
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(sender.Send(request).ok()) << i;
  request.connection_key = "sub-a";
  ASSERT_TRUE(sender.Send(request).ok());
  EXPECT_EQ(receiver.connections(), 5);
  EXPECT_EQ(sender.connections_opened(), 5);
  EXPECT_EQ(receiver.requests(), 29);
}

// A failed request's connection is not kept: the next request opens a new one.
TEST_F(WebhookSenderTest, AFailedRequestDoesNotKeepItsConnection) {
  CountingReceiver receiver;
  CurlWebhookSender sender({}, Security("127.0.0.1/32"));
  WebhookRequest request = Post(receiver.url());
  request.connection_key = "sub-a";
  ASSERT_TRUE(sender.Send(request).ok());
  receiver.set_status(500);
  EXPECT_EQ(sender.Send(request).error, "HTTP 5xx");
  EXPECT_EQ(receiver.connections(), 1);
  receiver.set_status(204);
  ASSERT_TRUE(sender.Send(request).ok());
  ASSERT_TRUE(sender.Send(request).ok());
  EXPECT_EQ(receiver.connections(), 2);
}

// A kept connection is reused only for the host it was opened to: the same key sent to an
// address outside the policy dials anew, and is refused before connecting.
TEST_F(WebhookSenderTest, AKeptConnectionDoesNotCarryARequestPastTheAddressPolicy) {
  CountingReceiver receiver;
  CurlWebhookSender sender({}, Security("127.0.0.1/32"));
  WebhookRequest request = Post(receiver.url());
  request.connection_key = "sub-a";
  ASSERT_TRUE(sender.Send(request).ok());
  request.url = receiver.url("127.0.0.2");  // loopback, outside 127.0.0.1/32
  const WebhookResult refused = sender.Send(request);
  EXPECT_EQ(refused.error, "refused by policy") << refused.detail;
  EXPECT_EQ(receiver.requests(), 1);
  EXPECT_EQ(sender.connections_opened(), 1);
}

TEST_F(WebhookSenderTest, AClosedPortAndANonHttpPortShowTheSameClass) {
  NotHttpListener not_http;
  CurlSenderOptions options;
  options.timeout = absl::Seconds(5);
  CurlWebhookSender sender(options, Security("127.0.0.1/32"));
  const WebhookResult closed =
      sender.Send(Post(absl::StrCat("http://127.0.0.1:", ClosedPort(), "/hook")));
  const WebhookResult other =
      sender.Send(Post(absl::StrCat("http://127.0.0.1:", not_http.port(), "/hook")));
  EXPECT_EQ(closed.error, "connection failed") << closed.detail;
  EXPECT_EQ(other.error, "connection failed") << other.detail;
  EXPECT_EQ(closed.status_code, 0);
  EXPECT_EQ(other.status_code, 0);
  EXPECT_NE(closed.detail, "");  // the detail is kept for the log
}

TEST_F(WebhookSenderTest, HttpFailuresAreReportedByStatusClass) {
  Receiver not_found(404);
  Receiver unavailable(503);
  CurlSenderOptions options;
  options.timeout = absl::Seconds(5);
  CurlWebhookSender sender(options, Security("127.0.0.1/32"));
  const WebhookResult a =
      sender.Send(Post(absl::StrCat("http://127.0.0.1:", not_found.port(), "/hook")));
  const WebhookResult b =
      sender.Send(Post(absl::StrCat("http://127.0.0.1:", unavailable.port(), "/hook")));
  EXPECT_EQ(a.error, "HTTP 4xx");
  EXPECT_EQ(a.status_code, 404);
  EXPECT_EQ(b.error, "HTTP 5xx");
  EXPECT_EQ(b.status_code, 503);
}

}  // namespace
}  // namespace ecoplan::notification
