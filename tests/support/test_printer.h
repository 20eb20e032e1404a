// A network receipt printer on 127.0.0.1 for tests, one connection at a
// time as real ones take them: keeps every byte each connection sent, and
// answers each DLE EOT n with the status byte set for n. It can misbehave:
// answer no status, or accept and then stall (read nothing, answer nothing)
// for a while before closing the connection. Its receive buffer is small, so
// a stalled printer pushes back on the sender within a few kilobytes.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace odr::test {

class TestPrinter {
 public:
  TestPrinter();  // listening on a free port, its thread running
  ~TestPrinter();
  TestPrinter(const TestPrinter&) = delete;
  TestPrinter& operator=(const TestPrinter&) = delete;

  int port() const { return port_; }

  // The answers to DLE EOT 1, 2 and 4.
  void set_status(unsigned char printer, unsigned char offline, unsigned char paper);
  void set_ready() { set_status(0x12, 0x12, 0x12); }
  void set_paper_out() { set_status(0x1A, 0x32, 0x72); }  // offline, stopped by paper end, sensor: no paper
  void set_paper_low() { set_status(0x12, 0x12, 0x1E); }
  void set_cover_open() { set_status(0x1A, 0x16, 0x12); }
  // false: reads everything, answers nothing (a printer without status).
  void answer_status(bool on);
  // From the next connection on: accepted, then nothing read or answered for
  // ms, then closed. 0: behave.
  void stall_then_close(int ms);

  // Every byte of every finished connection, one string each, in order.
  std::vector<std::string> connections() const;
  // The connections that carried more than status queries (the print jobs).
  std::vector<std::string> jobs() const;
  // Waits (up to timeout_ms) until this many jobs have come and closed.
  bool wait_for_jobs(size_t n, int timeout_ms) const;
  int accepted() const { return accepted_.load(); }

 private:
  void run();
  void serve(int fd);

  int listen_fd_ = -1;
  int port_ = 0;
  int stop_pipe_[2] = {-1, -1};
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  unsigned char status_[5] = {0, 0x12, 0x12, 0x12, 0x12};
  bool answer_ = true;
  int stall_ms_ = 0;
  std::vector<std::string> connections_;
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

}  // namespace odr::test
