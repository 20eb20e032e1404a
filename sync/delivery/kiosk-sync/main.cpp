// kiosk-sync: the sync engine as a command, next to (or instead of) the
// kiosk's own background thread. Both may run at once on the same store.
//
//   kiosk-sync [--config PATH] run | once | status | retry-held [--destination D] | purge | import FILE
// run, once and status handle every configured destination (the gateway,
// and the chain's hub when [hub] is set), one engine each.
//   kiosk-sync [--config PATH] staff ... | audit ...
//
// Exit codes: 0 done; 1 something failed, is held or still pending;
// 2 wrong usage, bad config or key, store unusable.
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "kiosk-sync/import.h"
#include "kiosk-sync/provision.h"
#include "kiosk-sync/recover.h"
#include "config/config.h"
#include "config/store_key.h"
#include "engine/engine.h"
#include "engine/sync_state.h"
#include "protocol/signing.h"
#include "util/time.h"
#include "kiosk-sync/staff_cli.h"
#include "staff/staff.h"

namespace {

using namespace odr;

int usage(const char* why = nullptr) {
  if (why) std::fprintf(stderr, "kiosk-sync: %s\n", why);
  std::fprintf(stderr,
               "usage: kiosk-sync [--config PATH] COMMAND\n"
               "  run              deliver and pull updates until SIGTERM or Ctrl-C\n"
               "  once             deliver what is pending, pull updates; exit 1 if anything failed or is held\n"
               "  status           per destination (gateway, hub): outbox counts, reachable, last success and error,\n"
               "                   backoff, clock offset, alerts\n"
               "  retry-held [--destination gateway|hub]  put held items back in the queue (default: every destination's)\n"
               "  tickets [all]    complaints re-ticketed after a ticket conflict (not yet seen; all: every one)\n"
               "  tickets ack [TICKET]  staff told the consumer: mark one (old or new ticket) or all as seen\n"
               "  purge            blank personal data of delivered complaints older than odr.retention_days\n"
               "                   (run and the kiosk do it hourly by themselves)\n"
               "  import FILE      file JSON-lines complaints (COMPLAINT without id and ticket) as staff_assisted\n"
               "  recover OUT      copy what a damaged store still holds into a new store OUT\n"
               "  make-store-key FILE  write a new random store encryption key (never over an existing one)\n"
               "  staff ...        staff accounts (add, set-pin, disable, list)\n"
               "  audit verify     check the audit log's hash chain\n"
               "  provision --kiosk-id ID --gateway URL [--ca-file PEM]  set id and gateway; the key is read from stdin\n"
               "  pending-count    how many complaints still have something to deliver (to any destination)\n"
               "options: --config PATH (default $ODR_KIOSK_CONFIG, /etc/odr-kiosk/kiosk.toml, config/kiosk.toml)\n"
               "for tests: --backoff-base-ms N --backoff-cap-ms N --lease-ms N --poll-ms N\n");
  return 2;
}

struct Args {
  std::string config = default_config_path();
  std::string command;
  std::vector<std::string> rest;
  int64_t backoff_base_ms = 0, backoff_cap_ms = 0, lease_ms = 0, poll_ms = 0;
};

bool parse_int(const std::string& s, int64_t& out) {
  try {
    size_t used = 0;
    long long v = std::stoll(s, &used);
    if (used != s.size() || v < 0) return false;
    out = v;
    return true;
  } catch (...) {
    return false;
  }
}

void apply_test_knobs(const Args& a, SyncOptions& o) {
  if (a.backoff_base_ms > 0) o.backoff.base_ms = a.backoff_base_ms;
  if (a.backoff_cap_ms > 0) o.backoff.cap_ms = a.backoff_cap_ms;
  if (a.lease_ms > 0) o.lease_ms = a.lease_ms;
  if (a.poll_ms > 0) o.poll_interval_ms = a.poll_ms;
}

void ensure_store_folder(const KioskConfig& config) { prepare_data_dir(config); }

std::string yes_no(const std::optional<bool>& v) {
  if (!v) return "unknown (never tried)";
  return *v ? "yes" : "no";
}

// A live look at one destination (GET /health), for status: "" when it answered.
std::string probe(const Args& a, SyncOptions o) {
  try {
    apply_test_knobs(a, o);
    o.transport.connect_timeout_s = std::min(o.transport.connect_timeout_s, 5);
    o.transport.request_timeout_s = std::min(o.transport.request_timeout_s, 10);
    o.log = [](const std::string&) {};  // status prints, it does not log
    SyncEngine engine(std::move(o));
    return engine.check_health() ? "" : " (health check just now failed)";
  } catch (const std::exception& e) {
    return std::string(" (not checked: ") + e.what() + ")";
  }
}

// One destination's block of `status`; the gateway's keeps its old layout.
void print_destination(const SyncStatus& s, const std::string& url, const std::string& probe_note, int64_t backoff_ms,
                       int tz) {
  const bool gateway = s.destination == kGatewayDestination;
  std::printf("%-15s%s\n", s.destination.c_str(),
              !url.empty() ? url.c_str() : gateway ? "(none: offline capture only)" : "(not configured)");
  std::printf("reachable      %s%s%s%s\n", yes_no(s.reachable).c_str(), s.reachable_at.empty() ? "" : " at ",
              s.reachable_at.c_str(), probe_note.c_str());
  std::printf("pending        %lld\n", (long long)s.counts.pending);
  std::printf("in flight      %lld\n", (long long)s.counts.in_flight);
  std::printf("held           %lld\n", (long long)s.counts.held);
  std::printf("delivered      %lld\n", (long long)s.counts.delivered);
  std::printf("last success   %s\n", s.last_success.empty() ? "never" : s.last_success.c_str());
  std::printf("last error     %s%s%s\n", s.last_error.empty() ? "none" : s.last_error.c_str(),
              s.last_error_at.empty() ? "" : " at ", s.last_error_at.c_str());
  if (backoff_ms > now_unix_ms())
    std::printf("backoff        no request before %s\n", format_rfc3339(backoff_ms / 1000, tz).c_str());
  std::printf("clock offset   %+lld s (%s clock minus kiosk clock%s)\n", (long long)s.clock_offset_s,
              s.destination.c_str(), s.clock_offset_s != 0 ? "; requests are signed with the corrected time" : "");
  if (s.server_time) std::printf("server time    %s\n", format_rfc3339(*s.server_time, tz).c_str());
  if (!s.stopped.empty()) std::printf("STOPPED        %s\n", s.stopped.c_str());
  for (const SyncAlert& al : s.alerts) std::printf("ALERT %-9s%s (%s)\n", al.code.c_str(), al.message.c_str(), al.at.c_str());
}

// The wait a destination's engine left in the store (backoff, Retry-After): "<unix ms> <url>".
int64_t stored_backoff_ms(Store& store, const std::string& destination) {
  std::string v = store.state(destination_key(destination, sync_key::not_before)).value_or("");
  try {
    return v.empty() ? 0 : std::stoll(v.substr(0, v.find(' ')));
  } catch (...) {
    return 0;
  }
}

void print_held(Store& store, const SyncStatus& s) {
  if (s.counts.held == 0) return;
  for (const OutboxItem& it : store.outbox_items(OutboxState::held, 20, s.destination))
    std::printf("  held %-9s seq %lld: %s\n", to_string(it.kind), (long long)it.seq, it.last_error.c_str());
}

int cmd_status(const Args& a, const KioskConfig& config) {
  std::vector<std::string> notes = {"", ""};
  if (!config.gateway.base_url.empty()) {
    try {
      std::vector<SyncOptions> all = all_sync_options_from_config(config);
      for (size_t i = 0; i < all.size(); ++i) notes[i] = probe(a, std::move(all[i]));
    } catch (const std::exception& e) {
      notes = {std::string(" (not checked: ") + e.what() + ")", ""};
    }
  }
  ensure_store_folder(config);
  Store store(store_path_from_config(config), store_options_from_config(config));
  const std::vector<SyncStatus> all = read_sync_statuses(store);
  for (size_t i = 0; i < all.size(); ++i) {
    if (i > 0) std::printf("\n");
    const std::string& url = all[i].destination == kGatewayDestination ? config.gateway.base_url : config.hub.base_url;
    print_destination(all[i], url, notes[i], stored_backoff_ms(store, all[i].destination), config.tz_offset_minutes);
    print_held(store, all[i]);
  }
  LockoutStatus lock = staff_lockout(store);
  if (lock.alert)
    std::printf("ALERT staff    %d PIN lockouts in a row: someone may be guessing staff PINs (kiosk-sync staff unlock)\n",
                lock.locks);
  if (lock.locked) std::printf("staff entry    locked for %lld s more\n", (long long)(lock.remaining_ms / 1000));
  for (const TicketChange& t : all.front().ticket_changes)
    std::printf("  new ticket %s (was %s, ticket conflict) not yet seen by staff\n", t.new_ticket.c_str(),
                t.old_ticket.c_str());
  return 0;
}

// One engine per configured destination, each on its own store connection.
std::vector<std::unique_ptr<SyncEngine>> make_engines(const Args& a, const KioskConfig& config) {
  std::vector<std::unique_ptr<SyncEngine>> engines;
  for (SyncOptions& o : all_sync_options_from_config(config)) {
    apply_test_knobs(a, o);
    engines.push_back(std::make_unique<SyncEngine>(std::move(o)));
  }
  return engines;
}

// A second pass's report added to the first's (counts summed, the last outcome kept).
void again_into(SyncReport& r, const SyncReport& again) {
  const int64_t c = r.complaints_delivered, e = r.events_delivered, u = r.updates_applied, q = r.requests, h = r.held;
  r = again;
  r.complaints_delivered += c;
  r.events_delivered += e;
  r.updates_applied += u;
  r.requests += q;
  r.held += h;
}

int cmd_once(const Args& a, const KioskConfig& config) {
  ensure_store_folder(config);
  std::vector<std::unique_ptr<SyncEngine>> engines = make_engines(a, config);
  Store store(store_path_from_config(config), store_options_from_config(config));
  // At once, each on its own thread: a slow destination never delays the other.
  std::vector<SyncReport> reports(engines.size());
  {
    std::vector<std::thread> passes;
    for (size_t i = 0; i < engines.size(); ++i) passes.emplace_back([&, i] { reports[i] = engines[i]->run_once(); });
    for (std::thread& t : passes) t.join();
  }
  // The gateway's pass may have just queued case numbers and platform
  // updates for the hub: one more pass of the others sends them now.
  for (size_t i = 0; i < engines.size(); ++i) {
    const std::string& d = store.options().destinations[i];
    if (d == kGatewayDestination || !reports[i].ok() || store.outbox_counts(d).pending == 0) continue;
    const SyncReport again = engines[i]->run_once();
    again_into(reports[i], again);
  }
  bool all_ok = true;
  for (size_t i = 0; i < engines.size(); ++i) {
    const std::string& d = store.options().destinations[i];
    const SyncReport& r = reports[i];
    OutboxCounts c = store.outbox_counts(d);
    std::printf("%s: delivered %lld complaint(s), %lld event(s); %lld update(s) applied; %lld held now; %lld pending\n",
                d.c_str(), (long long)r.complaints_delivered, (long long)r.events_delivered,
                (long long)r.updates_applied, (long long)c.held, (long long)c.pending);
    if (!r.error.empty()) std::printf("%s: error: %s\n", d.c_str(), r.error.c_str());
    if (r.stopped) std::printf("%s: syncing stopped: see `kiosk-sync status`\n", d.c_str());
    all_ok = all_ok && r.ok() && c.held == 0 && c.pending == 0;
  }
  return all_ok ? 0 : 1;
}

int cmd_run(const Args& a, const KioskConfig& config) {
  // Block the signals in every thread (the engines' inherit the mask) and
  // take them here with sigwait: no work in a signal handler, prompt exit.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  ensure_store_folder(config);
  std::vector<std::unique_ptr<SyncEngine>> engines = make_engines(a, config);
  for (auto& e : engines) e->start();
  int sig = 0;
  sigwait(&set, &sig);
  for (auto& e : engines) e->stop();
  return 0;
}

// rest: [--destination gateway|hub]; none: every destination's held items.
int cmd_retry_held(const std::vector<std::string>& rest, const KioskConfig& config) {
  std::string destination;
  if (rest.size() == 2 && rest[0] == "--destination") destination = rest[1];
  else if (!rest.empty()) return usage("retry-held [--destination gateway|hub]");
  ensure_store_folder(config);
  Store store(store_path_from_config(config), store_options_from_config(config));
  if (!destination.empty() && !store.has_destination(destination))
    return usage(("no destination " + destination + " here (gateway, or hub when [hub] is configured)").c_str());
  int64_t n = store.retry_held("kiosk-sync", destination);  // audited there, in the same transaction
  for (const std::string& d : store.options().destinations)
    if (destination.empty() || d == destination) clear_sync_alert(store, sync_alert::held, d);
  std::printf("%lld held item(s) back in the queue\n", (long long)n);
  return 0;
}

// Re-ticketed complaints for staff: the consumer holds the old number.
int cmd_tickets(const std::vector<std::string>& rest, const KioskConfig& config) {
  ensure_store_folder(config);
  Store store(store_path_from_config(config), store_options_from_config(config));
  if (!rest.empty() && rest[0] == "ack" && rest.size() <= 2) {
    std::string complaint_id;
    if (rest.size() == 2) {
      std::optional<Complaint> c = store.complaint_by_ticket(rest[1]);
      if (!c) {
        std::fprintf(stderr, "kiosk-sync: no complaint with ticket %s\n", rest[1].c_str());
        return 1;
      }
      complaint_id = c->id;
    }
    int64_t n = store.acknowledge_ticket_changes(complaint_id, "kiosk-sync");
    std::printf("%lld ticket change(s) marked as seen\n", (long long)n);
    return 0;
  }
  if (rest.size() > 1 || (rest.size() == 1 && rest[0] != "all")) return usage("tickets [all] | tickets ack [TICKET]");
  const std::vector<TicketChange> changes = store.ticket_changes(rest.empty());
  for (const TicketChange& t : changes)
    std::printf("%s  %s -> %s  %s%s%s\n", format_rfc3339(t.at_ms / 1000, config.tz_offset_minutes).c_str(),
                t.old_ticket.c_str(), t.new_ticket.c_str(), t.reason.c_str(), t.acknowledged_ms ? "  seen by " : "",
                t.acknowledged_by.c_str());
  if (changes.empty()) std::printf("no ticket changes%s\n", rest.empty() ? " to see" : "");
  return 0;
}

int cmd_purge(const KioskConfig& config) {
  ensure_store_folder(config);
  Store store(store_path_from_config(config), store_options_from_config(config));
  const int64_t retention_ms = retention_ms_from_config(config);
  const int64_t cutoff_s = (store.now_ms() - retention_ms) / 1000;
  int64_t n = purge_expired_personal_data(store, retention_ms);
  std::printf("purged personal data of %lld complaint(s) filed before %s (retention %d days, delivery done)\n",
              (long long)n, format_rfc3339(cutoff_s, config.tz_offset_minutes).c_str(), config.retention_days);
  return 0;
}

int cmd_import(const std::vector<std::string>& rest, const KioskConfig& config) {
  if (rest.size() != 1) return usage("import takes one FILE");
  std::ifstream in(rest[0], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "kiosk-sync: cannot read %s\n", rest[0].c_str());
    return 2;
  }
  ensure_store_folder(config);
  Store store(store_path_from_config(config), store_options_from_config(config));
  ImportSummary s = import_complaints(in, store, config, std::cout, std::cerr);
  std::cout.flush();
  std::fprintf(stderr, "imported %d, already imported %d, failed %d\n", s.imported, s.already, s.failed);
  return s.failed ? 1 : 0;
}

