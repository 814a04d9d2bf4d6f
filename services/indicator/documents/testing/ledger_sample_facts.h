#pragma once

// A small month of a plan, built by hand as the APIs would answer it, for the
// ledger's tests (C++ and the exceljs read-back in tests/documents): three
// measures of two organizations and a town group, their lights red, yellow
// and green, two reports of 2026-05, the submission status, an extension and
// a completion decided in May (and one extension of April, which the May
// ledger leaves out), two indicators and two scorecards.

#include "services/indicator/documents/month_facts.h"

namespace ecoplan::indicator::documents::testing {

MonthFacts SampleLedgerFacts();

}  // namespace ecoplan::indicator::documents::testing
