// CSV as a spreadsheet reads it (util/csv.h): what a clerk opens must show
// each cell as written, and never run a formula a shopper typed.
#include <gtest/gtest.h>

#include "util/csv.h"

using namespace odr;

TEST(Csv, PlainCellsStayAsTheyAre) {
  EXPECT_EQ(csv_cell("A01-261128-0001"), "A01-261128-0001");
  EXPECT_EQ(csv_cell("退款 全额"), "退款 全额");
  EXPECT_EQ(csv_cell(""), "");
}

TEST(Csv, CommasQuotesAndLineBreaksAreQuoted) {
  EXPECT_EQ(csv_cell("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_cell("他说\"退货\""), "\"他说\"\"退货\"\"\"");
  EXPECT_EQ(csv_cell("第一行\r\n第二行"), "\"第一行\r\n第二行\"");
}

TEST(Csv, ACellThatStartsLikeAFormulaIsText) {
  for (const char* f : {"=1+1", "+1", "-2+3", "@SUM(A1)"}) EXPECT_EQ(csv_cell(f), std::string("'") + f);
  EXPECT_EQ(csv_cell("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
}

TEST(Csv, LinesEndInCrLfAndTheBomIsUtf8s) {
  std::string csv = kCsvBom;
  add_csv_line(csv, {"工单号 ticket", "a,b"});
  add_csv_line(csv, {"1"});
  EXPECT_EQ(csv, "\xEF\xBB\xBF工单号 ticket,\"a,b\"\r\n1\r\n");
}
