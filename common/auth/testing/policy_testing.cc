#include "common/auth/testing/policy_testing.h"

#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace ecoplan::common::testing {

::testing::AssertionResult PolicyCoversService(const PolicyTable& policy,
                                               const google::protobuf::FileDescriptor* file) {
  const google::protobuf::ServiceDescriptor* service =
      file->pool()->FindServiceByName(policy.service);
  if (service == nullptr) {
    return ::testing::AssertionFailure()
           << "no service " << policy.service << " in " << file->name();
  }
  std::set<std::string> rpcs;
  for (int i = 0; i < service->method_count(); ++i) {
    rpcs.insert(policy.MethodPath(service->method(i)->name()));
  }
  std::set<std::string> ruled, without_roles, services_unnamed, unknown_services;
  const std::set<std::string> known(std::begin(kServiceSubjects), std::end(kServiceSubjects));
  for (const auto& [path, rule] : policy.rules) {
    ruled.insert(path);
    if (rule.roles.empty()) without_roles.insert(path);
    if ((rule.roles.count(Role::kService) != 0) != !rule.service_subjects.empty()) {
      services_unnamed.insert(path);
    }
    for (const std::string& subject : rule.service_subjects) {
      if (known.count(subject) == 0) unknown_services.insert(absl::StrCat(path, ": ", subject));
    }
  }
  std::set<std::string> missing, extra;
  for (const std::string& r : rpcs) {
    if (ruled.count(r) == 0) missing.insert(r);
  }
  for (const std::string& r : ruled) {
    if (rpcs.count(r) == 0) extra.insert(r);
  }
  if (missing.empty() && extra.empty() && without_roles.empty() && services_unnamed.empty() &&
      unknown_services.empty()) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "RPCs without a rule: [" << absl::StrJoin(missing, ", ") << "]; rules for no RPC: ["
         << absl::StrJoin(extra, ", ") << "]; rules without roles: ["
         << absl::StrJoin(without_roles, ", ")
         << "]; rules with role service but no service subjects (or subjects without the role): ["
         << absl::StrJoin(services_unnamed, ", ") << "]; unknown service subjects: ["
         << absl::StrJoin(unknown_services, ", ") << "]";
}

::testing::AssertionResult DocumentShowsPolicy(const std::string& path, absl::string_view marker,
                                               const PolicyTable& policy) {
  std::ifstream in(path);
  if (!in) return ::testing::AssertionFailure() << "cannot read " << path;
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  const std::string begin = absl::StrCat("<!-- BEGIN GENERATED: ", marker, " -->\n");
  const std::string end = absl::StrCat("<!-- END GENERATED: ", marker, " -->");
  const size_t from = doc.find(begin);
  const size_t to = doc.find(end);
  if (from == std::string::npos || to == std::string::npos || to < from) {
    return ::testing::AssertionFailure() << "markers missing in " << path << ": " << begin << end;
  }
  const std::string expected = RenderPolicyMarkdown(policy);
  if (doc.substr(from + begin.size(), to - from - begin.size()) == expected) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << path << " is out of date; put this between the " << marker << " markers:\n"
         << expected;
}

bool Allows(const PolicyTable& policy, Role role, absl::string_view method,
            const ResourceScope& scope) {
  Principal p;
  p.subject = "someone";
  p.organization_id = "o-1";
  p.role = role;
  return Authorize(p, policy, policy.MethodPath(method), scope).ok();
}

bool AllowsService(const PolicyTable& policy, absl::string_view subject, absl::string_view method) {
  Principal p;
  p.subject = std::string(subject);
  p.role = Role::kService;
  return Authorize(p, policy, policy.MethodPath(method), ResourceScope::Any()).ok();
}

std::set<std::string> ServiceCallers(const PolicyTable& policy, absl::string_view subject) {
  std::set<std::string> methods;
  const std::string prefix = absl::StrCat("/", policy.service, "/");
  for (const auto& [path, rule] : policy.rules) {
    const std::string method = path.substr(prefix.size());
    if (AllowsService(policy, subject, method)) methods.insert(method);
  }
  return methods;
}

}  // namespace ecoplan::common::testing
