#pragma once

// What the multi-process tests send: a client context with a deadline and
// dates as written (an impossible one too, to see it refused); and how they
// wait for what follows from it.

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "ecoplan/common/v1/types.pb.h"

namespace ecoplan::testing {

// A context for a call to a development-mode server, with a deadline
// `timeout` from now.
inline std::unique_ptr<grpc::ClientContext> Context(absl::Duration timeout = absl::Seconds(30)) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return ctx;
}

// The date y-m-d as written, unchecked.
inline common::v1::Date Date(int y, int m, int d) {
  common::v1::Date out;
  out.set_year(y);
  out.set_month(m);
  out.set_day(d);
  return out;
}

// Polls `done` every `every` until it holds or `timeout` passes (then asks a
// last time); whether it held. For what a server does after an answer, e.g. a
// follower catching up.
inline bool Eventually(const std::function<bool()>& done,
                       absl::Duration timeout = absl::Seconds(60),
                       absl::Duration every = absl::Milliseconds(100)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (done()) return true;
    absl::SleepFor(every);
  }
  return done();
}

}  // namespace ecoplan::testing
