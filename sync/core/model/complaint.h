// The complaint and the event, field for field as the protocol page
// (odr-sync-v1.md, COMPLAINT and EVENT). Plain data: strings hold the wire
// values (enums as their wire names), money is integer fen, times are
// RFC 3339 strings with an offset.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace odr {

struct Respondent {
  std::string name;
  std::string credit_code;  // 18-character unified social credit code (GB 32100)
  std::string address;
  std::string region_code;  // 6-digit administrative division code
  std::string booth;        // optional: the tenant's unit number
};

struct Consumer {
  std::string name;
  std::string phone;  // mainland mobile: 1[3-9] + 9 digits
  std::string address;
};

struct Category {
  std::string kind;  // "goods" or "service"
  std::string code;  // from the kiosk's category list
  std::vector<std::string> problems;
};

struct Purchase {
  std::string item;
  std::string date;  // YYYY-MM-DD
  int64_t amount_fen = 0;
  std::string place;     // optional
  std::string order_no;  // optional
};

struct Demand {
  std::vector<std::string> types;
  std::optional<int64_t> amount_fen;
  std::string text;  // optional, <= 500 code points
};

struct Consent {
  std::string notice_version;
  std::string accepted_at;  // time the privacy notice was accepted
  bool transfer_to_platform = false;
};

struct Complaint {
  std::string id;        // UUIDv7, made when first saved
  std::string ticket;    // e.g. A01-261128-0042
  std::string kiosk_id;
  std::string channel = "self_service";  // or "staff_assisted"
  std::string created_at;
  std::string locale = "zh-CN";
  Respondent respondent;
  Consumer consumer;
  Category category;
  Purchase purchase;
  std::string description;
  Demand demand;
  Consent consent;
};

// What happened to a complaint after it was filed.
struct EventData {
  std::string note;                   // first_response, settled, compensation_prepaid
  std::vector<std::string> outcomes;  // settled: demand types agreed
  std::optional<int64_t> amount_fen;  // settled, compensation_prepaid
  std::string reason;                 // not_settled, withdrawn
  int score = 0;                      // satisfaction: 1..5
  std::string comment;                // satisfaction
};

struct Event {
  std::string id;
  std::string complaint_id;
  std::string type;      // first_response, settled, not_settled, compensation_prepaid, satisfaction, withdrawn
  std::string method;    // staff events: on_site, phone, online
  std::string at;
  std::string staff_id;  // staff events only
  EventData data;
};

// One entry of GET /updates: what the platform did with a complaint.
struct PlatformUpdate {
  std::string complaint_id;
  std::string case_no;
  std::string status;  // received, accepted, mediating, settled, not_settled, closed, transferred
  std::string at;
  std::string note;
};

// The wire vocabularies, in protocol order.
extern const std::vector<std::string> kProblemCodes;
extern const std::vector<std::string> kDemandTypes;
extern const std::vector<std::string> kEventTypes;
extern const std::vector<std::string> kEventMethods;
extern const std::vector<std::string> kPlatformStatuses;
bool is_staff_event(const std::string& type);

}  // namespace odr
