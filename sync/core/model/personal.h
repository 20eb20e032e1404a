// What others may see of a consumer's personal data: the one home of how a
// phone number and a name are masked, wherever they show to someone other
// than the consumer (staff lists, the done screen after a moment, exports
// without personal data, receipts). The consumer's own screens show their
// entry in full so that they can check it.
#pragma once
#include <string>

namespace odr {

// 138****1234 for a mainland mobile number; otherwise all but the last four
// characters hidden (and at least four stars).
std::string mask_phone(const std::string& phone);
// 李** : the first character, then one star for each other (at least one).
std::string mask_name(const std::string& name);

}  // namespace odr
