#include "services/registry/domain/plan_parser.h"

#include <algorithm>
#include <array>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "common/calendar/checkpoints.h"
#include "common/calendar/deadline.h"
#include "common/text/normalize.h"

namespace ecoplan::registry {
namespace {

// Warning codes (ParseWarning.code). Kept in one place so that callers and
// tests can rely on them.
//   annex-number-gap, annex-without-title, annex-not-listed, annex-title-mismatch,
//   no-colophon, no-issuer, no-district, no-issue-date, title-line-missing,
//   no-reporting-rule, reporting-rule-unparsed, reporting-recipient-unknown,
//   supersedes-unparsed, section-number-gap, task-outside-section, task-sequence-gap,
//   task-without-number, empty-task-title, empty-measure-text,
//   featured-marker-inside-text, empty-deadline, unresolved-deadline, checkpoint-unparsed,
//   empty-lead-cell,
//   empty-responsible-cell, no-lead-organization, organization-name-joined,
//   organization-name-unrecognized, group-word-assumed, town-not-in-town-table,
//   all-towns-unknown, two-level-header, short-table-row, long-table-row, row-without-label
constexpr absl::string_view kTaskHeader[] = {"序号",     "重点任务", "工作措施",
                                             "完成时限", "牵头部门", "责任单位"};
constexpr int kTaskColumns = 6;

absl::string_view Trim(absl::string_view s) { return common::TrimDocumentSpace(s); }

bool AllAsciiDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Splits a UTF-8 string into code points (as string_views).
std::vector<absl::string_view> CodePoints(absl::string_view s) {
  std::vector<absl::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    n = std::min(n, s.size() - i);
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

// Value of a Chinese numeral 一 .. 九十九, or -1.
int ChineseNumeralValue(absl::string_view s) {
  static const auto* const kDigits = new absl::flat_hash_map<std::string, int>{
      {"一", 1}, {"二", 2}, {"三", 3}, {"四", 4}, {"五", 5},
      {"六", 6}, {"七", 7}, {"八", 8}, {"九", 9}};
  std::vector<absl::string_view> cps = CodePoints(s);
  if (cps.empty() || cps.size() > 3) return -1;
  int value = 0;
  size_t i = 0;
  int tens = 0;
  if (cps.size() >= 2 && cps[1] == "十") {
    auto it = kDigits->find(cps[0]);
    if (it == kDigits->end()) return -1;
    tens = it->second;
    i = 2;
  } else if (cps[0] == "十") {
    tens = 1;
    i = 1;
  }
  value = tens * 10;
  if (i < cps.size()) {
    auto it = kDigits->find(cps[i]);
    if (it == kDigits->end() || i + 1 != cps.size()) return -1;
    value += it->second;
  }
  return value > 0 ? value : -1;
}

// "一、共筑美丽蓝天" → number "一", title "共筑美丽蓝天".
bool ParseSectionHeading(absl::string_view t, std::string* number, std::string* title) {
  size_t p = t.find("、");
  if (p == absl::string_view::npos || p == 0) return false;
  if (ChineseNumeralValue(t.substr(0, p)) < 0) return false;
  *number = std::string(t.substr(0, p));
  *title = std::string(Trim(t.substr(p + std::string("、").size())));
  return !title->empty();
}

// "（一）空气质量目标" → number "（一）", title "空气质量目标".
bool ParseSubsectionHeading(absl::string_view t, std::string* number, std::string* title) {
  if (!absl::StartsWith(t, "（")) return false;
  size_t close = t.find("）");
  if (close == absl::string_view::npos) return false;
  const size_t open_len = std::string("（").size();
  if (ChineseNumeralValue(t.substr(open_len, close - open_len)) < 0) return false;
  *number = std::string(t.substr(0, close + open_len));
  *title = std::string(Trim(t.substr(close + open_len)));
  return !title->empty();
}

bool IsHeading(absl::string_view t) {
  std::string n, title;
  return ParseSectionHeading(t, &n, &title) || ParseSubsectionHeading(t, &n, &title);
}

// True for "——", "—", "-", "－", "--" …: the document's "none".
bool IsDashOnly(absl::string_view t) {
  if (t.empty()) return false;
  for (absl::string_view cp : CodePoints(t)) {
    if (cp != "—" && cp != "-" && cp != "－" && cp != "―" && cp != "─" && cp != "–") return false;
  }
  return true;
}

// "2026年3月31日" alone on a line.
std::optional<absl::CivilDay> ParseChineseDate(absl::string_view t) {
  int y = 0, m = 0, d = 0;
  size_t py = t.find("年"), pm = t.find("月"), pd = t.find("日");
  if (py == absl::string_view::npos || pm == absl::string_view::npos ||
      pd == absl::string_view::npos || !(py < pm && pm < pd) ||
      pd + std::string("日").size() != t.size()) {
    return std::nullopt;
  }
  const size_t w = std::string("年").size();
  if (!AllAsciiDigits(t.substr(0, py)) || py != 4 ||
      !AllAsciiDigits(t.substr(py + w, pm - py - w)) ||
      !AllAsciiDigits(t.substr(pm + w, pd - pm - w)) || !absl::SimpleAtoi(t.substr(0, py), &y) ||
      !absl::SimpleAtoi(t.substr(py + w, pm - py - w), &m) ||
      !absl::SimpleAtoi(t.substr(pm + w, pd - pm - w), &d)) {
    return std::nullopt;
  }
  if (m < 1 || m > 12 || d < 1 || d > common::LastDayOfMonth(y, m).day()) return std::nullopt;
  return absl::CivilDay(y, m, d);
}

// A document number such as 门政办发〔2026〕1号 found in `t`, or "" (with the
// start offset in *pos).
std::string FindDocumentNumber(absl::string_view t, size_t* pos = nullptr) {
  size_t from = 0;
  while (true) {
    size_t open = t.find("〔", from);
    if (open == absl::string_view::npos) return "";
    from = open + 1;
    const size_t bw = std::string("〔").size();
    // "〔" + 4 digits + "〕" must fit before the end (a truncated number is no number).
    if (open + 2 * bw + 4 > t.size()) return "";
    absl::string_view year = t.substr(open + bw, 4);
    if (!AllAsciiDigits(year) || t.substr(open + bw + 4, bw) != "〕") continue;
    size_t q = open + 2 * bw + 4;
    size_t e = q;
    while (e < t.size() && t[e] >= '0' && t[e] <= '9') ++e;
    if (e == q || t.substr(e, std::string("号").size()) != "号") continue;
    // The issuer code before the bracket: CJK characters back to a delimiter.
    std::vector<absl::string_view> before = CodePoints(t.substr(0, open));
    size_t start = open;
    int taken = 0;
    for (auto it = before.rbegin(); it != before.rend() && taken < 12; ++it) {
      absl::string_view cp = *it;
      if (cp.size() != 3 || cp == "（" || cp == "《" || cp == "〈" || cp == "，" || cp == "。" ||
          cp == "：" || cp == "、" || cp == "）" || cp == "》" || cp == "〉" || cp == "　") {
        break;
      }
      start -= cp.size();
      ++taken;
    }
    if (taken == 0) continue;
    if (pos != nullptr) *pos = start;
    return std::string(t.substr(start, e + std::string("号").size() - start));
  }
}

// Text between the first `open` and the matching `close` after it, or "".
std::string Between(absl::string_view t, absl::string_view open, absl::string_view close,
                    size_t from = 0) {
  size_t a = t.find(open, from);
  if (a == absl::string_view::npos) return "";
  size_t b = t.rfind(close);
  if (b == absl::string_view::npos || b < a) return "";
  return std::string(t.substr(a + open.size(), b - a - open.size()));
}

std::string RemoveSpaces(absl::string_view s) {
  return absl::StrReplaceAll(s, {{" ", ""}, {"　", ""}, {"\t", ""}});
}

// One table cell: the TAB line and the lines that continue it.
struct Cell {
  int first_line = 0;              // line of the TAB
  int last_line = 0;               // last line with text (first_line if none)
  std::vector<std::string> parts;  // each line, trimmed (empty for blank lines)
  int trailing_blank_lines = 0;

  // The lines joined without separator (names and numbers split by the page
  // layout), trimmed.
  std::string Joined() const {
    std::string out;
    for (const std::string& p : parts) out += p;
    return std::string(Trim(out));
  }
  bool Empty() const { return Joined().empty(); }
};

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

class Parser {
 public:
  Parser(absl::string_view original, const ParseOptions& options)
      : options_(options), text_(common::NormalizeDocumentText(original)) {
    lines_ = absl::StrSplit(text_, '\n');
    // A final newline does not start another line.
    if (!lines_.empty() && lines_.back().empty() && !text_.empty()) lines_.pop_back();
  }

  absl::StatusOr<ParsedPlan> Run();

 private:
  struct Written {  // organizations of one cell, as written
    std::vector<std::string> names;
  };
  struct PendingMeasure {
    size_t task_index;
    Written leads, responsibles;
  };

  static absl::Status Error(int line, absl::string_view message) {
    return absl::InvalidArgumentError(absl::StrCat("line ", line, ": ", message));
  }
  void Warn(int line, absl::string_view code, std::string message) {
    warnings_.push_back(ParseWarning{line, std::string(code), std::move(message)});
  }
  absl::string_view LineText(int number) const {  // 1-based
    return lines_[static_cast<size_t>(number - 1)];
  }
  int LineCount() const { return static_cast<int>(lines_.size()); }

  absl::Status ParseFrontMatter(int end_line);
  void ParseAnnexList(int begin_line, int end_line);
  absl::Status ParseAnnex(int heading_line, int end_line, int number);
  std::vector<Cell> CollectCells(int begin_line, int end_line, int* first_cell_line) const;
  absl::Status ParseTaskTable(const std::vector<Cell>& cells, Annex* annex);
  absl::Status ParseIndicatorTables(const std::vector<Cell>& cells, Annex* annex);
  Written ParseOrgCell(const Cell& cell, bool lead, int measure_line);
  void ResolveOrganizations();
  void Summarize();

  const ParseOptions& options_;
  std::string text_;
  std::vector<absl::string_view> lines_;
  ParsedPlan out_;
  std::vector<ParseWarning> warnings_;
  std::vector<PendingMeasure> pending_;  // one per measure, in order
  std::vector<std::string> town_names_;  // from a town/street table
  int annex_list_line_ = 0;
  int reporting_rule_line_ = 0;
  std::vector<std::pair<int, std::string>> annex_list_;  // number, title
};

absl::StatusOr<ParsedPlan> Parser::Run() {
  if (options_.time_zone.empty()) {
    return absl::InvalidArgumentError("options.time_zone is empty");
  }
  if (Trim(text_).empty() || std::all_of(lines_.begin(), lines_.end(),
                                         [](absl::string_view l) { return Trim(l).empty(); })) {
    return Error(1, "the document is empty");
  }
  // Annex headings: a line that is exactly 附件N.
  std::vector<std::pair<int, int>> headings;  // line, number
  for (int n = 1; n <= LineCount(); ++n) {
    absl::string_view t = Trim(LineText(n));
    if (!absl::ConsumePrefix(&t, "附件")) continue;
    t = Trim(t);
    int number = 0;
    if (AllAsciiDigits(t) && t.size() <= 3 && absl::SimpleAtoi(t, &number)) {
      headings.emplace_back(n, number);
    }
  }
  const int front_end = headings.empty() ? LineCount() : headings.front().first - 1;
  if (absl::Status s = ParseFrontMatter(front_end); !s.ok()) return s;
  if (headings.empty()) {
    return Error(LineCount(),
                 "no annex (a line 附件1 followed by its table) found: the document is truncated "
                 "or is not an action plan");
  }
  // The colophon (抄送：…, …印发) ends the last annex.
  int colophon = 0;
  for (int n = headings.back().first + 1; n <= LineCount(); ++n) {
    absl::string_view t = Trim(LineText(n));
    if (absl::StartsWith(LineText(n), "\t")) continue;
    if (absl::StartsWith(t, "抄送") || absl::EndsWith(t, "日印发")) {
      colophon = n;
      break;
    }
  }
  if (colophon == 0) {
    Warn(LineCount(), "no-colophon",
         "no 抄送/印发 lines after the last annex: the document may be truncated");
  }
  const int tables_end = colophon == 0 ? LineCount() : colophon - 1;

  absl::flat_hash_set<int> numbers;
  for (size_t i = 0; i < headings.size(); ++i) {
    const auto [line, number] = headings[i];
    if (!numbers.insert(number).second) {
      return Error(line, absl::StrCat("annex ", number, " appears twice"));
    }
    const int expected = i == 0 ? 1 : headings[i - 1].second + 1;
    if (number != expected) {
      Warn(
          line, "annex-number-gap",
          absl::StrCat("annex ", number, " follows annex ", expected - 1, "; expected ", expected));
    }
    const int end = i + 1 < headings.size() ? headings[i + 1].first - 1 : tables_end;
    if (absl::Status s = ParseAnnex(line, end, number); !s.ok()) return s;
  }

  // The annex list says how many annexes there should be: fewer means truncated.
  if (!annex_list_.empty()) {
    const int last_present = headings.back().second;
    std::vector<std::string> missing;
    for (const auto& [number, title] : annex_list_) {
      if (!numbers.contains(number)) missing.push_back(absl::StrCat(number));
    }
    if (!missing.empty()) {
      const bool truncated = std::all_of(
          annex_list_.begin(), annex_list_.end(),
          [&](const auto& a) { return numbers.contains(a.first) || a.first > last_present; });
      if (truncated) {
        return Error(LineCount(), absl::StrCat("the document ends in annex ", last_present,
                                               " but the annex list (line ", annex_list_line_,
                                               ") also names annex ", absl::StrJoin(missing, ", "),
                                               ": the document is truncated"));
      }
      Warn(annex_list_line_, "annex-not-listed",
           absl::StrCat("the annex list names annex ", absl::StrJoin(missing, ", "),
                        " which the document does not contain"));
    }
    for (const Annex& annex : out_.plan.annexes) {
      auto it = std::find_if(annex_list_.begin(), annex_list_.end(),
                             [&](const auto& a) { return a.first == annex.number; });
      if (it == annex_list_.end()) {
        Warn(annex.source.first_line, "annex-not-listed",
             absl::StrCat("annex ", annex.number, " is not in the annex list (line ",
                          annex_list_line_, ")"));
      } else if (RemoveSpaces(it->second) != RemoveSpaces(annex.title)) {
        Warn(annex.source.first_line, "annex-title-mismatch",
             absl::StrCat("annex ", annex.number, " is titled «", annex.title,
                          "» but the annex list (line ", annex_list_line_, ") says «", it->second,
                          "»; the heading's title is used"));
      }
    }
  }

  ResolveOrganizations();
  std::stable_sort(warnings_.begin(), warnings_.end(),
                   [](const ParseWarning& a, const ParseWarning& b) { return a.line < b.line; });
  out_.plan.warnings = std::move(warnings_);
  Summarize();
  return std::move(out_);
}

absl::Status Parser::ParseFrontMatter(int end_line) {
  Plan& plan = out_.plan;
  plan.time_zone = options_.time_zone;
  plan.source_sha256 = Sha256Hex(text_);

  // Issuer: the first line, without the 文件 of the letterhead.
  int first = 1;
  while (first <= end_line && Trim(LineText(first)).empty()) ++first;
  int number_line = 0;
  for (int n = 1; n <= end_line; ++n) {
    absl::string_view t = Trim(LineText(n));
    size_t pos = 0;
    std::string number = FindDocumentNumber(t, &pos);
    if (!number.empty() && pos == 0 && number.size() == t.size()) {
      plan.document_number = number;
      number_line = n;
      break;
    }
  }
  if (number_line == 0) {
    return Error(first <= end_line ? first : 1,
                 "no document number (a line such as X发〔YYYY〕N号) before the first annex");
  }
  if (first < number_line) {
    absl::string_view issuer = Trim(LineText(first));
    absl::ConsumeSuffix(&issuer, "文件");
    plan.issuer = std::string(Trim(issuer));
  }
  if (plan.issuer.empty()) {
    Warn(number_line, "no-issuer", "no issuer line (…文件) above the document number");
  } else {
    // The district: what follows the city (北京市) up to 区 or 县.
    absl::string_view rest = plan.issuer;
    size_t city = rest.find("市");
    if (city != absl::string_view::npos) rest.remove_prefix(city + std::string("市").size());
    size_t qu = rest.find("区");
    size_t xian = rest.find("县");
    size_t end = std::min(qu, xian);
    if (end == absl::string_view::npos || end == 0) {
      Warn(first, "no-district",
           absl::StrCat("cannot tell the district from the issuer «", plan.issuer, "»"));
    } else {
      plan.district = std::string(rest.substr(0, end + std::string("区").size()));
    }
  }

  // Title: 关于印发《TITLE》的通知, possibly over several lines.
  int title_line = 0;
  for (int n = number_line + 1; n <= end_line && title_line == 0; ++n) {
    // The notice heading starts with 关于印发, possibly after the issuer's name;
    // a 关于印发 inside a sentence (the repealed notice) is not the heading.
    absl::string_view line = Trim(LineText(n));
    if (!plan.issuer.empty()) absl::ConsumePrefix(&line, plan.issuer);
    if (!absl::StartsWith(line, "关于印发")) continue;
    std::string heading;
    for (int k = n; k <= end_line && k < n + 8; ++k) {
      heading += std::string(Trim(LineText(k)));
      if (absl::StrContains(heading, "》")) break;
    }
    std::string title = Between(heading, "《", "》");
    if (!title.empty()) {
      plan.title = title;
      title_line = n;
    }
  }
  if (title_line == 0) {
    return Error(
        number_line + 1 <= LineCount() ? number_line + 1 : number_line,
        "no plan title: expected a heading 关于印发《TITLE》的通知 after the document number");
  }
  {
    bool standalone = false;
    for (int n = title_line + 1; n <= end_line && !standalone; ++n) {
      standalone = Trim(LineText(n)) == plan.title;
    }
    if (!standalone) {
      Warn(title_line, "title-line-missing",
           absl::StrCat("the title «", plan.title, "» does not appear on a line of its own"));
    }
  }
  // The plan year: the first YYYY年 in the title.
  {
    absl::string_view t = plan.title;
    for (size_t p = t.find("年"); p != absl::string_view::npos; p = t.find("年", p + 1)) {
      if (p >= 4 && AllAsciiDigits(t.substr(p - 4, 4)) &&
          (p == 4 || !absl::ascii_isdigit(t[p - 5]))) {
        int year = 0;
        if (absl::SimpleAtoi(t.substr(p - 4, 4), &year) && year >= 1949 && year <= 2200) {
          plan.year = year;
          break;
        }
      }
    }
    if (plan.year == 0) {
      return Error(title_line,
                   absl::StrCat("the title «", plan.title, "» names no plan year (YYYY年)"));
    }
  }
  plan.id = absl::StrCat(plan.year, "-", plan.source_sha256.substr(0, 12));

  // Issue date: the first line that is only a date.
  for (int n = number_line + 1; n <= end_line; ++n) {
    if (auto day = ParseChineseDate(Trim(LineText(n)))) {
      plan.issue_date = *day;
      break;
    }
  }
  if (!plan.issue_date) Warn(number_line, "no-issue-date", "no issue date line (YYYY年M月D日)");

  // Reporting rule: 每月N日前向X报送…
  bool rule_found = false;
  int report_mention = 0;
  for (int n = title_line; n <= end_line && !rule_found; ++n) {
    absl::string_view t = LineText(n);
    if (report_mention == 0 && absl::StrContains(t, "报送")) report_mention = n;
    for (size_t p = t.find("每月"); p != absl::string_view::npos && !rule_found;
         p = t.find("每月", p + 1)) {
      absl::string_view rest = t.substr(p);
      size_t end = std::min({rest.find("，"), rest.find("。"), rest.find("；"), rest.size()});
      absl::string_view rule = rest.substr(0, end);
      absl::string_view r = rule.substr(std::string("每月").size());
      size_t digits = 0;
      while (digits < r.size() && absl::ascii_isdigit(r[digits])) ++digits;
      int day = 0;
      if (digits == 0 || !absl::SimpleAtoi(r.substr(0, digits), &day) || day < 1 || day > 31)
        continue;
      r.remove_prefix(digits);
      if (!absl::ConsumePrefix(&r, "日")) continue;
      absl::ConsumePrefix(&r, "前");
      size_t send = r.find("报送");
      if (send == absl::string_view::npos) continue;
      std::string recipient;
      if (absl::StartsWith(r, "向")) {
        recipient =
            std::string(Trim(r.substr(std::string("向").size(), send - std::string("向").size())));
      } else {
        size_t to = r.find("报送至");
        if (to != absl::string_view::npos) {
          recipient = std::string(Trim(r.substr(to + std::string("报送至").size())));
        }
      }
      plan.reporting_rule_text = std::string(rule);
      reporting_rule_line_ = n;
      plan.reporting_due_day = day;
      plan.reporting_recipient = recipient;
      rule_found = true;
      if (recipient.empty()) {
        Warn(n, "reporting-rule-unparsed",
             absl::StrCat("the reporting rule «", rule, "» names no recipient"));
      }
    }
  }
  if (!rule_found) {
    if (report_mention != 0) {
      Warn(report_mention, "reporting-rule-unparsed",
           "the text mentions 报送 but no rule of the form 每月N日前向X报送… was found");
    } else {
      Warn(title_line, "no-reporting-rule", "no monthly reporting rule (每月N日前向X报送…) found");
    }
  }

  // The plan this one repeals: …（X〔YYYY〕N号）同时废止.
  for (int n = title_line + 1; n <= end_line; ++n) {
    absl::string_view t = LineText(n);
    size_t repeal = t.find("废止");
    if (repeal == absl::string_view::npos) continue;
    absl::string_view sentence = t.substr(0, repeal);
    size_t stop = sentence.rfind("。");
    if (stop != absl::string_view::npos) sentence.remove_prefix(stop + std::string("。").size());
    std::string number = FindDocumentNumber(sentence);
    if (number.empty()) {
      Warn(n, "supersedes-unparsed", "a repeal (废止) names no document number");
      continue;
    }
    plan.supersedes_document_number = number;
    std::string notice = Between(sentence, "《", "》");
    std::string inner = Between(notice, "〈", "〉");
    plan.supersedes_title = inner.empty() ? notice : inner;
    break;
  }

  // The annex list: 附件：1.… 2.… (items may wrap over lines).
  for (int n = title_line + 1; n <= end_line; ++n) {
    if (absl::StartsWith(Trim(LineText(n)), "附件：")) {
      ParseAnnexList(n, end_line);
      break;
    }
  }
  return absl::OkStatus();
}

void Parser::ParseAnnexList(int begin_line, int end_line) {
  annex_list_line_ = begin_line;
  for (int n = begin_line; n <= end_line; ++n) {
    absl::string_view t = Trim(LineText(n));
    if (n == begin_line) absl::ConsumePrefix(&t, "附件：");
    t = Trim(t);
    if (t.empty()) continue;
    size_t digits = 0;
    while (digits < t.size() && absl::ascii_isdigit(t[digits])) ++digits;
    int number = 0;
    if (digits > 0 && digits < t.size() && (t[digits] == '.' || t.substr(digits, 3) == "、") &&
        absl::SimpleAtoi(t.substr(0, digits), &number)) {
      annex_list_.emplace_back(number,
                               std::string(Trim(t.substr(digits + (t[digits] == '.' ? 1 : 3)))));
    } else if (!annex_list_.empty()) {
      annex_list_.back().second += std::string(t);  // a wrapped title
    } else {
      break;
    }
  }
}

std::vector<Cell> Parser::CollectCells(int begin_line, int end_line, int* first_cell_line) const {
  std::vector<Cell> cells;
  *first_cell_line = 0;
  for (int n = begin_line; n <= end_line; ++n) {
    absl::string_view raw = LineText(n);
    if (absl::StartsWith(raw, "\t")) {
      if (*first_cell_line == 0) *first_cell_line = n;
      Cell cell;
      cell.first_line = n;
      cell.last_line = n;
      cell.parts.emplace_back(Trim(raw.substr(1)));
      cells.push_back(std::move(cell));
    } else if (!cells.empty()) {
      cells.back().parts.emplace_back(Trim(raw));
    }
  }
  for (Cell& cell : cells) {
    for (size_t i = 0; i < cell.parts.size(); ++i) {
      if (!cell.parts[i].empty()) cell.last_line = cell.first_line + static_cast<int>(i);
    }
    int blanks = 0;
    for (auto it = cell.parts.rbegin(); it != cell.parts.rend() && it->empty(); ++it) ++blanks;
    // A cell that is blank altogether ends in blank lines only if lines follow it.
    cell.trailing_blank_lines = std::min(blanks, static_cast<int>(cell.parts.size()) - 1);
  }
  return cells;
}

absl::Status Parser::ParseAnnex(int heading_line, int end_line, int number) {
  Annex annex;
  annex.number = number;
  int first_cell_line = 0;
  std::vector<Cell> cells = CollectCells(heading_line + 1, end_line, &first_cell_line);
  if (cells.empty()) {
    return Error(heading_line,
                 absl::StrCat("annex ", number,
                              " has no table (no line starting with a TAB follows "
                              "its heading): the document is truncated or malformed"));
  }
  for (int n = heading_line + 1; n < first_cell_line; ++n)
    annex.title += std::string(Trim(LineText(n)));
  if (annex.title.empty()) {
    Warn(heading_line, "annex-without-title", absl::StrCat("annex ", number, " has no title"));
  }
  int last = heading_line;
  for (int n = heading_line; n <= end_line; ++n) {
    if (!Trim(LineText(n)).empty()) last = n;
  }
  annex.source = SourceSpan{heading_line, last};
  if (cells.front().Joined() == kTaskHeader[0]) {
    annex.kind = AnnexKind::kTaskTable;
    if (absl::Status s = ParseTaskTable(cells, &annex); !s.ok()) return s;
  } else {
    annex.kind = AnnexKind::kIndicatorTable;
    if (absl::Status s = ParseIndicatorTables(cells, &annex); !s.ok()) return s;
  }
  out_.plan.annexes.push_back(std::move(annex));
  return absl::OkStatus();
}

absl::Status Parser::ParseTaskTable(const std::vector<Cell>& cells, Annex* annex) {
  if (cells.size() < kTaskColumns) {
    return Error(cells.back().last_line,
                 absl::StrCat("the task table header of annex ", annex->number, " is cut short"));
  }
  for (int c = 0; c < kTaskColumns; ++c) {
    if (cells[c].Joined() != kTaskHeader[c]) {
      return Error(cells[c].first_line,
                   absl::StrCat("task table header: expected «", kTaskHeader[c], "» in column ",
                                c + 1, ", found «", cells[c].Joined(), "»"));
    }
  }
  const std::string annex_prefix = absl::StrCat("a", annex->number);
  Section* section = nullptr;
  Section* subsection = nullptr;
  // Index into out_.tasks of the task that rows append to, or kNoTask.
  constexpr size_t kNoTask = static_cast<size_t>(-1);
  size_t task_index = kNoTask;
  absl::flat_hash_set<int> sequence_numbers;
  int last_sequence = 0;
  bool any_row = false;

  size_t i = kTaskColumns;
  while (i < cells.size()) {
    const Cell& head = cells[i];
    const std::string head_text = head.Joined();
    std::string number, title;
    if (ParseSectionHeading(head_text, &number, &title)) {
      Section s;
      s.id = absl::StrCat("s", annex->sections.size() + 1);
      s.number = number;
      s.title = title;
      s.source = SourceSpan{head.first_line, head.last_line};
      if (ChineseNumeralValue(number) != static_cast<int>(annex->sections.size()) + 1) {
        Warn(head.first_line, "section-number-gap",
             absl::StrCat("section «", number, "、» is section ", annex->sections.size() + 1,
                          " of annex ", annex->number, "; its id is ", s.id));
      }
      annex->sections.push_back(std::move(s));
      section = &annex->sections.back();
      subsection = nullptr;
      task_index = kNoTask;
      ++i;
      continue;
    }
    if (ParseSubsectionHeading(head_text, &number, &title)) {
      if (section == nullptr) {
        return Error(head.first_line, absl::StrCat("subsection heading «", head_text,
                                                   "» before any section heading"));
      }
      Section s;
      s.id = absl::StrCat(section->id, ".", section->subsections.size() + 1);
      s.number = number;
      s.title = title;
      s.source = SourceSpan{head.first_line, head.last_line};
      const std::string inner =
          number.substr(std::string("（").size(), number.size() - 2 * std::string("（").size());
      if (ChineseNumeralValue(inner) != static_cast<int>(section->subsections.size()) + 1) {
        Warn(head.first_line, "section-number-gap",
             absl::StrCat("subsection «", number, "» is subsection ",
                          section->subsections.size() + 1, " of section ", section->id,
                          "; its id is ", s.id));
      }
      section->subsections.push_back(std::move(s));
      subsection = &section->subsections.back();
      task_index = kNoTask;
      ++i;
      continue;
    }
    // A data row: six cells.
    if (i + kTaskColumns > cells.size()) {
      return Error(head.first_line,
                   absl::StrCat("task row cut short: ", cells.size() - i, " of ", kTaskColumns,
                                " cells (序号, 重点任务, 工作措施, 完成时限, 牵头部门, 责任单位)"));
    }
    if (!head_text.empty() && !AllAsciiDigits(head_text)) {
      return Error(head.first_line,
                   absl::StrCat("expected a task number, a section heading (一、…), a subsection "
                                "heading (（一）…) or an empty cell, found «",
                                head_text.substr(0, 60), "»"));
    }
    for (int c = 1; c < kTaskColumns; ++c) {
      const Cell& cell = cells[i + c];
      if (IsHeading(cell.Joined()) && c != 2) {
        return Error(cell.first_line,
                     absl::StrCat("task row starting at line ", head.first_line, " is cut short: «",
                                  cell.Joined(), "» is a heading, expected ", kTaskHeader[c]));
      }
    }
    const Cell& title_cell = cells[i + 1];
    const Cell& text_cell = cells[i + 2];
    const Cell& deadline_cell = cells[i + 3];
    const Cell& lead_cell = cells[i + 4];
    const Cell& responsible_cell = cells[i + 5];
    const SourceSpan row_span{head.first_line, responsible_cell.last_line};
    any_row = true;

    const std::string task_title = title_cell.Joined();
    if (!head_text.empty() || !task_title.empty()) {
      int sequence = 0;
      if (head_text.empty()) {
        sequence = last_sequence + 1;
        Warn(head.first_line, "task-without-number",
             absl::StrCat("task «", task_title, "» has no number; numbered ", sequence));
      } else {
        if (!absl::SimpleAtoi(head_text, &sequence)) {
          return Error(head.first_line,
                       absl::StrCat("«", head_text, "» in the 序号 column is not a task number"));
        }
        if (sequence != last_sequence + 1) {
          Warn(head.first_line, "task-sequence-gap",
               absl::StrCat("task ", sequence, " follows task ", last_sequence, " in annex ",
                            annex->number));
        }
      }
      if (!sequence_numbers.insert(sequence).second) {
        return Error(head.first_line, absl::StrCat("task number ", sequence,
                                                   " appears twice in annex ", annex->number));
      }
      last_sequence = std::max(last_sequence, sequence);
      Task task;
      task.id = absl::StrCat(annex_prefix, "-t", sequence);
      task.origin = TaskOrigin::kDocument;
      task.annex_number = annex->number;
      task.section_id = section != nullptr ? section->id : "";
      task.subsection_id = subsection != nullptr ? subsection->id : "";
      task.sequence_number = sequence;
      task.title = task_title;
      task.source = row_span;
      if (section == nullptr) {
        Warn(head.first_line, "task-outside-section",
             absl::StrCat("task ", task.id, " precedes any section heading"));
      }
      if (task_title.empty()) {
        Warn(title_cell.first_line, "empty-task-title",
             absl::StrCat("task ", task.id, " has no title"));
      }
      out_.tasks.push_back(std::move(task));
      task_index = out_.tasks.size() - 1;
    } else if (task_index == kNoTask) {
      return Error(head.first_line,
                   "a measure row (empty 序号 and 重点任务) with no task above it in its section");
    }

    Task& task = out_.tasks[task_index];
    task.source.last_line = row_span.last_line;
    Measure m;
    m.ordinal = static_cast<int>(task.measures.size()) + 1;
    m.task_id = task.id;
    m.id = absl::StrCat(task.id, "-m", m.ordinal);
    m.source = row_span;

    // Paragraphs of the measure text; ★ marks a featured measure.
    std::vector<std::string> paragraphs;
    bool star_seen = false;
    for (size_t p = 0; p < text_cell.parts.size(); ++p) {
      std::string para = text_cell.parts[p];
      if (para.empty()) continue;
      if (absl::StrContains(para, "★")) {
        const bool at_start = paragraphs.empty() && !star_seen && absl::StartsWith(para, "★");
        if (!at_start) {
          Warn(text_cell.first_line + static_cast<int>(p), "featured-marker-inside-text",
               absl::StrCat("measure ", m.id,
                            ": ★ marks only part of the measure text; the whole measure is "
                            "marked featured"));
        }
        star_seen = true;
        absl::StrReplaceAll({{"★", ""}}, &para);
        para = std::string(Trim(para));
        if (para.empty()) continue;
      }
      paragraphs.push_back(std::move(para));
    }
    m.featured = star_seen;
    m.text = absl::StrJoin(paragraphs, "\n");
    if (m.text.empty()) {
      Warn(text_cell.first_line, "empty-measure-text",
           absl::StrCat("measure ", m.id, " has no text"));
    }

    m.deadline.raw = deadline_cell.Joined();
    const common::ResolvedDeadline resolved =
        common::ResolveDeadline(m.deadline.raw, out_.plan.year);
    switch (resolved.kind) {
      case common::DeadlineKind::kDueDate:
        m.deadline.kind = DeadlineKind::kDueDate;
        break;
      case common::DeadlineKind::kWindow:
        m.deadline.kind = DeadlineKind::kWindow;
        break;
      case common::DeadlineKind::kOngoing:
        m.deadline.kind = DeadlineKind::kOngoing;
        break;
      case common::DeadlineKind::kUnresolved:
        m.deadline.kind = DeadlineKind::kUnresolved;
        break;
    }
    m.deadline.window_start = resolved.window_start;
    m.deadline.due = resolved.due;
    if (m.deadline.raw.empty()) {
      Warn(deadline_cell.first_line, "empty-deadline",
           absl::StrCat("measure ", m.id, " has no deadline"));
    } else if (m.deadline.kind == DeadlineKind::kUnresolved) {
      Warn(deadline_cell.first_line, "unresolved-deadline",
           absl::StrCat("measure ", m.id, ": deadline «", m.deadline.raw,
                        "» not understood; kept as written"));
    }

    const common::CheckpointExtraction checkpoints = common::ExtractCheckpoints(
        m.text, CheckpointContextOf(out_.plan.year, out_.plan.issue_date, m.deadline));
    m.checkpoints = checkpoints.checkpoints;
    for (const common::UnparsedCheckpoint& phrase : checkpoints.unparsed) {
      Warn(text_cell.first_line, "checkpoint-unparsed",
           absl::StrCat("measure ", m.id, ": «", phrase.phrase,
                        "» reads like an obligation but names no period; name its checkpoints "
                        "with UpdateMeasure (update_mask checkpoints)"));
    }

    PendingMeasure pending;
    pending.task_index = task_index;
    pending.leads = ParseOrgCell(lead_cell, /*lead=*/true, head.first_line);
    pending.responsibles = ParseOrgCell(responsible_cell, /*lead=*/false, head.first_line);
    if (pending.leads.names.empty() && !lead_cell.Empty()) {
      Warn(lead_cell.first_line, "no-lead-organization",
           absl::StrCat("measure ", m.id, " names no lead organization («", lead_cell.Joined(),
                        "»)"));
    }
    pending_.push_back(std::move(pending));
    task.measures.push_back(std::move(m));
    i += kTaskColumns;
  }
  if (!any_row) {
    return Error(cells.back().last_line,
                 absl::StrCat("the task table of annex ", annex->number, " has no task rows"));
  }
  return absl::OkStatus();
}

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
  // Fragments: lines, further split at list separators.
  struct Fragment {
    std::string text;
    int line;
  };
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
  // Rejoin names the layout split over lines (中关村门头沟园 / 管委会).
  std::vector<Fragment> names;
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

absl::Status Parser::ParseIndicatorTables(const std::vector<Cell>& cells, Annex* annex) {
  // Rows: a blank line followed by a TAB line starts a row.
  std::vector<std::vector<const Cell*>> rows;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i == 0 || cells[i - 1].trailing_blank_lines > 0) rows.emplace_back();
    rows.back().push_back(&cells[i]);
  }
  auto make_row = [](const std::vector<const Cell*>& cs) {
    TableRow row;
    for (const Cell* c : cs) {
      TableCell cell;
      cell.text = c->Joined();
      cell.state = cell.text.empty()       ? CellState::kBlankMerged
                   : IsDashOnly(cell.text) ? CellState::kNotApplicable
                                           : CellState::kValue;
      row.cells.push_back(std::move(cell));
    }
    row.source = SourceSpan{cs.front()->first_line, cs.back()->last_line};
    return row;
  };

