#pragma once

// Request ids: the one rule every service applies to the `request_id` of a write.
//
// A write RPC may carry a request id, chosen by the client so that repeating the call (after a
// timeout, a lost answer, a restart of either side) is safe. The rule, the same in the registry,
// progress, indicator and notification services:
//
//  1. Empty means none: the call is not deduplicated (some RPCs require one; they say so).
//  2. Otherwise it is 1..128 characters of printable ASCII without spaces ('!'..'~'); anything
//     else is INVALID_ARGUMENT (`ValidateRequestId`). Generated ids (a UUID, "ctl-<hex>") fit.
//  3. The first call with an id does its write and stores a `RequestRecord` in the same atomic
//     write as the change: the id, the method (the RPC's name), the resource the call produced or
//     changed, and what a retry needs to answer the first result (a content fingerprint, the
//     revision or number it produced). Records are kept; an id is never free again.
//  4. A later call with the same id is decided against that record (`RequestLedger::Decide`):
//     - the same method (and, where the call names it, the same resource; where both carry one,
//       the same content fingerprint) is a retry: nothing is written again and the first result
//       is answered (kRetry);
//     - anything else (another method, another resource, other content) is INVALID_ARGUMENT,
//       with one message: `request_id "<id>" was already used for <Method> of <resource>; use
//       a new request_id for a new request`.
//  5. The record is held only once the write is durable. A retry arriving while the first call
//     is still being committed: the progress service and the indicator catalog queue it behind
//     the first call (the request id is a second key of their serializer); the registry, the
//     notification service and the indicator service's assessments decide their writes one at a
//     time, so the retry is decided after the first call. Either way it answers the first result
//     (or, when the first call failed, is decided afresh).
//
// Records written by older releases may lack a method or a fingerprint (empty): such a record
// matches a call of any method on the same resource, as those releases answered it.
//
// Pure: Abseil only (no gRPC, protobuf or RocksDB); each service stores the records in its own
// storage format and maps them to `RequestRecord`.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ecoplan::common {

// The longest request id accepted, in characters (bytes: they are ASCII).
inline constexpr size_t kMaxRequestIdLength = 128;

// OK for an empty id (none) and for 1..kMaxRequestIdLength characters of printable ASCII without
// spaces. Errors: InvalidArgument naming `request_id`, the limit or the first bad character.
absl::Status ValidateRequestId(absl::string_view request_id);

// What the first call with a request id did: stored with its change, read back by retries.
struct RequestRecord {
  std::string request_id;
  // The RPC's name, e.g. "CreateRule", "SubmitReport". Empty only in records of older releases.
  std::string method;
  // The resource the call produced or changed, e.g. "rules/measure-deadline",
  // "plans/p1/tasks/s3". The message of a reused id names it.
  std::string resource;
  // Optional digest of the call's content, so that the same id with other content is refused
  // rather than answered with the first result; empty: not compared.
  std::string fingerprint;
  // Optional: the revision or number the call produced (a report's revision, a replayed
  // delivery's number), so that a retry answers exactly that result.
  int64_t revision = 0;

  bool operator==(const RequestRecord& o) const {
    return request_id == o.request_id && method == o.method && resource == o.resource &&
           fingerprint == o.fingerprint && revision == o.revision;
  }
};

// A write call with a request id, as the decision sees it.
struct RequestCall {
  absl::string_view request_id;
  absl::string_view method;  // the RPC's name, as stored in RequestRecord::method
  // The resource the call names, when it names one before it acts (the rule to create, the
  // subscription to rotate); empty when the service chooses it (a new subscription, a contest).
  absl::string_view resource;
  absl::string_view fingerprint;  // empty: not compared
};

// The decision on a call with a request id.
enum class RequestDecision {
  kFresh,  // no id, or an id not used before: do the write and store its RequestRecord
  kRetry,  // the same call again: write nothing, answer the first result from the record
};

// The request records of one service, and the one decision on a call (rule 4 above).
//
// Services whose records live in their store (looked up per call) use only the static `Decide`;
// services that hold their records in memory keep them in a ledger and use `Check` / `Record`.
// Not thread-safe: the owner guards a ledger (and decides a request id's calls one at a time).
class RequestLedger {
 public:
  // Decides `call` against `earlier`, the record stored under `call.request_id` (nullptr: none).
  // Errors: InvalidArgument for an id `ValidateRequestId` refuses, and for an id used for
  // another method, resource or content (`ReusedError`).
  static absl::StatusOr<RequestDecision> Decide(const RequestCall& call,
                                                const RequestRecord* earlier);

  // The one error for a reused request id: InvalidArgument, `request_id "<id>" was already used
  // for <Method> of <resource>; use a new request_id for a new request`.
  static absl::Status ReusedError(absl::string_view request_id, const RequestRecord& earlier);

  // In-memory form: decides `call` against the record held for its id. Returns nullptr for a
  // fresh call (or no id), or the earlier record for a retry (valid until the ledger changes).
  // Errors: as Decide.
  absl::StatusOr<const RequestRecord*> Check(const RequestCall& call) const;

  // Holds `record` (after its write is durable); replaces one with the same id.
  void Record(RequestRecord record);

  // The record held for `request_id`, or nullptr.
  const RequestRecord* Find(absl::string_view request_id) const;

  size_t size() const { return records_.size(); }

 private:
  std::map<std::string, RequestRecord, std::less<>> records_;
};

}  // namespace ecoplan::common
