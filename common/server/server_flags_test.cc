// The shared configuration against the shared flags: every message of
// ServerConfig::Validate() and UpstreamConfig::Validate() names a flag that
// exists, and the struct's defaults are the flags' defaults.

#include "common/server/server_flags.h"

#include <gtest/gtest.h>

#include <string>

#include "absl/flags/reflection.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/config/server_config.h"

// As a server defines them (with its own port, environment variable and paths).
ECOPLAN_SERVER_FLAGS("ECOPLAN_TEST_PORT", 50059, "ECOPLAN_TEST_HTTP_PORT", 8089, "var/test",
                     "var/test-backups");
// As registry-following servers define them.
ECOPLAN_UPSTREAM_FLAGS(registry, "ECOPLAN_TEST_REGISTRY_ADDRESS", "127.0.0.1:50051",
                       "Address of the registry whose events this server follows");

namespace ecoplan::common {
namespace {

ServerConfig Valid() {
  ServerConfig config;
  config.port = 50051;
  config.db_path = "var/registry";
  config.security.insecure_development_mode = true;  // else a token key is required
  return config;
}

// The flag a message starts with ("--max_message_bytes must ..." → "max_message_bytes").
std::string FlagOf(const absl::Status& status) {
  const std::string message(status.message());
  if (message.rfind("--", 0) != 0) return "";
  const size_t end = message.find_first_of(" :", 2);
  return message.substr(2, end == std::string::npos ? std::string::npos : end - 2);
}

// `status` is InvalidArgument, starts with --`flag`, and that flag is defined
// (by common_server_flags or ECOPLAN_UPSTREAM_FLAGS above).
void ExpectNamesDefinedFlag(const absl::Status& status, const std::string& flag) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_EQ(FlagOf(status), flag) << status;
  EXPECT_NE(absl::FindCommandLineFlag(flag), nullptr) << "no flag --" << flag << ": " << status;
}

TEST(ServerConfigTest, TheDefaultsWithAPortAndADataDirectoryAreValid) {
  EXPECT_TRUE(Valid().Validate().ok()) << Valid().Validate();
}

TEST(ServerConfigTest, EachSharedFieldIsRefusedNamingItsFlag) {
  ServerConfig config = Valid();
  config.host = "";
  ExpectNamesDefinedFlag(config.Validate(), "host");
  config = Valid();
  config.metrics_port = 70000;
  ExpectNamesDefinedFlag(config.Validate(), "metrics_port");
  EXPECT_NE(config.Validate().message().find("got 70000"), std::string::npos);
  config = Valid();
  config.max_message_bytes = 1000;
  ExpectNamesDefinedFlag(config.Validate(), "max_message_bytes");
  config = Valid();
  config.shutdown_grace = absl::Minutes(6);
  ExpectNamesDefinedFlag(config.Validate(), "shutdown_grace");
  config = Valid();
  config.security.auth_issuer = "";
  ExpectNamesDefinedFlag(config.Validate(), "auth_issuer");
  config = Valid();
  config.clock_max_hold = absl::Hours(25);
  ExpectNamesDefinedFlag(config.Validate(), "clock_max_hold");
  config = Valid();
  config.clock_offset_file = "/tmp/offset";
  EXPECT_TRUE(config.Validate().ok()) << "development mode: a test may step the clock";
  config.security.insecure_development_mode = false;
  config.security.auth_hs256_secret = "0123456789abcdef0123456789abcdef";
  ExpectNamesDefinedFlag(config.Validate(), "clock_offset_file");
}

TEST(ServerConfigTest, DevelopmentModeListensOnLoopbackOnly) {
  for (const char* host :
       {"127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST", "::ffff:127.0.0.1"}) {
    ServerConfig config = Valid();
    config.host = host;
    EXPECT_TRUE(config.Validate().ok()) << host << ": " << config.Validate();
  }
  for (const char* host : {"0.0.0.0", "::", "[::]", "10.0.0.7", "192.168.1.2", "ecoplan-registry",
                           "::ffff:10.0.0.1", "128.0.0.1", "localhost.example.org"}) {
    ServerConfig config = Valid();
    config.host = host;
    const absl::Status refused = config.Validate();
    ExpectNamesDefinedFlag(refused, "insecure_development_mode");
    EXPECT_NE(refused.message().find(absl::StrCat("got --host=", host)), std::string::npos)
        << refused;
    // With tokens instead, any host is served.
    config.security.insecure_development_mode = false;
    config.security.auth_hs256_secret = "0123456789abcdef0123456789abcdef";
    EXPECT_TRUE(config.Validate().ok()) << host << ": " << config.Validate();
  }
}

TEST(ServerConfigTest, TheHealthPortIsAPortOfItsOwn) {
  ServerConfig config = Valid();
  config.health_port = 50061;
  EXPECT_TRUE(config.Validate().ok()) << config.Validate();
  config.health_port = 70000;
  ExpectNamesDefinedFlag(config.Validate(), "health_port");
  config.health_port = config.port;
  ExpectNamesDefinedFlag(config.Validate(), "health_port");
  config.metrics_port = 9091;
  config.health_port = 9091;
  ExpectNamesDefinedFlag(config.Validate(), "health_port");
}

TEST(ServerConfigTest, PortAndDataDirectoryAreRefusedNamingTheirFlags) {
  // --port and --db_path are defined by each main.cc with ECOPLAN_SERVER_FLAGS.
  ServerConfig config = Valid();
  config.port = -1;
  ExpectNamesDefinedFlag(config.Validate(), "port");
  EXPECT_EQ(config.Validate().message(), "--port must be 0..65535; got -1");
  config = Valid();
  config.db_path = "";
  ExpectNamesDefinedFlag(config.Validate(), "db_path");
  EXPECT_EQ(config.Validate().message(), "--db_path must not be empty");
}

TEST(ServerConfigTest, TheServersOwnFlagsAreReadWithTheSharedOnes) {
  const ServerConfig config = ECOPLAN_SERVER_FLAG_VALUES();
  EXPECT_EQ(config.port, 50059);
  EXPECT_EQ(config.db_path, "var/test");
  EXPECT_EQ(config.backup_dir, "var/test-backups");
  EXPECT_EQ(config.host, ServerConfig().host);  // a shared flag's default
  ASSERT_NE(absl::FindCommandLineFlag("backup_dir"), nullptr);
  EXPECT_NE(absl::FindCommandLineFlag("port")->Help().find("ECOPLAN_TEST_PORT"), std::string::npos);
}

TEST(ServerConfigTest, TheStructsDefaultsAreTheFlagsDefaults) {
  const ServerConfig from_flags = ReadCommonServerFlags();
  const ServerConfig defaults;
  EXPECT_EQ(from_flags.host, defaults.host);
  EXPECT_EQ(from_flags.metrics_port, defaults.metrics_port);
  EXPECT_EQ(from_flags.max_message_bytes, defaults.max_message_bytes);
  EXPECT_EQ(from_flags.shutdown_grace, defaults.shutdown_grace);
  EXPECT_EQ(from_flags.port_file, "");
  EXPECT_EQ(from_flags.clock_max_hold, defaults.clock_max_hold);
  EXPECT_EQ(from_flags.clock_offset_file, "");
  EXPECT_EQ(from_flags.security.auth_issuer, defaults.security.auth_issuer);
}

TEST(UpstreamConfigTest, TheFlagsOfAnUpstreamReadWithTheirDefaults) {
  const UpstreamConfig registry = ECOPLAN_UPSTREAM_FLAG_VALUES(registry, true);
  EXPECT_EQ(registry.name, "registry");
  EXPECT_EQ(registry.address, "127.0.0.1:50051");
  EXPECT_EQ(registry.max_backoff, absl::Seconds(10));
  EXPECT_TRUE(registry.required);
  EXPECT_TRUE(registry.Validate().ok()) << registry.Validate();
}

TEST(UpstreamConfigTest, AnEmptyAddressIsRefusedOnlyWhenRequired) {
  UpstreamConfig registry{"registry", "", absl::Seconds(10), /*required=*/true};
  ExpectNamesDefinedFlag(registry.Validate(), "registry_address");
  EXPECT_EQ(registry.Validate().message(), "--registry_address must not be empty");
  registry.required = false;
  EXPECT_TRUE(registry.Validate().ok());
  EXPECT_FALSE(registry.followed());
}

TEST(UpstreamConfigTest, ABackoffOutOfRangeIsRefusedNamingItsFlag) {
  UpstreamConfig registry{"registry", "127.0.0.1:50051", absl::Milliseconds(50), true};
  ExpectNamesDefinedFlag(registry.Validate(), "registry_max_backoff");
  registry.max_backoff = absl::Minutes(6);
  ExpectNamesDefinedFlag(registry.Validate(), "registry_max_backoff");
  registry.max_backoff = absl::Milliseconds(100);
  EXPECT_TRUE(registry.Validate().ok());
}

}  // namespace
}  // namespace ecoplan::common
