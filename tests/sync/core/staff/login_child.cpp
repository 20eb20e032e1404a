// Test helper: waits for GO_FILE to appear (so that all children start
// together), then tries N logins with ID/PIN and prints one outcome a line:
// ok, wrong_pin or locked. usage: login_child DB STAFF_FILE ID PIN N GO_FILE
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "staff/staff.h"
#include "store/store.h"

int main(int argc, char** argv) {
  if (argc != 7) return 2;
  try {
    odr::StoreOptions o;
    o.kiosk_id = "mall-01";
    odr::Store store(argv[1], o);
    while (::access(argv[6], F_OK) != 0) ::usleep(500);
    for (int i = 0; i < std::atoi(argv[5]); ++i) {
      odr::LoginResult r = odr::staff_login(store, argv[2], argv[3], argv[4]);
      const char* s = r.outcome == odr::LoginOutcome::ok ? "ok" : r.outcome == odr::LoginOutcome::locked ? "locked" : "wrong_pin";
      std::printf("%s\n", s);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "login_child: %s\n", e.what());
    return 1;
  }
  return 0;
}
