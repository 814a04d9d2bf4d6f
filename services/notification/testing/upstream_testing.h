#pragma once

// Helpers of the notification service's tests of its upstream followers.

#include <string>

#include "absl/status/status.h"
#include "ecoplan/common/v1/types.pb.h"
#include "services/notification/domain/notifier.h"

namespace ecoplan::notification {

inline void SetDate(common::v1::Date* d, int y, int m, int day) {
  d->set_year(y);
  d->set_month(m);
  d->set_day(day);
}

// Lets every webhook URL through (the tests' receivers are on loopback).
class AllowAnyUrl final : public UrlChecker {
 public:
  absl::Status CheckUrl(const std::string&) const override { return absl::OkStatus(); }
};

}  // namespace ecoplan::notification
