#include "complaint.h"

#include <algorithm>

namespace odr {

const std::vector<std::string> kProblemCodes = {
    "license",         "food_safety",     "product_quality", "service_quality",   "special_equipment", "measurement",
    "personal_rights", "after_sales",     "trademark_label", "price",             "false_advertising", "prepaid_card",
    "market_management", "contract",      "counterfeit",     "other"};

const std::vector<std::string> kDemandTypes = {"repair", "redo",         "exchange", "return", "make_up_quantity",
                                               "refund", "compensation", "apology",  "other"};

const std::vector<std::string> kEventTypes = {"first_response",       "settled",      "not_settled",
                                              "compensation_prepaid", "satisfaction", "withdrawn"};

const std::vector<std::string> kEventMethods = {"on_site", "phone", "online"};

const std::vector<std::string> kPlatformStatuses = {"received", "accepted",    "mediating",  "settled",
                                                    "not_settled", "closed",   "transferred"};

// Staff record these at the desk; the consumer gives satisfaction and withdrawn.
bool is_staff_event(const std::string& type) {
  return type == "first_response" || type == "settled" || type == "not_settled" || type == "compensation_prepaid";
}

}  // namespace odr
