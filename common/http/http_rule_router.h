#pragma once

// HttpRuleRouter: routes an HTTP request (verb, path, query, JSON body) to the
// RPC whose (ecoplan.api.v1.http) rule matches it, and builds that RPC's
// request message, as Google AIP-127 and grpc-gateway do. Pure: no server, no
// sockets; the HTTP front door calls it and forwards the request it returns.
//
// Path templates (proto/ecoplan/api/v1/annotations.proto), AIP-127's grammar:
//   Template = "/" Segments [ ":" Verb ] ;
//   Segments = Segment { "/" Segment } ;
//   Segment  = "*" | "**" | LITERAL | Variable ;
//   Variable = "{" FieldPath [ "=" Segments ] "}" ;
//   FieldPath = IDENT { "." IDENT } ;
// "*" matches one non-empty path segment, "**" (last segment only) the rest
// of the path. {field} is {field=*}: one segment. A variable with segments,
// e.g. {name=plans/*/measures/*}, captures the path it matches, slashes
// included, so a resource name travels in one field:
// "/v1/plans/2026-5b6a16527908/measures/a1-t3-m2" sets name to
// "plans/2026-5b6a16527908/measures/a1-t3-m2". Each path segment is
// percent-decoded on its own. ":Verb" is a custom method (AIP-136), e.g.
// "/v1/{name=plans/*/reports/*}:accept". When several templates of a verb
// match a path, a custom method beats a plain template, then the template
// whose first differing segment is a literal (over "*", over "**").
//
// Variables name fields of the request by their proto names, dotted through
// singular message fields (e.g. {measure.name=plans/*/measures/*}); the field
// must be a singular scalar (a string when the variable spans more than one
// segment or has literals).
//
// The request message:
//   * body "*": the JSON body is the whole request; no query parameters.
//   * body "<field>" (a top-level singular message field): the JSON body is
//     that field; the other fields come from the query.
//   * body "": no body may be sent; every field but the path's comes from the
//     query.
//   Path variables are applied last: they fill or override the body's fields.
// The JSON body follows protobuf's JSON mapping; unknown fields are refused;
// an empty body is the empty message.
//
// Query parameters ("name=value", '&'-separated, percent-encoded, '+' for a
// space): the name is a field's proto or JSON name, dotted through singular
// message fields (filter.organization, filter.dueAfter.year); a repeated
// field repeats the key. Values: integers (32/64-bit, range-checked), floats,
// bools (true/false/1/0), strings (UTF-8), bytes (base64), enums by value
// name (ORG_ROLE_LEAD), by the name without the enum's prefix in any case
// (lead, for ORG_ROLE_LEAD) or by number (a defined one),
// google.protobuf.Timestamp (RFC 3339), Duration ("3.5s"), FieldMask (comma
// list, snake_case or lowerCamel), the wrapper types (Int32Value, ...), and
// days ("2026-05-31") for a message shaped like google.type.Date (exactly the
// int32 fields year, month, day: ecoplan.common.v1.Date), whose fields may
// also be given one by one (as_of.year=2026).
// InvalidArgument, naming the parameter, for an unknown name, a bad value, a
// message or map field, a field the path or the body sets, two members of one
// oneof, or a non-repeated field given twice.
//
// Thread safety: Build returns an immutable router; Route, AllowedVerbs and
// routes() may be called from any number of threads at once.
//
// Example:
//   ECOPLAN_ASSIGN_OR_RETURN(auto router, HttpRuleRouter::Build({
//       v1::RegistryService::descriptor()}));
//   auto match = router.Route("GET", "/v1/plans/2026-5b6a16527908/measures",
//                             "filter.role=lead&page_size=20", "");
//   // match->method: ListMeasures; match->request: ListMeasuresRequest bytes.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ecoplan/api/v1/annotations.pb.h"
#include "google/protobuf/descriptor.h"

namespace google::protobuf {
class DynamicMessageFactory;
class Message;
}  // namespace google::protobuf

namespace ecoplan::common {

class HttpRuleRouter {
 public:
  // A routed request.
  struct Match {
    // The RPC to call.
    const google::protobuf::MethodDescriptor* method = nullptr;
    // The request message, serialized as binary protobuf.
    std::string request;
  };

