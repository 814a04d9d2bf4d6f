#pragma once

// What the multi-process tests send: a client context with a deadline and
// dates as written (an impossible one too, to see it refused).

#include <grpcpp/grpcpp.h>

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

}  // namespace ecoplan::testing
