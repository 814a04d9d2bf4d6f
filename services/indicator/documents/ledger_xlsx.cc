#include "services/indicator/documents/ledger_xlsx.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "services/indicator/documents/monthly_report_text.h"

namespace ecoplan::indicator::documents {
namespace {

namespace iv1 = ::ecoplan::indicator::v1;
namespace pv1 = ::ecoplan::progress::v1;
namespace rv1 = ::ecoplan::registry::v1;
namespace cv1 = ::ecoplan::common::v1;

// Asia/Shanghai has had no daylight saving since 1991.
const absl::TimeZone& Shanghai() {
  static const absl::TimeZone* zone = new absl::TimeZone(absl::FixedTimeZone(8 * 3600));
  return *zone;
}

// The last '/'-separated segment of a resource name.
std::string Short(absl::string_view name) {
  size_t slash = name.rfind('/');
  return std::string(slash == absl::string_view::npos ? name : name.substr(slash + 1));
}

// At most Excel's 32767 characters (cut at a UTF-8 boundary, well below).
std::string CellText(absl::string_view text) {
  constexpr size_t kMax = 32000;
  if (text.size() <= kMax) return std::string(text);
  size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut));
}

// Excel's serial day number (1900 system): days since 1899-12-30.
double Serial(absl::CivilDay day) {
  return static_cast<double>(day - absl::CivilDay(1899, 12, 30));
}
bool HasDate(const cv1::Date& d) { return d.year() != 0 && d.month() != 0 && d.day() != 0; }
double Serial(const cv1::Date& d) { return Serial(absl::CivilDay(d.year(), d.month(), d.day())); }
bool HasTime(const google::protobuf::Timestamp& t) { return t.seconds() != 0 || t.nanos() != 0; }
absl::Time ToTime(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}
// A time as Asia/Shanghai local date and time, to the second.
double Serial(const google::protobuf::Timestamp& t) {
  const absl::CivilSecond s = absl::ToCivilSecond(ToTime(t), Shanghai());
  return Serial(absl::CivilDay(s)) + (s.hour() * 3600 + s.minute() * 60 + s.second()) / 86400.0;
}
absl::CivilMonth MonthOf(const google::protobuf::Timestamp& t) {
  return absl::CivilMonth(absl::ToCivilSecond(ToTime(t), Shanghai()));
}

std::string ColourCell(iv1::MeasureColour c) {
  switch (c) {
    case iv1::MEASURE_COLOUR_RED:
      return "红";
    case iv1::MEASURE_COLOUR_YELLOW:
      return "黄";
    case iv1::MEASURE_COLOUR_GREEN:
      return "绿";
    default:
      return "";
  }
}

std::string CompletionWord(iv1::MeasureCompletionState s, bool counted) {
  switch (s) {
    case iv1::MEASURE_COMPLETION_STATE_DECLARED:
      return "已申报办结";
    case iv1::MEASURE_COMPLETION_STATE_CONFIRMED:
      return counted ? "已办结" : "已办结（指标未达标，不计完成）";
    case iv1::MEASURE_COMPLETION_STATE_REJECTED:
      return "办结申报被退回";
    case iv1::MEASURE_COMPLETION_STATE_NONE:
      return "推进中";
    default:
      return "";
  }
}

// MeasureOwnerProgress.status words.
std::string ProgressWord(absl::string_view status) {
  if (status == "not_started") return "未启动";
  if (status == "in_progress") return "推进中";
  if (status == "completed") return "已完成";
  if (status == "blocked") return "受阻";
  if (status == "delayed") return "滞后";
  return std::string(status);
}

std::string EntryStatusWord(pv1::MeasureStatus s) {
  switch (s) {
    case pv1::MEASURE_STATUS_NOT_STARTED:
      return "未启动";
    case pv1::MEASURE_STATUS_IN_PROGRESS:
      return "推进中";
    case pv1::MEASURE_STATUS_COMPLETED:
      return "已完成";
    case pv1::MEASURE_STATUS_DELAYED:
      return "滞后";
    case pv1::MEASURE_STATUS_BLOCKED:
      return "受阻";
    default:
      return "";
  }
}

std::string TimelinessWord(pv1::Timeliness t) {
  switch (t) {
    case pv1::TIMELINESS_ON_TIME:
      return "按时";
    case pv1::TIMELINESS_LATE:
      return "逾期";
    default:
      return "";
  }
}

