#include "common/openapi/openapi_generator.h"

#include <google/protobuf/descriptor.pb.h>

#include <map>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "common/status/status_macros.h"
#include "ecoplan/api/v1/annotations.pb.h"

namespace ecoplan::common {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::DescriptorPool;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::MethodDescriptor;
using google::protobuf::MethodOptions;
using google::protobuf::ServiceDescriptor;
using google::protobuf::SourceLocation;
using Json = nlohmann::ordered_json;
namespace api = ::ecoplan::api::v1;

constexpr char kSchemaPrefix[] = "#/components/schemas/";
constexpr char kConnectErrorSchema[] = "connect.Error";

// Connect's HTTP statuses for errors (connectrpc.com/docs/protocol, and the
// front door's 413 and 415), with what each means here.
struct ErrorStatus {
  const char* status;
  const char* description;
  bool body_only;  // only where the request has a body
};
constexpr ErrorStatus kErrorStatuses[] = {
    {"400",
     "invalid_argument (malformed JSON, an unknown field, a wrong type, a bad value; the "
     "message names it), failed_precondition or out_of_range.",
     false},
    {"401", "unauthenticated: the bearer token is missing, expired or not valid.", false},
    {"403", "permission_denied: the caller's role or organization may not do this.", false},
    {"404", "not_found, or unimplemented for a method this server does not have.", false},
    {"409", "already_exists, or aborted (a stale etag: read again and retry the whole change).",
     false},
    {"413", "resource_exhausted: the body is larger than the server's --max_message_bytes.", true},
    {"415", "The Content-Type is not one this route accepts.", true},
    {"429", "resource_exhausted: the caller's rate limit; retry later.", false},
    {"500", "internal, unknown or data_loss.", false},
    {"501", "unimplemented.", false},
    {"503", "unavailable: transient (e.g. the server is shutting down); retry the call.", false},
    {"504", "deadline_exceeded: Connect-Timeout-Ms passed first.", false},
};

constexpr const char* kConnectCodes[] = {
    "canceled",
    "unknown",
    "invalid_argument",
    "deadline_exceeded",
    "not_found",
    "already_exists",
    "permission_denied",
    "resource_exhausted",
    "failed_precondition",
    "aborted",
    "out_of_range",
    "unimplemented",
    "internal",
    "unavailable",
    "data_loss",
    "unauthenticated",
};

// A .proto comment as Markdown: the one space after "//" dropped from each
// line, blank lines at either end removed.
std::string CleanComment(const std::string& raw) {
  std::vector<std::string> lines = absl::StrSplit(raw, '\n');
  for (std::string& line : lines) {
    if (!line.empty() && line[0] == ' ') line.erase(0, 1);
    while (!line.empty() && absl::ascii_isspace(static_cast<unsigned char>(line.back()))) {
      line.pop_back();
    }
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  size_t first = 0;
  while (first < lines.size() && lines[first].empty()) ++first;
  return absl::StrJoin(lines.begin() + first, lines.end(), "\n");
}

template <typename D>
std::string Comment(const D* descriptor) {
  SourceLocation location;
  if (!descriptor->GetSourceLocation(&location)) return "";
  return CleanComment(location.leading_comments.empty() ? location.trailing_comments
                                                        : location.leading_comments);
}

// The first sentence of a comment, on one line: an operation's summary.
std::string Summary(const std::string& comment) {
  std::string flat = absl::StrJoin(absl::StrSplit(comment, '\n'), " ");
  size_t end = flat.find(". ");
  if (end != std::string::npos) flat = flat.substr(0, end + 1);
  if (flat.size() > 200) {
    size_t space = flat.rfind(' ', 197);
    flat = absl::StrCat(flat.substr(0, space == std::string::npos ? 197 : space), "...");
  }
  return flat;
}

void AppendParagraph(std::string* text, const std::string& paragraph) {
  if (paragraph.empty()) return;
  if (!text->empty()) absl::StrAppend(text, "\n\n");
  absl::StrAppend(text, paragraph);
}

Json Ref(const std::string& schema_name) {
  return Json{{"$ref", absl::StrCat(kSchemaPrefix, schema_name)}};
}

Json Int64Schema(const char* format, bool is_signed) {
  return Json{{"type", "string"},
              {"format", format},
              {"pattern", is_signed ? "^-?[0-9]+$" : "^[0-9]+$"},
              {"description", "A 64-bit integer as a decimal string (protobuf JSON mapping)."}};
}

// A {field} or {field=pattern} variable of an HTTP rule's path template.
struct PathVariable {
  std::string field;    // the dotted field path, e.g. "name", "library.name"
  std::string pattern;  // AIP-127's pattern, e.g. "plans/*/months/*"; "" for {field}
  // The OpenAPI path parameters the variable became: {field} is one parameter
  // named after the field; each * (or **) of a pattern one named after the
  // collection before it (plans/* → plan), since an OpenAPI parameter is one
  // path segment while the field's value spans the pattern.
  std::vector<std::string> parameters;
};

// The path template of an HTTP rule in OpenAPI's terms.
struct PathTemplate {
  std::string path;        // /v1/plans/{plan}/months/{month}:close
  std::string normalized;  // variables unnamed: /v1/plans/{}/months/{}:close
  std::vector<PathVariable> variables;
};

// A collection segment's singular, the name of the id that follows it
// (plans → plan, deliveries → delivery, holidayCalendars → holidayCalendar).
std::string Singular(const std::string& collection) {
  if (absl::EndsWith(collection, "ies")) {
    return absl::StrCat(collection.substr(0, collection.size() - 3), "y");
  }
  if (absl::EndsWith(collection, "s") && !absl::EndsWith(collection, "ss")) {
    return collection.substr(0, collection.size() - 1);
  }
  return absl::StrCat(collection, "Id");
}

// The names of the {parameters} of an OpenAPI path, in order.
std::vector<std::string> ParameterNames(const std::string& path) {
  std::vector<std::string> names;
  for (size_t open = path.find('{'); open != std::string::npos; open = path.find('{', open)) {
    size_t close = path.find('}', open);
    if (close == std::string::npos) break;
    names.push_back(path.substr(open + 1, close - open - 1));
    open = close;
  }
  return names;
}

// What a patterned variable's field is set to, in the parameters' names:
// "`plans/{plan}/months/{month}`".
std::string PatternValue(const PathVariable& variable) {
  std::vector<std::string> segments = absl::StrSplit(variable.pattern, '/');
  size_t next = 0;
  for (std::string& segment : segments) {
    if ((segment == "*" || segment == "**") && next < variable.parameters.size()) {
      segment = absl::StrCat("{", variable.parameters[next++], "}");
    }
  }
  return absl::StrCat("`", absl::StrJoin(segments, "/"), "`");
}

absl::StatusOr<PathTemplate> ParsePathTemplate(const std::string& text) {
  if (text.empty() || text[0] != '/') {
    return absl::InvalidArgumentError(absl::StrCat("path \"", text, "\" does not start with /"));
  }
  PathTemplate result;
  std::set<std::string> used;
  auto unique = [&used](std::string name) {
    std::string candidate = name;
    for (int n = 2; !used.insert(candidate).second; ++n) candidate = absl::StrCat(name, n);
    return candidate;
  };
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find('{', pos);
    if (open == std::string::npos) {
      absl::StrAppend(&result.path, text.substr(pos));
      absl::StrAppend(&result.normalized, text.substr(pos));
      break;
    }
    size_t close = text.find('}', open);
    if (close == std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat("path \"", text, "\" has an unclosed {"));
    }
    absl::StrAppend(&result.path, text.substr(pos, open - pos));
    absl::StrAppend(&result.normalized, text.substr(pos, open - pos));
    std::string inside = text.substr(open + 1, close - open - 1);
    PathVariable variable;
    size_t equals = inside.find('=');
    variable.field = inside.substr(0, equals);
    if (equals != std::string::npos) variable.pattern = inside.substr(equals + 1);
    if (variable.field.empty() || (equals != std::string::npos && variable.pattern.empty())) {
      return absl::InvalidArgumentError(
          absl::StrCat("path \"", text, "\" has an empty variable or pattern"));
    }
    if (variable.pattern.empty() || variable.pattern == "*") {
      variable.parameters.push_back(unique(variable.field));
      absl::StrAppend(&result.path, "{", variable.parameters.back(), "}");
      absl::StrAppend(&result.normalized, "{}");
    } else {
      std::vector<std::string> segments = absl::StrSplit(variable.pattern, '/');
      std::string previous;
      for (size_t i = 0; i < segments.size(); ++i) {
        const std::string& segment = segments[i];
        if (i > 0) {
          absl::StrAppend(&result.path, "/");
          absl::StrAppend(&result.normalized, "/");
        }
        if (segment == "*" || segment == "**") {
          std::string base = previous.empty() ? absl::StrReplaceAll(variable.field, {{".", "_"}})
                                              : Singular(previous);
          variable.parameters.push_back(unique(base));
          absl::StrAppend(&result.path, "{", variable.parameters.back(), "}");
          absl::StrAppend(&result.normalized, "{}");
          previous.clear();
        } else if (segment.empty() || segment.find_first_of("{}*=") != std::string::npos) {
          return absl::InvalidArgumentError(absl::StrCat("path \"", text, "\": pattern \"",
                                                         variable.pattern, "\" is not AIP-127's"));
        } else {
          absl::StrAppend(&result.path, segment);
          absl::StrAppend(&result.normalized, segment);
          previous = segment;
        }
      }
      if (variable.parameters.empty()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "path \"", text, "\": pattern \"", variable.pattern, "\" has no * for the value"));
      }
    }
    result.variables.push_back(std::move(variable));
    pos = close + 1;
  }
  return result;
}

