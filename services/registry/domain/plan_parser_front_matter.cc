// The front matter of a plan document: everything before the first annex
// (issuer, document number, title and plan year, issue date, reporting rule,
// the plan it repeals, the annex list). See plan_parser.h for the format.

#include <algorithm>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/registry/domain/organization_directory.h"
#include "services/registry/domain/plan_parser_internal.h"

namespace ecoplan::registry::parser_internal {

absl::Status Parser::ParseFrontMatter(int end_line) {
  Plan& plan = out_.plan;
  plan.time_zone = options_.time_zone;
  plan.source_sha256 = Sha256Hex(original_);
  plan.normalized_sha256 = Sha256Hex(text_);

  // Issuer: the first line, without the 文件 of the letterhead.
  int first = 1;
  while (first <= end_line && Trim(LineText(first)).empty()) ++first;
  const int number_line = ParseDocumentNumber(end_line);
  if (number_line == 0) {
    return Error(first <= end_line ? first : 1,
                 "no document number (a line such as X发〔YYYY〕N号) before the first annex");
  }
  ParseIssuer(first, number_line);
  const int title_line = ParseTitle(number_line, end_line);
  if (title_line == 0) {
    return Error(
        number_line + 1 <= LineCount() ? number_line + 1 : number_line,
        "no plan title: expected a heading 关于印发《TITLE》的通知 after the document number");
  }
  bool standalone = false;
  for (int n = title_line + 1; n <= end_line && !standalone; ++n) {
    standalone = Trim(LineText(n)) == plan.title;
  }
  if (!standalone) {
    Warn(title_line, "title-line-missing",
         absl::StrCat("the title «", plan.title, "» does not appear on a line of its own"));
  }
  if (absl::Status s = ParsePlanYear(title_line); !s.ok()) return s;
  plan.id = absl::StrCat(plan.year, "-", plan.normalized_sha256.substr(0, 12));

  ParseIssueDate(number_line, end_line);
  ParseReportingRule(title_line, end_line);
  ParseRepeal(title_line, end_line);
  // The annex list: 附件：1.… 2.… (items may wrap over lines).
  for (int n = title_line + 1; n <= end_line; ++n) {
    if (absl::StartsWith(Trim(LineText(n)), "附件：")) {
      ParseAnnexList(n, end_line);
      break;
    }
  }
  return absl::OkStatus();
}

int Parser::ParseDocumentNumber(int end_line) {
  for (int n = 1; n <= end_line; ++n) {
    absl::string_view t = Trim(LineText(n));
    size_t pos = 0;
    std::string number = FindDocumentNumber(t, &pos);
    if (!number.empty() && pos == 0 && number.size() == t.size()) {
      out_.plan.document_number = number;
      return n;
    }
  }
  return 0;
}

void Parser::ParseIssuer(int first_line, int number_line) {
  Plan& plan = out_.plan;
  if (first_line < number_line) {
    absl::string_view issuer = Trim(LineText(first_line));
    absl::ConsumeSuffix(&issuer, "文件");
    plan.issuer = std::string(Trim(issuer));
  }
  if (plan.issuer.empty()) {
    Warn(number_line, "no-issuer", "no issuer line (…文件) above the document number");
    return;
  }
  // The district: what follows the city (北京市) up to 区 or 县.
  absl::string_view rest = plan.issuer;
  size_t city = rest.find("市");
  if (city != absl::string_view::npos) rest.remove_prefix(city + std::string("市").size());
  size_t qu = rest.find("区");
  size_t xian = rest.find("县");
  size_t end = std::min(qu, xian);
  if (end == absl::string_view::npos || end == 0) {
    Warn(first_line, "no-district",
         absl::StrCat("cannot tell the district from the issuer «", plan.issuer, "»"));
  } else {
    plan.district = std::string(rest.substr(0, end + std::string("区").size()));
  }
}

int Parser::ParseTitle(int number_line, int end_line) {
  // Title: 关于印发《TITLE》的通知, possibly over several lines.
  for (int n = number_line + 1; n <= end_line; ++n) {
    // The notice heading starts with 关于印发, possibly after the issuer's name;
    // a 关于印发 inside a sentence (the repealed notice) is not the heading.
    absl::string_view line = Trim(LineText(n));
    if (!out_.plan.issuer.empty()) absl::ConsumePrefix(&line, out_.plan.issuer);
    if (!absl::StartsWith(line, "关于印发")) continue;
    std::string heading;
    for (int k = n; k <= end_line && k < n + 8; ++k) {
      heading += std::string(Trim(LineText(k)));
      if (absl::StrContains(heading, "》")) break;
    }
    std::string title = Between(heading, "《", "》");
    if (!title.empty()) {
      out_.plan.title = title;
      return n;
    }
  }
  return 0;
}

absl::Status Parser::ParsePlanYear(int title_line) {
  // The plan year: the first YYYY年 in the title.
  Plan& plan = out_.plan;
  absl::string_view t = plan.title;
  for (size_t p = t.find("年"); p != absl::string_view::npos; p = t.find("年", p + 1)) {
    if (p >= 4 && AllAsciiDigits(t.substr(p - 4, 4)) &&
        (p == 4 || !absl::ascii_isdigit(t[p - 5]))) {
      int year = 0;
      if (absl::SimpleAtoi(t.substr(p - 4, 4), &year) && year >= 1949 && year <= 2200) {
        plan.year = year;
        return absl::OkStatus();
      }
    }
  }
  return Error(title_line,
               absl::StrCat("the title «", plan.title, "» names no plan year (YYYY年)"));
}

void Parser::ParseIssueDate(int number_line, int end_line) {
  // Issue date: the first line that is only a date.
  for (int n = number_line + 1; n <= end_line; ++n) {
    if (auto day = ParseChineseDate(Trim(LineText(n)))) {
      out_.plan.issue_date = *day;
      return;
    }
  }
  Warn(number_line, "no-issue-date", "no issue date line (YYYY年M月D日)");
}

void Parser::ParseReportingRule(int title_line, int end_line) {
  // Reporting rule: 每月N日前向X报送…
  int report_mention = 0;
  for (int n = title_line; n <= end_line; ++n) {
    absl::string_view t = LineText(n);
    if (report_mention == 0 && absl::StrContains(t, "报送")) report_mention = n;
    for (size_t p = t.find("每月"); p != absl::string_view::npos; p = t.find("每月", p + 1)) {
      if (ParseReportingRuleAt(n, t.substr(p))) return;
    }
  }
  if (report_mention != 0) {
    Warn(report_mention, "reporting-rule-unparsed",
         "the text mentions 报送 but no rule of the form 每月N日前向X报送… was found");
  } else {
    Warn(title_line, "no-reporting-rule", "no monthly reporting rule (每月N日前向X报送…) found");
  }
}

// `rest` starts with 每月 on line `line`; true when it is the reporting rule.
bool Parser::ParseReportingRuleAt(int line, absl::string_view rest) {
  size_t end = std::min({rest.find("，"), rest.find("。"), rest.find("；"), rest.size()});
  absl::string_view rule = rest.substr(0, end);
  absl::string_view r = rule.substr(std::string("每月").size());
  size_t digits = 0;
  while (digits < r.size() && absl::ascii_isdigit(r[digits])) ++digits;
  int day = 0;
  if (digits == 0 || !absl::SimpleAtoi(r.substr(0, digits), &day) || day < 1 || day > 31) {
    return false;
  }
  r.remove_prefix(digits);
  if (!absl::ConsumePrefix(&r, "日")) return false;
  absl::ConsumePrefix(&r, "前");
  size_t send = r.find("报送");
  if (send == absl::string_view::npos) return false;
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
  Plan& plan = out_.plan;
  plan.reporting_rule_text = std::string(rule);
  reporting_rule_line_ = line;
  plan.reporting_due_day = day;
  plan.reporting_recipient = recipient;
  if (recipient.empty()) {
    Warn(line, "reporting-rule-unparsed",
         absl::StrCat("the reporting rule «", rule, "» names no recipient"));
  }
  return true;
}

void Parser::ParseRepeal(int title_line, int end_line) {
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
    out_.plan.supersedes_document_number = number;
    std::string notice = Between(sentence, "《", "》");
    std::string inner = Between(notice, "〈", "〉");
    out_.plan.supersedes_title = inner.empty() ? notice : inner;
    return;
  }
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

}  // namespace ecoplan::registry::parser_internal