std::string ExtensionWord(pv1::ExtensionState s) {
  switch (s) {
    case pv1::EXTENSION_STATE_PENDING:
      return "待审批";
    case pv1::EXTENSION_STATE_APPROVED:
      return "已批准";
    case pv1::EXTENSION_STATE_REJECTED:
      return "未批准";
    default:
      return "";
  }
}

std::string CompletionStateWord(pv1::CompletionState s) {
  switch (s) {
    case pv1::COMPLETION_STATE_DECLARED:
      return "已申报";
    case pv1::COMPLETION_STATE_CONFIRMED:
      return "已确认";
    case pv1::COMPLETION_STATE_REJECTED:
      return "已退回";
    default:
      return "";
  }
}

// What the workbook is narrowed to: one organization, or everything.
class Scope {
 public:
  Scope(const MonthFacts& facts, const std::string& organization) {
    if (organization.empty()) return;
    resource_ = absl::StartsWith(organization, "organizations/")
                    ? organization
                    : absl::StrCat("organizations/", organization);
    display_ = Short(resource_);
    for (const rv1::Organization& o : facts.organizations) {
      if (o.name() == resource_)
        display_ = o.display_name().empty() ? Short(o.name()) : o.display_name();
    }
    for (const rv1::Measure& m : facts.measures) {
      if (Involves(m)) measures_.insert(m.name());
    }
  }
  bool all() const { return resource_.empty(); }
  const std::string& display() const { return display_; }
  bool Measure(const rv1::Measure& m) const { return all() || measures_.count(m.name()) > 0; }
  bool MeasureName(const std::string& name) const { return all() || measures_.count(name) > 0; }
  // An organization's resource name ("organizations/…").
  bool Resource(const std::string& name) const { return all() || name == resource_; }
  // An organization's canonical (display) name.
  bool Named(const std::string& name) const { return all() || name == display_; }

 private:
  bool Refers(const rv1::OrgRef& ref) const {
    if (ref.organization() == resource_) return true;
    for (const std::string& member : ref.members()) {
      if (member == resource_) return true;
    }
    return false;
  }
  bool Involves(const rv1::Measure& m) const {
    for (const rv1::OrgRef& r : m.lead_organizations()) {
      if (Refers(r)) return true;
    }
    for (const rv1::OrgRef& r : m.responsible_organizations()) {
      if (Refers(r)) return true;
    }
    return false;
  }

  std::string resource_;
  std::string display_;
  std::set<std::string> measures_;
};

// The cell formats of the workbook.
struct Formats {
  lxw_format* header = nullptr;
  lxw_format* text = nullptr;
  lxw_format* date = nullptr;
  lxw_format* datetime = nullptr;
  lxw_format* number = nullptr;
  lxw_format* percent = nullptr;
  lxw_format* integer = nullptr;
  lxw_format* red = nullptr;
  lxw_format* yellow = nullptr;
  lxw_format* green = nullptr;

  explicit Formats(lxw_workbook* wb) {
    header = workbook_add_format(wb);
    format_set_bold(header);
    format_set_bg_color(header, 0xD9E1F2);
    format_set_border(header, LXW_BORDER_THIN);
    format_set_text_wrap(header);
    format_set_align(header, LXW_ALIGN_VERTICAL_CENTER);
    text = workbook_add_format(wb);
    format_set_text_wrap(text);
    format_set_align(text, LXW_ALIGN_VERTICAL_TOP);
    date = workbook_add_format(wb);
    format_set_num_format(date, "yyyy-mm-dd");
    format_set_align(date, LXW_ALIGN_VERTICAL_TOP);
    datetime = workbook_add_format(wb);
    format_set_num_format(datetime, "yyyy-mm-dd hh:mm");
    format_set_align(datetime, LXW_ALIGN_VERTICAL_TOP);
    number = workbook_add_format(wb);
    format_set_num_format(number, "0.0##");
    format_set_align(number, LXW_ALIGN_VERTICAL_TOP);
    percent = workbook_add_format(wb);
    format_set_num_format(percent, "0%");
    format_set_align(percent, LXW_ALIGN_VERTICAL_TOP);
    integer = workbook_add_format(wb);
    format_set_num_format(integer, "0");
    format_set_align(integer, LXW_ALIGN_VERTICAL_TOP);
    red = Fill(wb, 0xFF0000, LXW_COLOR_WHITE);
    yellow = Fill(wb, 0xFFFF00, LXW_COLOR_BLACK);
    green = Fill(wb, 0x00B050, LXW_COLOR_WHITE);
  }

