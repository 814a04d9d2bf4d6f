#pragma once

// A MonthFacts of May 2026 built by hand for the 月报's tests and its timing
// (monthly_report_pdf_test.cc), with names from the seed plan: the annexes
// and sections of 《美丽门头沟建设2026年行动计划》, its departments and its 13
// towns with their annex-5 PM2.5 targets, a4-pm25 with target 27. Enough
// indicators and organizations for the long tables to run across pages.

#include "services/indicator/documents/month_facts.h"

namespace ecoplan::indicator::documents::testing {

// The plan's resource name in these facts.
inline constexpr char kTestPlan[] = "plans/2026-5b6a16527908";

// May 2026, open, as of 2026-05-31. Key figures the tests look for:
// a4-pm25 is 31 against ≤27 (偏离目标), projected 28.4, the rest of the
// year must average ≤24.6 over 214 days; 龙泉镇 ranks 9th with 30 against 27
// (gap +3, 同比 -6.3%); 区水务局 has not reported (未报送) and its scorecard
// counts 4 missing entries; the red measure a1-t3-m4 is led by 区交通局.
MonthFacts MayFacts();

}  // namespace ecoplan::indicator::documents::testing
