#pragma once

// The properties HttpRuleRouter keeps on any input, checked by the libFuzzer
// target (http_rule_router_fuzzer.cc, scripts/fuzz.sh) and by the corpus
// replay in every build (http_rule_router_corpus_test.cc).

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/http/http_rule_router.h"
#include "google/protobuf/message.h"

namespace ecoplan::common {

// Input: "VERB\npath\nquery\nbody" (missing parts are empty). Routes it and
// checks: only OK, NotFound or InvalidArgument come back; an OK request
// parses as the method's request type; the verb of a routed request is among
// AllowedVerbs(path), and a NotFound one is not.
inline absl::Status CheckRouterInput(const HttpRuleRouter& router, absl::string_view input) {
  std::vector<absl::string_view> parts;
  for (int i = 0; i < 3; ++i) {
    size_t nl = input.find('\n');
    if (nl == absl::string_view::npos) break;
    parts.push_back(input.substr(0, nl));
    input.remove_prefix(nl + 1);
  }
  parts.push_back(input);
  parts.resize(4);
  absl::string_view verb = parts[0], path = parts[1], query = parts[2], body = parts[3];
  absl::StatusOr<HttpRuleRouter::Match> match = router.Route(verb, path, query, body);
  std::vector<std::string> allowed = router.AllowedVerbs(path);
  bool verb_allowed = std::find(allowed.begin(), allowed.end(), std::string(verb)) != allowed.end();
  if (match.ok()) {
    if (match->method == nullptr) return absl::InternalError("OK without a method");
    const google::protobuf::Message* prototype =
        google::protobuf::MessageFactory::generated_factory()->GetPrototype(
            match->method->input_type());
    std::unique_ptr<google::protobuf::Message> request(prototype->New());
    if (!request->ParseFromString(match->request)) {
      return absl::InternalError("the routed request does not parse");
    }
    if (!verb_allowed) return absl::InternalError(absl::StrCat("routed ", verb, " not allowed"));
    return absl::OkStatus();
  }
  switch (match.status().code()) {
    case absl::StatusCode::kNotFound:
      if (verb_allowed) return absl::InternalError(absl::StrCat("NotFound but ", verb, " allowed"));
      return absl::OkStatus();
    case absl::StatusCode::kInvalidArgument:
      if (match.status().message().empty()) return absl::InternalError("empty message");
      return absl::OkStatus();
    default:
      return absl::InternalError(absl::StrCat("unexpected ", match.status().ToString()));
  }
}

}  // namespace ecoplan::common