  lxw_format* Colour(iv1::MeasureColour c) const {
    switch (c) {
      case iv1::MEASURE_COLOUR_RED:
        return red;
      case iv1::MEASURE_COLOUR_YELLOW:
        return yellow;
      case iv1::MEASURE_COLOUR_GREEN:
        return green;
      default:
        return text;
    }
  }

 private:
  static lxw_format* Fill(lxw_workbook* wb, lxw_color_t bg, lxw_color_t fg) {
    lxw_format* f = workbook_add_format(wb);
    format_set_pattern(f, LXW_PATTERN_SOLID);
    format_set_bg_color(f, bg);
    format_set_font_color(f, fg);
    format_set_bold(f);
    format_set_align(f, LXW_ALIGN_CENTER);
    format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    return f;
  }
};

// A column: its header and width (characters).
struct Column {
  const char* header;
  double width;
};

// One sheet being written, row by row; the first error is kept.
class Sheet {
 public:
  Sheet(lxw_workbook* wb, const Formats& f, const char* name, const std::vector<Column>& columns)
      : ws_(workbook_add_worksheet(wb, name)), f_(f), columns_(columns.size()) {
    if (ws_ == nullptr) {
      error_ = LXW_ERROR_MEMORY_MALLOC_FAILED;
      return;
    }
    for (size_t c = 0; c < columns.size(); ++c) {
      Keep(worksheet_set_column(ws_, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c),
                                columns[c].width, nullptr));
      Keep(worksheet_write_string(ws_, 0, static_cast<lxw_col_t>(c), columns[c].header, f_.header));
    }
    worksheet_freeze_panes(ws_, 1, 0);
  }

  // Starts the next row.
  void Next() {
    ++row_;
    col_ = 0;
  }
  void Text(absl::string_view s) {
    if (!s.empty()) {
      const std::string cell = CellText(s);
      Keep(worksheet_write_string(ws_, row_, col_, cell.c_str(), f_.text));
    }
    ++col_;
  }
  void Text(absl::string_view s, lxw_format* format) {
    const std::string cell = CellText(s);
    Keep(worksheet_write_string(ws_, row_, col_, cell.c_str(), format));
    ++col_;
  }
  void Number(double v, lxw_format* format) {
    Keep(worksheet_write_number(ws_, row_, col_, v, format));
    ++col_;
  }
  void Number(double v) { Number(v, f_.number); }
  void Integer(int64_t v) { Number(static_cast<double>(v), f_.integer); }
  void Optional(bool has, double v) {
    if (has) {
      Number(v);
    } else {
      Skip();
    }
  }
  void Date(const cv1::Date& d) {
    if (HasDate(d)) {
      Number(Serial(d), f_.date);
    } else {
      Skip();
    }
  }
  void Time(const google::protobuf::Timestamp& t) {
    if (HasTime(t)) {
      Number(Serial(t), f_.datetime);
    } else {
      Skip();
    }
  }
  void Skip() { ++col_; }

  // The autofilter over the header and every row written.
  lxw_error Finish() {
    if (ws_ != nullptr && columns_ > 0) {
      Keep(worksheet_autofilter(ws_, 0, 0, row_, static_cast<lxw_col_t>(columns_ - 1)));
    }
    return error_;
  }

 private:
  void Keep(lxw_error e) {
    if (error_ == LXW_NO_ERROR) error_ = e;
  }

  lxw_worksheet* ws_;
  const Formats& f_;
  size_t columns_;
  lxw_row_t row_ = 0;
  lxw_col_t col_ = 0;
  lxw_error error_ = LXW_NO_ERROR;
};

// Names of organizations by resource name.
std::map<std::string, std::string> NamesByOrganization(const MonthFacts& facts) {
  std::map<std::string, std::string> names;
  for (const rv1::Organization& o : facts.organizations) {
    names[o.name()] = o.display_name().empty() ? Short(o.name()) : o.display_name();
  }
  return names;
}

std::string OrgRefs(const google::protobuf::RepeatedPtrField<rv1::OrgRef>& refs,
                    const std::map<std::string, std::string>& names) {
  std::vector<std::string> out;
  for (const rv1::OrgRef& r : refs) {
    auto it = names.find(r.organization());
    out.push_back(!r.organization().empty() && it != names.end() ? it->second : r.written_name());
  }
  return absl::StrJoin(out, "、");
}

