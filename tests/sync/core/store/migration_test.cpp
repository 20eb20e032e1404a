// Files written by earlier versions open, upgrade in place and keep their
// data. The SQL below is frozen: it is what those versions wrote, so it must
// never change when the current schema does.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "helpers.h"
#include "model/json.h"
#include "util/crypto.h"

namespace odr::test {
namespace {

const char* const kSchemaV1 = R"sql(
PRAGMA application_id = 1329877553;
CREATE TABLE complaints (
  id          TEXT PRIMARY KEY,
  ticket      TEXT NOT NULL UNIQUE,
  kiosk_id    TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  created_ms  INTEGER NOT NULL,
  phone_last4 TEXT NOT NULL DEFAULT '',
  status      TEXT NOT NULL DEFAULT 'new',
  case_no     TEXT NOT NULL DEFAULT '',
  purged      INTEGER NOT NULL DEFAULT 0,
  json        TEXT NOT NULL
);
CREATE TABLE events (
  id           TEXT PRIMARY KEY,
  complaint_id TEXT NOT NULL REFERENCES complaints(id),
  type         TEXT NOT NULL,
  at           TEXT NOT NULL,
  at_ms        INTEGER NOT NULL,
  staff_id     TEXT NOT NULL DEFAULT '',
  json         TEXT NOT NULL
);
CREATE INDEX events_complaint ON events(complaint_id, at_ms);
CREATE TABLE ticket_counters (
  prefix TEXT NOT NULL,
  day    TEXT NOT NULL,
  last   INTEGER NOT NULL,
  PRIMARY KEY (prefix, day)
) WITHOUT ROWID;
CREATE TABLE outbox (
  seq            INTEGER PRIMARY KEY,
  kind           TEXT NOT NULL CHECK (kind IN ('complaint', 'event')),
  ref_id         TEXT NOT NULL,
  complaint_id   TEXT NOT NULL REFERENCES complaints(id),
  state          TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'in_flight', 'delivered', 'held')),
  attempts       INTEGER NOT NULL DEFAULT 0,
  not_before_ms  INTEGER NOT NULL DEFAULT 0,
  lease_owner    TEXT NOT NULL DEFAULT '',
  lease_until_ms INTEGER NOT NULL DEFAULT 0,
  case_no        TEXT NOT NULL DEFAULT '',
  last_error     TEXT NOT NULL DEFAULT '',
  created_ms     INTEGER NOT NULL,
  delivered_ms   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_state ON outbox(state, kind, seq);
CREATE INDEX outbox_ref ON outbox(ref_id);
CREATE TABLE audit (
  seq       INTEGER PRIMARY KEY,
  at_ms     INTEGER NOT NULL,
  actor     TEXT NOT NULL,
  action    TEXT NOT NULL,
  detail    TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
);
PRAGMA user_version = 1;
)sql";

const char* const kSchemaV2Step = R"sql(
CREATE TABLE platform_updates (
  id           INTEGER PRIMARY KEY,
  complaint_id TEXT NOT NULL REFERENCES complaints(id),
  case_no      TEXT NOT NULL DEFAULT '',
  status       TEXT NOT NULL,
  at           TEXT NOT NULL,
  at_ms        INTEGER NOT NULL,
  note         TEXT NOT NULL DEFAULT '',
  received_ms  INTEGER NOT NULL,
  UNIQUE (complaint_id, status, at, note)
);
CREATE INDEX platform_updates_complaint ON platform_updates(complaint_id, at_ms);
ALTER TABLE complaints ADD COLUMN platform_status TEXT NOT NULL DEFAULT '';
ALTER TABLE complaints ADD COLUMN platform_at_ms INTEGER NOT NULL DEFAULT 0;
PRAGMA user_version = 2;
)sql";

const char* const kId1 = "0193a0b4-7c1d-7a3e-8f00-000000000001";
const char* const kId2 = "0193a0b4-7c1d-7a3e-8f00-000000000002";

// The audit record hash as v1 wrote it: prev, seq, at, then length-prefixed
// actor, action, detail. Old chains must keep verifying.
std::string v1_audit_insert(int64_t seq, const std::string& prev, const std::string& detail, std::string& hash) {
  const int64_t at = kNowS * 1000;
  std::string content = prev + "\n" + std::to_string(seq) + "\n" + std::to_string(at);
  for (std::string part : {std::string("consumer"), std::string("complaint.submit"), detail})
    content += "\n" + std::to_string(part.size()) + ":" + part;
  hash = sha256_hex(content);
  return "INSERT INTO audit VALUES (" + std::to_string(seq) + ", " + std::to_string(at) +
         ", 'consumer', 'complaint.submit', '" + detail + "', '" + prev + "', '" + hash + "');";
}

