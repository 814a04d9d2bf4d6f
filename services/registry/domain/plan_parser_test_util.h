#pragma once

// Helpers of the plan parser's tests (plan_parser*_test.cc): the seed
// document, line surgery on a document, a whole-result description, and the
// fixture that parses the seed once per test suite.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/text/normalize.h"
#include "services/registry/domain/plan_parser.h"

namespace ecoplan::registry::parser_test {

// common/testing's EXPECT_STATUS_CODE cannot be used: its parameter `code`
// also replaces the `.code()` call in its body.
template <typename T>
absl::Status StatusOf(const absl::StatusOr<T>& s) {
  return s.status();
}

inline std::string ReadSeed() {
  std::ifstream in(ECOPLAN_SEED_PATH, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// Lines [1, last] of `text`, each followed by "\n".
inline std::string FirstLines(const std::string& text, int last) {
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  std::string out;
  for (int i = 0; i < last && i < static_cast<int>(lines.size()); ++i) {
    absl::StrAppend(&out, lines[i], "\n");
  }
  return out;
}

inline std::string WithoutLines(const std::string& text, int first, int last) {
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  std::vector<absl::string_view> kept;
  for (int i = 0; i < static_cast<int>(lines.size()); ++i) {
    if (i + 1 < first || i + 1 > last) kept.push_back(lines[i]);
  }
  return absl::StrJoin(kept, "\n");
}

inline std::vector<std::string> Names(const std::vector<OrgRef>& refs) {
  std::vector<std::string> out;
  for (const OrgRef& r : refs) out.push_back(r.written_name);
  return out;
}

inline std::string Day(const std::optional<absl::CivilDay>& d) {
  return d ? absl::FormatCivilTime(*d) : "-";
}

// Every field of a parse result, for whole-result comparisons.
inline std::string Describe(const ParsedPlan& p) {
  std::string s;
  const Plan& plan = p.plan;
  absl::StrAppend(&s, plan.id, "|", plan.title, "|", plan.document_number, "|", plan.issuer, "|",
                  plan.district, "|", Day(plan.issue_date), "|", plan.year, "|",
                  plan.supersedes_document_number, "|", plan.supersedes_title, "|",
                  plan.reporting_rule_text, "|", plan.reporting_due_day, "|",
                  plan.reporting_recipient, "|", plan.time_zone, "|", plan.normalized_sha256, "\n");
  for (const ParseWarning& w : plan.warnings)
    absl::StrAppend(&s, "W", w.line, w.code, w.message, "\n");
  const PlanSummary& m = plan.summary;
  absl::StrAppend(&s, m.annex_count, m.section_count, m.subsection_count, m.task_count,
                  m.measure_count, m.featured_measure_count, m.organization_count,
                  m.due_date_deadline_count, m.window_deadline_count, m.ongoing_deadline_count,
                  m.unresolved_deadline_count, m.indicator_table_count, m.warning_count, "\n");
  auto span = [](const SourceSpan& sp) {
    return absl::StrCat("[", sp.first_line, ",", sp.last_line, "]");
  };
  for (const Annex& a : plan.annexes) {
    absl::StrAppend(&s, "A", a.number, a.title, static_cast<int>(a.kind), span(a.source), "\n");
    for (const Section& sec : a.sections) {
      absl::StrAppend(&s, " S", sec.id, sec.number, sec.title, span(sec.source), "\n");
      for (const Section& sub : sec.subsections) {
        absl::StrAppend(&s, "  S", sub.id, sub.number, sub.title, span(sub.source), "\n");
      }
    }
    for (const IndicatorTable& t : a.indicator_tables) {
      absl::StrAppend(&s, " T", t.index, span(t.source), "\n");
      for (const auto* rows : {&t.header_rows, &t.rows}) {
        for (const TableRow& r : *rows) {
          absl::StrAppend(&s, "  R", span(r.source));
          for (const TableCell& c : r.cells)
            absl::StrAppend(&s, "|", c.text, ":", static_cast<int>(c.state));
          absl::StrAppend(&s, "\n");
        }
      }
    }
  }
  for (const Task& t : p.tasks) {
    absl::StrAppend(&s, "K", t.id, t.annex_number, t.section_id, t.subsection_id, t.sequence_number,
                    t.title, span(t.source), "\n");
    for (const Measure& me : t.measures) {
      absl::StrAppend(&s, " M", me.id, me.task_id, me.ordinal, me.text, me.featured,
                      me.deadline.raw, static_cast<int>(me.deadline.kind),
                      Day(me.deadline.window_start), Day(me.deadline.due), span(me.source), "\n");
      for (const auto* refs : {&me.leads, &me.responsibles}) {
        for (const OrgRef& r : *refs) {
          absl::StrAppend(&s, "  O", r.written_name, r.org_id, static_cast<int>(r.group),
                          r.group_resolved, absl::StrJoin(r.member_ids, ","), "\n");
        }
        absl::StrAppend(&s, "  --\n");
      }
    }
  }
  for (const Organization& o : p.organizations) {
    absl::StrAppend(&s, "G", o.id, o.name, absl::StrJoin(o.aliases, ","), static_cast<int>(o.kind),
                    "\n");
  }
  return s;
}

// `p` with every text kept as written put in normalized form (what a variant
// typed with other punctuation widths must agree on).
inline ParsedPlan WithNormalizedTexts(ParsedPlan p) {
  for (Annex& a : p.plan.annexes) {
    a.title = common::NormalizeDocumentText(a.title);
    for (Section& sec : a.sections) {
      sec.title = common::NormalizeDocumentText(sec.title);
      for (Section& sub : sec.subsections) sub.title = common::NormalizeDocumentText(sub.title);
    }
  }
  for (Task& t : p.tasks) {
    t.title = common::NormalizeDocumentText(t.title);
    for (Measure& m : t.measures) {
      m.text = common::NormalizeDocumentText(m.text);
      m.deadline.raw = common::NormalizeDocumentText(m.deadline.raw);
    }
  }
  return p;
}

class PlanParserSeedTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    seed_ = new std::string(ReadSeed());
    absl::StatusOr<ParsedPlan> parsed = ParsePlanDocument(*seed_);
    ASSERT_OK(parsed);
    parsed_ = new ParsedPlan(*std::move(parsed));
  }
  static void TearDownTestSuite() {
    delete parsed_;
    delete seed_;
  }

  static const Task& FindTask(absl::string_view id) {
    for (const Task& t : parsed_->tasks) {
      if (t.id == id) return t;
    }
    ADD_FAILURE() << "no task " << id;
    static const Task kNone;
    return kNone;
  }
  static const Measure& FindMeasure(absl::string_view id) {
    for (const Task& t : parsed_->tasks) {
      for (const Measure& m : t.measures) {
        if (m.id == id) return m;
      }
    }
    ADD_FAILURE() << "no measure " << id;
    static const Measure kNone;
    return kNone;
  }
  static const Organization* FindOrg(absl::string_view name) {
    for (const Organization& o : parsed_->organizations) {
      if (o.name == name) return &o;
    }
    return nullptr;
  }

  static inline std::string* seed_ = nullptr;
  static inline ParsedPlan* parsed_ = nullptr;
};

}  // namespace ecoplan::registry::parser_test
