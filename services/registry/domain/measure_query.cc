#include "services/registry/domain/measure_query.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/text/normalize.h"

namespace ecoplan::registry {
namespace {

bool RefsContain(const std::vector<OrgRef>& refs, absl::string_view org_id) {
  for (const OrgRef& ref : refs) {
    if (ref.org_id == org_id) return true;
    if (std::find(ref.member_ids.begin(), ref.member_ids.end(), org_id) != ref.member_ids.end()) {
      return true;
    }
  }
  return false;
}

bool SectionMatches(absl::string_view wanted, const Task& task) {
  return wanted.empty() || task.section_id == wanted || task.subsection_id == wanted;
}

// FNV-1a: stable across processes and builds, unlike absl::Hash.
uint64_t Fnv1a(absl::string_view data) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

std::string DayText(const std::optional<absl::CivilDay>& day) {
  return day ? absl::FormatCivilTime(*day) : "";
}

std::string TaskPosition(size_t task_index) { return absl::StrFormat("%06d", task_index); }
std::string MeasurePosition(size_t task_index, int ordinal) {
  return absl::StrFormat("%06d/%04d", task_index, ordinal);
}

}  // namespace

absl::Status ValidateQuery(const MeasureQueryInput& query) {
  if (query.annex_number < 0 || query.annex_number > 99) {
    return absl::InvalidArgumentError("filter.annex_number must be between 0 and 99");
  }
  if (query.section_id.size() > 16) {
    return absl::InvalidArgumentError("filter.section_id is longer than 16 characters");
  }
  if (query.organization.size() > 300) {
    return absl::InvalidArgumentError("filter.organization is longer than 300 bytes");
  }
  if (!common::IsValidUtf8(query.text_contains) || !common::IsValidUtf8(query.organization)) {
    return absl::InvalidArgumentError("filter.text_contains and filter.organization must be UTF-8");
  }
  if (common::Utf8Length(query.text_contains) > 100) {
    return absl::InvalidArgumentError("filter.text_contains is longer than 100 characters");
  }
  if (query.due_after && query.due_before && *query.due_after > *query.due_before) {
    return absl::InvalidArgumentError("filter.due_after is later than filter.due_before");
  }
  if (query.role != OrgRole::kEither && query.organization.empty()) {
    return absl::InvalidArgumentError("filter.role needs filter.organization");
  }
  return absl::OkStatus();
}

namespace {

// The texts as written contain the filter, or their normalized forms contain
// the normalized filter (normalizing only when the plain comparison misses).
bool TextMatches(const MeasureQuery& query, const Task& task, const Measure& measure) {
  const std::string& wanted = query.input.text_contains;
  if (absl::StrContains(measure.text, wanted) || absl::StrContains(task.title, wanted)) return true;
  const std::string& normalized =
      query.normalized_text_contains.empty() ? wanted : query.normalized_text_contains;
  return absl::StrContains(common::NormalizeDocumentText(measure.text), normalized) ||
         absl::StrContains(common::NormalizeDocumentText(task.title), normalized);
}

}  // namespace

bool Matches(const MeasureQuery& query, const Task& task, const Measure& measure) {
  const MeasureQueryInput& in = query.input;
  if (in.annex_number != 0 && task.annex_number != in.annex_number) return false;
  if (!SectionMatches(in.section_id, task)) return false;
  if (in.origin != TaskOrigin::kUnspecified && task.origin != in.origin) return false;
  if (in.featured && measure.featured != *in.featured) return false;
  if (in.deadline_kind != DeadlineKind::kUnspecified && measure.deadline.kind != in.deadline_kind) {
    return false;
  }
  if (in.due_after || in.due_before) {
    if (!measure.deadline.due) return false;  // ongoing work has no due day
    if (in.due_after && *measure.deadline.due < *in.due_after) return false;
    if (in.due_before && *measure.deadline.due > *in.due_before) return false;
  }
  if (!query.organization_id.empty()) {
    const bool lead = RefsContain(measure.leads, query.organization_id);
    const bool responsible = RefsContain(measure.responsibles, query.organization_id);
    switch (in.role) {
      case OrgRole::kLead:
        if (!lead) return false;
        break;
      case OrgRole::kResponsible:
        if (!responsible) return false;
        break;
      case OrgRole::kEither:
        if (!lead && !responsible) return false;
        break;
    }
  }
  if (!in.text_contains.empty()) return TextMatches(query, task, measure);
  return true;
}

absl::StatusOr<int> EffectivePageSize(int requested, PageLimits limits) {
  if (requested < 0) return absl::InvalidArgumentError("page_size must not be negative");
  if (requested > limits.max_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size must be at most ", limits.max_size, "; got ", requested));
  }
  return requested == 0 ? limits.default_size : requested;
}

std::string EncodePageToken(absl::string_view fingerprint, absl::string_view position) {
  return absl::WebSafeBase64Escape(absl::StrCat("v1|", fingerprint, "|", position));
}

absl::StatusOr<std::string> DecodePageToken(absl::string_view token,
                                            absl::string_view fingerprint) {
  std::string raw;
  if (token.size() > 512 || !absl::WebSafeBase64Unescape(token, &raw)) {
    return absl::InvalidArgumentError("page_token is not a token this service issued");
  }
  std::vector<std::string> parts = absl::StrSplit(raw, absl::MaxSplits('|', 2));
  if (parts.size() != 3 || parts[0] != "v1") {
    return absl::InvalidArgumentError("page_token is not a token this service issued");
  }
  if (parts[1] != fingerprint) {
    return absl::InvalidArgumentError(
        "page_token belongs to another parent or filter; repeat the first request's parent and "
        "filter");
  }
  return parts[2];
}

std::string QueryFingerprint(absl::string_view parent, const MeasureQuery& query) {
  const MeasureQueryInput& in = query.input;
  const std::string canonical = absl::StrCat(
      parent, "\x1f", in.annex_number, "\x1f", in.section_id, "\x1f", query.organization_id, "\x1f",
      static_cast<int>(in.role), "\x1f", DayText(in.due_after), "\x1f", DayText(in.due_before),
      "\x1f", static_cast<int>(in.deadline_kind), "\x1f",
      in.featured ? (*in.featured ? "1" : "0") : "-", "\x1f", in.text_contains, "\x1f",
      static_cast<int>(in.origin));
  return absl::StrFormat("%016x", Fnv1a(canonical));
}

namespace {

// Walks items in position order and keeps those after the token's position,
// up to the page size, while counting every match for total_size.
class PageBuilder {
 public:
  PageBuilder(std::string fingerprint, std::string after, int size)
      : fingerprint_(std::move(fingerprint)), after_(std::move(after)), size_(size) {}

