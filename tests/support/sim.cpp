#include "support/sim.h"

#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "support/process.h"
#include "support/temp.h"

namespace odr::test {

std::string sim_binary() { return bin_path("platform-sim"); }

std::string dev_setup(const std::string& dev, const std::vector<std::string>& extra) {
  std::filesystem::create_directories(dev);
  std::vector<std::string> argv = {sim_binary(), "dev-setup", "--dir", dev};
  argv.insert(argv.end(), extra.begin(), extra.end());
  const std::string log = dev + "/dev-setup.log";
  std::filesystem::remove(log);
  if (run_program(argv, log) != 0) throw std::runtime_error("platform-sim dev-setup failed: " + read_file(log));
  return dev;
}

SimProcess::SimProcess(const std::string& dev, const std::vector<std::string>& flags, const std::string& dir_given) {
  static std::atomic<int> n{0};
  const std::string dir = dir_given.empty() ? dev : dir_given;
  std::filesystem::create_directories(dir);
  const std::string port_file = dir + "/port-" + std::to_string(n++);
  std::filesystem::remove(port_file);
  log_ = dir + "/platform-sim.log";
  std::vector<std::string> argv = {sim_binary(), "serve", "--dir", dev, "--port", "0", "--port-file", port_file};
  argv.insert(argv.end(), flags.begin(), flags.end());
  pid_ = spawn(argv, log_);
  if (pid_ < 0) throw std::runtime_error("cannot start " + sim_binary());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kSimStartMs);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string p = trim(read_file(port_file));
    if (!p.empty() && p.find_first_not_of("0123456789") == std::string::npos) {
      port_ = std::stoi(p);
      return;
    }
    int status = wait_exit(pid_, 0);
    if (status >= 0) {
      pid_ = -1;
      exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      throw std::runtime_error("platform-sim exited at start (" + std::to_string(exit_status_) + "): " + log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  stop();
  throw std::runtime_error("platform-sim did not start within " + std::to_string(kSimStartMs / 1000) +
                           " s: " + log());
}

int SimProcess::stop() {
  if (pid_ <= 0) return exit_status_;
  exit_status_ = stop_process(pid_, kSimStopMs);
  pid_ = -1;
  return exit_status_;
}

std::string SimProcess::origin(const std::string& host) const {
  return "https://" + host + ":" + std::to_string(port_);
}

std::string SimProcess::log() const { return read_file(log_); }

void Sim::start(const std::string& folder, const std::vector<std::string>& extra, const std::string& dev_dir) {
  dir = folder;
  std::filesystem::create_directories(dir);
  dev = dev_dir;
  if (dev.empty()) {
    dev = dir + "/dev";
    if (!std::filesystem::exists(dev + "/kiosk.key")) dev_setup(dev);  // once per folder: a restart keeps the key
  }
  std::vector<std::string> flags = {"--db", dir + "/sim.db", "--quiet", "--threads", "8"};
  flags.insert(flags.end(), extra.begin(), extra.end());
  process_ = std::make_unique<SimProcess>(dev, flags, dir);
  pid = process_->pid();
  port = process_->port();
  TransportOptions t;
  t.ca_file = dev + "/ca.pem";
  t.request_timeout_s = 20;
  http = make_curl_transport(t);
}

void Sim::stop() {
  http.reset();  // an idle keep-alive connection would hold the server's shutdown up
  if (process_) process_->stop();
  process_.reset();
  pid = -1;
}

nlohmann::json Sim::call(const std::string& method, const std::string& path, const std::string& body) {
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

bool Sim::route_matches(const std::string& key, const std::string& route) {
  return key.size() >= route.size() && key.compare(key.size() - route.size(), route.size(), route) == 0;
}

int64_t Sim::count(const std::string& route, const std::string& status) {
  nlohmann::json s = stats();
  int64_t n = 0;
  for (const auto& [key, by_status] : s["requests"].items())
    if (route_matches(key, route) && by_status.contains(status)) n += by_status[status].get<int64_t>();
  return n;
}

int64_t Sim::count_all(const std::string& route) {
  nlohmann::json s = stats();
  int64_t n = 0;
  for (const auto& [key, by_status] : s["requests"].items())
    if (route_matches(key, route))
      for (const auto& [st, v] : by_status.items()) n += v.get<int64_t>();
  return n;
}

std::map<std::string, std::string> Sim::complaints() {
  std::map<std::string, std::string> m;
  nlohmann::json all = call("GET", "/_sim/complaints");
  for (const auto& c : all["complaints"]) m[c["id"]] = c["case_no"];
  return m;
}

}  // namespace odr::test
