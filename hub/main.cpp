// odr-hub: the chain's hub. Commands:
//   odr-hub serve   --config hub.toml     intake over HTTP(S); migrates first
//   odr-hub migrate --config hub.toml     applies the schema's migrations
//   odr-hub kiosk add  --config hub.toml --kiosk ID --store STORE [--region REGION] --key-file F
//   odr-hub kiosk list --config hub.toml
//   odr-hub user add   --config hub.toml --user NAME --role chain|region|store [--region R | --store S] [--name SHOWN]
//                      (the password is read from the first line of standard input)
// Exit codes: 0 done, 1 the command failed, 2 bad use or bad config.
#include <cstdio>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "accounts.h"
#include "admin.h"
#include "config.h"
#include "protocol/signing.h"
#include "schema.h"
#include "server.h"
#include "util/crypto.h"

namespace {

using namespace odr::hub;

const char* kUsage =
    "usage: odr-hub serve --config hub.toml\n"
    "       odr-hub migrate --config hub.toml\n"
    "       odr-hub kiosk add --config hub.toml --kiosk ID --store STORE [--region REGION] --key-file FILE\n"
    "       odr-hub kiosk list --config hub.toml\n"
    "       odr-hub user add --config hub.toml --user NAME --role chain|region|store [--region R | --store S]\n"
    "                        [--name SHOWN]   (password on the first line of standard input)\n";

int usage(const std::string& why) {
  std::fprintf(stderr, "odr-hub: %s\n%s", why.c_str(), kUsage);
  return 2;
}

// --name value pairs; false (and why) on a stray word or a missing value.
bool parse_flags(const std::vector<std::string>& args, std::map<std::string, std::string>& out, std::string& why) {
  for (size_t i = 0; i < args.size(); i += 2) {
    if (args[i].rfind("--", 0) != 0) return why = "unexpected \"" + args[i] + "\"", false;
    if (i + 1 >= args.size()) return why = args[i] + " needs a value", false;
    out[args[i].substr(2)] = args[i + 1];
  }
  return true;
}

int kiosk_add(PgConn& c, std::map<std::string, std::string>& f) {
  for (const char* need : {"kiosk", "store", "key-file"})
    if (f[need].empty()) return usage(std::string("kiosk add needs --") + need);
  std::string key;
  try {
    key = odr::load_key_file(f["key-file"]);
  } catch (const odr::KeyError& e) {
    std::fprintf(stderr, "odr-hub: %s\n", e.what());
    return 2;
  }
  add_kiosk(c, f["kiosk"], f["store"], f["region"], key);
  odr::wipe(key);
  std::printf("kiosk %s registered at store %s\n", f["kiosk"].c_str(), f["store"].c_str());
  return 0;
}

int kiosk_list(PgConn& c) {
  std::printf("%-24s %-16s %-12s %-21s %s\n", "kiosk", "store", "region", "added", "last heartbeat");
  for (const KioskEntry& k : list_kiosks(c))
    std::printf("%-24s %-16s %-12s %-21s %s\n", k.id.c_str(), k.store_id.c_str(), k.region_id.c_str(),
                k.added_at.c_str(), k.last_heartbeat_at.empty() ? "never" : k.last_heartbeat_at.c_str());
  return 0;
}

// A dashboard user: the password from standard input, never from the command line (ps shows that).
int user_add(PgConn& c, std::map<std::string, std::string>& f) {
  NewUser u;
  u.name = f["user"];
  u.display_name = f["name"];
  if (!odr::hub::web::parse_role(f["role"], u.role)) return usage("user add needs --role chain, region or store");
  u.scope_id = u.role == odr::hub::web::Role::region ? f["region"] : u.role == odr::hub::web::Role::store ? f["store"] : "";
  std::getline(std::cin, u.password);
  try {
    put_user(c, u);
  } catch (const std::invalid_argument& e) {
    odr::wipe(u.password);
    std::fprintf(stderr, "odr-hub: %s\n", e.what());
    return 2;
  }
  odr::wipe(u.password);
  std::printf("user %s (%s) saved\n", u.name.c_str(), odr::hub::web::to_string(u.role));
  return 0;
}

// The commands that only talk to the database.
int run_db_command(const std::string& cmd, const std::string& sub, const HubConfig& cfg,
                   std::map<std::string, std::string>& f) {
  PgConn c(cfg.url);
  if (cmd == "migrate") {
    std::vector<int> done = migrate(c);
    if (done.empty()) std::printf("the database is up to date (version %d)\n", migrations().back().version);
    for (int v : done) std::printf("migrated to version %d\n", v);
    return 0;
  }
  require_current_schema(c);
  if (cmd == "user") return user_add(c, f);
  if (sub == "add") return kiosk_add(c, f);
  return kiosk_list(c);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return usage("no command");
  const std::string cmd = args[0];
  std::string sub;
  size_t first_flag = 1;
  if (cmd == "kiosk") {
    if (args.size() < 2 || (args[1] != "add" && args[1] != "list")) return usage("kiosk needs add or list");
    sub = args[1];
    first_flag = 2;
  } else if (cmd == "user") {
    if (args.size() < 2 || args[1] != "add") return usage("user needs add");
    sub = args[1];
    first_flag = 2;
  } else if (cmd != "serve" && cmd != "migrate") {
    return usage("unknown command \"" + cmd + "\"");
  }
  std::map<std::string, std::string> flags;
  std::string why;
  if (!parse_flags({args.begin() + static_cast<long>(first_flag), args.end()}, flags, why)) return usage(why);
  if (flags["config"].empty()) return usage("--config hub.toml is required");
  try {
    const HubConfig cfg = load_hub_config(flags["config"]);
    if (cmd == "serve") return run_server(cfg);
    return run_db_command(cmd, sub, cfg, flags);
  } catch (const HubConfigError& e) {
    std::fprintf(stderr, "odr-hub: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "odr-hub: %s\n", e.what());
    return 1;
  }
}