int cmd_recover(const std::vector<std::string>& rest, const KioskConfig& config) {
  if (rest.size() != 1) return usage("recover takes one OUT file");
  const std::string src = store_path_from_config(config);
  RecoverSummary s = recover_store(src, rest[0], store_options_from_config(config));
  std::printf("recovered into %s: %lld complaint(s), %lld event(s), %lld outbox item(s), %lld audit record(s); "
              "%lld unreadable row(s) or run(s) of rows left behind\n",
              rest[0].c_str(), (long long)s.complaints, (long long)s.events, (long long)s.outbox, (long long)s.audit,
              (long long)s.unreadable);
  if (s.requeued) std::printf("queued again   %lld complaint(s) whose outbox item was lost (the gateway answers duplicate for any it has)\n", (long long)s.requeued);
  std::printf("audit chain    %s\n", s.audit_chain_ok ? "verifies" : "broken by the loss (kiosk-sync audit verify says where)");
  std::printf("%s was left as it is. To use the recovered store: stop the kiosk, keep the damaged file aside, and put\n"
              "%s in its place (or set kiosk.database to it).\n",
              src.c_str(), rest[0].c_str());
  return s.unreadable ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  std::vector<std::string> args(argv + 1, argv + argc);
  size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& s = args[i];
    auto value = [&](int64_t& out) {
      if (i + 1 >= args.size() || !parse_int(args[i + 1], out)) return false;
      ++i;
      return true;
    };
    if (s == "--config") {
      if (i + 1 >= args.size()) return usage("--config needs a PATH");
      a.config = args[++i];
    } else if (s == "--backoff-base-ms") {
      if (!value(a.backoff_base_ms)) return usage("--backoff-base-ms needs a number");
    } else if (s == "--backoff-cap-ms") {
      if (!value(a.backoff_cap_ms)) return usage("--backoff-cap-ms needs a number");
    } else if (s == "--lease-ms") {
      if (!value(a.lease_ms)) return usage("--lease-ms needs a number");
    } else if (s == "--poll-ms") {
      if (!value(a.poll_ms)) return usage("--poll-ms needs a number");
    } else if (s == "-h" || s == "--help" || s == "help") {
      usage();
      return 0;
    } else if (!s.empty() && s[0] == '-') {
      return usage(("unknown option " + s).c_str());
    } else {
      break;
    }
  }
  if (i >= args.size()) return usage("no command");
  a.command = args[i];
  a.rest.assign(args.begin() + long(i) + 1, args.end());

  if (a.command == "provision") return run_provision(a.config, a.rest);
  if (a.command == "make-store-key") {
    if (a.rest.size() != 1) return usage("make-store-key needs the FILE to write");
    try {
      write_new_store_key(a.rest[0]);
    } catch (const ConfigError& e) {
      std::fprintf(stderr, "kiosk-sync: %s\n", e.what());
      return 2;
    }
    std::printf("a new store key is in %s (0600); the store is encrypted with it when it next opens\n", a.rest[0].c_str());
    return 0;
  }
  KioskConfig config;
  try {
    config = load_config(a.config);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kiosk-sync: config %s: %s\n", a.config.c_str(), e.what());
    return 2;
  }
  become_store_owner(config);  // root on the service's store: its files stay the service's
  try {
    if (a.command == "pending-count" && a.rest.empty()) return run_pending_count(config);
    if (a.command == "run" && a.rest.empty()) return cmd_run(a, config);
    if (a.command == "once" && a.rest.empty()) return cmd_once(a, config);
    if (a.command == "status" && a.rest.empty()) return cmd_status(a, config);
    if (a.command == "retry-held") return cmd_retry_held(a.rest, config);
    if (a.command == "purge" && a.rest.empty()) return cmd_purge(config);
    if (a.command == "tickets") return cmd_tickets(a.rest, config);
    if (a.command == "import") return cmd_import(a.rest, config);
    if (a.command == "recover") return cmd_recover(a.rest, config);
    if (a.command == "staff" || a.command == "audit") {
      return a.command == "staff" ? run_staff_command(a.rest, config) : run_audit_command(a.rest, config);
    }
  } catch (const KeyError& e) {
    std::fprintf(stderr, "kiosk-sync: key: %s\n", e.what());
    return 2;
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "kiosk-sync: config: %s\n", e.what());
    return 2;
  } catch (const StoreError& e) {
    std::fprintf(stderr, "kiosk-sync: store: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kiosk-sync: %s\n", e.what());
    return 2;
  }
  return usage(("unknown command or extra arguments: " + a.command).c_str());
}
