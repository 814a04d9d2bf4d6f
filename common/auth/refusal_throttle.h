#pragma once

// The budget of refused calls: every call refused as UNAUTHENTICATED or
// PERMISSION_DENIED (and every call of a method the server does not serve)
// takes one token from its client's bucket (keyed by client address, see
// client_address.h) and, when the caller authenticated, one from its
// subject's. While either bucket has tokens the refusal is answered with its
// own code and recorded on its own (an audit record, a log line). Once one is
// empty, further refusals of that client or subject are answered
// RESOURCE_EXHAUSTED and only counted: the audit capture writes one
// aggregated record per client and window, with the count, and one log line
// likewise (docs/SECURITY.md "Rate limits", "Audit"). So an unauthenticated
// flood costs the server a bounded number of synced writes and log lines.
//
// Every client together has a budget too — kAllClientsFactor times the
// rate and burst of one —, so that many addresses (a botnet, or one IPv6
// host: clients are keyed by /64) still cost a bounded number of records
// and log lines per second.
//
// Unlike RateLimiter (the budget of admitted calls, per subject), this runs
// before any audit write or log line, and also for callers that never
// authenticate. Memory is bounded by max_keys per bucket table (RateLimiter's
// eviction).
//
// Thread-safe. Pure: no gRPC; time comes from a Clock.

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/auth/rate_limiter.h"
#include "common/time/clock.h"

namespace ecoplan::common {

struct RefusalThrottleOptions {
  // Refusals per second per client and per subject, sustained; 0 disables
  // the throttle (tests that walk a policy; never in production).
  double rate_per_second = 1;
  double burst = 20;        // refusals recorded one by one before throttling; ≥ 1
  size_t max_keys = 10000;  // clients (and subjects) tracked at most; ≥ 1
  // Throttled refusals of one client are aggregated into one audit record and
  // one log line per window. 1s..1h.
  absl::Duration window = absl::Seconds(60);
};

// The budget of all refusals together, in multiples of one client's.
inline constexpr double kAllClientsFactor = 10;

// The status message prefix of a throttled refusal (RESOURCE_EXHAUSTED):
// the audit capture recognises throttled answers by it.
inline constexpr absl::string_view kRefusalThrottledMessage = "too many refused calls";

class RefusalThrottle {
 public:
  // `clock` must outlive it. Precondition: Validate(options) is OK and the
  // rate is not 0 (0 means: build none).
  RefusalThrottle(RefusalThrottleOptions options, const Clock* clock);

  // Errors: InvalidArgument naming the bad option (by its flag).
  static absl::Status Validate(const RefusalThrottleOptions& options);

  // Accounts one refusal of `client` (an address; "" when unknown: then only
  // the subject's bucket counts) and of `subject` ("" when the caller did not
  // authenticate: then only the client's bucket counts). OK: answer and record the refusal as
  // usual. ResourceExhausted (message starting with kRefusalThrottledMessage): answer that instead,
  // and record it only in the aggregate.
  absl::Status Refused(absl::string_view client, absl::string_view subject);

  const RefusalThrottleOptions& options() const { return options_; }

 private:
  const RefusalThrottleOptions options_;
  RateLimiter clients_;
  RateLimiter subjects_;
  RateLimiter all_;  // one bucket: every refusal
};

// Whether `message` (of a RESOURCE_EXHAUSTED answer) is a throttled refusal's
// or the RateLimiter's: the audit capture aggregates both.
bool IsThrottledMessage(absl::string_view message);

}  // namespace ecoplan::common
