#include "common/openapi/openapi_document.h"

#include "common/openapi/embedded_openapi_documents.h"

namespace ecoplan::common {

std::string_view OpenApiDocument(std::string_view server) {
  for (size_t i = 0; i < kEmbeddedOpenApiDocumentCount; ++i) {
    if (kEmbeddedOpenApiDocuments[i].server == server) return kEmbeddedOpenApiDocuments[i].json;
  }
  return {};
}

}  // namespace ecoplan::common
