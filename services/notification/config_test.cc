#include "services/notification/config.h"

#include <gtest/gtest.h>

#include <string>

#include "common/time/clock.h"

namespace ecoplan::notification {
namespace {

NotificationConfig Valid() {
  NotificationConfig config;
  config.server.port = 50054;
  config.server.db_path = "var/notification";
  config.server.security.insecure_development_mode = true;
  return config;
}

TEST(NotificationConfigTest, FollowsTheRegistryAtTheSameDefaultAddressAsTheOtherServers) {
  const NotificationConfig config = Valid();
  EXPECT_EQ(config.registry.address, "127.0.0.1:50051");
  EXPECT_TRUE(config.registry.followed());
  EXPECT_FALSE(config.progress.followed());
  EXPECT_FALSE(config.indicator.followed());
  EXPECT_TRUE(config.Validate().ok()) << config.Validate();
}

TEST(NotificationConfigTest, AnEmptyRegistryAddressIsAllowedAndMeansNotFollowed) {
  NotificationConfig config = Valid();
  config.registry.address = "";
  EXPECT_TRUE(config.Validate().ok()) << config.Validate();
  EXPECT_FALSE(config.registry.followed());
}

TEST(NotificationConfigTest, MessagesNameTheFlag) {
  NotificationConfig config = Valid();
  config.indicator.max_backoff = absl::Milliseconds(1);
  EXPECT_EQ(config.Validate().message(),
            "--indicator_max_backoff must be between 100ms and 5m; got 1ms");
  config = Valid();
  config.server.shutdown_grace = absl::Hours(1);
  EXPECT_EQ(config.Validate().message().substr(0, 16), "--shutdown_grace");
  config = Valid();
  config.webhook_allowed_networks = "10.0.0.0/33";
  EXPECT_EQ(config.Validate().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(config.Validate().message().substr(0, 27), "--webhook_allowed_networks:");
  config = Valid();
  config.demo_clock_start = "yesterday";
  EXPECT_EQ(config.Validate().message().substr(0, 19), "--demo_clock_start:");
  config = Valid();
  EXPECT_EQ(config.delivery_worker_nice, 10);
  config.delivery_worker_nice = 20;
  EXPECT_EQ(config.Validate().message(), "--delivery_worker_nice must be 0..19");
  config.delivery_worker_nice = 0;
  EXPECT_TRUE(config.Validate().ok());
  EXPECT_EQ(config.delivery_max_per_second, 0);  // unpaced unless an operator asks
  EXPECT_EQ(config.delivery_yield, absl::ZeroDuration());
  config.delivery_max_per_second = -1;
  EXPECT_EQ(config.Validate().message(), "--delivery_max_per_second must be 0..1e6 (0: no cap)");
  config.delivery_max_per_second = 0;  // no cap
  EXPECT_TRUE(config.Validate().ok());
  config.delivery_yield = absl::Seconds(2);
  EXPECT_EQ(config.Validate().message(), "--delivery_yield must be between 0 and 1s");
  config.delivery_yield = absl::Milliseconds(20);
  EXPECT_TRUE(config.Validate().ok());
}

TEST(NotificationConfigTest, TheWebhookPolicyLowerCasesAndTrimsTheHosts) {
  NotificationConfig config = Valid();
  config.webhook_allowed_hosts = "Hooks.Example.ORG, ops.example.org ,";
  absl::StatusOr<WebhookSecurity> policy = config.WebhookPolicy();
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_EQ(policy->hosts, (std::vector<std::string>{"hooks.example.org", "ops.example.org"}));
}

// Issue 15: the production default reaches public addresses only; loopback is an explicit opt-in.
TEST(NotificationConfigTest, TheDefaultAllowListAdmitsPublicAddressesOnly) {
  NotificationConfig config;
  EXPECT_EQ(config.webhook_allowed_networks, "");
  absl::StatusOr<WebhookSecurity> policy = config.WebhookPolicy();
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_FALSE(policy->addresses.Judge(*IpAddress::Parse("127.0.0.1")).allowed);
  EXPECT_FALSE(policy->addresses.Judge(*IpAddress::Parse("::1")).allowed);
  EXPECT_TRUE(policy->addresses.Judge(*IpAddress::Parse("8.8.8.8")).allowed);
  config.webhook_allowed_networks = "127.0.0.1/32";
  policy = config.WebhookPolicy();
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_TRUE(policy->addresses.Judge(*IpAddress::Parse("127.0.0.1")).allowed);
  EXPECT_FALSE(policy->addresses.Judge(*IpAddress::Parse("127.0.0.2")).allowed);
}

TEST(NotificationConfigTest, TheDemoClockStartsAtItsStartAndRunsFaster) {
  common::FakeClock wall;
  NotificationConfig config = Valid();
  EXPECT_EQ(config.DemoClock(&wall), nullptr);  // unset: the schedule runs on wall time
  config.demo_clock_start = "2026-04-20T09:00:00+08:00";
  config.demo_clock_speed = 86400;
  ASSERT_TRUE(config.Validate().ok()) << config.Validate();
  std::unique_ptr<common::Clock> clock = config.DemoClock(&wall);
  ASSERT_NE(clock, nullptr);
  const absl::Time start = absl::FromUnixSeconds(1776646800);
  EXPECT_EQ(clock->Now(), start);
  wall.Advance(absl::Seconds(2));
  EXPECT_EQ(clock->Now(), start + absl::Hours(48));
}

}  // namespace
}  // namespace ecoplan::notification
