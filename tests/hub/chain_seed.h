// The small chain the dashboard's tests seed, sent through a real odr-hub as
// kiosks send it (signed batches, so deadlines come from the hub's own
// calendar): three stores, S001 南京新街口店 and S002 上海徐汇店 in region
// east (华东), S003 成都春熙路店 in west (西南), kiosks k1, k2, k3, one each.
// The figures seed is worked out by hand in figures_test.cpp's header.
#pragma once
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hub_env.h"

namespace odr::test {

// "2026-09-30T10:00:00" China time, as RFC 3339 and as unix seconds.
std::string china_time(const std::string& local);
int64_t unix_of_china(const std::string& local);

// Kiosk's complaint i, filed (and consented) at a China local time.
nlohmann::json complaint_filed(const std::string& kiosk, int i, const std::string& filed);
// An event at a China local time. n: the amount in fen (settled,
// compensation_prepaid) or the score (satisfaction); text: a not_settled
// reason or another event's note. A first response is staff-001's.
nlohmann::json event_at(const std::string& cid, const std::string& type, const std::string& at, int n = 0,
                        const std::string& text = "");
// A platform status update at a China local time, with its case number.
nlohmann::json update_at(const std::string& cid, const std::string& status, const std::string& at,
                         const std::string& case_no = "");

// The three stores, their names and regions, and a kiosk each.
void add_three_stores(HubEnv& env);
// One kiosk's complaints, then events, then platform updates: each must be accepted (gtest assertions).
void send_accepted(HubEnv& env, const HubProcess& h, const std::string& kiosk, const std::vector<nlohmann::json>& cs,
                   const std::vector<nlohmann::json>& evs, const std::vector<nlohmann::json>& ups);
// The figures seed (figures_test.cpp): id gets a1 ... a7, b1, b2, c1 ... c3 -> complaint id.
void seed_figures(HubEnv& env, const HubProcess& h, std::map<std::string, std::string>& id);

}  // namespace odr::test
