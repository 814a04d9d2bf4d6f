#pragma once

// Problem-ledger items, for the multi-process tests that write many of them
// under load (a rolling restart, a backup taken meanwhile) and then check that
// exactly the acknowledged ones are there.

#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "ecoplan/progress/v1/progress_service.grpc.pb.h"
#include "tests/harness/client.h"

namespace ecoplan::testing {

// A drainage outlet `code` on measure a1-t25-m3 of `plan`, owned by `owner`
// (organizations/…), due 2027-06-30, with request id `request_prefix` + code.
inline progress::v1::CreateProblemItemRequest OutletRequest(const std::string& plan,
                                                            const std::string& owner,
                                                            const std::string& code,
                                                            const std::string& request_prefix) {
  progress::v1::CreateProblemItemRequest r;
  r.set_parent(plan);
  r.set_request_id(request_prefix + code);
  r.set_actor("e2e");
  progress::v1::ProblemItem* item = r.mutable_item();
  item->set_measure(plan + "/measures/a1-t25-m3");
  item->set_code(code);
  item->set_title("排污口 " + code);
  item->set_organization(owner);
  item->set_category(progress::v1::PROBLEM_CATEGORY_DRAINAGE_OUTLET);
  *item->mutable_rectification_due_date() = Date(2027, 6, 30);
  return r;
}

// The codes of every item of `plan`, every page; `*listed` counts the items
// (more than the codes when one is there twice). Errors: a call's status.
inline absl::StatusOr<std::set<std::string>> ListedProblemCodes(
    progress::v1::ProgressService::Stub& progress, const std::string& plan, int* listed) {
  std::set<std::string> codes;
  *listed = 0;
  progress::v1::ListProblemItemsRequest r;
  r.set_parent(plan);
  r.set_page_size(500);
  do {
    progress::v1::ListProblemItemsResponse out;
    grpc::Status s = progress.ListProblemItems(Context().get(), r, &out);
    if (!s.ok()) return absl::UnknownError(absl::StrCat("ListProblemItems: ", s.error_message()));
    for (const progress::v1::ProblemItem& i : out.items()) {
      codes.insert(i.code());
      ++*listed;
    }
    r.set_page_token(out.next_page_token());
  } while (!r.page_token().empty());
  return codes;
}

}  // namespace ecoplan::testing
