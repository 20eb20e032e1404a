// The DLE EOT answers as a health, row by row (Epson's bit tables).
#include "receipt/status.h"

#include <gtest/gtest.h>

using namespace odr::kiosk;

namespace {

std::string reply(unsigned char printer, unsigned char offline, unsigned char paper) {
  return std::string{static_cast<char>(printer), static_cast<char>(offline), static_cast<char>(paper)};
}

}  // namespace

TEST(PrinterStatus, QueryIsDleEotOneTwoFour) {
  EXPECT_EQ(status_query(), std::string_view("\x10\x04\x01\x10\x04\x02\x10\x04\x04", 9));
  EXPECT_EQ(kStatusReplyBytes, 3u);
}

TEST(PrinterStatus, AnswersToHealth) {
  struct Row {
    unsigned char printer, offline, paper;
    PrinterHealth want;
  } rows[] = {
      {0x12, 0x12, 0x12, PrinterHealth::ready},
      {0x16, 0x12, 0x12, PrinterHealth::ready},        // drawer pin high: nothing to do with paper
      {0x12, 0x12, 0x1E, PrinterHealth::paper_low},     // near-end sensor
      {0x1A, 0x32, 0x72, PrinterHealth::paper_out},     // offline, stopped by paper end, no paper
      {0x12, 0x12, 0x72, PrinterHealth::paper_out},     // the roll sensor alone
      {0x1A, 0x32, 0x12, PrinterHealth::paper_out},     // "stopped by paper end" alone
      {0x1A, 0x16, 0x12, PrinterHealth::cover_open},
      {0x1A, 0x52, 0x12, PrinterHealth::error},
      {0x1A, 0x12, 0x12, PrinterHealth::offline},
  };
  for (const Row& r : rows)
    EXPECT_EQ(health_from_status(reply(r.printer, r.offline, r.paper)), r.want)
        << std::hex << int(r.printer) << " " << int(r.offline) << " " << int(r.paper);
}

TEST(PrinterStatus, ShortOrForeignAnswersAreNotAnswers) {
  EXPECT_EQ(health_from_status(""), PrinterHealth::not_answering);
  EXPECT_EQ(health_from_status(std::string("\x12\x12", 2)), PrinterHealth::not_answering);
  EXPECT_EQ(health_from_status("abc"), PrinterHealth::not_answering) << "text, not status bytes";
  EXPECT_EQ(health_from_status(reply(0x13, 0x12, 0x12)), PrinterHealth::not_answering) << "bit 0 must be 0";
  EXPECT_EQ(health_from_status(reply(0x92, 0x12, 0x12)), PrinterHealth::not_answering) << "bit 7 must be 0";
}

TEST(PrinterStatus, WhatPrints) {
  EXPECT_TRUE(can_print(PrinterHealth::ready));
  EXPECT_TRUE(can_print(PrinterHealth::paper_low));
  EXPECT_TRUE(can_print(PrinterHealth::unknown));
  for (PrinterHealth h : {PrinterHealth::paper_out, PrinterHealth::cover_open, PrinterHealth::error,
                          PrinterHealth::offline, PrinterHealth::not_answering})
    EXPECT_FALSE(can_print(h)) << to_string(h);
  EXPECT_STREQ(to_string(PrinterHealth::paper_out), "paper_out");
}
