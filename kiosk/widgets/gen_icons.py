#!/usr/bin/env python3
# Regenerates icons.h from the Debian package's codepoint list.
# Usage: python3 gen_icons.py > icons.h  (run in kiosk/widgets)
import re

NAMES = """arrow_back arrow_forward arrow_upward check check_circle storefront shopping_bag receipt_long description edit person phone
home language translate format_size lock privacy_tip verified_user fact_check backspace keyboard keyboard_return
space_bar search close calendar_today payments gavel handshake support_agent touch_app timer schedule qr_code
undo clear keyboard_capslock error_outline warning info chevron_left chevron_right build replay autorenew
currency_yuan local_mall inventory_2 help location_on badge draw edit_note radio_button_checked
radio_button_unchecked check_box check_box_outline_blank today event feedback report_problem keyboard_hide
room_service miscellaneous_services restart_alt print print_disabled hourglass_top volume_up stop_circle
notifications_active""".split()

scss = open('/usr/share/fonts-material-design-icons-iconfont/scss/_variables.scss').read()
out = ["// Material Icons (fonts-material-design-icons-iconfont) used by the kiosk, as",
       "// UTF-8 strings for ImGui. Generated from the package's _variables.scss by",
       "// kiosk/widgets/gen_icons.py; kIconCodepoints goes into the font atlas.",
       "#pragma once", "", "namespace odr::kiosk {", ""]
cps = []
for n in NAMES:
    cp = int(re.search(r'"%s":\s*([0-9a-f]+)' % n, scss).group(1), 16)
    cps.append(cp)
    b = chr(cp).encode('utf-8')
    out.append('#define ICON_%s "%s"  // U+%04X' % (n.upper(), ''.join('\\x%02x' % x for x in b), cp))
out += ["", "inline constexpr unsigned short kIconCodepoints[] = {",
        "    " + ", ".join("0x%04X" % c for c in sorted(set(cps))) + ",", "};", "", "}  // namespace odr::kiosk"]
print("\n".join(out))
