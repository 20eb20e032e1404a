// kiosk-sync: the sync engine as a command, next to (or instead of) the
// kiosk's own background thread. Both may run at once on the same store.
//
//   kiosk-sync [--config PATH] run | once | status | retry-held | purge | import FILE
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
#include <string>
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
               "  status           outbox counts, last success and error, clock offset, gateway reachable, alerts\n"
               "  retry-held       put held items back in the queue\n"
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
               "  pending-count    how many complaints are not yet delivered\n"
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

int cmd_status(const Args& a, const KioskConfig& config) {
  // A live look at the gateway first, if one is configured and the key reads.
  std::string probe_note;
  if (!config.gateway.base_url.empty()) {
    try {
      SyncOptions o = sync_options_from_config(config);
      apply_test_knobs(a, o);
      o.transport.connect_timeout_s = std::min(o.transport.connect_timeout_s, 5);
      o.transport.request_timeout_s = std::min(o.transport.request_timeout_s, 10);
      o.log = [](const std::string&) {};  // status prints, it does not log
      SyncEngine engine(std::move(o));
      probe_note = engine.check_health() ? "" : " (health check just now failed)";
    } catch (const KeyError& e) {
      probe_note = std::string(" (not checked: ") + e.what() + ")";
    } catch (const std::exception& e) {
      probe_note = std::string(" (not checked: ") + e.what() + ")";
    }
  }
  ensure_store_folder(config);
  Store store(store_path_from_config(config), store_options_from_config(config));
  SyncStatus s = read_sync_status(store);
  std::printf("gateway        %s\n", config.gateway.base_url.empty() ? "(none: offline capture only)"
                                                                        : config.gateway.base_url.c_str());
  std::printf("reachable      %s%s%s%s\n", yes_no(s.reachable).c_str(), s.reachable_at.empty() ? "" : " at ",
              s.reachable_at.c_str(), probe_note.c_str());
  std::printf("pending        %lld\n", (long long)s.counts.pending);
  std::printf("in flight      %lld\n", (long long)s.counts.in_flight);
  std::printf("held           %lld\n", (long long)s.counts.held);
  std::printf("delivered      %lld\n", (long long)s.counts.delivered);
  std::printf("last success   %s\n", s.last_success.empty() ? "never" : s.last_success.c_str());
  std::printf("last error     %s%s%s\n", s.last_error.empty() ? "none" : s.last_error.c_str(),
              s.last_error_at.empty() ? "" : " at ", s.last_error_at.c_str());
  std::printf("clock offset   %+lld s (gateway clock minus kiosk clock%s)\n", (long long)s.clock_offset_s,
              s.clock_offset_s != 0 ? "; requests are signed with the corrected time" : "");
  if (s.server_time)
    std::printf("server time    %s\n", format_rfc3339(*s.server_time, config.tz_offset_minutes).c_str());
  if (!s.stopped.empty()) std::printf("STOPPED        %s\n", s.stopped.c_str());
  for (const SyncAlert& al : s.alerts) std::printf("ALERT %-9s%s (%s)\n", al.code.c_str(), al.message.c_str(), al.at.c_str());
  LockoutStatus lock = staff_lockout(store);
  if (lock.alert)
    std::printf("ALERT staff    %d PIN lockouts in a row: someone may be guessing staff PINs (kiosk-sync staff unlock)\n",
                lock.locks);
  if (lock.locked) std::printf("staff entry    locked for %lld s more\n", (long long)(lock.remaining_ms / 1000));
  for (const TicketChange& t : s.ticket_changes)
    std::printf("  new ticket %s (was %s, ticket conflict) not yet seen by staff\n", t.new_ticket.c_str(),
                t.old_ticket.c_str());
  if (s.counts.held > 0) {
    for (const OutboxItem& it : store.outbox_items(OutboxState::held, 20))
      std::printf("  held %-9s seq %lld: %s\n", to_string(it.kind), (long long)it.seq, it.last_error.c_str());
  }
  return 0;
}

int cmd_once(const Args& a, const KioskConfig& config) {
  SyncOptions o = sync_options_from_config(config);
  apply_test_knobs(a, o);
  ensure_store_folder(config);
  SyncEngine engine(std::move(o));
  SyncReport r = engine.run_once();
  Store store(store_path_from_config(config), store_options_from_config(config));
  OutboxCounts c = store.outbox_counts();
  std::printf("delivered %lld complaint(s), %lld event(s); %lld update(s) applied; %lld held now; %lld pending\n",
              (long long)r.complaints_delivered, (long long)r.events_delivered, (long long)r.updates_applied,
              (long long)c.held, (long long)c.pending);
  if (!r.error.empty()) std::printf("error: %s\n", r.error.c_str());
  if (r.stopped) std::printf("syncing stopped: see `kiosk-sync status`\n");
  return (r.ok() && c.held == 0 && c.pending == 0) ? 0 : 1;
}

int cmd_run(const Args& a, const KioskConfig& config) {
  // Block the signals in every thread (the engine's inherits the mask) and
  // take them here with sigwait: no work in a signal handler, prompt exit.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  SyncOptions o = sync_options_from_config(config);
  apply_test_knobs(a, o);
  ensure_store_folder(config);
  SyncEngine engine(std::move(o));
  engine.start();
  int sig = 0;
  sigwait(&set, &sig);
  engine.stop();
  return 0;
}

int cmd_retry_held(const KioskConfig& config) {
  ensure_store_folder(config);
  Store store(store_path_from_config(config), store_options_from_config(config));
  int64_t n = store.retry_held("kiosk-sync");  // audited there, in the same transaction
  clear_sync_alert(store, sync_alert::held);
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
    if (a.command == "retry-held" && a.rest.empty()) return cmd_retry_held(config);
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
