// Programs for tests: the build's binaries (ODR_BIN_DIR), started with their
// output in a log file or on a pipe, waited for with a bound, stopped with
// SIGTERM and then SIGKILL. One API for every test that runs a process.
#pragma once
#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace odr::test {

std::string bin_dir();
std::string bin_path(const std::string& name);  // bin_dir()/name

// Starts argv (argv[0] a path) with stdout and stderr appended to log_path
// ("": the test's own) and stdin on /dev/null. Returns the pid, or -1.
pid_t spawn(const std::vector<std::string>& argv, const std::string& log_path = "");
// Waits up to timeout_ms for pid: its wait status, -1 while it still runs, -2 on error.
int wait_exit(pid_t pid, int timeout_ms);
// Runs argv to its end (bounded): the exit code, 128+signal, or -1 on
// time-out (then it is killed) or when it cannot start.
int run_program(const std::vector<std::string>& argv, const std::string& log_path = "", int timeout_ms = 60000);
// SIGTERM, then SIGKILL after timeout_ms; reaps it. The exit code, or -1 when killed by a signal.
int stop_process(pid_t pid, int timeout_ms);

// A child with its stdout on a pipe (multi-process store tests).
struct Child {
  pid_t pid = -1;
  int out = -1;  // read end of the child's stdout
};
Child spawn_piped(const std::vector<std::string>& argv);
// Appends what the child writes until the deadline passes or it closes
// stdout. Returns false on end of file.
bool read_until(Child& c, std::string& buf, std::chrono::steady_clock::time_point deadline);
void read_to_end(Child& c, std::string& buf);
// Waits for the child; returns its wait status.
int reap(Child& c);
// Complete lines only: a line cut by a kill was never reported.
std::vector<std::string> lines(const std::string& buf);

}  // namespace odr::test