  // One path variable of a route, for docs and OpenAPI.
  struct PathParameter {
    // Its name in `openapi_path`, e.g. "plan" (from "plans/*") or "period".
    std::string name;
    // The request field it sets, dotted, e.g. "parent" or "measure.name".
    std::string field;
  };

  // One binding (a rule or one of its additional_bindings), for docs and OpenAPI.
  struct Route {
    // "GET", "PUT", "POST", "DELETE" or "PATCH".
    std::string verb;
    // The template as declared, e.g. "/v1/{parent=plans/*}/measures".
    std::string path_template;
    // The same path with one {name} per matched segment, as OpenAPI writes
    // paths, e.g. "/v1/plans/{plan}/measures"; each "*" of a variable is named
    // after the literal before it, singular ("plans/*" -> {plan}), else after
    // the field.
    std::string openapi_path;
    // The parameters of `openapi_path`, in path order. A variable with
    // literals (parent=plans/*) sets its field to the literals and the
    // parameters' values joined by "/" ("plans/" + plan).
    std::vector<PathParameter> path_parameters;
    // "*", a top-level field name, or "" (no body).
    std::string body;
    // The RPC.
    const google::protobuf::MethodDescriptor* method = nullptr;
    // Its (ecoplan.api.v1.http_body): the route answers a file, not JSON.
    std::optional<ecoplan::api::v1::HttpBodyRule> http_body;
  };

  // The rules of every method of `services` carrying (ecoplan.api.v1.http),
  // additional_bindings included (one level, as AIP-127 allows). The
  // descriptors (and their pool) must outlive the router. Messages of the
  // generated pool are built from the generated classes, others as
  // DynamicMessage.
  // Errors: InvalidArgument naming the method and the template for a bad
  // template, a variable that names no request field or a non-scalar or
  // repeated one (or a non-string one spanning several segments), a body
  // field that does not exist or is not a singular message, a body on GET
  // or DELETE, an additional binding with its own additional_bindings, a
  // client-streaming method, a server-streaming one without
  // (ecoplan.api.v1.http_body) or with a binding other than GET (a download:
  // the front door gathers the stream into one answer), or two bindings with
  // the same verb and path shape.
  static absl::StatusOr<HttpRuleRouter> Build(
      const std::vector<const google::protobuf::ServiceDescriptor*>& services);

  // Routes a request (Route the method hides Route the struct inside the
  // class: outside code names the struct `struct HttpRuleRouter::Route`, or
  // `auto`). `path` without the query, `query` the raw query string
  // (percent-encoded, no '?'), `body` the JSON body ("" when none).
  // Errors: NotFound when no binding matches the verb and path (see
  // AllowedVerbs for a 405); InvalidArgument, naming the path variable,
  // query parameter or body field, for a bad path value, query parameter or
  // body (malformed JSON, an unknown field, a wrong type, a body where the
  // route takes none). `routed` (optional) receives the RPC as soon as a
  // binding matches, also when its request then turns out bad (so the caller
  // can answer that refusal as the RPC's).
  absl::StatusOr<Match> Route(absl::string_view verb, absl::string_view path,
                              absl::string_view query, absl::string_view body,
                              const google::protobuf::MethodDescriptor** routed = nullptr) const;

  // The verbs whose templates match `path` (for a 405 with Allow), in the
  // order GET, PUT, POST, DELETE, PATCH; empty when none does.
  std::vector<std::string> AllowedVerbs(absl::string_view path) const;

  // The method's (ecoplan.api.v1.http_body), also when its descriptor comes
  // from a pool that does not know the extension; nullopt when absent.
  static std::optional<ecoplan::api::v1::HttpBodyRule> HttpBodyOf(
      const google::protobuf::MethodDescriptor* method);

  // Every binding, in the order of the services, their methods and bindings.
  const std::vector<struct Route>& routes() const { return routes_; }

  struct Binding;  // Parsed template and resolved fields; in the .cc.

 private:
  HttpRuleRouter() = default;

  std::vector<struct Route> routes_;
  // Parallel to routes_. shared_ptr: the router is copyable and immutable.
  std::vector<std::shared_ptr<const Binding>> bindings_;
  std::shared_ptr<google::protobuf::DynamicMessageFactory> dynamic_factory_;
};

}  // namespace ecoplan::common
