// The personal-data guard: phone-number-shaped runs never reach the
// synthesizer, whatever their spacing; the numbers a step's words hold
// (the 12315 hotline, an amount, a date) stay.
#include "speech/guard.h"

#include <gtest/gtest.h>

using odr::kiosk::guard_speech_text;

TEST(SpeechGuard, PhoneNumbersAreCutOut) {
  EXPECT_EQ(guard_speech_text("请拨打13812345678联系"), "请拨打联系");
  EXPECT_EQ(guard_speech_text("call 138 1234 5678 now"), "call  now");
  EXPECT_EQ(guard_speech_text("电话 138-1234-5678。"), "电话 。");
  EXPECT_EQ(guard_speech_text("座机 0571-88886666"), "座机 ");
  EXPECT_EQ(guard_speech_text("1234567"), "") << "seven digits could be a local number";
  EXPECT_EQ(guard_speech_text("号码１３８１２３４５６７８"), "号码") << "full-width digits";
  EXPECT_EQ(guard_speech_text("1 3 8 1 2 3 4 5 6 7 8"), "") << "one digit at a time";
  EXPECT_EQ(guard_speech_text("+86 13812345678"), "+") << "the country code joins the run";
}

TEST(SpeechGuard, TheStepsOwnNumbersStay) {
  EXPECT_EQ(guard_speech_text("请拨打12315热线"), "请拨打12315热线");
  EXPECT_EQ(guard_speech_text("金额 123456 元"), "金额 123456 元") << "six digits";
  EXPECT_EQ(guard_speech_text("例如 2026-11-30"), "例如 2026-11-30") << "a date is no phone number";
  EXPECT_EQ(guard_speech_text("第 3 步，共 8 步"), "第 3 步，共 8 步");
  EXPECT_EQ(guard_speech_text("12 34"), "12 34");
  EXPECT_EQ(guard_speech_text("请选择商家"), "请选择商家");
  EXPECT_EQ(guard_speech_text(""), "");
}

TEST(SpeechGuard, ADateShapeIsNoLoophole) {
  EXPECT_EQ(guard_speech_text("1381-23-45"), "") << "month 23 is no date";
  EXPECT_EQ(guard_speech_text("2026-11-30-1234"), "") << "a date with more digits on";
  EXPECT_EQ(guard_speech_text("138 1234 5678 2026-11-30"), "") << "one run";
}

TEST(SpeechGuard, SeparatorsOnlyBetweenDigits) {
  // Two short numbers with words between are two runs.
  EXPECT_EQ(guard_speech_text("3 件 1234 元"), "3 件 1234 元");
  // Two spaces end a run: "1234  5678" are two runs of four.
  EXPECT_EQ(guard_speech_text("1234  5678"), "1234  5678");
}

TEST(SpeechGuard, InvalidUtf8IsDropped) {
  EXPECT_EQ(guard_speech_text(std::string("ab\xff\xfe" "cd")), "abcd");
  EXPECT_EQ(guard_speech_text(std::string("中\xe4\xb8")), "中");
}
