// Test helper: claims complaints from the outbox in small batches until none
// are left and writes each claimed seq to stdout (claim_race_test.cpp runs
// two of these at once on the same file).
// usage: claim_child DB OWNER BATCH
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "store/store.h"

int main(int argc, char** argv) {
  if (argc < 4) return 2;
  try {
    odr::StoreOptions o;
    o.busy_timeout_ms = 20000;
    odr::Store store(argv[1], o);
    size_t batch = static_cast<size_t>(std::atol(argv[3]));
    for (;;) {
      auto items = store.claim(odr::OutboxKind::complaint, batch, argv[2], 600000);
      if (items.empty()) break;
      std::string out;
      for (const auto& it : items) out += std::to_string(it.seq) + "\n";
      if (::write(1, out.data(), out.size()) != static_cast<ssize_t>(out.size())) return 3;
      ::usleep(300);  // "sending": a real sender lets go of the file between claims
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "claim_child: %s\n", e.what());
    return 1;
  }
  return 0;
}
