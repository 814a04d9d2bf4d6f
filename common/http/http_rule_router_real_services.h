#pragma once

// The services of the four servers, from the generated code, for the router's
// tests and fuzzer (a server passes its own services to HttpRuleRouter::Build).

#include <vector>

#include "ecoplan/admin/v1/admin_service.pb.h"
#include "ecoplan/indicator/v1/assessment_service.pb.h"
#include "ecoplan/indicator/v1/document_service.pb.h"
#include "ecoplan/indicator/v1/indicator_service.pb.h"
#include "ecoplan/notification/v1/notification_service.pb.h"
#include "ecoplan/progress/v1/progress_service.pb.h"
#include "ecoplan/registry/v1/registry_service.pb.h"
#include "google/protobuf/descriptor.h"

namespace ecoplan::common {

// RegistryService, ProgressService, IndicatorService, AssessmentService,
// DocumentService, NotificationService and AdminService, in that order.
inline std::vector<const google::protobuf::ServiceDescriptor*> RealServiceDescriptors() {
  // A request type of each file names its file; the file names its service.
  return {
      registry::v1::GetPlanRequest::descriptor()->file()->FindServiceByName("RegistryService"),
      progress::v1::GetReportRequest::descriptor()->file()->FindServiceByName("ProgressService"),
      indicator::v1::GetIndicatorRequest::descriptor()->file()->FindServiceByName(
          "IndicatorService"),
      indicator::v1::GetScoringRulesRequest::descriptor()->file()->FindServiceByName(
          "AssessmentService"),
      indicator::v1::RenderChartRequest::descriptor()->file()->FindServiceByName("DocumentService"),
      notification::v1::GetNotificationRequest::descriptor()->file()->FindServiceByName(
          "NotificationService"),
      admin::v1::ListBackupsRequest::descriptor()->file()->FindServiceByName("AdminService"),
  };
}

}  // namespace ecoplan::common
