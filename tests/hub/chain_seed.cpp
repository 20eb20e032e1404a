#include "chain_seed.h"

#include <gtest/gtest.h>

#include "model/json.h"
#include "support/samples.h"
#include "util/time.h"
#include "util/uuid.h"

namespace odr::test {

using nlohmann::json;

std::string china_time(const std::string& local) { return local + "+08:00"; }
int64_t unix_of_china(const std::string& local) { return *parse_rfc3339(china_time(local)); }

json complaint_filed(const std::string& kiosk, int i, const std::string& filed) {
  json c = complaint_json(kiosk, i);
  c["created_at"] = china_time(filed);
  c["consent"]["accepted_at"] = china_time(filed);
  c["purchase"]["date"] = "2026-09-20";
  return c;
}

json event_at(const std::string& cid, const std::string& type, const std::string& at, int n, const std::string& text) {
  Event e = sample_event(cid, type);
  e.id = uuid_v7();
  e.at = china_time(at);
  if (type == "compensation_prepaid" || type == "settled") e.data.amount_fen = n;
  if (type == "satisfaction") e.data.score = n;
  if (!text.empty()) (type == "not_settled" ? e.data.reason : e.data.note) = text;
  if (type == "first_response") e.staff_id = "staff-001";
  return json(e);
}

json update_at(const std::string& cid, const std::string& status, const std::string& at, const std::string& case_no) {
  json u = {{"id", uuid_v7()}, {"complaint_id", cid}, {"status", status}, {"at", china_time(at)}};
  if (!case_no.empty()) u["case_no"] = case_no;
  return u;
}

void add_three_stores(HubEnv& env) {
  env.add_kiosk("k1", "S001", "east");
  env.add_kiosk("k2", "S002", "east");
  env.add_kiosk("k3", "S003", "west");
  env.sql(
      "UPDATE stores SET name = CASE id WHEN 'S001' THEN '南京新街口店' WHEN 'S002' THEN '上海徐汇店' ELSE "
      "'成都春熙路店' END");
  env.sql("UPDATE regions SET name = CASE id WHEN 'east' THEN '华东' ELSE '西南' END");
}

void send_accepted(HubEnv& env, const HubProcess& h, const std::string& kiosk, const std::vector<json>& cs,
                   const std::vector<json>& evs, const std::vector<json>& ups) {
  ASSERT_EQ(statuses(env.post_complaints(h, cs, kiosk)), std::vector<std::string>(cs.size(), "accepted"));
  if (!evs.empty()) {
    ASSERT_EQ(statuses(env.post_events(h, evs, kiosk)), std::vector<std::string>(evs.size(), "accepted"));
  }
  if (ups.empty()) return;
  Reply r = env.post(h, "/updates:batch", json{{"updates", ups}}.dump(), kiosk);
  ASSERT_EQ(statuses(r), std::vector<std::string>(ups.size(), "accepted")) << r.body;
}

void seed_figures(HubEnv& env, const HubProcess& h, std::map<std::string, std::string>& id) {
  std::vector<json> cs;
  for (int i = 0; i < 5; ++i) cs.push_back(complaint_filed("k1", i, "2026-09-30T10:00:00"));
  cs.push_back(complaint_filed("k1", 5, "2026-10-10T09:00:00"));
  cs.push_back(complaint_filed("k1", 6, "2026-09-27T23:59:00"));
  const char* names[] = {"a1", "a2", "a3", "a4", "a5", "a6", "a7"};
  for (size_t i = 0; i < cs.size(); ++i) id[names[i]] = cs[i]["id"];
  send_accepted(
      env, h, "k1", cs,
      {event_at(id["a1"], "settled", "2026-09-30T11:00:00", 1200),
       event_at(id["a1"], "satisfaction", "2026-09-30T11:05:00", 5),
       event_at(id["a1"], "compensation_prepaid", "2026-09-30T10:30:00", 50000),
       event_at(id["a2"], "satisfaction", "2026-10-21T10:00:00", 3),
       event_at(id["a3"], "not_settled", "2026-10-15T15:00:00"),
       event_at(id["a3"], "satisfaction", "2026-10-15T16:00:00", 1),
       event_at(id["a3"], "satisfaction", "2026-10-16T09:00:00", 2),
       event_at(id["a5"], "compensation_prepaid", "2026-09-30T10:10:00", 20000),
       event_at(id["a5"], "compensation_prepaid", "2026-10-01T10:10:00", 30000),
       event_at(id["a5"], "withdrawn", "2026-10-02T09:00:00"),
       event_at(id["a6"], "settled", "2026-10-10T10:00:00", 100)},
      {update_at(id["a2"], "settled", "2026-10-21T09:00:00"), update_at(id["a2"], "accepted", "2026-10-08T09:00:00"),
       update_at(id["a2"], "mediating", "2026-10-12T09:00:00"), update_at(id["a3"], "accepted", "2026-10-08T09:00:00"),
       update_at(id["a4"], "mediating", "2026-10-09T09:00:00", "GZ-4")});

  std::vector<json> b = {complaint_filed("k2", 10, "2026-09-30T10:00:00"),
                         complaint_filed("k2", 11, "2026-10-09T10:00:00")};
  id["b1"] = b[0]["id"];
  id["b2"] = b[1]["id"];
  send_accepted(env, h, "k2", b,
                {event_at(id["b1"], "settled", "2026-09-30T12:00:00", 500),
                 event_at(id["b1"], "satisfaction", "2026-09-30T12:10:00", 4)},
                {update_at(id["b1"], "accepted", "2026-09-30T11:30:00")});
  std::vector<json> c;
  for (int i = 0; i < 3; ++i) c.push_back(complaint_filed("k3", 20 + i, "2026-09-30T10:00:00"));
  for (int i = 0; i < 3; ++i) id["c" + std::to_string(i + 1)] = c[i]["id"];
  send_accepted(env, h, "k3", c,
                {event_at(id["c1"], "settled", "2026-09-30T11:00:00", 800),
                 event_at(id["c1"], "satisfaction", "2026-09-30T11:10:00", 5),
                 event_at(id["c1"], "compensation_prepaid", "2026-09-30T10:40:00", 99900)},
                {update_at(id["c2"], "not_settled", "2026-10-12T09:00:00")});
}

}  // namespace odr::test