class Generator {
 public:
  Generator(const DescriptorPool& pool, const OpenApiOptions& options)
      : pool_(pool), options_(options) {}

  absl::StatusOr<Json> Run() {
    Json tags = Json::array();
    for (const std::string& name : options_.services) {
      const ServiceDescriptor* service = pool_.FindServiceByName(name);
      if (service == nullptr) {
        return absl::NotFoundError(absl::StrCat("service ", name, " is not in the descriptor set"));
      }
      Json tag = {{"name", service->name()}};
      std::string description = Comment(service);
      if (!description.empty()) tag["description"] = description;
      tags.push_back(std::move(tag));
      for (int i = 0; i < service->method_count(); ++i) {
        absl::Status status = AddMethod(service->method(i));
        if (!status.ok()) {
          return absl::Status(
              status.code(), absl::StrCat(service->method(i)->full_name(), ": ", status.message()));
        }
      }
    }
    EmitPendingSchemas();

    Json document;
    document["openapi"] = "3.1.0";
    document["info"] = {{"title", options_.title},
                        {"version", options_.version},
                        {"description", InfoDescription()}};
    document["security"] = Json::array({Json{{"bearerAuth", Json::array()}}});
    document["tags"] = std::move(tags);
    document["paths"] = std::move(paths_);
    Json components;
    components["schemas"] = Json::object();
    for (auto& [name, schema] : schemas_) components["schemas"][name] = std::move(schema);
    components["responses"] = ErrorResponses();
    components["parameters"] = ConnectParameters();
    components["securitySchemes"] = {
        {"bearerAuth",
         {{"type", "http"},
          {"scheme", "bearer"},
          {"bearerFormat", "JWT"},
          {"description",
           "Authorization: Bearer <JWT>, the same token as the gRPC `authorization` metadata "
           "(docs/SECURITY.md): its subject, role and organization decide what the call may "
           "do."}}}};
    document["components"] = std::move(components);
    return document;
  }