std::string OrgName(const std::string& resource, const std::map<std::string, std::string>& names) {
  auto it = names.find(resource);
  return it != names.end() ? it->second : Short(resource);
}

// The measure lights and scorecards the ledger shows: a closed month's
// published assessment, else the evaluation as of the as-of day.
const google::protobuf::RepeatedPtrField<iv1::MeasureLight>& Lights(const MonthFacts& f) {
  return f.month_closed && f.assessment.has_value() ? f.assessment->measure_lights()
                                                    : f.evaluation.measure_lights();
}
const google::protobuf::RepeatedPtrField<iv1::Scorecard>& Scorecards(const MonthFacts& f) {
  return f.month_closed && f.assessment.has_value() ? f.assessment->scorecards()
                                                    : f.evaluation.scorecards();
}

// Whether a time falls in the ledger's month (Asia/Shanghai).
bool InMonth(const google::protobuf::Timestamp& t, absl::CivilMonth month) {
  return HasTime(t) && MonthOf(t) == month;
}

lxw_error WriteMeasures(lxw_workbook* wb, const Formats& f, const MonthFacts& facts,
                        const Scope& scope, const std::map<std::string, std::string>& names) {
  Sheet s(wb, f, "措施",
          {{"措施编号", 14},
           {"附件", 6},
           {"章节", 8},
           {"任务", 24},
           {"措施内容", 60},
           {"重点措施", 8},
           {"牵头单位", 18},
           {"责任单位", 24},
           {"完成时限", 14},
           {"截止日期", 12},
           {"原截止日期", 12},
           {"办结状态", 14},
           {"颜色", 6},
           {"原因", 48},
           {"最新报告单位", 14},
           {"最新报告期", 10},
           {"最新报告进展", 10},
           {"最新报告完成比例", 10},
           {"最新报告报送时间", 17}});
  std::map<std::string, const iv1::MeasureLight*> lights;
  for (const iv1::MeasureLight& l : Lights(facts)) lights[l.measure()] = &l;
  for (const rv1::Measure& m : facts.measures) {
    if (!scope.Measure(m)) continue;
    s.Next();
    s.Text(Short(m.name()));
    s.Integer(m.annex_number());
    s.Text(m.section_id());
    s.Text(m.task_title());
    s.Text(m.text());
    s.Text(m.featured() ? "★" : "");
    s.Text(OrgRefs(m.lead_organizations(), names));
    s.Text(OrgRefs(m.responsible_organizations(), names));
    s.Text(m.deadline().raw());
    auto it = lights.find(m.name());
    const iv1::MeasureLight* light = it != lights.end() ? it->second : nullptr;
    // The due day the light used (an approved extension's), else the plan's.
    s.Date(light != nullptr && HasDate(light->due_date()) ? light->due_date()
                                                          : m.deadline().due_date());
    s.Date(light != nullptr ? light->original_due_date() : cv1::Date());
    if (light == nullptr) {
      for (int i = 0; i < 9; ++i) s.Skip();  // with no light, nothing judged
      continue;
    }
    s.Text(CompletionWord(light->completion_state(), light->counted_completed()));
    const std::string colour = ColourCell(light->colour());
    if (colour.empty()) {
      s.Skip();
    } else {
      s.Text(colour, f.Colour(light->colour()));
    }
    s.Text(absl::StrJoin(ReasonsToPrint(*light), "\n"));
    // The latest report: the first organization's (leads come first).
    const iv1::MeasureOwnerProgress* latest = nullptr;
    for (const iv1::MeasureOwnerProgress& p : light->progress()) {
      if (scope.Named(p.organization())) {
        latest = &p;
        break;
      }
    }
    if (latest == nullptr) {
      for (int i = 0; i < 5; ++i) s.Skip();
      continue;
    }
    s.Text(latest->organization());
    s.Text(latest->period());
    s.Text(ProgressWord(latest->status()));
    s.Number(latest->percent_done() / 100.0, f.percent);
    google::protobuf::Timestamp submitted;
    for (const pv1::Report& r : facts.reports) {
      if (r.organization_display_name() == latest->organization() &&
          r.period() == latest->period()) {
        submitted = r.last_submit_time();
      }
    }
    s.Time(submitted);
  }
  return s.Finish();
}

