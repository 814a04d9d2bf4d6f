#include "common/auth/refusal_throttle.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace ecoplan::common {

RefusalThrottle::RefusalThrottle(RefusalThrottleOptions options, const Clock* clock)
    : options_(options),
      clients_({options.rate_per_second, options.burst, options.max_keys}, clock),
      subjects_({options.rate_per_second, options.burst, options.max_keys}, clock),
      all_({options.rate_per_second * kAllClientsFactor, options.burst * kAllClientsFactor, 1},
           clock) {}

absl::Status RefusalThrottle::Validate(const RefusalThrottleOptions& options) {
  if (options.rate_per_second == 0) return absl::OkStatus();  // disabled
  if (absl::Status valid =
          RateLimiter::Validate({options.rate_per_second, options.burst, options.max_keys});
      !valid.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--refusal_limit_per_second / --refusal_limit_burst: ", valid.message()));
  }
  if (options.window < absl::Seconds(1) || options.window > absl::Hours(1)) {
    return absl::InvalidArgumentError("--refusal_audit_window must be between 1s and 1h");
  }
  return absl::OkStatus();
}

absl::Status RefusalThrottle::Refused(absl::string_view client, absl::string_view subject) {
  absl::Status by_client = client.empty() ? absl::OkStatus() : clients_.Admit(client);
  absl::Status by_subject = subject.empty() ? absl::OkStatus() : subjects_.Admit(subject);
  absl::Status by_all = by_client.ok() && by_subject.ok() ? all_.Admit("") : absl::OkStatus();
  const absl::Status& limited = !by_client.ok()    ? by_client
                                : !by_subject.ok() ? by_subject
                                                   : by_all;
  if (limited.ok()) return limited;
  // "rate limit: too many calls from this caller; retry after 1.5s" → its retry hint.
  absl::string_view hint = limited.message();
  const size_t retry = hint.find("retry after");
  hint = retry == absl::string_view::npos ? absl::string_view() : hint.substr(retry);
  return absl::ResourceExhaustedError(absl::StrCat(kRefusalThrottledMessage, " from ",
                                                   !by_client.ok()    ? "this client"
                                                   : !by_subject.ok() ? "this caller"
                                                                      : "all clients",
                                                   hint.empty() ? "" : "; ", hint));
}

bool IsThrottledMessage(absl::string_view message) {
  return absl::StartsWith(message, kRefusalThrottledMessage) ||
         absl::StartsWith(message, "rate limit:");
}

}  // namespace ecoplan::common