 private:
  std::string InfoDescription() const {
    std::string text = absl::StrCat(
        "The HTTP API of the ", options_.title, ": ", absl::StrJoin(options_.services, ", "),
        ".\n\n"
        "Every unary RPC answers the Connect protocol (connectrpc.com): `POST "
        "/<package>.<Service>/<Method>` with `Content-Type: application/json` (the protobuf "
        "JSON mapping; unknown fields are refused) or `application/proto`. Methods without "
        "side effects also answer Connect's GET form. Some methods have resource URLs as "
        "well (AIP-127 paths, below). Server-streaming RPCs answer Connect streaming, and those "
        "that clients follow also Server-Sent Events. Client-streaming RPCs are gRPC only.\n\n"
        "Errors have Connect's JSON body `{\"code\": \"not_found\", \"message\": \"...\"}` "
        "and Connect's HTTP status for the code. Every call needs `Authorization: Bearer "
        "<JWT>`.");
    return text;
  }

  std::string OperationId(const MethodDescriptor* method, const std::string& suffix) {
    std::string base = absl::StrCat(method->service()->name(), "_", method->name(), suffix);
    std::string id = base;
    for (int n = 2; !operation_ids_.insert(id).second; ++n) id = absl::StrCat(base, n);
    return id;
  }

  Json BaseOperation(const MethodDescriptor* method, const std::string& suffix,
                     const std::string& how) {
    Json op;
    op["tags"] = Json::array({method->service()->name()});
    op["operationId"] = OperationId(method, suffix);
    std::string comment = Comment(method);
    op["summary"] = comment.empty() ? method->name() : Summary(comment);
    std::string description = comment;
    AppendParagraph(&description, how);
    op["description"] = description;
    if (method->options().deprecated()) op["deprecated"] = true;
    return op;
  }

  static std::string ConnectPath(const MethodDescriptor* method) {
    return absl::StrCat("/", method->service()->full_name(), "/", method->name());
  }

  Json Responses(const Json& ok, bool with_body) {
    Json responses;
    responses["200"] = ok;
    for (const ErrorStatus& error : kErrorStatuses) {
      if (error.body_only && !with_body) continue;
      responses[error.status] = {
          {"$ref", absl::StrCat("#/components/responses/ConnectError", error.status)}};
    }
    return responses;
  }

  Json BinaryProto(const Descriptor* message) const {
    return Json{{"schema",
                 {{"type", "string"},
                  {"format", "binary"},
                  {"description", absl::StrCat("A ", message->full_name(),
                                               " in the protobuf binary encoding.")}}}};
  }

  absl::Status AddOperation(const std::string& path, const std::string& normalized,
                            const std::string& verb, Json operation) {
    auto [it, inserted] = normalized_paths_.emplace(normalized, path);
    if (!inserted && it->second != path) {
      return absl::InvalidArgumentError(absl::StrCat("path ", path, " is the same route as ",
                                                     it->second, " with other variable names"));
    }
    if (paths_.contains(path) && paths_[path].contains(verb)) {
      return absl::InvalidArgumentError(
          absl::StrCat(absl::AsciiStrToUpper(verb), " ", path, " is routed twice"));
    }
    paths_[path][verb] = std::move(operation);
    return absl::OkStatus();
  }

  absl::Status AddMethod(const MethodDescriptor* method) {
    const MethodOptions& options = method->options();
    bool has_http = options.HasExtension(api::http);
    if (method->client_streaming()) {
      if (has_http) return absl::InvalidArgumentError("an HTTP rule on a client-streaming method");
      return absl::OkStatus();
    }
    const bool has_body = options.HasExtension(api::http_body);
    if (method->server_streaming()) {
      // A server stream has a resource URL only as a download (http_body):
      // the front door gathers its chunks into one answer.
      if (has_http && !has_body) {
        return absl::InvalidArgumentError(
            "an HTTP rule on a server-streaming method without (ecoplan.api.v1.http_body)");
      }
      AddConnectStreaming(method);
      if (options.HasExtension(api::event_stream)) {
        ECOPLAN_RETURN_IF_ERROR(
            AddServerSentEvents(method, options.GetExtension(api::event_stream)));
      }
      if (has_http) {
        int binding = 0;
        return AddHttpRule(method, options.GetExtension(api::http), &binding);
      }
      return absl::OkStatus();
    }
    const std::string path = ConnectPath(method);
    {
      Json op = BaseOperation(method, "", "Connect unary call.");
      op["parameters"] =
          Json::array({Json{{"$ref", "#/components/parameters/ConnectProtocolVersion"}},
                       Json{{"$ref", "#/components/parameters/ConnectTimeoutMs"}}});
      op["requestBody"] = {{"required", true},
                           {"content",
                            {{"application/json", {{"schema", MessageRef(method->input_type())}}},
                             {"application/proto", BinaryProto(method->input_type())}}}};
      op["responses"] = Responses(UnaryOk(method->output_type(), true), true);
      ECOPLAN_RETURN_IF_ERROR(AddOperation(path, path, "post", std::move(op)));
    }
    if (options.idempotency_level() == MethodOptions::NO_SIDE_EFFECTS) {
      Json op = BaseOperation(
          method, "_Get",
          "Connect GET form (the method has no side effects, so the response may be cached "
          "and linked): the request in the query string.");
      Json message = {
          {"name", "message"},
          {"in", "query"},
          {"required", true},
          {"description",
           "The request: its JSON (encoding=json), or with base64=1 its binary encoding in "
           "URL-safe base64 (encoding=proto); URL-encoded."},
          {"content", {{"application/json", {{"schema", MessageRef(method->input_type())}}}}}};
      op["parameters"] =
          Json::array({Json{{"name", "connect"},
                            {"in", "query"},
                            {"required", false},
                            {"description", "The Connect protocol version."},
                            {"schema", {{"type", "string"}, {"enum", {"v1"}}}}},
                       Json{{"name", "encoding"},
                            {"in", "query"},
                            {"required", true},
                            {"description", "How `message` is encoded."},
                            {"schema", {{"type", "string"}, {"enum", {"json", "proto"}}}}},
                       std::move(message),
                       Json{{"name", "base64"},
                            {"in", "query"},
                            {"required", false},
                            {"description", "1: `message` is base64 (needed for encoding=proto)."},
                            {"schema", {{"type", "string"}, {"enum", {"1"}}}}},
                       Json{{"$ref", "#/components/parameters/ConnectTimeoutMs"}}});
      op["responses"] = Responses(UnaryOk(method->output_type(), true), false);
      ECOPLAN_RETURN_IF_ERROR(AddOperation(path, path, "get", std::move(op)));
    }
    if (has_http) {
      int binding = 0;
      return AddHttpRule(method, options.GetExtension(api::http), &binding);
    }
    return absl::OkStatus();
  }

