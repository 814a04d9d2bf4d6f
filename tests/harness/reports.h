#pragma once

// The progress report the indicator checks of the multi-process tests read:
// the share of new-energy trucks among the newly registered ones, reported on
// the seed plan's transport measure.

#include <string>

#include "ecoplan/progress/v1/progress_service.pb.h"

namespace ecoplan::testing {

// A May 2026 report of `organization` (a name) on `measure` under `plan`
// (names), 40 % done, reporting the share of new-energy trucks among the newly
// registered ones as `share` %; `etag` empty for a first report.
inline ecoplan::progress::v1::SubmitReportRequest TruckShareReport(const std::string& plan,
                                                                   const std::string& organization,
                                                                   const std::string& measure,
                                                                   double share,
                                                                   const std::string& etag) {
  namespace pv1 = ::ecoplan::progress::v1;
  pv1::SubmitReportRequest r;
  r.set_parent(plan);
  r.set_organization(organization);
  r.set_period("2026-05");
  r.set_etag(etag);
  r.set_actor("e2e");
  pv1::ReportEntry* e = r.add_entries();
  e->set_measure(measure);
  e->set_status(pv1::MEASURE_STATUS_IN_PROGRESS);
  e->set_percent_done(40);
  e->set_work_done("淘汰老旧营运货车，新注册登记新能源货车");
  e->set_next_steps("继续推进");
  pv1::QuantitativeValue* v = e->add_values();
  v->set_name("新注册登记货车新能源化率");
  v->set_value(share);
  v->set_unit("%");
  return r;
}

}  // namespace ecoplan::testing
