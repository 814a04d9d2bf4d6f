// Webhook secrets at rest (issue 15, finding 12): sealed with AES-256-GCM, never in the clear in
// the data directory, readable after a restart, older clear records re-sealed, keys rotated.

#include "services/notification/storage/secret_cipher.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "services/notification/storage/notification_storage.pb.h"
#include "services/notification/storage/rocksdb_notification_store.h"

namespace ecoplan::notification {
namespace {

std::string KeyLine(const std::string& id, char fill) {
  return absl::StrCat(id, " ", absl::Base64Escape(std::string(32, fill)), "\n");
}

std::unique_ptr<SecretCipher> Cipher(const std::string& text) {
  absl::StatusOr<std::unique_ptr<SecretCipher>> cipher = SecretCipher::FromKeyFileText(text);
  EXPECT_TRUE(cipher.ok()) << cipher.status();
  return cipher.ok() ? *std::move(cipher) : nullptr;
}

// Every byte of every file under `dir`.
std::string AllBytes(const std::string& dir) {
  std::string all;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    all += bytes.str();
  }
  return all;
}

TEST(SecretCipherTest, SealsWithARandomNonceAndOpensOnlyWithTheSameAssociatedData) {
  std::unique_ptr<SecretCipher> cipher = Cipher(KeyLine("k1", 'a'));
  ASSERT_NE(cipher, nullptr);
  ASSERT_OK_AND_ASSIGN(SecretCipher::Sealed a, cipher->Seal("signing-key-bytes", "s-1"));
  ASSERT_OK_AND_ASSIGN(SecretCipher::Sealed b, cipher->Seal("signing-key-bytes", "s-1"));
  EXPECT_EQ(a.key_id, "k1");
  EXPECT_NE(a.bytes, b.bytes);  // a fresh nonce each time
  EXPECT_FALSE(absl::StrContains(a.bytes, "signing-key-bytes"));
  ASSERT_OK_AND_ASSIGN(std::string opened, cipher->Open(a, "s-1"));
  EXPECT_EQ(opened, "signing-key-bytes");
  EXPECT_EQ(cipher->Open(a, "s-2").status().code(), absl::StatusCode::kDataLoss);
  SecretCipher::Sealed altered = a;
  altered.bytes[14] ^= 1;
  EXPECT_EQ(cipher->Open(altered, "s-1").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(cipher->Open({"k9", a.bytes}, "s-1").status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(SecretCipherTest, TheFirstKeySealsAndEveryKeyOpens) {
  std::unique_ptr<SecretCipher> old_only = Cipher(KeyLine("k1", 'a'));
  ASSERT_OK_AND_ASSIGN(SecretCipher::Sealed sealed, old_only->Seal("x", "s-1"));
  std::unique_ptr<SecretCipher> rotated =
      Cipher(absl::StrCat("# rotated\n", KeyLine("k2", 'b'), "\n", KeyLine("k1", 'a')));
  EXPECT_EQ(rotated->current_key_id(), "k2");
  ASSERT_OK_AND_ASSIGN(std::string opened, rotated->Open(sealed, "s-1"));
  EXPECT_EQ(opened, "x");
}

TEST(SecretCipherTest, ABadKeyFileIsRefusedWithoutShowingTheKey) {
  for (const std::string& text :
       {std::string(""), std::string("# only a comment\n"), std::string("k1\n"),
        absl::StrCat("k1 ", absl::Base64Escape(std::string(16, 'a')), "\n"),
        std::string("k1 not*base64\n"), absl::StrCat("bad/id ", absl::Base64Escape("x"), "\n"),
        absl::StrCat(KeyLine("k1", 'a'), KeyLine("k1", 'b'))}) {
    absl::StatusOr<std::unique_ptr<SecretCipher>> cipher = SecretCipher::FromKeyFileText(text);
    EXPECT_EQ(cipher.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_FALSE(
        absl::StrContains(cipher.status().message(), absl::Base64Escape(std::string(32, 'b'))));
  }
}

class SealedSecretsStoreTest : public ::testing::Test {
 protected:
  void Open(const SecretCipher* cipher) {
    store_.reset();
    db_.reset();
    common::RocksDbOptions options;
    options.path = dir_.Sub("db");
    options.column_families = RocksDbNotificationStore::ColumnFamilies();
    options.event_source = "ecoplan.notification.v1.NotificationService";
    ASSERT_OK_AND_ASSIGN(db_, common::RocksDb::Open(options));
    store_ = std::make_unique<RocksDbNotificationStore>(db_.get(), cipher);
  }
  void Close() {
    store_.reset();
    db_.reset();
  }
  static Subscription WithSecret(const std::string& key) {
    Subscription s;
    s.id = "s-1";
    s.url = "https://hooks.example.org/x";
    s.owner = "command-center";
    s.secrets = {Secret{key, "0123456789abcdef", absl::FromUnixSeconds(1780000000), std::nullopt}};
    return s;
  }
  void Flush() { ASSERT_TRUE(db_->db()->Flush(rocksdb::FlushOptions(), db_->Cf("notify")).ok()); }

  const std::string key_ = "THE-SIGNING-KEY-7f3a9c1e5b";
  common::TempDir dir_;
  std::unique_ptr<common::RocksDb> db_;
  std::unique_ptr<RocksDbNotificationStore> store_;
};

TEST_F(SealedSecretsStoreTest, AWebhookSecretIsNeverInTheDataDirectoryAndReadsBackAfterAReopen) {
  std::unique_ptr<SecretCipher> cipher = Cipher(KeyLine("k1", 'a'));
  Open(cipher.get());
  Changes c;
  c.subscriptions = {WithSecret(key_)};
  ASSERT_OK(store_->Commit(c));
  Flush();
  Close();
  EXPECT_FALSE(absl::StrContains(AllBytes(dir_.Sub("db")), key_));
  Open(cipher.get());
  ASSERT_OK_AND_ASSIGN(LoadedState state, store_->Load());
  ASSERT_EQ(state.subscriptions.at("s-1").secrets.size(), 1u);
  EXPECT_EQ(state.subscriptions.at("s-1").secrets[0].key, key_);
  // Without the key the service does not start on guesses.
  Open(nullptr);
  absl::StatusOr<LoadedState> without = store_->Load();
  EXPECT_EQ(without.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(without.status().message(), "--webhook_secret_key_file"));
}

// A store written before the key file (secrets in the clear) is read as it is, and re-sealed at
// start: afterwards the clear key is gone from every file of the directory.
TEST_F(SealedSecretsStoreTest, ClearSecretsOfAnOlderStoreAreReadThenResealedAndPurged) {
  Open(nullptr);
  Changes c;
  c.subscriptions = {WithSecret(key_)};
  ASSERT_OK(store_->Commit(c));
  Flush();
  Close();
  ASSERT_TRUE(absl::StrContains(AllBytes(dir_.Sub("db")), key_));  // the old format, as it was
  std::unique_ptr<SecretCipher> cipher = Cipher(KeyLine("k1", 'a'));
  Open(cipher.get());
  ASSERT_OK_AND_ASSIGN(LoadedState before, store_->Load());
  EXPECT_EQ(before.subscriptions.at("s-1").secrets[0].key, key_);
  ASSERT_OK_AND_ASSIGN(int resealed, store_->ResealSecrets());
  EXPECT_EQ(resealed, 1);
  ASSERT_OK_AND_ASSIGN(int again, store_->ResealSecrets());
  EXPECT_EQ(again, 0);
  Close();
  EXPECT_FALSE(absl::StrContains(AllBytes(dir_.Sub("db")), key_));
  Open(cipher.get());
  ASSERT_OK_AND_ASSIGN(LoadedState after, store_->Load());
  EXPECT_EQ(after.subscriptions.at("s-1").secrets[0].key, key_);
}

// Rotation: a new key first in the file re-seals everything at start; then the old key can go.
TEST_F(SealedSecretsStoreTest, ANewKeyReSealsAtStartSoTheOldOneCanGo) {
  std::unique_ptr<SecretCipher> k1 = Cipher(KeyLine("k1", 'a'));
  Open(k1.get());
  Changes c;
  c.subscriptions = {WithSecret(key_)};
  ASSERT_OK(store_->Commit(c));
  std::unique_ptr<SecretCipher> both = Cipher(absl::StrCat(KeyLine("k2", 'b'), KeyLine("k1", 'a')));
  Open(both.get());
  ASSERT_OK_AND_ASSIGN(int resealed, store_->ResealSecrets());
  EXPECT_EQ(resealed, 1);
  std::unique_ptr<SecretCipher> k2 = Cipher(KeyLine("k2", 'b'));
  Open(k2.get());
  ASSERT_OK_AND_ASSIGN(LoadedState state, store_->Load());
  EXPECT_EQ(state.subscriptions.at("s-1").secrets[0].key, key_);
  std::string value;
  ASSERT_TRUE(db_->db()->Get(rocksdb::ReadOptions(), db_->Cf("notify"), "s/s-1", &value).ok());
  storage::SubscriptionRecord record;
  ASSERT_TRUE(record.ParseFromString(value));
  EXPECT_EQ(record.secrets(0).sealing_key_id(), "k2");
  EXPECT_TRUE(record.secrets(0).key().empty());
}

}  // namespace
}  // namespace ecoplan::notification