  // Counts a matching item at the position of task `task_index` (and of its
  // measure `ordinal`, if not negative); true when it belongs on this page.
  // The position text is formatted only to compare it with a page token or
  // to make the next one: a first page formats none of the items it counts.
  bool Take(size_t task_index, int ordinal = -1) {
    ++total_;
    if (!after_.empty() && Position(task_index, ordinal) <= after_) return false;
    if (taken_ == size_) {
      more_ = true;
      return false;
    }
    ++taken_;
    last_ = {task_index, ordinal};
    return true;
  }
  int total() const { return total_; }
  // The token of the next page; empty when this page is the last.
  std::string next_page_token() const {
    return more_ ? EncodePageToken(fingerprint_, Position(last_.first, last_.second)) : "";
  }

 private:
  const std::string fingerprint_;
  const std::string after_;
  const int size_;
  int taken_ = 0;
  int total_ = 0;
  bool more_ = false;
  std::pair<size_t, int> last_;  // the last item taken: task index, measure ordinal or -1

  static std::string Position(size_t task_index, int ordinal) {
    return ordinal < 0 ? TaskPosition(task_index) : MeasurePosition(task_index, ordinal);
  }
};

absl::StatusOr<PageBuilder> StartPage(const MeasureQuery& query, absl::string_view parent,
                                      const PageRequest& page, PageLimits limits) {
  absl::StatusOr<int> size = EffectivePageSize(page.page_size, limits);
  if (!size.ok()) return size.status();
  std::string fingerprint = QueryFingerprint(parent, query);
  std::string after;
  if (!page.page_token.empty()) {
    absl::StatusOr<std::string> position = DecodePageToken(page.page_token, fingerprint);
    if (!position.ok()) return position.status();
    after = *std::move(position);
  }
  return PageBuilder(std::move(fingerprint), std::move(after), *size);
}

}  // namespace

absl::StatusOr<TaskPage> ListMatchingTasks(const std::vector<Task>& tasks,
                                           const MeasureQuery& query, absl::string_view parent,
                                           const PageRequest& page) {
  absl::StatusOr<PageBuilder> builder = StartPage(query, parent, page, kTaskPageLimits);
  if (!builder.ok()) return builder.status();
  TaskPage result;
  for (size_t i = 0; i < tasks.size(); ++i) {
    const Task& task = tasks[i];
    std::vector<Measure> matching;
    for (const Measure& m : task.measures) {
      if (Matches(query, task, m)) matching.push_back(m);
    }
    if (matching.empty() || !builder->Take(i)) continue;
    Task filtered = task;
    filtered.measures = std::move(matching);
    result.tasks.push_back(std::move(filtered));
  }
  result.total_size = builder->total();
  result.next_page_token = builder->next_page_token();
  return result;
}

absl::StatusOr<MeasurePage> ListMatchingMeasures(const std::vector<Task>& tasks,
                                                 const MeasureQuery& query,
                                                 absl::string_view parent,
                                                 const PageRequest& page) {
  absl::StatusOr<PageBuilder> builder = StartPage(query, parent, page, kMeasurePageLimits);
  if (!builder.ok()) return builder.status();
  MeasurePage result;
  for (size_t i = 0; i < tasks.size(); ++i) {
    const Task& task = tasks[i];
    for (const Measure& m : task.measures) {
      if (Matches(query, task, m) && builder->Take(i, m.ordinal)) {
        result.measures.emplace_back(&m, &task);
      }
    }
  }
  result.total_size = builder->total();
  result.next_page_token = builder->next_page_token();
  return result;
}

MeasuresByOrganization IndexMeasuresByOrganization(const std::vector<Task>& tasks) {
  MeasuresByOrganization index;
  for (size_t t = 0; t < tasks.size(); ++t) {
    const Task& task = tasks[t];
    for (size_t m = 0; m < task.measures.size(); ++m) {
      const Measure& measure = task.measures[m];
      auto add = [&](const std::string& org_id, bool lead) {
        if (org_id.empty()) return;
        std::vector<OrganizationMention>& mentions = index[org_id];
        // Named twice by one measure (lead and responsible, or in two groups): one mention.
        if (mentions.empty() || mentions.back().task_index != t ||
            mentions.back().measure_index != m) {
          mentions.push_back({static_cast<uint32_t>(t), static_cast<uint32_t>(m), false, false});
        }
        (lead ? mentions.back().lead : mentions.back().responsible) = true;
      };
      for (const bool lead : {true, false}) {
        for (const OrgRef& ref : lead ? measure.leads : measure.responsibles) {
          add(ref.org_id, lead);
          for (const std::string& member : ref.member_ids) add(member, lead);
        }
      }
    }
  }
  return index;
}

absl::StatusOr<MeasurePage> ListMatchingMeasures(const std::vector<Task>& tasks,
                                                 const MeasuresByOrganization& by_organization,
                                                 const MeasureQuery& query,
                                                 absl::string_view parent,
                                                 const PageRequest& page) {
  if (query.organization_id.empty()) return ListMatchingMeasures(tasks, query, parent, page);
  absl::StatusOr<PageBuilder> builder = StartPage(query, parent, page, kMeasurePageLimits);
  if (!builder.ok()) return builder.status();
  MeasurePage result;
  auto it = by_organization.find(query.organization_id);
  if (it != by_organization.end()) {
    // The organization's part of the filter is answered by the index; the
    // rest by Matches. The candidates come in plan order, as the full walk
    // meets them, so the same measures are taken.
    MeasureQuery rest = query;
    rest.organization_id.clear();
    const OrgRole role = query.input.role;
    for (const OrganizationMention& mention : it->second) {
      if ((role == OrgRole::kLead && !mention.lead) ||
          (role == OrgRole::kResponsible && !mention.responsible)) {
        continue;
      }
      const Task& task = tasks[mention.task_index];
      const Measure& measure = task.measures[mention.measure_index];
      if (Matches(rest, task, measure) && builder->Take(mention.task_index, measure.ordinal)) {
        result.measures.emplace_back(&measure, &task);
      }
    }
  }
  result.total_size = builder->total();
  result.next_page_token = builder->next_page_token();
  return result;
}

}  // namespace ecoplan::registry