// A v1 file as the v1 kiosk left it: two complaints (one delivered), an
// event, the ticket counter at 2, two audit records.
void write_v1_file(const std::string& path) {
  auto complaint_json = [](const char* id, const char* ticket) {
    Complaint c = sample_complaint();
    c.id = id;
    c.ticket = ticket;
    c.kiosk_id = "mall-01";
    c.created_at = "2026-11-28T10:00:00+08:00";
    return nlohmann::json(c).dump();
  };
  std::string h1, h2;
  std::string sql = std::string(kSchemaV1) + "BEGIN;" +
                    "INSERT INTO complaints (id, ticket, kiosk_id, created_at, created_ms, phone_last4, status, "
                    "case_no, json) VALUES ('" + kId1 + "', 'A01-261128-0001', 'mall-01', "
                    "'2026-11-28T10:00:00+08:00', " + std::to_string(kNowS * 1000) + ", '1234', 'in_progress', "
                    "'3201002026112800042', '" + complaint_json(kId1, "A01-261128-0001") + "');" +
                    "INSERT INTO complaints (id, ticket, kiosk_id, created_at, created_ms, phone_last4, json) "
                    "VALUES ('" + kId2 + "', 'A01-261128-0002', 'mall-01', '2026-11-28T10:00:00+08:00', " +
                    std::to_string(kNowS * 1000) + ", '1234', '" + complaint_json(kId2, "A01-261128-0002") + "');" +
                    "INSERT INTO events (id, complaint_id, type, at, at_ms, staff_id, json) VALUES "
                    "('0193a0b5-0000-7000-8000-000000000001', '" + kId1 + "', 'first_response', "
                    "'2026-11-28T10:05:00+08:00', 0, 'staff-007', '{}');" +
                    "INSERT INTO ticket_counters VALUES ('A01', '2026-11-28', 2);" +
                    "INSERT INTO outbox (kind, ref_id, complaint_id, state, case_no, created_ms) VALUES "
                    "('complaint', '" + kId1 + "', '" + kId1 + "', 'delivered', '3201002026112800042', 1);" +
                    "INSERT INTO outbox (kind, ref_id, complaint_id, created_ms) VALUES ('complaint', '" + kId2 +
                    "', '" + kId2 + "', 1);" +
                    "INSERT INTO outbox (kind, ref_id, complaint_id, created_ms) VALUES ('event', "
                    "'0193a0b5-0000-7000-8000-000000000001', '" + kId1 + "', 1);" +
                    v1_audit_insert(1, std::string(64, '0'), std::string("id=") + kId1 + " ticket=A01-261128-0001", h1);
  sql += v1_audit_insert(2, h1, std::string("id=") + kId2 + " ticket=A01-261128-0002", h2) + "COMMIT;";
  ASSERT_EQ(exec_raw(path, "PRAGMA journal_mode = WAL;"), SQLITE_OK);
  ASSERT_EQ(exec_raw(path, sql), SQLITE_OK);
  ASSERT_EQ(query_int(path, "PRAGMA user_version"), 1);
}

void check_upgraded_and_kept(const std::string& path, Store& s) {
  EXPECT_EQ(query_int(path, "PRAGMA user_version"), Store::schema_version());
  EXPECT_EQ(query_text(path, "PRAGMA integrity_check"), "ok");
  // Data kept.
  auto c = s.complaint(kId1);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->ticket, "A01-261128-0001");
  EXPECT_EQ(c->consumer.phone, "13812341234");
  EXPECT_EQ(query_text(path, std::string("SELECT case_no FROM complaints WHERE id = '") + kId1 + "'"),
            "3201002026112800042");
  EXPECT_EQ(query_text(path, std::string("SELECT status FROM complaints WHERE id = '") + kId1 + "'"), "in_progress");
  OutboxCounts n = s.outbox_counts();
  EXPECT_EQ(n.delivered, 1);
  EXPECT_EQ(n.pending, 2);
  AuditVerifyResult v = s.verify_audit();
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.records, 2);

  // The outbox carries on where v1 left it: the pending complaint, then the
  // event of the delivered one.
  auto items = s.claim(OutboxKind::complaint, 10, "w", 1000);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].ref_id, kId2);
  EXPECT_EQ(s.claim(OutboxKind::event, 10, "w", 1000).size(), 1u);

  // Ticket numbers continue, never reused.
  EXPECT_EQ(s.submit_complaint(sample_complaint()).ticket, "A01-261128-0003");
  EXPECT_TRUE(s.verify_audit().ok);

  // What the new versions added works on the old data.
  s.apply_updates({{kId1, "3201002026112800042", "mediating", "2026-11-29T10:00:00+08:00", ""}}, std::string("cur-1"));
  EXPECT_EQ(query_text(path, std::string("SELECT platform_status FROM complaints WHERE id = '") + kId1 + "'"),
            "mediating");
  EXPECT_EQ(s.updates_cursor().value_or(""), "cur-1");
  s.set_state("k", "v");
  EXPECT_EQ(s.state("k").value_or(""), "v");
  EXPECT_NE(sqlite3_exec(s.handle(), "DELETE FROM audit", nullptr, nullptr, nullptr), SQLITE_OK)
      << "v3 guards the audit log";
}

