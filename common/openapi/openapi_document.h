#pragma once

#include <string_view>

namespace ecoplan::common {

// The OpenAPI 3.1 document (JSON) of one server's HTTP API, generated from the
// .proto files at build time (common/openapi/openapi_gen_main.cc) and compiled
// in: "registry", "progress", "indicator" or "notification". Empty for any
// other name. The front door serves it at GET /openapi.json. The returned view
// points at static storage; thread-safe.
std::string_view OpenApiDocument(std::string_view server);

}  // namespace ecoplan::common
