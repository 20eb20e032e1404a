#include "staff/staff_actions.h"

namespace odr {

AllowedActions allowed_actions(const std::string& outcome, bool has_first_response) {
  AllowedActions a;
  if (outcome == "open") {
    a.first_response = !has_first_response;
    a.settled = a.not_settled = a.withdrawn = true;
    a.compensation_prepaid = true;
  } else if (outcome == "settled" || outcome == "not_settled") {
    a.compensation_prepaid = true;  // paying first can follow a settlement or a failed one
    a.satisfaction = true;
  }
  return a;
}

static Event staff_event(const std::string& type, const std::string& staff_id, const std::string& complaint_id,
                         const std::string& method) {
  Event e;
  e.type = type;
  e.staff_id = staff_id;
  e.complaint_id = complaint_id;
  e.method = method;
  return e;
}

std::string record_first_response(Store& store, const std::string& staff_id, const std::string& complaint_id,
                                  const std::string& method, const std::string& note) {
  Event e = staff_event("first_response", staff_id, complaint_id, method);
  e.data.note = note;
  return store.record_event(std::move(e));
}

std::string record_settled(Store& store, const std::string& staff_id, const std::string& complaint_id,
                           const std::string& method, const std::vector<std::string>& outcomes, int64_t amount_fen,
                           const std::string& note) {
  Event e = staff_event("settled", staff_id, complaint_id, method);
  e.data.outcomes = outcomes;
  e.data.amount_fen = amount_fen;
  e.data.note = note;
  return store.record_event(std::move(e));
}

std::string record_compensation_prepaid(Store& store, const std::string& staff_id, const std::string& complaint_id,
                                        const std::string& method, int64_t amount_fen, const std::string& note) {
  Event e = staff_event("compensation_prepaid", staff_id, complaint_id, method);
  e.data.amount_fen = amount_fen;
  e.data.note = note;
  return store.record_event(std::move(e));
}

std::string record_not_settled(Store& store, const std::string& staff_id, const std::string& complaint_id,
                               const std::string& method, const std::string& reason) {
  Event e = staff_event("not_settled", staff_id, complaint_id, method);
  e.data.reason = reason;
  return store.record_event(std::move(e));
}

std::string record_withdrawn(Store& store, const std::string& staff_id, const std::string& complaint_id,
                             const std::string& reason) {
  Event e;
  e.type = "withdrawn";
  e.complaint_id = complaint_id;
  e.data.reason = reason;
  return store.record_event(std::move(e), "consumer via staff:" + staff_id);
}

std::string record_satisfaction(Store& store, const std::string& staff_id, const std::string& complaint_id, int score,
                                const std::string& comment) {
  Event e;
  e.type = "satisfaction";
  e.complaint_id = complaint_id;
  e.data.score = score;
  e.data.comment = comment;
  return store.record_event(std::move(e), "consumer via staff:" + staff_id);
}

}  // namespace odr