TEST(Migration, FromV1) {
  const std::string path = fresh_dir("from-v1") + "/kiosk.db";
  write_v1_file(path);
  FakeClock clock;
  Store s(path, options_with(clock));
  check_upgraded_and_kept(path, s);
}

TEST(Migration, FromV2) {
  const std::string path = fresh_dir("from-v2") + "/kiosk.db";
  write_v1_file(path);
  ASSERT_EQ(exec_raw(path, std::string("BEGIN;") + kSchemaV2Step +
                               "INSERT INTO platform_updates (complaint_id, case_no, status, at, at_ms, note, "
                               "received_ms) VALUES ('" + kId1 + "', '3201002026112800042', 'received', "
                               "'2026-11-28T11:00:00+08:00', 1795834800000, '', 1);"
                               "UPDATE complaints SET platform_status = 'received', platform_at_ms = 1795834800000 "
                               "WHERE id = '" + kId1 + "'; COMMIT;"),
            SQLITE_OK);
  ASSERT_EQ(query_int(path, "PRAGMA user_version"), 2);
  FakeClock clock;
  Store s(path, options_with(clock));
  check_upgraded_and_kept(path, s);
  EXPECT_EQ(query_int(path, "SELECT count(*) FROM platform_updates"), 2) << "the v2 timeline is kept";
}

const char* const kSchemaV3Step = R"sql(
CREATE TABLE sync_state (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  updated_ms INTEGER NOT NULL
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql";

TEST(Migration, FromV3TheImportMarkerMovesIntoItsComplaintAndStoredMsComesFromTheOutbox) {
  const std::string path = fresh_dir("from-v3") + "/kiosk.db";
  write_v1_file(path);
  const std::string key(64, 'b');
  ASSERT_EQ(exec_raw(path, std::string("BEGIN;") + kSchemaV2Step + kSchemaV3Step +
                               "INSERT INTO sync_state VALUES ('import.line." + key + "', 'A01-261128-0002', 1);"
                               "INSERT INTO sync_state VALUES ('other.key', 'c-9', 1);"
                               "UPDATE outbox SET created_ms = 1795831260000 WHERE ref_id = '" + kId2 + "';"
                               "PRAGMA user_version = 3; COMMIT;"),
            SQLITE_OK);
  FakeClock clock;
  Store s(path, options_with(clock));
  check_upgraded_and_kept(path, s);
  EXPECT_EQ(s.imported_ticket(key).value_or(""), "A01-261128-0002");
  EXPECT_EQ(query_int(path, "SELECT count(*) FROM sync_state WHERE key LIKE 'import.line.%'"), 0);
  EXPECT_EQ(s.state("other.key").value_or(""), "c-9") << "other state kept";
  EXPECT_EQ(query_int(path, std::string("SELECT stored_ms FROM complaints WHERE id = '") + kId2 + "'"), 1795831260000);
  // The line is not filed again.
  SubmitResult r = s.submit_complaint(sample_complaint(), key);
  EXPECT_TRUE(r.already);
  EXPECT_EQ(r.ticket, "A01-261128-0002");
}

TEST(Migration, AFailedStepLeavesTheFileAtItsVersion) {
  const std::string path = fresh_dir("failed-step") + "/kiosk.db";
  write_v1_file(path);
  // Something in the way of step 2 (a table of that name already there).
  ASSERT_EQ(exec_raw(path, "CREATE TABLE platform_updates (x)"), SQLITE_OK);
  EXPECT_THROW({ Store s(path); }, StoreError);
  EXPECT_EQ(query_int(path, "PRAGMA user_version"), 1);
  EXPECT_EQ(query_text(path, "SELECT instr(sql, 'platform_status') FROM sqlite_master WHERE name = 'complaints'"),
            "0")
      << "no half-applied step";
  EXPECT_EQ(query_int(path, "SELECT count(*) FROM complaints"), 2);
}

TEST(Migration, ReopeningTheCurrentVersionChangesNothing) {
  const std::string path = fresh_dir("reopen") + "/kiosk.db";
  FakeClock clock;
  { Store(path, options_with(clock)).submit_complaint(sample_complaint()); }
  std::string schema = query_text(path, "SELECT group_concat(sql, ';') FROM sqlite_master");
  { Store s(path, options_with(clock)); }
  EXPECT_EQ(query_text(path, "SELECT group_concat(sql, ';') FROM sqlite_master"), schema);
  EXPECT_EQ(query_int(path, "SELECT count(*) FROM complaints"), 1);
}

}  // namespace
}  // namespace odr::test