  Json UnaryOk(const Descriptor* response, bool with_proto) {
    Json content = {{"application/json", {{"schema", MessageRef(response)}}}};
    if (with_proto) content["application/proto"] = BinaryProto(response);
    return Json{{"description", absl::StrCat("The ", response->name(), ".")},
                {"content", std::move(content)}};
  }

  void AddConnectStreaming(const MethodDescriptor* method) {
    const Descriptor* in = method->input_type();
    const Descriptor* out = method->output_type();
    Json op = BaseOperation(
        method, "_Stream",
        "Connect server streaming: the request is one enveloped message (a flags byte, a "
        "4-byte big-endian length, the message); the response is a sequence of enveloped "
        "messages ended by an end-of-stream envelope (flags 0x02) whose JSON carries the "
        "`error`, if any, in the shape of connect.Error.");
    op["parameters"] =
        Json::array({Json{{"$ref", "#/components/parameters/ConnectProtocolVersion"}},
                     Json{{"$ref", "#/components/parameters/ConnectTimeoutMs"}}});
    auto enveloped = [this](const Descriptor* message, const char* encoding) {
      return Json{{"schema",
                   {{"type", "string"},
                    {"format", "binary"},
                    {"description", absl::StrCat("Enveloped ", message->full_name(),
                                                 " messages in ", encoding, ".")}}},
                  {"x-ecoplan-message", MessageRef(message)}};
    };
    op["requestBody"] = {{"required", true},
                         {"content",
                          {{"application/connect+json", enveloped(in, "JSON")},
                           {"application/connect+proto", enveloped(in, "the binary encoding")}}}};
    Json responses;
    responses["200"] = {{"description", absl::StrCat("The stream of ", out->name(), " messages.")},
                        {"content",
                         {{"application/connect+json", enveloped(out, "JSON")},
                          {"application/connect+proto", enveloped(out, "the binary encoding")}}}};
    responses["401"] = {{"$ref", "#/components/responses/ConnectError401"}};
    responses["415"] = {{"$ref", "#/components/responses/ConnectError415"}};
    op["responses"] = std::move(responses);
    // A server-streaming path cannot clash: it has no unary twin.
    paths_[ConnectPath(method)]["post"] = std::move(op);
  }

