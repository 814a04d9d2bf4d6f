#include "common/text/normalize.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "common/testing/project_path.h"

namespace ecoplan::common {
namespace {

TEST(NormalizeDocumentTextTest, StripsBomAndUnifiesLineEnds) {
  EXPECT_EQ(NormalizeDocumentText("\xEF\xBB\xBF附件1\r\n标题\r\n"), "附件1\n标题\n");
  EXPECT_EQ(NormalizeDocumentText("a\rb\r\n\r\nc"), "a\nb\n\nc");
}

TEST(NormalizeDocumentTextTest, KeepsChinesePunctuationFullWidth) {
  const std::string canonical =
      "（一）目标：PM2.5达到27微克/立方米，优良；“十五五”《计划》〔2026〕、。";
  EXPECT_EQ(NormalizeDocumentText(canonical), canonical);
  EXPECT_EQ(
      NormalizeDocumentText("(一)目标:PM2.5达到27微克/立方米,优良;\"十五五\"《计划》〔2026〕、。"),
      canonical);
}

TEST(NormalizeDocumentTextTest, FoldsFullWidthLettersAndDigits) {
  EXPECT_EQ(NormalizeDocumentText("ＰＭ２．５达到２７％，监测－核查"), "PM2.5达到27%，监测-核查");
  EXPECT_EQ(NormalizeDocumentText("｢a｣､b｡"), "「a」、b。");
}

TEST(NormalizeDocumentTextTest, KeepsDigitSeparatorsAndMeaningfulSymbols) {
  EXPECT_EQ(NormalizeDocumentText("2,300万立方米，8:30"), "2,300万立方米，8:30");
  EXPECT_EQ(NormalizeDocumentText("劣Ⅴ类水体①℃★"), "劣Ⅴ类水体①℃★");
}

TEST(NormalizeDocumentTextTest, CanonicalizesDocumentNumberBrackets) {
  EXPECT_EQ(NormalizeDocumentText("门政办发[2026]1号"), "门政办发〔2026〕1号");
  EXPECT_EQ(NormalizeDocumentText("门政办发【2026】1号"), "门政办发〔2026〕1号");
  EXPECT_EQ(NormalizeDocumentText("门政办发(2026)1号"), "门政办发〔2026〕1号");
  EXPECT_EQ(NormalizeDocumentText("（2025—2030年）"), "（2025—2030年）");
  EXPECT_EQ(NormalizeDocumentText("――"), "——");
}

TEST(NormalizeDocumentTextTest, IsIdempotentOnTheSeedAndKeepsItsLines) {
  std::ifstream in(ECOPLAN_SEED_PATH, std::ios::binary);
  ASSERT_TRUE(in) << ECOPLAN_SEED_PATH;
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string seed = buf.str();
  const std::string once = NormalizeDocumentText(seed);
  EXPECT_EQ(NormalizeDocumentText(once), once);
  EXPECT_EQ(std::count(once.begin(), once.end(), '\n'), std::count(seed.begin(), seed.end(), '\n'));
  // The only change to the seed: its two full-width hyphens (监测－核查－整改).
  std::string expected = seed;
  for (size_t p; (p = expected.find("－")) != std::string::npos;) expected.replace(p, 3, "-");
  EXPECT_EQ(once, expected);
}

TEST(NormalizeDocumentTextTest, ReplacesIllFormedUtf8) {
  EXPECT_EQ(NormalizeDocumentText("a\xFF"
                                  "b"),
            "a\xEF\xBF\xBD"
            "b");
}

TEST(Utf8Test, ValidatesAndCounts) {
  EXPECT_TRUE(IsValidUtf8("美丽门头沟 abc"));
  EXPECT_FALSE(IsValidUtf8("\xC3\x28"));
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));  // surrogate
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));      // overlong
  EXPECT_EQ(FirstInvalidUtf8Offset("ab\xFF"), 2u);
  EXPECT_EQ(Utf8Length("美丽a"), 3u);
  EXPECT_EQ(Utf8Length(""), 0u);
}

TEST(Utf8Test, ValidLengthCountsWellFormedTextAndRefusesTheRest) {
  EXPECT_EQ(ValidUtf8Length("美丽门头沟 abc"), 9u);
  EXPECT_EQ(ValidUtf8Length(""), 0u);
  EXPECT_EQ(ValidUtf8Length("PM2.5≤27µg/m³ 𝟘"), 15u);  // 2-, 3- and 4-byte sequences
  for (absl::string_view bad : {"\xC3\x28", "\xED\xA0\x80", "\xC0\xAF", "ab\xFF", "美\xE4\xB8"}) {
    EXPECT_EQ(ValidUtf8Length(bad), std::nullopt) << FirstInvalidUtf8Offset(bad);
    EXPECT_FALSE(IsValidUtf8(bad));
  }
}

TEST(TrimDocumentSpaceTest, TrimsAsciiAndIdeographicSpace) {
  EXPECT_EQ(TrimDocumentSpace("\t　区生态环境局  "), "区生态环境局");
  EXPECT_EQ(TrimDocumentSpace("   "), "");
}

}  // namespace
}  // namespace ecoplan::common
