#pragma once

// In-memory ReportStore for domain and handler tests. Commits apply at once
// and answer inline, unless hold_commits(true): then they queue until
// ReleaseCommits(), so tests can see what runs while a commit is in flight.

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "services/progress/domain/report_store.h"

namespace ecoplan::progress {

class FakeReportStore final : public ReportStore {
 public:
  absl::StatusOr<std::optional<Report>> GetReport(absl::string_view plan_id,
                                                  absl::string_view report_id) override {
    absl::MutexLock lock(&mu_);
    ++report_reads_;
    auto it = reports_.find(Key(plan_id, report_id));
    if (it == reports_.end()) return std::optional<Report>();
    return std::optional<Report>(it->second);
  }
  absl::StatusOr<std::vector<Report>> ListReports(absl::string_view plan_id,
                                                  absl::string_view period) override {
    absl::MutexLock lock(&mu_);
    std::vector<Report> out;
    for (const auto& [key, r] : reports_) {
      if (r.plan_id == plan_id && (period.empty() || r.period == period)) out.push_back(r);
    }
    return out;
  }
  absl::StatusOr<std::optional<ReportRevision>> GetRevision(absl::string_view plan_id,
                                                            absl::string_view report_id,
                                                            int revision) override {
    absl::MutexLock lock(&mu_);
    auto it = revisions_.find(Key(plan_id, report_id));
    if (it == revisions_.end()) return std::optional<ReportRevision>();
    for (const ReportRevision& r : it->second) {
      if (r.revision == revision) return std::optional<ReportRevision>(r);
    }
    return std::optional<ReportRevision>();
  }
  absl::StatusOr<std::vector<ReportRevision>> ListRevisions(absl::string_view plan_id,
                                                            absl::string_view report_id) override {
    absl::MutexLock lock(&mu_);
    auto it = revisions_.find(Key(plan_id, report_id));
    return it == revisions_.end() ? std::vector<ReportRevision>() : it->second;
  }
  absl::StatusOr<std::vector<Extension>> ListExtensions(absl::string_view plan_id,
                                                        absl::string_view measure_id) override {
    absl::MutexLock lock(&mu_);
    std::vector<Extension> out;
    for (const auto& [key, e] : extensions_) {
      if (e.plan_id == plan_id && (measure_id.empty() || e.measure_id == measure_id)) {
        out.push_back(e);
      }
    }
    return out;
  }
  absl::StatusOr<std::vector<Completion>> ListCompletions(absl::string_view plan_id,
                                                          absl::string_view measure_id) override {
    absl::MutexLock lock(&mu_);
    std::vector<Completion> out;
    for (const auto& [key, c] : completions_) {
      if (c.plan_id == plan_id && (measure_id.empty() || c.measure_id == measure_id)) {
        out.push_back(c);
      }
    }
    return out;
  }
  absl::StatusOr<std::vector<std::pair<std::string, CalendarRule>>> ListCalendars() override {
    absl::MutexLock lock(&mu_);
    return std::vector<std::pair<std::string, CalendarRule>>(calendars_.begin(), calendars_.end());
  }
  absl::StatusOr<std::vector<HolidayYear>> ListHolidays() override {
    absl::MutexLock lock(&mu_);
    std::vector<HolidayYear> out;
    for (const auto& [y, h] : holidays_) out.push_back(h);
    return out;
  }
  absl::StatusOr<std::optional<RequestRecord>> FindRequest(absl::string_view request_id) override {
    absl::MutexLock lock(&mu_);
    auto it = requests_.find(std::string(request_id));
    if (it == requests_.end()) return std::optional<RequestRecord>();
    return std::optional<RequestRecord>(it->second);
  }

  // With keep_read_version(true): the number of commits applied, so that the
  // recorder reuses what it computed while nothing was committed.
  std::optional<uint64_t> ReadVersion() override {
    absl::MutexLock lock(&mu_);
    if (!keep_read_version_) return std::nullopt;
    return static_cast<uint64_t>(commits_);
  }

