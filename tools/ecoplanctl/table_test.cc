#include "tools/ecoplanctl/table.h"

#include <gtest/gtest.h>

#include <sstream>

namespace ecoplan::ctl {
namespace {

TEST(DisplayWidthTest, CountsChineseCharactersAsTwoColumns) {
  EXPECT_EQ(DisplayWidth(""), 0);
  EXPECT_EQ(DisplayWidth("abc"), 3);
  EXPECT_EQ(DisplayWidth("区交通局"), 8);
  EXPECT_EQ(DisplayWidth("a1-t3 区发改委"), 14);
  // Fullwidth punctuation is wide; the ASCII ellipsis is not.
  EXPECT_EQ(DisplayWidth("（一）"), 6);
  EXPECT_EQ(DisplayWidth("门政办发〔2026〕1号"), 4 * 2 + 2 * 2 + 4 + 1 + 2);
  EXPECT_EQ(DisplayWidth("ＡＢ"), 4);  // fullwidth Latin
}

TEST(DisplayWidthTest, IgnoresControlAndCombiningCharacters) {
  EXPECT_EQ(DisplayWidth("a\tb"), 2);
  EXPECT_EQ(DisplayWidth("e\xcc\x81"), 1);  // e + U+0301 combining acute
}

TEST(DisplayWidthTest, CountsEachInvalidSequenceAsOneColumn) {
  EXPECT_EQ(DisplayWidth("a\xff"), 2);
  EXPECT_EQ(DisplayWidth("\xe5\x8c"), 1);  // a truncated 3-byte sequence: one replacement
}

TEST(TruncateToWidthTest, KeepsTextThatFits) {
  EXPECT_EQ(TruncateToWidth("区交通局", 8), "区交通局");
  EXPECT_EQ(TruncateToWidth("abc", 10), "abc");
}

TEST(TruncateToWidthTest, CutsBetweenCharactersAndAddsEllipsis) {
  // 9 columns: 3 for "...", 6 left: three Chinese characters.
  EXPECT_EQ(TruncateToWidth("推动机动车结构优化升级", 9), "推动机...");
  // 10 columns: 7 left, which holds three characters (6), never half of the fourth.
  const std::string cut = TruncateToWidth("推动机动车结构优化升级", 10);
  EXPECT_EQ(cut, "推动机...");
  EXPECT_LE(DisplayWidth(cut), 10);
  EXPECT_EQ(TruncateToWidth("abcdefghij", 6), "abc...");
  // Mixed text.
  EXPECT_EQ(TruncateToWidth("a1区交通局", 8), "a1区...");
}

TEST(TruncateToWidthTest, VeryNarrowWidthsCutWithoutEllipsis) {
  EXPECT_EQ(TruncateToWidth("区交通局", 3), "区");
  EXPECT_EQ(TruncateToWidth("区交通局", 1), "");
  EXPECT_EQ(TruncateToWidth("abc", 0), "");
}

TEST(TruncateToWidthTest, ResultIsAlwaysValidUtf8Prefix) {
  const std::string text = "共筑美丽蓝天，持续深入打好蓝天保卫战";
  for (int width = 0; width < 40; ++width) {
    const std::string cut = TruncateToWidth(text, width);
    EXPECT_LE(DisplayWidth(cut), width) << width;
    std::string prefix = cut;
    if (prefix.size() >= 3 && prefix.compare(prefix.size() - 3, 3, "...") == 0) {
      prefix.resize(prefix.size() - 3);
    }
    EXPECT_EQ(text.compare(0, prefix.size(), prefix), 0) << width;
    EXPECT_EQ(prefix.size() % 3, 0u) << "split a UTF-8 sequence at width " << width;
  }
}

TEST(PadToWidthTest, PadsByDisplayWidth) {
  EXPECT_EQ(PadToWidth("区局", 6), "区局  ");
  EXPECT_EQ(PadToWidth("ab", 4), "ab  ");
  EXPECT_EQ(PadToWidth("区交通局", 4), "区交通局");
}

TEST(TableTest, AlignsColumnsWithChineseText) {
  Table table({"ID", "LEADS", "N"});
  table.AddRow({"a1-t1-m1", "区交通局", "1"});
  table.AddRow({"a1-t1-m2", "区生态环境局、区发改委", "22"});
  std::ostringstream out;
  table.Print(out);
  EXPECT_EQ(out.str(),
            "ID        LEADS                   N\n"
            "a1-t1-m1  区交通局                1\n"
            "a1-t1-m2  区生态环境局、区发改委  22\n");
}

TEST(TableTest, TruncatesToMaxWidthAndJoinsLines) {
  Table table({"ID", "TEXT"});
  table.SetMaxWidth(1, 10);
  table.AddRow({"m1", "加快推进\n新能源车"});
  table.AddRow({"m2", "短"});
  std::ostringstream out;
  table.Print(out);
  EXPECT_EQ(out.str(),
            "ID  TEXT\n"
            "m1  加快推...\n"
            "m2  短\n");
}

TEST(TableTest, NoTrailingSpacesWhenLastCellsAreEmpty) {
  Table table({"A", "B", "C"});
  table.AddRow({"x"});
  std::ostringstream out;
  table.Print(out);
  EXPECT_EQ(out.str(), "A  B  C\nx\n");
}

TEST(PrintFieldsTest, AlignsValuesAndSkipsEmptyOnes) {
  std::ostringstream out;
  PrintFields(out, {{"Title", "美丽门头沟"}, {"Empty", ""}, {"Document number", "1号"}}, 2);
  EXPECT_EQ(out.str(),
            "  Title:           美丽门头沟\n"
            "  Document number: 1号\n");
}

TEST(PrintFieldsTest, ContinuesMultiLineValuesUnderTheValue) {
  std::ostringstream out;
  PrintFields(out, {{"Leads", "区交通局\n区发改委"}});
  EXPECT_EQ(out.str(),
            "Leads: 区交通局\n"
            "       区发改委\n");
}

}  // namespace
}  // namespace ecoplan::ctl