  absl::Status AddServerSentEvents(const MethodDescriptor* method,
                                   const api::EventStreamRule& rule) {
    const Descriptor* in = method->input_type();
    const Descriptor* out = method->output_type();
    Json op = BaseOperation(
        method, "_Events",
        "Server-Sent Events (send `Accept: text/event-stream`): each event is `id: <" +
            rule.event_id_field() + ">`, then `data: <the " + out->name() +
            " as JSON on one line>`, then a blank line; `: keep-alive` comment lines come "
            "every 15 s. A client that reconnects with Last-Event-ID resumes exactly after "
            "that event.");
    if (!rule.event_id_field().empty()) {
      auto id_field = ResolveField(out, rule.event_id_field());
      if (!id_field.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("event_stream.event_id_field: ", id_field.status().message()));
      }
    }
    Json last_event_id = {{"name", "Last-Event-ID"},
                          {"in", "header"},
                          {"required", false},
                          {"schema", {{"type", "string"}, {"pattern", "^[0-9]+$"}}}};
    if (!rule.resume_field().empty()) {
      const FieldDescriptor* field = in->FindFieldByName(rule.resume_field());
      if (field == nullptr) {
        return absl::InvalidArgumentError(absl::StrCat("event_stream.resume_field \"",
                                                       rule.resume_field(), "\" is not a field of ",
                                                       in->full_name()));
      }
      last_event_id["description"] =
          absl::StrCat("The id of the last event received: it sets `", field->json_name(),
                       "`, so the stream resumes after it, with no gap and no repeat.");
    }
    op["parameters"] = Json::array(
        {Json{{"name", "message"},
              {"in", "query"},
              {"required", false},
              {"description", "The request as URL-encoded JSON; absent: an empty request."},
              {"content", {{"application/json", {{"schema", MessageRef(in)}}}}}},
         std::move(last_event_id)});
    Json responses;
    responses["200"] = {
        {"description",
         absl::StrCat("The event stream; each event's data is a ", out->name(), ".")},
        {"content",
         {{"text/event-stream",
           {{"schema",
             {{"type", "string"},
              {"description", absl::StrCat("Lines `id: <n>`, `data: <", out->full_name(),
                                           " as JSON>`, blank line; repeated.")}}},
            {"x-ecoplan-message", MessageRef(out)}}}}}};
    for (const ErrorStatus& error : kErrorStatuses) {
      if (error.body_only) continue;
      responses[error.status] = {
          {"$ref", absl::StrCat("#/components/responses/ConnectError", error.status)}};
    }
    op["responses"] = std::move(responses);
    const std::string path = ConnectPath(method);
    return AddOperation(path, path, "get", std::move(op));
  }

  // What a resource URL of a method with (ecoplan.api.v1.http_body) says it
  // answers, in words.
  static std::string FileDescription(const MethodDescriptor* method) {
    const api::HttpBodyRule& rule = method->options().GetExtension(api::http_body);
    std::string text = absl::StrCat(
        "The response is the file itself, not JSON: the bytes of `", rule.content_field(), "`",
        method->server_streaming() ? " of every message of the stream, joined in order (the "
                                     "answer comes once the stream has ended; at most 64 MiB)"
                                   : "",
        ", with its media type");
    if (!rule.media_type_field().empty()) {
      absl::StrAppend(&text, " (from `", rule.media_type_field(), "`)");
    }
    absl::StrAppend(&text, " as Content-Type");
    if (!rule.file_name_field().empty()) {
      absl::StrAppend(&text, " and `", rule.file_name_field(),
                      "` as the name in Content-Disposition");
    }
    absl::StrAppend(&text, ". Errors are Connect's JSON errors.");
    return text;
  }

  // The 200 response of a download route: the file's bytes, per media type.
  // InvalidArgument when the rule names no bytes field or non-string fields.
  absl::StatusOr<Json> FileResponse(const MethodDescriptor* method) {
    const api::HttpBodyRule& rule = method->options().GetExtension(api::http_body);
    const Descriptor* out = method->output_type();
    auto content = ResolveField(out, rule.content_field());
    if (!content.ok()) return content.status();
    if ((*content)->type() != FieldDescriptor::TYPE_BYTES || (*content)->is_repeated()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "http_body.content_field \"", rule.content_field(), "\" is not a singular bytes field"));
    }
    for (const std::string* named : {&rule.media_type_field(), &rule.file_name_field()}) {
      if (named->empty()) continue;
      auto field = ResolveField(out, *named);
      if (!field.ok()) return field.status();
      if ((*field)->type() != FieldDescriptor::TYPE_STRING || (*field)->is_repeated()) {
        return absl::InvalidArgumentError(
            absl::StrCat("http_body field \"", *named, "\" is not a singular string field"));
      }
    }
    Json binary = {{"schema", {{"type", "string"}, {"format", "binary"}}}};
    Json media;
    for (const std::string& type : rule.media_types()) media[type] = binary;
    if (rule.media_types().empty()) media["application/octet-stream"] = binary;
    Json ok = {{"description", "The file."}, {"content", std::move(media)}};
    if (!rule.file_name_field().empty()) {
      ok["headers"] = {
          {"Content-Disposition",
           {{"description", absl::StrCat("attachment; filename*=UTF-8''<the name in `",
                                         rule.file_name_field(), "`, percent-encoded>")},
            {"schema", {{"type", "string"}}}}}};
    }
    return ok;
  }

  // Resolves a dotted field path ("library.name") in `message`.
  static absl::StatusOr<const FieldDescriptor*> ResolveField(const Descriptor* message,
                                                             const std::string& dotted) {
    const FieldDescriptor* field = nullptr;
    for (absl::string_view part : absl::StrSplit(dotted, '.')) {
      if (field != nullptr) {
        if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || field->is_repeated()) {
          return absl::InvalidArgumentError(
              absl::StrCat("\"", dotted, "\": ", field->name(), " is not a singular message"));
        }
        message = field->message_type();
      }
      field = message->FindFieldByName(std::string(part));
      if (field == nullptr) {
        return absl::InvalidArgumentError(
            absl::StrCat("\"", dotted, "\" is not a field of ", message->full_name()));
      }
    }
    return field;
  }

  absl::Status AddHttpRule(const MethodDescriptor* method, const api::HttpRule& rule,
                           int* binding) {
    std::string verb;
    std::string template_text;
    switch (rule.pattern_case()) {
      case api::HttpRule::kGet:
        verb = "get", template_text = rule.get();
        break;
      case api::HttpRule::kPut:
        verb = "put", template_text = rule.put();
        break;
      case api::HttpRule::kPost:
        verb = "post", template_text = rule.post();
        break;
      case api::HttpRule::kDelete:
        verb = "delete", template_text = rule.delete_();
        break;
      case api::HttpRule::kPatch:
        verb = "patch", template_text = rule.patch();
        break;
      case api::HttpRule::PATTERN_NOT_SET:
        return absl::InvalidArgumentError("an HTTP rule without a verb and path");
    }
    auto parsed = ParsePathTemplate(template_text);
    if (!parsed.ok()) return parsed.status();
    // OpenAPI has one template per route: a path that differs from an earlier
    // one only in its parameters' names (/v1/calendars/{calendar} and
    // /v1/calendars/{year}) takes the earlier names, position by position;
    // the descriptions still say which field each one sets.
    bool renamed = false;
    if (auto known = normalized_paths_.find(parsed->normalized);
        known != normalized_paths_.end() && known->second != parsed->path) {
      std::vector<std::string> ours = ParameterNames(parsed->path);
      std::vector<std::string> theirs = ParameterNames(known->second);
      if (ours.size() != theirs.size()) {
        return absl::InternalError(absl::StrCat("paths ", parsed->path, " and ", known->second,
                                                " normalize alike but differ in parameters"));
      }
      std::map<std::string, std::string> names;
      for (size_t i = 0; i < ours.size(); ++i) names[ours[i]] = theirs[i];
      for (PathVariable& variable : parsed->variables) {
        for (std::string& name : variable.parameters) name = names[name];
      }
      parsed->path = known->second;
      renamed = true;
    }
    const Descriptor* in = method->input_type();
    std::optional<Json> file;
    if (method->options().HasExtension(api::http_body)) {
      if (method->server_streaming() && verb != "get") {
        return absl::InvalidArgumentError(absl::StrCat("a server-streaming method's HTTP rule ",
                                                       absl::AsciiStrToUpper(verb), " ",
                                                       template_text, " is not GET"));
      }
      ECOPLAN_ASSIGN_OR_RETURN(file, FileResponse(method));
    }
    ++*binding;
    Json op = BaseOperation(
        method, *binding == 1 ? "_Http" : absl::StrCat("_Http", *binding),
        absl::StrCat("Resource URL of ", method->name(), ": ", absl::AsciiStrToUpper(verb), " ",
                     template_text, ". ",
                     file ? FileDescription(method)
                          : absl::StrCat("The response is the ", method->output_type()->name(),
                                         " as JSON.")));
    Json parameters = Json::array();
    // Top-level fields the path sets, in part (bound_top_level: not query
    // parameters) or whole (set_by_path: not in a "*" body either).
    std::set<std::string> bound_top_level;
    std::set<std::string> set_by_path;
    for (const PathVariable& variable : parsed->variables) {
      auto field = ResolveField(in, variable.field);
      if (!field.ok()) return field.status();
      if ((*field)->is_repeated() || (*field)->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE ||
          (!variable.pattern.empty() && (*field)->type() != FieldDescriptor::TYPE_STRING)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "path variable {", variable.field, "} is not a ",
            variable.pattern.empty() ? "scalar field" : "string field (it has a pattern)"));
      }
      bound_top_level.insert(variable.field.substr(0, variable.field.find('.')));
      if (variable.field.find('.') == std::string::npos) set_by_path.insert(variable.field);
      std::string comment = Comment(*field);
      for (const std::string& name : variable.parameters) {
        Json parameter = {{"name", name}, {"in", "path"}, {"required", true}};
        std::string description;
        if (variable.pattern.empty()) {
          if (renamed && name != variable.field) {
            description = absl::StrCat("The value of `", variable.field, "`.");
          }
          AppendParagraph(&description, comment);
          parameter["schema"] = SingularSchema(*field);
        } else {
          description = absl::StrCat("A segment of `", variable.field, "`, which the path sets to ",
                                     PatternValue(variable), ".");
          AppendParagraph(&description, comment);
          parameter["schema"] = {{"type", "string"}};
        }
        if (!description.empty()) parameter["description"] = description;
        parameters.push_back(std::move(parameter));
      }
    }
    const std::string& body = rule.body();
    const FieldDescriptor* body_field = nullptr;
    if (!body.empty() && body != "*") {
      body_field = in->FindFieldByName(body);
      if (body_field == nullptr) {
        return absl::InvalidArgumentError(
            absl::StrCat("body \"", body, "\" is not a field of ", in->full_name()));
      }
    }
    if (body != "*") {
      // What the path and the body leave: query parameters, for the fields a
      // query string can carry.
      for (int i = 0; i < in->field_count(); ++i) {
        const FieldDescriptor* field = in->field(i);
        if (bound_top_level.count(field->name()) > 0 || field == body_field) continue;
        std::optional<Json> schema = QuerySchema(field);
        if (!schema) continue;
        Json parameter = {{"name", field->name()}, {"in", "query"}, {"required", false}};
        std::string description = Comment(field);
        if (!description.empty()) parameter["description"] = description;
        parameter["schema"] = std::move(*schema);
        if (field->is_repeated()) parameter["explode"] = true;
        parameters.push_back(std::move(parameter));
      }
    }
    if (!parameters.empty()) op["parameters"] = std::move(parameters);
    if (body == "*") {
      Json schema;
      if (set_by_path.empty()) {
        schema = MessageRef(in);
      } else {
        MessageRef(in);
        schema = {{"type", "object"},
                  {"description",
                   absl::StrCat("A ", in->full_name(), " without the fields the path sets (",
                                absl::StrJoin(set_by_path, ", "), ").")},
                  {"properties", Properties(in, set_by_path)}};
      }
      op["requestBody"] = {{"required", true},
                           {"content", {{"application/json", {{"schema", std::move(schema)}}}}}};
    } else if (body_field != nullptr) {
      Json schema = FieldSchema(body_field);
      op["requestBody"] = {{"required", true},
                           {"content", {{"application/json", {{"schema", std::move(schema)}}}}}};
    }
    op["responses"] =
        Responses(file ? *std::move(file) : UnaryOk(method->output_type(), false), !body.empty());
    ECOPLAN_RETURN_IF_ERROR(AddOperation(parsed->path, parsed->normalized, verb, std::move(op)));
    for (const api::HttpRule& additional : rule.additional_bindings()) {
      ECOPLAN_RETURN_IF_ERROR(AddHttpRule(method, additional, binding));
    }
    return absl::OkStatus();
  }

  // The schema of a field a query string can carry (scalars, enums, their
  // repeated forms, and the well-known types written as one string), or none.
  std::optional<Json> QuerySchema(const FieldDescriptor* field) {
    if (field->is_map()) return std::nullopt;
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      const std::string& name = field->message_type()->full_name();
      static const std::set<std::string>* kStringLike =
          new std::set<std::string>{"google.protobuf.Timestamp",   "google.protobuf.Duration",
                                    "google.protobuf.FieldMask",   "google.protobuf.DoubleValue",
                                    "google.protobuf.FloatValue",  "google.protobuf.Int64Value",
                                    "google.protobuf.UInt64Value", "google.protobuf.Int32Value",
                                    "google.protobuf.UInt32Value", "google.protobuf.BoolValue",
                                    "google.protobuf.StringValue", "google.protobuf.BytesValue"};
      if (kStringLike->count(name) == 0) return std::nullopt;
    }
    Json item = SingularSchema(field);
    if (field->is_repeated()) return Json{{"type", "array"}, {"items", std::move(item)}};
    return item;
  }

  // The schema of a well-known type, inline, or none for other messages.
  static std::optional<Json> WellKnownSchema(const Descriptor* message) {
    const std::string& name = message->full_name();
    auto wrapper = [&](Json value) {
      Json schema = std::move(value);
      schema["description"] = absl::StrCat(
          name, ": the wrapped value, or null", schema.contains("description") ? "; " : ".",
          schema.contains("description") ? schema["description"].get<std::string>() : "");
      if (schema["type"].is_string()) {
        schema["type"] = Json::array({schema["type"], "null"});
      }
      return schema;
    };
    if (name == "google.protobuf.Timestamp") {
      return Json{{"type", "string"},
                  {"format", "date-time"},
                  {"description", "RFC 3339 time, e.g. 2026-05-01T08:00:00Z."}};
    }
    if (name == "google.protobuf.Duration") {
      return Json{{"type", "string"},
                  {"pattern", "^-?[0-9]+(\\.[0-9]{1,9})?s$"},
                  {"description", "Seconds with an s suffix, e.g. \"90s\" or \"1.5s\"."}};
    }
    if (name == "google.protobuf.FieldMask") {
      return Json{{"type", "string"},
                  {"description", "Field paths in lowerCamelCase, comma-separated."}};
    }
    if (name == "google.protobuf.Struct") {
      return Json{{"type", "object"}, {"additionalProperties", true}};
    }
    if (name == "google.protobuf.Value") {
      return Json{{"description", "Any JSON value."}};
    }
    if (name == "google.protobuf.ListValue") {
      return Json{{"type", "array"}, {"items", Json::object()}};
    }
    if (name == "google.protobuf.Empty") {
      return Json{{"type", "object"}, {"properties", Json::object()}};
    }
    if (name == "google.protobuf.Any") {
      return Json{{"type", "object"},
                  {"description",
                   "A message of any type: `@type` names it (type.googleapis.com/<full name>), "
                   "the other members are its fields in JSON."},
                  {"properties", {{"@type", {{"type", "string"}}}}},
                  {"required", {"@type"}},
                  {"additionalProperties", true}};
    }
    if (name == "google.protobuf.DoubleValue") {
      return wrapper(Json{{"type", "number"}, {"format", "double"}});
    }
    if (name == "google.protobuf.FloatValue") {
      return wrapper(Json{{"type", "number"}, {"format", "float"}});
    }
    if (name == "google.protobuf.Int64Value") return wrapper(Int64Schema("int64", true));
    if (name == "google.protobuf.UInt64Value") return wrapper(Int64Schema("uint64", false));
    if (name == "google.protobuf.Int32Value") {
      return wrapper(Json{{"type", "integer"}, {"format", "int32"}});
    }
    if (name == "google.protobuf.UInt32Value") {
      return wrapper(Json{{"type", "integer"}, {"format", "uint32"}, {"minimum", 0}});
    }
    if (name == "google.protobuf.BoolValue") return wrapper(Json{{"type", "boolean"}});
    if (name == "google.protobuf.StringValue") return wrapper(Json{{"type", "string"}});
    if (name == "google.protobuf.BytesValue") {
      return wrapper(Json{{"type", "string"}, {"format", "byte"}, {"contentEncoding", "base64"}});
    }
    return std::nullopt;
  }

  Json MessageRef(const Descriptor* message) {
    if (std::optional<Json> well_known = WellKnownSchema(message)) return *well_known;
    if (queued_.insert(message->full_name()).second) pending_messages_.push_back(message);
    return Ref(message->full_name());
  }

  Json EnumRef(const EnumDescriptor* enum_type) {
    if (enum_type->full_name() == "google.protobuf.NullValue") return Json{{"type", "null"}};
    if (queued_.insert(enum_type->full_name()).second) pending_enums_.push_back(enum_type);
    return Ref(enum_type->full_name());
  }

  // The schema of one value of the field (the element of a repeated field).
  Json SingularSchema(const FieldDescriptor* field) {
    switch (field->type()) {
      case FieldDescriptor::TYPE_DOUBLE:
        return Json{{"type", "number"}, {"format", "double"}};
      case FieldDescriptor::TYPE_FLOAT:
        return Json{{"type", "number"}, {"format", "float"}};
      case FieldDescriptor::TYPE_INT64:
      case FieldDescriptor::TYPE_SINT64:
      case FieldDescriptor::TYPE_SFIXED64:
        return Int64Schema("int64", true);
      case FieldDescriptor::TYPE_UINT64:
      case FieldDescriptor::TYPE_FIXED64:
        return Int64Schema("uint64", false);
      case FieldDescriptor::TYPE_INT32:
      case FieldDescriptor::TYPE_SINT32:
      case FieldDescriptor::TYPE_SFIXED32:
        return Json{{"type", "integer"}, {"format", "int32"}};
      case FieldDescriptor::TYPE_UINT32:
      case FieldDescriptor::TYPE_FIXED32:
        return Json{{"type", "integer"}, {"format", "uint32"}, {"minimum", 0}};
      case FieldDescriptor::TYPE_BOOL:
        return Json{{"type", "boolean"}};
      case FieldDescriptor::TYPE_STRING:
        return Json{{"type", "string"}};
      case FieldDescriptor::TYPE_BYTES:
        return Json{{"type", "string"}, {"format", "byte"}, {"contentEncoding", "base64"}};
      case FieldDescriptor::TYPE_ENUM:
        return EnumRef(field->enum_type());
      case FieldDescriptor::TYPE_MESSAGE:
      case FieldDescriptor::TYPE_GROUP:
        return MessageRef(field->message_type());
    }
    return Json::object();
  }

  // The schema of the field as it appears in its message's JSON, with its
  // comment (and its oneof, if any) as the description.
  Json FieldSchema(const FieldDescriptor* field) {
    Json schema;
    if (field->is_map()) {
      const FieldDescriptor* key = field->message_type()->map_key();
      schema = {{"type", "object"},
                {"additionalProperties", SingularSchema(field->message_type()->map_value())}};
      if (key->cpp_type() == FieldDescriptor::CPPTYPE_BOOL) {
        schema["propertyNames"] = {{"enum", {"true", "false"}}};
      } else if (key->cpp_type() != FieldDescriptor::CPPTYPE_STRING) {
        schema["propertyNames"] = {{"pattern", "^-?[0-9]+$"}};
      }
    } else if (field->is_repeated()) {
      schema = {{"type", "array"}, {"items", SingularSchema(field)}};
    } else {
      schema = SingularSchema(field);
    }
    std::string description = Comment(field);
    if (const google::protobuf::OneofDescriptor* oneof = field->real_containing_oneof()) {
      AppendParagraph(&description,
                      absl::StrCat("Member of oneof `", oneof->name(), "`: at most one of ",
                                   OneofMembers(oneof), " is set."));
    }
    if (!description.empty()) {
      if (schema.contains("description")) {
        AppendParagraph(&description, schema["description"].get<std::string>());
      }
      schema["description"] = description;
    }
    if (field->options().deprecated()) schema["deprecated"] = true;
    return schema;
  }

  static std::string OneofMembers(const google::protobuf::OneofDescriptor* oneof) {
    std::vector<std::string> names;
    for (int i = 0; i < oneof->field_count(); ++i) {
      names.push_back(absl::StrCat("`", oneof->field(i)->json_name(), "`"));
    }
    return absl::StrJoin(names, ", ");
  }

  Json Properties(const Descriptor* message, const std::set<std::string>& skip) {
    Json properties = Json::object();
    for (int i = 0; i < message->field_count(); ++i) {
      const FieldDescriptor* field = message->field(i);
      if (skip.count(field->name()) > 0) continue;
      properties[field->json_name()] = FieldSchema(field);
    }
    return properties;
  }

  void EmitPendingSchemas() {
    while (!pending_messages_.empty() || !pending_enums_.empty()) {
      if (!pending_messages_.empty()) {
        const Descriptor* message = pending_messages_.front();
        pending_messages_.erase(pending_messages_.begin());
        Json schema = {{"type", "object"}, {"title", message->name()}};
        std::string description = Comment(message);
        for (int i = 0; i < message->real_oneof_decl_count(); ++i) {
          const google::protobuf::OneofDescriptor* oneof = message->oneof_decl(i);
          AppendParagraph(&description, absl::StrCat("Oneof `", oneof->name(), "`: at most one of ",
                                                     OneofMembers(oneof), " is set."));
        }
        if (!description.empty()) schema["description"] = description;
        schema["properties"] = Properties(message, {});
        if (message->options().deprecated()) schema["deprecated"] = true;
        schemas_[message->full_name()] = std::move(schema);
        continue;
      }
      const EnumDescriptor* enum_type = pending_enums_.front();
      pending_enums_.erase(pending_enums_.begin());
      Json names = Json::array();
      std::string values;
      for (int i = 0; i < enum_type->value_count(); ++i) {
        const google::protobuf::EnumValueDescriptor* value = enum_type->value(i);
        names.push_back(value->name());
        std::string comment = Comment(value);
        absl::StrAppend(&values, values.empty() ? "" : "\n", "- `", value->name(), "`",
                        comment.empty() ? "" : ": ",
                        absl::StrJoin(absl::StrSplit(comment, '\n'), " "));
      }
      std::string description = Comment(enum_type);
      AppendParagraph(&description, values);
      schemas_[enum_type->full_name()] = {{"type", "string"},
                                          {"title", enum_type->name()},
                                          {"description", description},
                                          {"enum", std::move(names)}};
    }
  }

  static Json ErrorResponses() {
    Json responses;
    for (const ErrorStatus& error : kErrorStatuses) {
      responses[absl::StrCat("ConnectError", error.status)] = {
          {"description", error.description},
          {"content", {{"application/json", {{"schema", Ref(kConnectErrorSchema)}}}}}};
    }
    return responses;
  }

  static Json ConnectParameters() {
    Json parameters;
    parameters["ConnectProtocolVersion"] = {
        {"name", "Connect-Protocol-Version"},
        {"in", "header"},
        {"required", false},
        {"description", "The Connect protocol version; Connect clients send 1."},
        {"schema", {{"type", "string"}, {"enum", {"1"}}}}};
    parameters["ConnectTimeoutMs"] = {
        {"name", "Connect-Timeout-Ms"},
        {"in", "header"},
        {"required", false},
        {"description",
         "The call's deadline in milliseconds; past it the call ends with deadline_exceeded."},
        {"schema", {{"type", "string"}, {"pattern", "^[0-9]{1,10}$"}}}};
    return parameters;
  }

  void AddConnectErrorSchema() {
    Json codes = Json::array();
    for (const char* code : kConnectCodes) codes.push_back(code);
    schemas_[kConnectErrorSchema] = {
        {"type", "object"},
        {"title", "Connect error"},
        {"description", "The body of every error response (the Connect protocol's error JSON)."},
        {"properties",
         {{"code",
           {{"type", "string"},
            {"enum", std::move(codes)},
            {"description", "The gRPC status code in Connect's snake_case spelling."}}},
          {"message", {{"type", "string"}, {"description", "What went wrong, for a person."}}},
          {"details",
           {{"type", "array"},
            {"description", "Error details: protobuf messages."},
            {"items",
             {{"type", "object"},
              {"properties",
               {{"type",
                 {{"type", "string"}, {"description", "The detail's full protobuf message name."}}},
                {"value",
                 {{"type", "string"},
                  {"description", "The detail's binary encoding, base64 without padding."}}},
                {"debug", {{"description", "The detail as JSON, if the server adds it."}}}}},
              {"required", {"type", "value"}}}}}}}},
        {"required", {"code"}}};
  }

 public:
  absl::StatusOr<Json> Generate() {
    AddConnectErrorSchema();
    return Run();
  }

 private:
  const DescriptorPool& pool_;
  const OpenApiOptions& options_;
  Json paths_ = Json::object();
  std::map<std::string, Json> schemas_;
  std::map<std::string, std::string> normalized_paths_;
  std::set<std::string> operation_ids_;
  std::set<std::string> queued_;
  std::vector<const Descriptor*> pending_messages_;
  std::vector<const EnumDescriptor*> pending_enums_;
};

}  // namespace

absl::Status BuildDescriptorPool(std::string_view serialized_descriptor_set, DescriptorPool* pool) {
  google::protobuf::FileDescriptorSet set;
  if (!set.ParseFromArray(serialized_descriptor_set.data(),
                          static_cast<int>(serialized_descriptor_set.size()))) {
    return absl::InvalidArgumentError("not a serialized google.protobuf.FileDescriptorSet");
  }
  for (const google::protobuf::FileDescriptorProto& file : set.file()) {
    if (pool->BuildFile(file) == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("descriptor set: ", file.name(), " does not build (imports missing?)"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<nlohmann::ordered_json> GenerateOpenApiDocument(const DescriptorPool& pool,
                                                               const OpenApiOptions& options) {
  Generator generator(pool, options);
  return generator.Generate();
}

}  // namespace ecoplan::common