  void CommitAsync(Change change, std::function<void(absl::Status)> done) override {
    {
      absl::MutexLock lock(&mu_);
      if (hold_) {
        held_.emplace_back(std::move(change), std::move(done));
        return;
      }
    }
    Apply(std::move(change), std::move(done));
  }

  // Test controls.
  void keep_read_version(bool keep) {
    absl::MutexLock lock(&mu_);
    keep_read_version_ = keep;
  }
  void hold_commits(bool hold) {
    absl::MutexLock lock(&mu_);
    hold_ = hold;
  }
  // Applies the queued commits in order.
  void ReleaseCommits() {
    std::deque<std::pair<Change, std::function<void(absl::Status)>>> held;
    {
      absl::MutexLock lock(&mu_);
      held.swap(held_);
    }
    for (auto& [change, done] : held) Apply(std::move(change), std::move(done));
  }
  size_t held_commits() const {
    absl::MutexLock lock(&mu_);
    return held_.size();
  }
  void FailNextCommit(absl::Status status) {
    absl::MutexLock lock(&mu_);
    fail_next_ = std::move(status);
  }
  // Every event emitted so far, in commit order, with the resource's id.
  std::vector<EventType> events() const {
    absl::MutexLock lock(&mu_);
    return events_;
  }
  int commits() const {
    absl::MutexLock lock(&mu_);
    return commits_;
  }
  // Calls of GetReport so far.
  int report_reads() const {
    absl::MutexLock lock(&mu_);
    return report_reads_;
  }

 private:
  static std::string Key(absl::string_view a, absl::string_view b) {
    return absl::StrCat(a, "/", b);
  }

  void Apply(Change change, std::function<void(absl::Status)> done) {
    absl::Status status;
    {
      absl::MutexLock lock(&mu_);
      if (!fail_next_.ok()) {
        status = fail_next_;
        fail_next_ = absl::OkStatus();
      } else {
        ++commits_;
        if (change.report) {
          const Report& r = *change.report;
          reports_[Key(r.plan_id, r.id())] = r;
          if (change.revision) {
            const RevisionNote& n = *change.revision;
            revisions_[Key(r.plan_id, r.id())].push_back(ReportRevision{
                n.revision, n.action, n.time, n.actor, n.comment, n.changes, r, n.request_id});
          }
        }
        if (change.extension) {
          const Extension& e = *change.extension;
          extensions_[std::make_tuple(e.plan_id, e.measure_id, e.number)] = e;
        }
        if (change.completion) {
          const Completion& c = *change.completion;
          completions_[std::make_tuple(c.plan_id, c.measure_id, c.number)] = c;
        }
        if (change.calendar) calendars_[change.calendar->first] = change.calendar->second;
        if (change.holidays) holidays_[change.holidays->year] = *change.holidays;
        if (change.request && !change.caller.request_id.empty()) {
          requests_[change.caller.request_id] = *change.request;
        }
        events_.insert(events_.end(), change.events.begin(), change.events.end());
      }
    }
    done(status);
  }

  mutable absl::Mutex mu_;
  bool hold_ ABSL_GUARDED_BY(mu_) = false;
  bool keep_read_version_ ABSL_GUARDED_BY(mu_) = false;
  std::deque<std::pair<Change, std::function<void(absl::Status)>>> held_ ABSL_GUARDED_BY(mu_);
  absl::Status fail_next_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Report> reports_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::vector<ReportRevision>> revisions_ ABSL_GUARDED_BY(mu_);
  std::map<std::tuple<std::string, std::string, int>, Extension> extensions_ ABSL_GUARDED_BY(mu_);
  std::map<std::tuple<std::string, std::string, int>, Completion> completions_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, CalendarRule> calendars_ ABSL_GUARDED_BY(mu_);
  std::map<int, HolidayYear> holidays_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, RequestRecord> requests_ ABSL_GUARDED_BY(mu_);
  std::vector<EventType> events_ ABSL_GUARDED_BY(mu_);
  int commits_ ABSL_GUARDED_BY(mu_) = 0;
  int report_reads_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace ecoplan::progress
