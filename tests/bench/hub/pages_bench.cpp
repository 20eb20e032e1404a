// The dashboard's pages at size: complaints put straight into PostgreSQL
// with SQL (generate_series: 10 regions, 100 stores, 500 kiosks, filed over
// the 90 days before now, ~15 % open, the facts the intake folds in set as
// it would), a real odr-hub over HTTPS on 127.0.0.1, a head-office user
// signed in, then 20 GETs each of /, /deadlines and /stores/{id} (when that
// page exists): median and p95. Target: <= 300 ms each.
//   pages_bench                      1,000,000 complaints
//   pages_bench --complaints N
//   pages_bench --smoke              10,000 complaints, for CI (ctest -L bench)
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <regex>
#include <string>
#include <vector>

#include "hub/accounts.h"
#include "hub_env.h"
#include "support/pg.h"
#include "util/time.h"

using odr::test::HubEnv;

namespace {

// Complaint i: kiosk 1 + i % 500 at store 1 + kiosk % 100 (5 a store), filed
// over 90 days; roll decides the outcome: 15 % open, 55 % settled at the
// desk, 15 % through the platform, 10 % not settled, 5 % withdrawn.
std::string seed_sql(long n) {
  const std::string N = std::to_string(n);
  return "INSERT INTO regions (id, name) SELECT 'R' || r, '区域 ' || r FROM generate_series(1, 10) r;"
         "INSERT INTO stores (id, region_id, name) SELECT 'S' || s, 'R' || (1 + s % 10), '门店 ' || s"
         " FROM generate_series(1, 100) s;"
         "INSERT INTO kiosks (id, store_id, key) SELECT 'k' || k, 'S' || (1 + k % 100), decode(repeat('ab', 32), 'hex')"
         " FROM generate_series(1, 500) k;"
         "CREATE TEMP TABLE seed AS SELECT i, 1 + i % 500 AS kiosk, now() - make_interval(secs => i::bigint * 7776000 / " + N +
         ") AS filed_at, (i::bigint * 7919) % 100 AS roll FROM generate_series(1, " + N + ") i;"
         "INSERT INTO complaints (id, kiosk_id, store_id, ticket, filed_at, channel, business_name, business_credit_code,"
         " business_region_code, category_kind, category_code, problems, purchase_amount_fen, demand_types, status,"
         " case_no, deadline, deadline_estimated, personal_policy, payload, desk_settled_at, desk_not_settled,"
         " platform_status, first_platform_at, outcome_at, outcome_day, satisfaction, compensation_count, compensation_fen)"
         " SELECT gen_random_uuid(), 'k' || kiosk, 'S' || (1 + kiosk % 100), 'A01-' || i, filed_at, 'self_service',"
         " '经营者 ' || (i % 5000), '91320106MA1ABC2B3T', '320106', 'goods', 'G0' || (i % 9), '{food_safety}', 1200,"
         " '{refund}', CASE WHEN roll < 15 THEN 'mediating' WHEN roll < 85 THEN 'settled' WHEN roll < 95 THEN"
         " 'not_settled' ELSE 'received' END, CASE WHEN roll >= 70 OR roll < 15 THEN 'GZ-' || i END,"
         " (filed_at AT TIME ZONE 'Asia/Shanghai')::date + 14, false, 'none', '{}',"
         " CASE WHEN roll BETWEEN 15 AND 69 THEN filed_at + interval '2 hours' END, roll BETWEEN 85 AND 94,"
         " CASE WHEN roll < 15 THEN 'mediating' WHEN roll BETWEEN 70 AND 84 THEN 'settled' END,"
         " CASE WHEN roll < 15 OR roll BETWEEN 70 AND 84 THEN filed_at + interval '1 day' END,"
         " CASE WHEN roll >= 15 THEN filed_at + interval '3 days' END,"
         " CASE WHEN roll >= 15 THEN ((filed_at + interval '3 days') AT TIME ZONE 'Asia/Shanghai')::date END,"
         " CASE WHEN roll % 5 < 2 THEN 1 + i % 5 END, CASE WHEN roll % 20 = 3 THEN 1 ELSE 0 END,"
         " CASE WHEN roll % 20 = 3 THEN 5000 ELSE 0 END FROM seed;"
         "ANALYZE;";
}

struct Session {
  httplib::SSLClient cli;
  std::string cookie;
  Session(int port, const std::string& ca) : cli("127.0.0.1", port) {
    cli.set_ca_cert_path(ca.c_str());
    cli.set_keep_alive(true);
    cli.set_read_timeout(60, 0);
  }
};

std::string cookie_of(const httplib::Result& r, const std::string& name) {
  for (const auto& [k, v] : r->headers)
    if (k == "Set-Cookie" && v.rfind(name + "=", 0) == 0) return v.substr(0, v.find(';'));
  return "";
}

bool sign_in(Session& s, const std::string& user, const std::string& password) {
  auto form = s.cli.Get("/login");
  if (!form) return false;
  std::smatch m;
  if (!std::regex_search(form->body, m, std::regex("name=\"csrf\" value=\"([0-9a-f]+)\""))) return false;
  const httplib::Headers h = {{"Cookie", cookie_of(form, "odr_hub_login")}};
  auto r = s.cli.Post("/login", h, httplib::Params{{"user", user}, {"password", password}, {"csrf", m[1].str()}});
  if (!r || r->status != 303) return false;
  s.cookie = cookie_of(r, "odr_hub_session");
  return !s.cookie.empty();
}

// 20 GETs of path: median and p95 in ms; false when a GET is not 200, or
// when `received` is given and the page's complaints card does not say it.
bool time_page(Session& s, const std::string& path, bool optional, const std::string& received = "") {
  static const std::regex card("id=\"card-received\"><div class=\"label\">[^<]*</div><div class=\"value\">([0-9]+)<");
  std::vector<double> ms;
  for (int i = 0; i < 20; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = s.cli.Get(path, {{"Cookie", s.cookie}});
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    if (!r || r->status != 200) {
      if (optional && r && r->status == 404) return std::printf("  %-48s absent (404): skipped\n", path.c_str()), true;
      std::printf("  %-48s HTTP %d\n", path.c_str(), r ? r->status : 0);
      return false;
    }
    std::smatch m;
    if (!received.empty() && !(std::regex_search(r->body, m, card) && m[1].str() == received)) {
      std::printf("  %-48s says %s complaints, the SQL %s\n", path.c_str(), m.empty() ? "no" : m[1].str().c_str(),
                  received.c_str());
      return false;
    }
  }
  std::sort(ms.begin(), ms.end());
  const double median = (ms[9] + ms[10]) / 2, p95 = ms[18];
  std::printf("  %-48s median %7.1f ms   p95 %7.1f ms   %s\n", path.c_str(), median, p95, p95 <= 300 ? "ok" : "OVER 300 ms");
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  long n = 1'000'000;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--smoke")) n = 10'000;
    else if (!std::strcmp(argv[i], "--complaints") && i + 1 < argc) n = std::atol(argv[++i]);
    else return std::fprintf(stderr, "usage: pages_bench [--smoke] [--complaints N]\n"), 2;
  }
  if (!std::getenv("ODR_BIN_DIR")) setenv("ODR_BIN_DIR", ODR_BENCH_BIN_DIR, 1);
  if (!std::getenv("ODR_TEST_TMP")) setenv("ODR_TEST_TMP", ODR_BENCH_TMP_DIR, 1);
  if (!std::getenv("ODR_SOURCE_DIR")) setenv("ODR_SOURCE_DIR", ODR_BENCH_SOURCE_DIR, 1);
  try {
    HubEnv env("pages-bench");
    const auto t0 = std::chrono::steady_clock::now();
    {
      odr::hub::PgConn c(env.url);  // not env.sql: psql there is bounded to 60 s, a million rows may take longer
      c.exec_script(seed_sql(n));
    }
    std::printf("pages_bench: %ld complaints (%s open) seeded in %.1f s, database %s\n", n,
                env.sql("SELECT count(*) FROM complaints WHERE outcome_at IS NULL").c_str(),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
                env.sql("SELECT pg_size_pretty(pg_database_size(current_database()))").c_str());
    {
      odr::hub::PgConn c(env.url);
      odr::hub::put_user(c, {"hq", "总部", odr::hub::web::Role::chain, "", "bench password"}, {1, 1024, 1});
    }
    auto& hub = env.start();
    Session s(hub.port, env.dev + "/ca.pem");
    if (!sign_in(s, "hq", "bench password")) return std::fprintf(stderr, "pages_bench: cannot sign in\n"), 1;
    std::printf("GET over HTTPS, 20 each (head office: every store):\n");
    const int64_t now = odr::now_unix_s();
    const std::string from90 = odr::local_date(now - 89 * 86400), to90 = odr::local_date(now);
    const std::string days90 = "/?period=custom&from=" + from90 + "&to=" + to90;
    // The 90 days' count as the page must show it (the rollup is read, not the complaints: it must agree).
    const std::string received90 = env.sql("SELECT count(*) FROM complaints WHERE filed_at >= '" + from90 +
                                           " 00:00+08' AND filed_at < '" + to90 +
                                           " 00:00+08'::timestamptz + interval '1 day'");
    bool ok = time_page(s, "/", false) && time_page(s, "/?period=quarter", false) &&
              time_page(s, days90, false, received90) &&
              time_page(s, "/deadlines", false) && time_page(s, "/stores/S3", true);
    return ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pages_bench: %s\n", e.what());
    return 1;
  }
}
