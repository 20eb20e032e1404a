// Shared by the sync tests and the sync benchmark: the real platform-sim
// started as a process on 127.0.0.1 (port 0), its dev CA and kiosk key, a
// store with valid complaints, and engine options pointed at it.
#pragma once
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "engine/engine.h"
#include "protocol/signing.h"
#include "store/store.h"
#include "transport/transport.h"
#include "util/time.h"

namespace odr::test {

inline std::string bin_dir() {
  const char* b = std::getenv("ODR_BIN_DIR");
  return b ? b : ".";
}

inline std::string fresh_dir(const std::string& name) {
  const char* base = std::getenv("ODR_TEST_TMP");
  std::filesystem::path dir = std::filesystem::path(base ? base : "/tmp/odr-sync-test") /
                              (name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

inline std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline void write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
}

// Starts a program with its output in log_path; returns its pid (or -1).
inline pid_t spawn(const std::vector<std::string>& argv, const std::string& log_path) {
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
      close(fd);
    }
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

// Waits for pid up to timeout_ms; returns its exit status, or -1 if still running.
inline int wait_exit(pid_t pid, int timeout_ms) {
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0) return -2;
    if (std::chrono::steady_clock::now() > until) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

// Runs a program to its end (bounded); returns the exit code (-1 on time-out, killed).
inline int run_program(const std::vector<std::string>& argv, const std::string& log_path, int timeout_ms = 60000) {
  pid_t pid = spawn(argv, log_path);
  if (pid < 0) return -1;
  int st = wait_exit(pid, timeout_ms);
  if (st == -1) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    return -1;
  }
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

// Dev credentials: made once per folder by the real `platform-sim dev-setup`.
inline std::string dev_setup(const std::string& dir) {
  std::string dev = dir + "/dev";
  if (!std::filesystem::exists(dev + "/kiosk.key")) {
    int rc = run_program({bin_dir() + "/platform-sim", "dev-setup", "--dir", dev}, dir + "/dev-setup.log");
    if (rc != 0) throw std::runtime_error("platform-sim dev-setup failed: " + read_file(dir + "/dev-setup.log"));
  }
  return dev;
}

struct Sim {
  std::string dir;     // this sim's own folder (db, port file, log)
  std::string dev;     // the dev CA, server cert and kiosk key
  pid_t pid = -1;
  int port = 0;
  std::unique_ptr<Transport> http;  // for the simulator-only endpoints
  std::string admin_host = "127.0.0.1";  // the name the test itself uses for them

  Sim() = default;
  Sim(const Sim&) = delete;
  ~Sim() { stop(); }

  // extra: serve flags (faults, limits, --cert ...).
  void start(const std::string& folder, const std::vector<std::string>& extra = {}, const std::string& dev_dir = "") {
    dir = folder;
    std::filesystem::create_directories(dir);
    dev = dev_dir.empty() ? dev_setup(dir) : dev_dir;
    std::string port_file = dir + "/port";
    std::filesystem::remove(port_file);
    std::vector<std::string> argv = {bin_dir() + "/platform-sim", "serve", "--dir", dev, "--db", dir + "/sim.db",
                                     "--port", "0", "--port-file", port_file, "--quiet", "--threads", "8"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    pid = spawn(argv, dir + "/sim.log");
    if (pid < 0) throw std::runtime_error("cannot start platform-sim");
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (true) {
      std::string p = read_file(port_file);
      if (!p.empty() && p.back() == '\n') {
        port = std::stoi(p);
        break;
      }
      if (!p.empty() && p.find_first_not_of("0123456789") == std::string::npos) {
        port = std::stoi(p);
        break;
      }
      if (wait_exit(pid, 0) != -1) {
        pid = -1;
        throw std::runtime_error("platform-sim exited: " + read_file(dir + "/sim.log"));
      }
      if (std::chrono::steady_clock::now() > until) throw std::runtime_error("platform-sim did not start in 15 s");
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    TransportOptions t;
    t.ca_file = dev + "/ca.pem";
    t.request_timeout_s = 20;
    http = make_curl_transport(t);
  }

  void stop() {
    http.reset();  // an idle keep-alive connection would hold the server's shutdown up
    if (pid > 0) {
      kill(pid, SIGTERM);
      if (wait_exit(pid, 5000) == -1) {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
      }
      pid = -1;
    }
  }

  std::string origin() const { return "https://127.0.0.1:" + std::to_string(port); }
  std::string base_url() const { return origin() + "/odr/v1"; }

  nlohmann::json call(const std::string& method, const std::string& path, const std::string& body = "") {
    HttpRequest r;
    r.method = method;
    r.url = "https://" + admin_host + ":" + std::to_string(port) + "/odr/v1" + path;
    r.body = body;
    if (method == "POST") r.headers.push_back({"Content-Type", "application/json"});
    HttpResponse a = http->send(r);
    if (!a.ok() || a.status != 200)
      throw std::runtime_error("sim " + path + ": " + a.error_message + " status " + std::to_string(a.status));
    return nlohmann::json::parse(a.body);
  }
  nlohmann::json stats() { return call("GET", "/_sim/stats?recent=2000"); }
  void faults(const nlohmann::json& f) { call("POST", "/_sim/faults", f.dump()); }
  // Requests the sim answered on a route ("/complaints:batch", "/health", ...)
  // with a status ("200", "503", "dropped", ...); the sim keys routes as "POST /odr/v1/complaints:batch".
  static bool route_matches(const std::string& key, const std::string& route) {
    return key.size() >= route.size() && key.compare(key.size() - route.size(), route.size(), route) == 0;
  }
  int64_t count(const std::string& route, const std::string& status) {
    nlohmann::json s = stats();
    int64_t n = 0;
    for (const auto& [key, by_status] : s["requests"].items())
      if (route_matches(key, route) && by_status.contains(status)) n += by_status[status].get<int64_t>();
    return n;
  }
  int64_t count_all(const std::string& route) {
    nlohmann::json s = stats();
    int64_t n = 0;
    for (const auto& [key, by_status] : s["requests"].items())
      if (route_matches(key, route))
        for (const auto& [st, v] : by_status.items()) n += v.get<int64_t>();
    return n;
  }
  // id -> case_no of every complaint the gateway holds.
  std::map<std::string, std::string> complaints() {
    std::map<std::string, std::string> m;
    nlohmann::json all = call("GET", "/_sim/complaints");
    for (const auto& c : all["complaints"]) m[c["id"]] = c["case_no"];
    return m;
  }
};

// A complaint that passes every rule today (purchase yesterday, consent now).
inline Complaint valid_complaint(int i) {
  Complaint c;
  c.channel = "self_service";
  c.locale = i % 2 ? "en" : "zh-CN";
  c.respondent.name = "鲜丰超市";
  c.respondent.credit_code = "91320106MA1ABC2B3T";
  c.respondent.address = "江苏省南京市鼓楼区中山路88号 B1层";
  c.respondent.region_code = "320106";
  c.respondent.booth = "B1-01";
  c.consumer.name = "测试顾客" + std::to_string(i);
  c.consumer.phone = "139" + std::to_string(10000000 + i % 90000000);
  c.consumer.address = "南京市玄武区北京东路" + std::to_string(i + 1) + "号";
  c.category.kind = "goods";
  c.category.code = "G01";
  c.category.problems = {"food_safety"};
  c.purchase.item = "面包";
  c.purchase.date = local_date(now_unix_s() - 86400);
  c.purchase.amount_fen = 1200 + i;
  c.description = "买到的面包已经过期，商家拒绝退款。编号" + std::to_string(i);
  c.demand.types = {"refund"};
  c.consent.notice_version = "2026-11";
  c.consent.accepted_at = format_rfc3339(now_unix_s() - 60);
  c.consent.transfer_to_platform = true;
  return c;
}

inline Event staff_event(const std::string& complaint_id, const std::string& type) {
  Event e;
  e.complaint_id = complaint_id;
  e.type = type;
  e.method = "on_site";
  e.staff_id = "staff-001";
  if (type == "first_response") e.data.note = "已联系商家";
  if (type == "settled") {
    e.data.outcomes = {"refund"};
    e.data.amount_fen = 1200;
  }
  return e;
}

inline StoreOptions store_options() {
  StoreOptions o;
  o.kiosk_id = "kiosk-dev";
  o.ticket_prefix = "A01";
  return o;
}

// Log lines of an engine, kept for the test to read.
struct LogSink {
  std::shared_ptr<std::mutex> mu = std::make_shared<std::mutex>();
  std::shared_ptr<std::vector<std::string>> lines = std::make_shared<std::vector<std::string>>();
  std::function<void(const std::string&)> fn() const {
    auto m = mu;
    auto l = lines;
    bool echo = std::getenv("ODR_TEST_VERBOSE") != nullptr;
    return [m, l, echo](const std::string& s) {
      std::lock_guard<std::mutex> lock(*m);
      if (echo) std::fprintf(stderr, "  log: %s\n", s.c_str());
      l->push_back(s);
    };
  }
  std::vector<std::string> snapshot() const {
    std::lock_guard<std::mutex> lock(*mu);
    return *lines;
  }
  size_t count_containing(const std::string& what) const {
    size_t n = 0;
    for (const std::string& s : snapshot()) n += s.find(what) != std::string::npos;
    return n;
  }
};

inline SyncOptions engine_options(const Sim& sim, const std::string& store_path) {
  SyncOptions o;
  o.store_path = store_path;
  o.store = store_options();
  o.base_url = sim.base_url();
  o.kiosk_id = "kiosk-dev";
  o.key = load_key_file(sim.dev + "/kiosk.key");
  o.transport.ca_file = sim.dev + "/ca.pem";
  o.transport.connect_timeout_s = 5;
  o.transport.request_timeout_s = 20;
  o.backoff = {20, 200};  // shrunk for tests; the real schedule is tested as a pure function
  o.poll_interval_ms = 60'000;
  return o;
}

// A kiosk.toml for kiosk-sync pointed at the sim.
inline std::string write_kiosk_config(const std::string& dir, const Sim& sim, const std::string& store_path) {
  std::string path = dir + "/kiosk.toml";
  write_file(path,
             "[kiosk]\nid = \"kiosk-dev\"\nticket_prefix = \"A01\"\ndata_dir = \"" + dir + "\"\ndatabase = \"" +
                 store_path + "\"\n\n[gateway]\nbase_url = \"" + sim.base_url() + "\"\nkey_file = \"" + sim.dev +
                 "/kiosk.key\"\nca_file = \"" + sim.dev +
                 "/ca.pem\"\nconnect_timeout_s = 5\nrequest_timeout_s = 20\npoll_interval_s = 30\n\n"
                 "[[business]]\nid = \"mall\"\nname = \"金陵购物中心\"\nname_en = \"Jinling\"\n"
                 "credit_code = \"91320106MA1XYW0A10\"\naddress = \"江苏省南京市鼓楼区中山路88号\"\nregion_code = \"320106\"\n\n"
                 "[[category]]\ncode = \"G01\"\nkind = \"goods\"\nzh = \"食品\"\nen = \"Food\"\n");
  return path;
}

}  // namespace odr::test