  IndicatorTable* table = nullptr;
  std::string first_label;
  for (size_t r = 0; r < rows.size(); ++r) {
    TableRow row = make_row(rows[r]);
    const std::string label = row.cells.front().text;
    const bool starts_table = table == nullptr || (label == first_label && !table->rows.empty());
    if (starts_table) {
      if (table != nullptr && table->rows.empty()) {
        return Error(table->source.first_line, "indicator table has a header but no data rows");
      }
      annex->indicator_tables.emplace_back();
      table = &annex->indicator_tables.back();
      table->index = static_cast<int>(annex->indicator_tables.size()) - 1;
      table->source = row.source;
      first_label = label;
      table->header_rows.push_back(std::move(row));
      continue;
    }
    table->source.last_line = row.source.last_line;
    if (table->rows.empty() && label.empty() && table->header_rows.size() == 1) {
      // A second header row under group labels: its first cell sits under the
      // (vertically merged) label of the first.
      Warn(row.source.first_line, "two-level-header",
           absl::StrCat("indicator table ", table->index, " of annex ", annex->number,
                        " has two header rows; which leaf columns each of the ",
                        table->header_rows.front().cells.size() - 1,
                        " upper labels spans is not in the text"));
      table->header_rows.push_back(std::move(row));
      continue;
    }
    const size_t columns = table->header_rows.back().cells.size();
    if (row.cells.size() < columns) {
      Warn(row.source.first_line, "short-table-row",
           absl::StrCat("row «", label, "» has ", row.cells.size(), " cells for ", columns,
                        " columns (cells merged across columns in the original); kept as written"));
    } else if (row.cells.size() > columns) {
      Warn(row.source.first_line, "long-table-row",
           absl::StrCat("row «", label, "» has ", row.cells.size(), " cells for ", columns,
                        " columns; kept as written"));
    }
    if (label.empty()) {
      Warn(row.source.first_line, "row-without-label",
           "an indicator row has no label in its first cell");
    }
    table->rows.push_back(std::move(row));
  }
  if (table != nullptr && table->rows.empty()) {
    return Error(table->source.first_line, "indicator table has a header but no data rows");
  }
  // A table whose row labels are all towns and streets lists the district's
  // towns and streets: they are organizations, and 各镇街 stands for them.
  for (const IndicatorTable& t : annex->indicator_tables) {
    bool all_towns = !t.rows.empty();
    for (const TableRow& row : t.rows) {
      const OrganizationKind kind = ClassifyOrganizationKind(row.cells.front().text);
      all_towns =
          all_towns && (kind == OrganizationKind::kTown || kind == OrganizationKind::kStreet);
    }
    if (!all_towns) continue;
    for (const TableRow& row : t.rows) town_names_.push_back(row.cells.front().text);
  }
  return absl::OkStatus();
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

void Parser::Summarize() {
  PlanSummary& s = out_.plan.summary;
  s = PlanSummary{};
  s.annex_count = static_cast<int>(out_.plan.annexes.size());
  for (const Annex& a : out_.plan.annexes) {
    s.section_count += static_cast<int>(a.sections.size());
    for (const Section& sec : a.sections)
      s.subsection_count += static_cast<int>(sec.subsections.size());
    s.indicator_table_count += static_cast<int>(a.indicator_tables.size());
  }
  s.task_count = static_cast<int>(out_.tasks.size());
  for (const Task& t : out_.tasks) {
    for (const Measure& m : t.measures) {
      ++s.measure_count;
      if (m.featured) ++s.featured_measure_count;
      switch (m.deadline.kind) {
        case DeadlineKind::kDueDate:
          ++s.due_date_deadline_count;
          break;
        case DeadlineKind::kWindow:
          ++s.window_deadline_count;
          break;
        case DeadlineKind::kOngoing:
          ++s.ongoing_deadline_count;
          break;
        default:
          ++s.unresolved_deadline_count;
          break;
      }
    }
  }
  s.organization_count = static_cast<int>(out_.organizations.size());
  s.warning_count = static_cast<int>(out_.plan.warnings.size());
}

}  // namespace

absl::StatusOr<ParsedPlan> ParsePlanDocument(absl::string_view text, const ParseOptions& options) {
  const size_t bad = common::FirstInvalidUtf8Offset(text);
  if (bad != text.size()) {
    const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + bad, '\n'));
    return absl::InvalidArgumentError(
        absl::StrCat("line ", line, ": the document is not valid UTF-8 (byte ", bad, ")"));
  }
  return Parser(text, options).Run();
}

}  // namespace ecoplan::registry
