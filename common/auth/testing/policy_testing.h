#pragma once

// Checks every service's policy test makes (gtest assertions):
//
//   EXPECT_TRUE(PolicyCoversService(RegistryPolicy(),
//                                   v1::ImportPlanRequest::descriptor()->file()));
//   EXPECT_TRUE(DocumentShowsPolicy(ECOPLAN_SECURITY_DOC_PATH, "registry policy",
//                                   RegistryPolicy()));

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "absl/strings/string_view.h"
#include "common/auth/authorization.h"
#include "google/protobuf/descriptor.h"

namespace ecoplan::common::testing {

// The policy has a rule, naming at least one role, for every RPC of its
// service as declared in `file` (a descriptor of the service's .proto, taken
// from one of its messages so that the generated code is linked in), and no
// rule for anything else; a rule holds role service exactly when it names
// service subjects, each one of kServiceSubjects.
::testing::AssertionResult PolicyCoversService(const PolicyTable& policy,
                                               const google::protobuf::FileDescriptor* file);

// The document at `path` holds RenderPolicyMarkdown(policy) between the lines
// "<!-- BEGIN GENERATED: <marker> -->" and "<!-- END GENERATED: <marker> -->";
// on failure the message carries the table to paste there.
::testing::AssertionResult DocumentShowsPolicy(const std::string& path, absl::string_view marker,
                                               const PolicyTable& policy);

// Whether a caller of `role`, subject "someone" of organization "o-1", may
// call `method` (the short name, e.g. "SubmitReport") on `scope` under
// `policy`: the question a policy test asks row by row.
//   EXPECT_FALSE(Allows(ProgressPolicy(), Role::kViewer, "SubmitReport",
//                       ResourceScope::OwnedBy({"o-1"})));
// For role service the subject is "someone", which no rule names: use
// AllowsService.
bool Allows(const PolicyTable& policy, Role role, absl::string_view method,
            const ResourceScope& scope = ResourceScope::Any());

// Whether the service principal `subject` (e.g. "progress") may call `method`.
bool AllowsService(const PolicyTable& policy, absl::string_view subject, absl::string_view method);

// The short names of the methods of `policy` the service `subject` may call.
std::set<std::string> ServiceCallers(const PolicyTable& policy, absl::string_view subject);

}  // namespace ecoplan::common::testing