std::map<std::string, const rv1::Measure*> MeasuresByName(const MonthFacts& facts) {
  std::map<std::string, const rv1::Measure*> out;
  for (const rv1::Measure& m : facts.measures) out[m.name()] = &m;
  return out;
}

std::string MeasureLabel(const std::string& name,
                         const std::map<std::string, const rv1::Measure*>& measures) {
  auto it = measures.find(name);
  if (it == measures.end()) return "";
  std::string text = it->second->text();
  // The first line, at most 40 characters (UTF-8).
  text = text.substr(0, text.find('\n'));
  size_t chars = 0, i = 0;
  for (; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && ++chars > 40) break;
  }
  return i < text.size() ? absl::StrCat(text.substr(0, i), "…") : text;
}

lxw_error WriteReports(lxw_workbook* wb, const Formats& f, const MonthFacts& facts,
                       const Scope& scope) {
  Sheet s(wb, f, "月度报告",
          {{"报告单位", 14},
           {"报告期", 9},
           {"报告状态", 9},
           {"措施编号", 14},
           {"措施", 32},
           {"进展", 8},
           {"完成比例", 9},
           {"工作进展", 48},
           {"存在问题", 32},
           {"下步计划", 32},
           {"首次报送时间", 17},
           {"最后报送时间", 17},
           {"报送截止时间", 17},
           {"是否按时", 8},
           {"逾期小时", 9}});
  const auto measures = MeasuresByName(facts);
  for (const pv1::Report& r : facts.reports) {
    if (!scope.Resource(r.organization())) continue;
    auto common = [&](const pv1::ReportEntry* e) {
      s.Next();
      s.Text(r.organization_display_name().empty() ? Short(r.organization())
                                                   : r.organization_display_name());
      s.Text(r.period());
      s.Text(ReportStateWord(r.state()));
      if (e == nullptr) {
        for (int i = 0; i < 7; ++i) s.Skip();
      } else {
        s.Text(Short(e->measure()));
        s.Text(MeasureLabel(e->measure(), measures));
        s.Text(EntryStatusWord(e->status()));
        s.Number(e->percent_done() / 100.0, f.percent);
        s.Text(e->work_done());
        s.Text(e->problems());
        s.Text(e->next_steps());
      }
      s.Time(r.first_submit_time());
      s.Time(r.last_submit_time());
      s.Time(r.due_time());
      s.Text(TimelinessWord(r.timeliness()));
      if (r.timeliness() == pv1::TIMELINESS_LATE) {
        s.Number(static_cast<double>(r.lateness().seconds()) / 3600.0);
      } else {
        s.Skip();
      }
    };
    if (r.entries().empty()) common(nullptr);
    for (const pv1::ReportEntry& e : r.entries()) common(&e);
  }
  return s.Finish();
}

lxw_error WriteSubmissions(lxw_workbook* wb, const Formats& f, const MonthFacts& facts,
                           const Scope& scope) {
  Sheet s(wb, f, "报送情况",
          {{"单位", 16},
           {"报告期", 9},
           {"报送情况", 10},
           {"报告状态", 9},
           {"负责措施数", 10},
           {"未填报措施数", 12},
           {"未填报措施", 40},
           {"逾期小时", 9}});
  for (const pv1::OrganizationSubmission& o : facts.submissions.organizations()) {
    if (!scope.Resource(o.organization())) continue;
    s.Next();
    s.Text(o.organization_display_name().empty() ? Short(o.organization())
                                                 : o.organization_display_name());
    s.Text(facts.submissions.period());
    s.Text(SubmissionWord(o.state()));
    s.Text(ReportStateWord(o.report_state()));
    s.Integer(o.owned_measure_count());
    s.Integer(o.measures_without_entry_size());
    std::vector<std::string> ids;
    for (const std::string& m : o.measures_without_entry()) ids.push_back(Short(m));
    s.Text(absl::StrJoin(ids, "、"));
    if (o.state() == pv1::SUBMISSION_STATE_LATE) {
      s.Number(static_cast<double>(o.lateness().seconds()) / 3600.0);
    } else {
      s.Skip();
    }
  }
  return s.Finish();
}

