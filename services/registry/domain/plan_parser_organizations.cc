// Organizations in a plan document: the lead and responsible cells of the
// task tables as written, and their resolution (aliases merged, group words
// such as 各镇街 resolved against the town table) into OrgRefs.

#include <array>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "services/registry/domain/organization_directory.h"
#include "services/registry/domain/plan_parser_internal.h"

namespace ecoplan::registry::parser_internal {
namespace {

// Organization suffixes after which a written name is complete.
bool EndsLikeOrganization(absl::string_view name) {
  static constexpr std::array<absl::string_view, 33> kSuffixes = {
      "局",   "委", "办",   "室",   "中心", "支队", "大队", "分局",   "管委会", "管理处", "镇",
      "街道", "街", "小组", "公司", "集团", "院",   "所",   "站",     "会",     "队",     "处",
      "厅",   "部", "政府", "单位", "部门", "镇街", "街镇", "办事处", "法院",   "检察院", "馆"};
  for (absl::string_view s : kSuffixes) {
    if (absl::EndsWith(name, s)) return true;
  }
  return false;
}

// Words that cannot stand alone: the second half of a name the layout split.
bool IsBareSuffix(absl::string_view part) {
  for (absl::string_view s : {"管委会", "管理处", "成员单位", "办公室", "委员会", "领导小组",
                              "办事处", "分局", "支队", "大队", "中心"}) {
    if (part == s) return true;
  }
  return false;
}

// A piece of an organization cell: a name, or part of one the layout split.
struct Fragment {
  std::string text;
  int line;
};

// The pieces of `cell`: its lines, further split at list separators, without
// dashes.
std::vector<Fragment> Fragments(const Cell& cell) {
  std::vector<Fragment> fragments;
  for (size_t p = 0; p < cell.parts.size(); ++p) {
    std::string part = cell.parts[p];
    for (absl::string_view sep : {"、", "，", "；", ",", ";", "　"}) {
      absl::StrReplaceAll({{sep, "\x1f"}}, &part);
    }
    for (absl::string_view piece :
         absl::StrSplit(part, absl::ByAnyChar("\x1f "), absl::SkipEmpty())) {
      piece = Trim(piece);
      if (piece.empty()) continue;
      if (IsDashOnly(piece)) continue;
      fragments.push_back(Fragment{std::string(piece), cell.first_line + static_cast<int>(p)});
    }
  }
  return fragments;
}

}  // namespace

Parser::Written Parser::ParseOrgCell(const Cell& cell, bool lead, int measure_line) {
  Written w;
  const absl::string_view role = lead ? "lead" : "responsible";
  if (cell.Empty()) {
    Warn(cell.first_line, lead ? "empty-lead-cell" : "empty-responsible-cell",
         absl::StrCat("the ", role, " cell of the row at line ", measure_line,
                      " is empty; recorded as no organization"));
    return w;
  }
  if (IsDashOnly(cell.Joined())) return w;  // —— : none
  // Rejoin names the layout split over lines (中关村门头沟园 / 管委会).
  std::vector<Fragment> names;
  std::vector<Fragment> fragments = Fragments(cell);
  for (Fragment& f : fragments) {
    if (!names.empty()) {
      const std::string& prev = names.back().text;
      const bool prev_complete =
          EndsLikeOrganization(prev) || ClassifyGroupWord(prev) != OrgGroupKind::kNone;
      if (!prev_complete || IsBareSuffix(f.text)) {
        Warn(f.line, "organization-name-joined",
             absl::StrCat("«", prev, "» and «", f.text, "» on separate lines read as one name «",
                          prev, f.text, "»"));
        names.back().text += f.text;
        continue;
      }
    }
    names.push_back(std::move(f));
  }
  for (Fragment& f : names) {
    if (!EndsLikeOrganization(f.text) && ClassifyGroupWord(f.text) == OrgGroupKind::kNone) {
      Warn(f.line, "organization-name-unrecognized",
           absl::StrCat("«", f.text, "» does not end like an organization name; kept as written"));
    }
    if (absl::EndsWith(f.text, "成员单位")) {
      Warn(f.line, "group-word-assumed",
           absl::StrCat("«", f.text,
                        "» stands for the member units of a group, which the plan does not list; "
                        "recorded as related departments (to be named)"));
    }
    w.names.push_back(std::move(f.text));
  }
  return w;
}

void Parser::ResolveOrganizations() {
  std::vector<std::string> names = town_names_;
  for (const PendingMeasure& p : pending_) {
    names.insert(names.end(), p.leads.names.begin(), p.leads.names.end());
    names.insert(names.end(), p.responsibles.names.begin(), p.responsibles.names.end());
  }
  const OrganizationDirectory directory =
      OrganizationDirectory::FromWrittenNames(names, options_.alias_groups);
  const absl::flat_hash_set<std::string> towns(town_names_.begin(), town_names_.end());
  absl::flat_hash_set<std::string> warned;

  size_t next = 0;
  for (Task& task : out_.tasks) {
    for (Measure& m : task.measures) {
      const PendingMeasure& p = pending_[next++];
      auto resolve = [&](const Written& written, std::vector<OrgRef>* refs) {
        for (const std::string& name : written.names) {
          absl::StatusOr<OrgRef> ref = directory.Resolve(name);
          if (!ref.ok()) continue;  // cannot happen: every written name is in the directory
          if (ref->group == OrgGroupKind::kAllTowns && ref->member_ids.empty()) {
            ref->group_resolved = false;
            if (warned.insert("all-towns").second) {
              Warn(m.source.first_line, "all-towns-unknown",
                   absl::StrCat("«", name,
                                "» stands for every town and street, but the plan has no "
                                "table listing them; left unresolved"));
            }
          }
          const OrganizationKind kind = ClassifyOrganizationKind(name);
          if (ref->group == OrgGroupKind::kNone && !towns.empty() &&
              (kind == OrganizationKind::kTown || kind == OrganizationKind::kStreet) &&
              !towns.contains(name) && warned.insert(name).second) {
            Warn(m.source.first_line, "town-not-in-town-table",
                 absl::StrCat("«", name, "» is not among the towns and streets of the town table"));
          }
          refs->push_back(std::move(*ref));
        }
      };
      resolve(p.leads, &m.leads);
      resolve(p.responsibles, &m.responsibles);
    }
  }
  if (!out_.plan.reporting_recipient.empty() &&
      !directory.Resolve(out_.plan.reporting_recipient).ok()) {
    Warn(reporting_rule_line_, "reporting-recipient-unknown",
         absl::StrCat("reports go to «", out_.plan.reporting_recipient,
                      "», which no table names as an organization"));
  }
  out_.organizations = directory.organizations();
}

}  // namespace ecoplan::registry::parser_internal
