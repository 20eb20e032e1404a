// What staff do to a complaint at the desk, as events through the store
// (event + outbox item + audit record in one transaction). The staff screens
// call these; each fills the event exactly as the protocol's EVENT wants it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "store/store.h"

namespace odr {

// Which actions make sense for a complaint now (the screens hide the rest).
struct AllowedActions {
  bool first_response = false;
  bool settled = false;
  bool compensation_prepaid = false;
  bool not_settled = false;
  bool withdrawn = false;
  bool satisfaction = false;
};
// outcome: Reports' open / settled / not_settled / withdrawn / closed.
AllowedActions allowed_actions(const std::string& outcome, bool has_first_response);

// Each returns the new event's id; throws StoreError (invalid, with the
// fields) when a value breaks the protocol's rules. method: on_site, phone, online.
std::string record_first_response(Store& store, const std::string& staff_id, const std::string& complaint_id,
                                  const std::string& method, const std::string& note);
std::string record_settled(Store& store, const std::string& staff_id, const std::string& complaint_id,
                           const std::string& method, const std::vector<std::string>& outcomes, int64_t amount_fen,
                           const std::string& note);
std::string record_compensation_prepaid(Store& store, const std::string& staff_id, const std::string& complaint_id,
                                        const std::string& method, int64_t amount_fen, const std::string& note);
std::string record_not_settled(Store& store, const std::string& staff_id, const std::string& complaint_id,
                               const std::string& method, const std::string& reason);
// The consumer's own acts, done on screen while staff hand it over; the
// audit names the staff member who handed it over.
std::string record_withdrawn(Store& store, const std::string& staff_id, const std::string& complaint_id,
                             const std::string& reason);
std::string record_satisfaction(Store& store, const std::string& staff_id, const std::string& complaint_id, int score,
                                const std::string& comment);

}  // namespace odr
