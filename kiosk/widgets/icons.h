// Material Icons (fonts-material-design-icons-iconfont) used by the kiosk, as
// UTF-8 strings for ImGui. Generated from the package's _variables.scss by
// kiosk/widgets/gen_icons.py; kIconCodepoints goes into the font atlas.
#pragma once

namespace odr::kiosk {

#define ICON_ARROW_BACK "\xee\x97\x84"  // U+E5C4
#define ICON_ARROW_FORWARD "\xee\x97\x88"  // U+E5C8
#define ICON_ARROW_UPWARD "\xee\x97\x98"  // U+E5D8
#define ICON_CHECK "\xee\x97\x8a"  // U+E5CA
#define ICON_CHECK_CIRCLE "\xee\xa1\xac"  // U+E86C
#define ICON_STOREFRONT "\xee\xa8\x92"  // U+EA12
#define ICON_SHOPPING_BAG "\xef\x87\x8c"  // U+F1CC
#define ICON_RECEIPT_LONG "\xee\xbd\xae"  // U+EF6E
#define ICON_DESCRIPTION "\xee\xa1\xb3"  // U+E873
#define ICON_EDIT "\xee\x8f\x89"  // U+E3C9
#define ICON_PERSON "\xee\x9f\xbd"  // U+E7FD
#define ICON_PHONE "\xee\x83\x8d"  // U+E0CD
#define ICON_HOME "\xee\xa2\x8a"  // U+E88A
#define ICON_LANGUAGE "\xee\xa2\x94"  // U+E894
#define ICON_TRANSLATE "\xee\xa3\xa2"  // U+E8E2
#define ICON_FORMAT_SIZE "\xee\x89\x85"  // U+E245
#define ICON_LOCK "\xee\xa2\x97"  // U+E897
#define ICON_PRIVACY_TIP "\xef\x83\x9c"  // U+F0DC
#define ICON_VERIFIED_USER "\xee\xa3\xa8"  // U+E8E8
#define ICON_FACT_CHECK "\xef\x83\x85"  // U+F0C5
#define ICON_BACKSPACE "\xee\x85\x8a"  // U+E14A
#define ICON_KEYBOARD "\xee\x8c\x92"  // U+E312
#define ICON_KEYBOARD_RETURN "\xee\x8c\x9b"  // U+E31B
#define ICON_SPACE_BAR "\xee\x89\x96"  // U+E256
#define ICON_SEARCH "\xee\xa2\xb6"  // U+E8B6
#define ICON_CLOSE "\xee\x97\x8d"  // U+E5CD
#define ICON_CALENDAR_TODAY "\xee\xa4\xb5"  // U+E935
#define ICON_PAYMENTS "\xee\xbd\xa3"  // U+EF63
#define ICON_GAVEL "\xee\xa4\x8e"  // U+E90E
#define ICON_HANDSHAKE "\xee\xaf\x8b"  // U+EBCB
#define ICON_SUPPORT_AGENT "\xef\x83\xa2"  // U+F0E2
#define ICON_TOUCH_APP "\xee\xa4\x93"  // U+E913
#define ICON_TIMER "\xee\x90\xa5"  // U+E425
#define ICON_SCHEDULE "\xee\xa2\xb5"  // U+E8B5
#define ICON_QR_CODE "\xee\xbd\xab"  // U+EF6B
#define ICON_UNDO "\xee\x85\xa6"  // U+E166
#define ICON_CLEAR "\xee\x85\x8c"  // U+E14C
#define ICON_KEYBOARD_CAPSLOCK "\xee\x8c\x98"  // U+E318
#define ICON_ERROR_OUTLINE "\xee\x80\x81"  // U+E001
#define ICON_WARNING "\xee\x80\x82"  // U+E002
#define ICON_INFO "\xee\xa2\x8e"  // U+E88E
#define ICON_CHEVRON_LEFT "\xee\x97\x8b"  // U+E5CB
#define ICON_CHEVRON_RIGHT "\xee\x97\x8c"  // U+E5CC
#define ICON_BUILD "\xee\xa1\xa9"  // U+E869
#define ICON_REPLAY "\xee\x81\x82"  // U+E042
#define ICON_AUTORENEW "\xee\xa1\xa3"  // U+E863
#define ICON_CURRENCY_YUAN "\xee\xab\xb9"  // U+EAF9
#define ICON_LOCAL_MALL "\xee\x95\x8c"  // U+E54C
#define ICON_INVENTORY_2 "\xee\x86\xa1"  // U+E1A1
#define ICON_HELP "\xee\xa2\x87"  // U+E887
#define ICON_LOCATION_ON "\xee\x83\x88"  // U+E0C8
#define ICON_BADGE "\xee\xa9\xa7"  // U+EA67
#define ICON_DRAW "\xee\x9d\x86"  // U+E746
#define ICON_EDIT_NOTE "\xee\x9d\x85"  // U+E745
#define ICON_RADIO_BUTTON_CHECKED "\xee\xa0\xb7"  // U+E837
#define ICON_RADIO_BUTTON_UNCHECKED "\xee\xa0\xb6"  // U+E836
#define ICON_CHECK_BOX "\xee\xa0\xb4"  // U+E834
#define ICON_CHECK_BOX_OUTLINE_BLANK "\xee\xa0\xb5"  // U+E835
#define ICON_TODAY "\xee\xa3\x9f"  // U+E8DF
#define ICON_EVENT "\xee\xa1\xb8"  // U+E878
#define ICON_FEEDBACK "\xee\xa1\xbf"  // U+E87F
#define ICON_REPORT_PROBLEM "\xee\xa2\xb2"  // U+E8B2
#define ICON_KEYBOARD_HIDE "\xee\x8c\x9a"  // U+E31A
#define ICON_ROOM_SERVICE "\xee\xad\x89"  // U+EB49
#define ICON_MISCELLANEOUS_SERVICES "\xef\x84\x8c"  // U+F10C
#define ICON_RESTART_ALT "\xef\x81\x93"  // U+F053
#define ICON_PRINT "\xee\xa2\xad"  // U+E8AD
#define ICON_PRINT_DISABLED "\xee\xa7\x8f"  // U+E9CF
#define ICON_HOURGLASS_TOP "\xee\xa9\x9b"  // U+EA5B
#define ICON_VOLUME_UP "\xee\x81\x90"  // U+E050
#define ICON_STOP_CIRCLE "\xee\xbd\xb1"  // U+EF71
#define ICON_NOTIFICATIONS_ACTIVE "\xee\x9f\xb7"  // U+E7F7

inline constexpr unsigned short kIconCodepoints[] = {
    0xE001, 0xE002, 0xE042, 0xE050, 0xE0C8, 0xE0CD, 0xE14A, 0xE14C, 0xE166, 0xE1A1, 0xE245, 0xE256, 0xE312, 0xE318, 0xE31A, 0xE31B, 0xE3C9, 0xE425, 0xE54C, 0xE5C4, 0xE5C8, 0xE5CA, 0xE5CB, 0xE5CC, 0xE5CD, 0xE5D8, 0xE745, 0xE746, 0xE7F7, 0xE7FD, 0xE834, 0xE835, 0xE836, 0xE837, 0xE863, 0xE869, 0xE86C, 0xE873, 0xE878, 0xE87F, 0xE887, 0xE88A, 0xE88E, 0xE894, 0xE897, 0xE8AD, 0xE8B2, 0xE8B5, 0xE8B6, 0xE8DF, 0xE8E2, 0xE8E8, 0xE90E, 0xE913, 0xE935, 0xE9CF, 0xEA12, 0xEA5B, 0xEA67, 0xEAF9, 0xEB49, 0xEBCB, 0xEF63, 0xEF6B, 0xEF6E, 0xEF71, 0xF053, 0xF0C5, 0xF0DC, 0xF0E2, 0xF10C, 0xF1CC,
};

}  // namespace odr::kiosk