lxw_error WriteExtensions(lxw_workbook* wb, const Formats& f, const MonthFacts& facts,
                          const Scope& scope, absl::CivilMonth month,
                          const std::map<std::string, std::string>& names) {
  Sheet s(wb, f, "延期",
          {{"措施编号", 14},
           {"申请单位", 14},
           {"第几次申请", 10},
           {"原截止日期", 12},
           {"申请时截止日期", 14},
           {"申请延至", 12},
           {"理由", 40},
           {"状态", 8},
           {"审批意见", 32},
           {"申请时间", 17},
           {"审批时间", 17}});
  for (const pv1::Extension& e : facts.extensions) {
    if (!InMonth(e.request_time(), month) && !InMonth(e.decision_time(), month)) continue;
    if (!scope.Resource(e.organization()) && !scope.MeasureName(e.measure())) continue;
    s.Next();
    s.Text(Short(e.measure()));
    s.Text(OrgName(e.organization(), names));
    s.Integer(e.request_number());
    s.Date(e.original_due_date());
    s.Date(e.current_due_date());
    s.Date(e.requested_due_date());
    s.Text(e.reason());
    s.Text(ExtensionWord(e.state()));
    s.Text(e.decision_comment());
    s.Time(e.request_time());
    s.Time(e.decision_time());
  }
  return s.Finish();
}

lxw_error WriteCompletions(lxw_workbook* wb, const Formats& f, const MonthFacts& facts,
                           const Scope& scope, absl::CivilMonth month,
                           const std::map<std::string, std::string>& names) {
  Sheet s(wb, f, "完成",
          {{"措施编号", 14},
           {"申报单位", 14},
           {"第几次申报", 10},
           {"完成情况说明", 48},
           {"佐证材料", 32},
           {"状态", 8},
           {"审核意见", 32},
           {"申报时间", 17},
           {"审核时间", 17}});
  for (const pv1::Completion& c : facts.completions) {
    if (!InMonth(c.declare_time(), month) && !InMonth(c.decision_time(), month)) continue;
    if (!scope.Resource(c.organization()) && !scope.MeasureName(c.measure())) continue;
    s.Next();
    s.Text(Short(c.measure()));
    s.Text(OrgName(c.organization(), names));
    s.Integer(c.declaration_number());
    s.Text(c.description());
    s.Text(absl::StrJoin(c.evidence_links(), "\n"));
    s.Text(CompletionStateWord(c.state()));
    s.Text(c.decision_comment());
    s.Time(c.declare_time());
    s.Time(c.decision_time());
  }
  return s.Finish();
}

lxw_error WriteIndicators(lxw_workbook* wb, const Formats& f, const MonthFacts& facts,
                          const Scope& scope) {
  Sheet s(wb, f, "指标",
          {{"指标编号", 16},
           {"指标", 28},
           {"单位", 8},
           {"范围", 10},
           {"当前值", 10},
           {"目标", 10},
           {"目标值", 10},
           {"状态", 10},
           {"预测值", 10},
           {"预测方法", 24},
           {"剩余期间需达到", 14},
           {"说明", 40},
           {"剩余天数", 9},
           {"已观测天数", 10},
           {"评估日期", 12}});
  for (const iv1::Evaluation& e : facts.evaluation.evaluations()) {
    const iv1::Indicator& ind = e.indicator();
    if (!scope.all()) {
      bool owned = false;
      for (const std::string& o : ind.owners()) owned = owned || scope.Named(o);
      for (const std::string& m : ind.measures()) owned = owned || scope.MeasureName(m);
      if (!owned) continue;
    }
    s.Next();
    s.Text(Short(ind.name()));
    s.Text(ind.display_name());
    s.Text(ind.unit());
    s.Text(ind.scope_name());
    s.Optional(e.has_current_value(), e.current_value());
    s.Text(ind.target_text().empty() && e.has_target_value()
               ? absl::StrCat(ComparatorSymbol(ind.comparator()), e.target_value())
               : ind.target_text());
    s.Optional(e.has_target_value(), e.target_value());
    s.Text(IndicatorStatusWord(e.status()));
    s.Optional(e.has_projected_value(), e.projected_value());
    s.Text(ChineseOr(e.projection_method_zh(), e.projection_method()));
    s.Optional(e.has_required_remaining_value(), e.required_remaining_value());
    s.Text(ChineseOr(e.required_remaining_text_zh(), e.required_remaining_text()));
    s.Integer(e.remaining_days());
    s.Integer(e.observed_days());
    s.Date(e.as_of());
  }
  return s.Finish();
}

