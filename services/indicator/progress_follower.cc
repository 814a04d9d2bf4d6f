#include "services/indicator/progress_follower.h"

#include <grpcpp/grpcpp.h>

#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"
#include "services/indicator/follow_effect.h"

namespace ecoplan::indicator {

namespace pv1 = ::ecoplan::progress::v1;

ProgressFollower::ProgressFollower(IndicatorEvaluator* evaluator,
                                   const RocksDbIndicatorStore* store, common::Logger log)
    : evaluator_(evaluator), store_(store), log_(std::move(log)) {}

absl::StatusOr<common::FollowEffect> ProgressFollower::Handle(
    const ecoplan::common::v1::Event& event) {
  common::FollowEffect out;
  ECOPLAN_ASSIGN_OR_RETURN(std::optional<CalendarUpdate> calendar, CalendarUpdateFromEvent(event));
  if (calendar.has_value()) {
    ECOPLAN_ASSIGN_OR_RETURN(SyncEffect effect,
                             evaluator_->PrepareCalendar(calendar->plan_id, calendar->calendar));
    log_.Info("reporting calendar recorded",
              {{"plan", calendar->plan_id}, {"progress_sequence", event.sequence()}});
    return FollowEffectOf(*store_, std::move(effect));
  }
  ECOPLAN_ASSIGN_OR_RETURN(std::optional<common::HolidayYear> holidays, HolidaysFromEvent(event));
  if (holidays.has_value()) {
    const int year = holidays->year;
    ECOPLAN_ASSIGN_OR_RETURN(SyncEffect effect, evaluator_->PrepareHolidays(std::move(*holidays)));
    log_.Info("holidays recorded", {{"year", year}, {"progress_sequence", event.sequence()}});
    return FollowEffectOf(*store_, std::move(effect));
  }
  ECOPLAN_ASSIGN_OR_RETURN(std::optional<ProgressUpdate> update, ProgressUpdateFromEvent(event));
  if (!update.has_value()) return out;
  if (!evaluator_->HasPlan(update->plan_id)) {
    return absl::UnavailableError(absl::StrCat(
        "plans/", update->plan_id, " has not been built from the registry yet; progress event ",
        event.sequence(), " waits for it"));
  }
  ECOPLAN_ASSIGN_OR_RETURN(SyncEffect effect, evaluator_->PrepareProgress(*update));
  if (effect.changed > 0) {
    log_.Info("progress values recorded", {{"plan", update->plan_id},
                                           {"observations", effect.changed},
                                           {"progress_sequence", event.sequence()}});
  }
  return FollowEffectOf(*store_, std::move(effect));
}

absl::Status ProgressFollower::SyncHolidays(pv1::ProgressService::StubInterface* progress, int year,
                                            absl::Duration timeout) {
  for (int y : {year, year + 1}) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(timeout));
    pv1::GetHolidaysRequest request;
    request.set_name(absl::StrCat("holidayCalendars/", y));
    pv1::GetHolidaysResponse response;
    const absl::Status status =
        common::FromGrpcStatus(progress->GetHolidays(&ctx, request, &response));
    if (absl::IsNotFound(status)) continue;  // not loaded there (yet): its event will come
    ECOPLAN_RETURN_IF_ERROR(status);
    ECOPLAN_ASSIGN_OR_RETURN(std::optional<common::HolidayYear> fetched,
                             HolidayYearFromProto(response.holidays()));
    if (!fetched.has_value() || fetched->year != y) continue;
    if (evaluator_->Holidays(y) == fetched) continue;
    const auto days_off = static_cast<int64_t>(fetched->holidays.size());
    ECOPLAN_ASSIGN_OR_RETURN(SyncEffect effect, evaluator_->PrepareHolidays(std::move(*fetched)));
    ECOPLAN_RETURN_IF_ERROR(evaluator_->CommitEffectNow(std::move(effect)));
    log_.Info("holidays updated from the progress service", {{"year", y}, {"days_off", days_off}});
  }
  return absl::OkStatus();
}

absl::Status ProgressFollower::SyncCalendars(pv1::ProgressService::StubInterface* progress,
                                             absl::Duration timeout) {
  for (const std::string& plan_id : evaluator_->PlanIds()) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(timeout));
    pv1::GetReportingCalendarRequest request;
    request.set_name(absl::StrCat("plans/", plan_id, "/reportingCalendar"));
    pv1::GetReportingCalendarResponse response;
    const absl::Status status =
        common::FromGrpcStatus(progress->GetReportingCalendar(&ctx, request, &response));
    if (absl::IsNotFound(status)) continue;  // not there (yet)
    ECOPLAN_RETURN_IF_ERROR(status);
    if (!response.calendar().overridden()) continue;  // the default from the plan
    common::CalendarRule fetched = CalendarFromProto(response.calendar());
    if (evaluator_->Calendar(plan_id) == fetched) continue;
    ECOPLAN_ASSIGN_OR_RETURN(SyncEffect effect,
                             evaluator_->PrepareCalendar(plan_id, std::move(fetched)));
    ECOPLAN_RETURN_IF_ERROR(evaluator_->CommitEffectNow(std::move(effect)));
    log_.Info("reporting calendar updated from the progress service", {{"plan", plan_id}});
  }
  return absl::OkStatus();
}

common::StreamOpener ProgressFollower::WithStartSync(common::StreamOpener open,
                                                     pv1::ProgressService::StubInterface* progress,
                                                     std::function<absl::Time()> now,
                                                     absl::Duration timeout) {
  return [this, open = std::move(open), progress, now = std::move(now), timeout](
             grpc::ClientContext* context, uint64_t after) {
    if (!start_synced_) {
      // Asia/Shanghai has no daylight saving time.
      const int year =
          static_cast<int>(absl::ToCivilYear(now(), absl::FixedTimeZone(8 * 3600)).year());
      absl::Status synced = SyncHolidays(progress, year, timeout);
      if (synced.ok()) synced = SyncCalendars(progress, timeout);
      start_synced_ = !absl::IsUnavailable(synced) && !absl::IsDeadlineExceeded(synced);
      if (!synced.ok()) {
        log_.Warn("cannot read the progress service's holidays and calendars",
                  {{"error", synced.ToString()}, {"retry", !start_synced_}});
      }
    }
    return open(context, after);
  };
}

}  // namespace ecoplan::indicator
