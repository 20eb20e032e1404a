// Test helper: submits complaints in a loop and writes each returned ticket
// to stdout, one per line, the moment submit_complaint returns. The parent
// kills it at random moments (crash_test.cpp).
// usage: submit_child DB [COUNT] (COUNT 0: until killed)
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "support/samples.h"
#include "store/store.h"

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  long count = argc > 2 ? std::atol(argv[2]) : 0;
  odr::StoreOptions o;
  o.kiosk_id = "crash-kiosk";
  // A fixed day, so every ticket lands on one counter however long the run.
  o.clock_ms = [] { return odr::test::kNowS * 1000; };
  try {
    odr::Store store(argv[1], o);
    for (long i = 0; count == 0 || i < count; ++i) {
      odr::Complaint c = odr::test::sample_complaint();
      c.description = "crash test complaint number " + std::to_string(i);
      std::string line = store.submit_complaint(c).ticket + "\n";
      // write(2), not stdio: nothing waits in a buffer when the kill comes.
      if (::write(1, line.data(), line.size()) != static_cast<ssize_t>(line.size())) return 3;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "submit_child: %s\n", e.what());
    return 1;
  }
  return 0;
}
