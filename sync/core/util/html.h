// Text made safe for HTML: & < > " ' as entities, so it can stand between
// tags and inside quoted attributes. The one home of the rule, for every
// page the project serves (the hub's dashboard, platform-sim's case page).
#pragma once
#include <string>
#include <string_view>

namespace odr {

std::string html_escape(std::string_view s);

}  // namespace odr