lxw_error WriteScorecards(lxw_workbook* wb, const Formats& f, const MonthFacts& facts,
                          const Scope& scope) {
  Sheet s(wb, f, "考核",
          {{"单位", 16},
           {"得分", 8},
           {"牵头措施数", 10},
           {"逾期措施数", 10},
           {"责任措施数", 10},
           {"应报次数", 9},
           {"按时", 7},
           {"逾期", 7},
           {"未报", 7},
           {"得分构成", 48}});
  for (const iv1::Scorecard& c : Scorecards(facts)) {
    if (!scope.Named(c.organization())) continue;
    s.Next();
    s.Text(c.organization());
    s.Number(c.score());
    s.Integer(c.measures_led());
    s.Integer(c.overdue_measures());
    s.Integer(c.measures_responsible());
    s.Integer(c.reports_due());
    s.Integer(c.reports_on_time());
    s.Integer(c.reports_late());
    s.Integer(c.reports_missing());
    std::vector<std::string> parts;
    for (const iv1::ScoreComponent& p : c.components()) {
      parts.push_back(absl::StrCat(p.name(), " ", p.points()));
    }
    s.Text(absl::StrJoin(parts, "；"));
  }
  return s.Finish();
}

absl::StatusOr<std::string> ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InternalError(absl::StrCat("cannot read back ", path));
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

}  // namespace

const std::vector<std::string>& LedgerSheetNames() {
  static const std::vector<std::string>* names =
      new std::vector<std::string>{"措施", "月度报告", "报送情况", "延期", "完成", "指标", "考核"};
  return *names;
}

std::string LedgerFileName(const MonthFacts& facts, const std::string& organization) {
  if (organization.empty()) return absl::StrCat("台账_", facts.month, ".xlsx");
  Scope scope(facts, organization);
  return absl::StrCat("台账_", facts.month, "_", scope.display(), ".xlsx");
}

absl::StatusOr<std::string> RenderLedgerXlsx(const MonthFacts& facts,
                                             const std::string& organization) {
  absl::CivilMonth month;
  if (!absl::ParseCivilTime(facts.month, &month)) {
    return absl::InvalidArgumentError(absl::StrCat("month \"", facts.month, "\" is not YYYY-MM"));
  }
  const char* tmp = getenv("TMPDIR");
  std::string path =
      absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "/ecoplan-ledger-XXXXXX.xlsx");
  int fd = mkstemps(path.data(), 5);
  if (fd < 0) return absl::InternalError("cannot create a temporary file for the ledger");
  close(fd);
  struct Unlink {
    std::string path;
    ~Unlink() { unlink(path.c_str()); }
  } unlink_at_end{path};

  lxw_workbook* wb = workbook_new(path.c_str());
  if (wb == nullptr) return absl::InternalError("libxlsxwriter: cannot create the workbook");
  lxw_doc_properties props = {};
  std::string title = absl::StrCat(
      facts.plan.title().empty() ? facts.plan_name : facts.plan.title(), " 台账 ", facts.month);
  std::string author = "ecoplan";
  props.title = title.data();
  props.author = author.data();
  // Created at the as-of day's start (Beijing), so that the same facts give
  // the same bytes (libxlsxwriter also dates the zip entries by it).
  props.created = static_cast<time_t>(
      absl::ToUnixSeconds(absl::FromCivil(absl::CivilSecond(facts.as_of), Shanghai())));
  workbook_set_properties(wb, &props);

  const Formats formats(wb);
  const Scope scope(facts, organization);
  const auto names = NamesByOrganization(facts);
  lxw_error errors[] = {
      WriteMeasures(wb, formats, facts, scope, names),
      WriteReports(wb, formats, facts, scope),
      WriteSubmissions(wb, formats, facts, scope),
      WriteExtensions(wb, formats, facts, scope, month, names),
      WriteCompletions(wb, formats, facts, scope, month, names),
      WriteIndicators(wb, formats, facts, scope),
      WriteScorecards(wb, formats, facts, scope),
  };
  lxw_error closed = workbook_close(wb);
  for (lxw_error e : errors) {
    if (e != LXW_NO_ERROR) {
      return absl::InternalError(absl::StrCat("libxlsxwriter: ", lxw_strerror(e)));
    }
  }
  if (closed != LXW_NO_ERROR) {
    return absl::InternalError(absl::StrCat("libxlsxwriter: ", lxw_strerror(closed)));
  }
  return ReadAll(path);
}

}  // namespace ecoplan::indicator::documents
