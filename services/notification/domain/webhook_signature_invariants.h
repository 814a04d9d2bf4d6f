#pragma once

// What Standard Webhooks signing and verification must satisfy whatever the
// secret, id, timestamp, signature header and body: checked by
// webhook_signature_fuzzer on arbitrary bytes and by webhook_signature_test on
// the committed corpus (testdata/webhook_signature_corpus/) in every build.
//
// An input is up to five fields separated by '\n' (the body, last, may hold
// more): secret, webhook-id, webhook-timestamp, webhook-signature, body.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/notification/domain/webhook_signature.h"

namespace ecoplan::notification {

namespace webhook_signature_internal {

inline bool IsLowerHex(absl::string_view s) {
  return s.find_first_not_of("0123456789abcdef") == absl::string_view::npos;
}

// A verification that must fail: Unauthenticated (or InvalidArgument for a
// malformed header), never OK.
inline absl::Status ExpectRejected(const absl::Status& s, absl::string_view what) {
  if (s.ok()) return absl::InternalError(absl::StrCat("accepted ", what));
  if (s.code() != absl::StatusCode::kUnauthenticated) {
    return absl::InternalError(absl::StrCat("wrong code for ", what, ": ", s.ToString()));
  }
  return absl::OkStatus();
}

}  // namespace webhook_signature_internal

inline absl::Status CheckWebhookSignatureInput(absl::string_view input) {
  using webhook_signature_internal::ExpectRejected;
  const std::vector<absl::string_view> fields = absl::StrSplit(input, absl::MaxSplits('\n', 4));
  const absl::string_view secret = fields[0];
  const absl::string_view id = fields.size() > 1 ? fields[1] : "";
  const absl::string_view timestamp_header = fields.size() > 2 ? fields[2] : "";
  const absl::string_view signature_header = fields.size() > 3 ? fields[3] : "";
  const absl::string_view body = fields.size() > 4 ? fields[4] : "";

  // 1. Secrets: a key of 24..64 bytes, or InvalidArgument that never echoes the secret.
  std::string key;
  absl::StatusOr<std::string> parsed = ParseWebhookSecret(secret);
  if (parsed.ok()) {
    if (parsed->size() < 24 || parsed->size() > 64) {
      return absl::InternalError("a secret parsed to a key outside 24..64 bytes");
    }
    key = *parsed;
  } else {
    if (parsed.status().code() != absl::StatusCode::kInvalidArgument) {
      return absl::InternalError(absl::StrCat("secret error code: ", parsed.status().ToString()));
    }
    // The message depends on the kind of error and the key length only, never
    // on the secret's bytes: it equals the message for a stand-in secret of the
    // same kind (no prefix, bad base64, or a key of the same length).
    std::string decoded;
    const std::string stand_in =
        !absl::StartsWith(secret, "whsec_") ? std::string("x")
        : !absl::Base64Unescape(secret.substr(6), &decoded)
            ? std::string("whsec_!")
            : absl::StrCat("whsec_", absl::Base64Escape(std::string(decoded.size(), 'k')));
    const absl::StatusOr<std::string> reference = ParseWebhookSecret(stand_in);
    if (reference.ok() || reference.status().message() != parsed.status().message()) {
      return absl::InternalError("the secret error depends on the secret's bytes");
    }
    key = std::string(secret);  // Sign with the raw bytes: any key length works.
  }
  const std::string fingerprint = SecretFingerprint(key);
  if (fingerprint.size() != 16 || !webhook_signature_internal::IsLowerHex(fingerprint)) {
    return absl::InternalError("fingerprint is not 16 hex digits");
  }

  // 2. Verifying the headers as received: never a crash, only OK,
  // InvalidArgument or Unauthenticated; OK only for canonical timestamps and a
  // v1 entry that equals the signature computed here.
  int64_t ts = 0;
  const bool ts_parses = absl::SimpleAtoi(timestamp_header, &ts) && ts >= 0 && ts <= 253402300799;
  const absl::Time now = ts_parses ? absl::FromUnixSeconds(ts) : absl::FromUnixSeconds(1774915200);
  const absl::Status verified =
      VerifyWebhook({key}, {id, timestamp_header, signature_header}, body, now);
  if (verified.ok()) {
    if (!ts_parses || absl::StrCat(ts) != timestamp_header) {
      return absl::InternalError("accepted a non-canonical timestamp");
    }
    bool found = false;
    const std::string expected = SignWebhook(key, id, ts, body);
    for (absl::string_view entry : absl::StrSplit(signature_header, ' ')) {
      if (entry == expected) found = true;
    }
    if (!found) return absl::InternalError("accepted a signature header without the signature");
  } else if (verified.code() != absl::StatusCode::kInvalidArgument &&
             verified.code() != absl::StatusCode::kUnauthenticated) {
    return absl::InternalError(absl::StrCat("verification code: ", verified.ToString()));
  }

  // 3. What we sign, a receiver verifies; any change to it is refused.
  const std::string sign_id = id.empty() ? std::string("msg_fuzz") : std::string(id);
  const int64_t sign_ts = ts_parses ? ts : 1774915200;
  const std::string other_key = "an-older-key-in-rotation-0123456789";
  const std::string header = SignatureHeader({other_key, key}, sign_id, sign_ts, body);
  const std::string one = SignWebhook(key, sign_id, sign_ts, body);
  if (one.size() != 47 || !absl::StartsWith(one, "v1,") || !absl::StrContains(header, one)) {
    return absl::InternalError("a signature is not \"v1,\" and 44 base64 characters");
  }
  const std::string sign_ts_text = absl::StrCat(sign_ts);  // WebhookHeaders holds views
  const WebhookHeaders good{sign_id, sign_ts_text, header};
  const absl::Time at = absl::FromUnixSeconds(sign_ts);
  if (absl::Status s = VerifyWebhook({key}, good, body, at); !s.ok()) {
    return absl::InternalError(absl::StrCat("own signature refused: ", s.ToString()));
  }
  if (absl::Status s = VerifyWebhook({key}, good, body, at + absl::Minutes(5)); !s.ok()) {
    return absl::InternalError(absl::StrCat("refused within the tolerance: ", s.ToString()));
  }
  if (absl::Status s = ExpectRejected(VerifyWebhook({key}, good, body, at + absl::Seconds(301)),
                                      "a stale delivery");
      !s.ok()) {
    return s;
  }
  std::string flipped_body(body);
  if (flipped_body.empty()) {
    flipped_body = "x";
  } else {
    flipped_body[flipped_body.size() / 2] ^= 0x01;
  }
  if (absl::Status s =
          ExpectRejected(VerifyWebhook({key}, good, flipped_body, at), "a changed body");
      !s.ok()) {
    return s;
  }
  const std::string next_ts = absl::StrCat(sign_ts > 0 ? sign_ts - 1 : sign_ts + 1);
  if (absl::Status s = ExpectRejected(VerifyWebhook({key}, {sign_id, next_ts, header}, body, at),
                                      "a changed timestamp");
      !s.ok()) {
    return s;
  }
  // HMAC pads keys with zeros, so "k" and "k\0" sign alike: change a byte instead.
  std::string wrong_key = key.empty() ? std::string("\x01") : key;
  if (!key.empty()) wrong_key[0] ^= 0x01;
  if (absl::Status s = ExpectRejected(VerifyWebhook({wrong_key}, good, body, at), "a wrong key");
      !s.ok()) {
    return s;
  }
  return absl::OkStatus();
}

}  // namespace ecoplan::notification
