#pragma once

#include <cstddef>
#include <string_view>

namespace ecoplan::common {

// The table ecoplan_openapi_gen writes (the generated
// openapi_documents_data.cc in the build dir); read it through
// OpenApiDocument() (openapi_document.h).
struct EmbeddedOpenApiDocument {
  std::string_view server;
  std::string_view json;
};
extern const EmbeddedOpenApiDocument kEmbeddedOpenApiDocuments[];
extern const size_t kEmbeddedOpenApiDocumentCount;

}  // namespace ecoplan::common
