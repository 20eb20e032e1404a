// The store as the kiosk and the sync engine use it: submit, tickets, the
// outbox life cycle, events, platform updates, shared state, purge.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <set>

#include <nlohmann/json.hpp>

#include "helpers.h"
#include "util/time.h"
#include "util/uuid.h"

namespace odr::test {
namespace {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fresh_dir(::testing::UnitTest::GetInstance()->current_test_info()->name());
    path = dir + "/kiosk.db";
  }
  std::unique_ptr<Store> open() { return std::make_unique<Store>(path, options_with(clock)); }
  std::string dir, path;
  FakeClock clock;
};

TEST_F(StoreTest, NewFileUsesWalFullSyncAndCurrentSchema) {
  auto s = open();
  EXPECT_EQ(query_text(path, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(query_int(path, "PRAGMA user_version"), Store::schema_version());
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(s->handle(), "PRAGMA synchronous", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), 2);  // FULL
  sqlite3_finalize(st);
  ASSERT_EQ(sqlite3_prepare_v2(s->handle(), "PRAGMA foreign_keys", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), 1);
  sqlite3_finalize(st);
}

TEST_F(StoreTest, SubmitFillsIdentityAndStoresEverythingTogether) {
  auto s = open();
  SubmitResult r = s->submit_complaint(sample_complaint());
  EXPECT_TRUE(is_uuid(r.id));
  EXPECT_EQ(r.id[14], '7');  // UUIDv7
  EXPECT_EQ(r.ticket, "A01-261128-0001");

  auto c = s->complaint(r.id);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->ticket, r.ticket);
  EXPECT_EQ(c->kiosk_id, "mall-01");
  EXPECT_EQ(c->created_at, "2026-11-28T10:00:00+08:00");
  EXPECT_EQ(c->consumer.phone, "13812341234");
  EXPECT_EQ(c->description, sample_complaint().description);
  ASSERT_TRUE(s->complaint_by_ticket(r.ticket));
  EXPECT_EQ(s->complaint_by_ticket(r.ticket)->id, r.id);

  OutboxCounts n = s->outbox_counts();
  EXPECT_EQ(n.pending, 1);
  EXPECT_EQ(query_int(path, "SELECT count(*) FROM audit WHERE action = 'complaint.submit'"), 1);
  EXPECT_EQ(query_text(path, "SELECT phone_last4 FROM complaints"), "1234");
  EXPECT_EQ(query_text(path, "SELECT status FROM complaints"), "new");
}

TEST_F(StoreTest, TicketsCountPerDayInTheKioskTimeZone) {
  auto s = open();
  EXPECT_EQ(s->submit_complaint(sample_complaint()).ticket, "A01-261128-0001");
  EXPECT_EQ(s->submit_complaint(sample_complaint()).ticket, "A01-261128-0002");
  // 2026-11-28 23:59:59 +08:00 is still the 28th; one second later the 29th.
  *clock.ms = (kNowS + 14 * 3600 - 1) * 1000;
  EXPECT_EQ(s->submit_complaint(sample_complaint()).ticket, "A01-261128-0003");
  clock.advance(1000);
  EXPECT_EQ(s->submit_complaint(sample_complaint()).ticket, "A01-261129-0001");
  // Back to the 28th (clock corrected): numbers continue, never reused.
  *clock.ms = kNowS * 1000;
  EXPECT_EQ(s->submit_complaint(sample_complaint()).ticket, "A01-261128-0004");
}

TEST_F(StoreTest, TicketNeverReusedAfterReopen) {
  std::string first;
  {
    auto s = open();
    first = s->submit_complaint(sample_complaint()).ticket;
  }
  auto s = open();
  EXPECT_NE(s->submit_complaint(sample_complaint()).ticket, first);
}

TEST_F(StoreTest, TicketSkipsNumbersAlreadyOnTheBooks) {
  auto s = open();
  s->submit_complaint(sample_complaint());
  s->submit_complaint(sample_complaint());
  // As if the file came back from a backup whose counter is behind.
  ASSERT_EQ(sqlite3_exec(s->handle(), "UPDATE ticket_counters SET last = 0", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_EQ(s->submit_complaint(sample_complaint()).ticket, "A01-261128-0003");
}

TEST_F(StoreTest, ResubmittingTheSameIdGivesTheSameTicketAndNoDuplicate) {
  auto s = open();
  Complaint c = sample_complaint();
  c.id = uuid_v7(clock.fn()());
  SubmitResult a = s->submit_complaint(c);
  SubmitResult b = s->submit_complaint(c);
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.ticket, b.ticket);
  EXPECT_EQ(query_int(path, "SELECT count(*) FROM complaints"), 1);
  EXPECT_EQ(s->outbox_counts().pending, 1);
}

TEST_F(StoreTest, InvalidComplaintIsRejectedWithFieldsAndNothingStored) {
  auto s = open();
  Complaint c = sample_complaint();
  c.consumer.phone = "12345";
  c.description = "short";
  try {
    s->submit_complaint(c);
    FAIL() << "expected StoreError";
  } catch (const StoreError& e) {
    EXPECT_EQ(e.kind, StoreError::Kind::invalid);
    ASSERT_EQ(e.fields.size(), 2u);
    EXPECT_EQ(e.fields[0].field, "consumer.phone");
    EXPECT_EQ(e.fields[0].code, err::bad_phone);
    EXPECT_EQ(e.fields[1].field, "description");
    EXPECT_EQ(e.fields[1].code, err::too_short);
    // The message names fields, never the values typed.
    EXPECT_EQ(std::string(e.what()).find("12345"), std::string::npos);
  }
  EXPECT_EQ(query_int(path, "SELECT count(*) FROM complaints"), 0);
  EXPECT_EQ(query_int(path, "SELECT count(*) FROM outbox"), 0);
  EXPECT_EQ(query_int(path, "SELECT count(*) FROM audit"), 0);
  EXPECT_EQ(query_int(path, "SELECT count(*) FROM ticket_counters"), 0);
}

TEST_F(StoreTest, SqlLookingTextAndEmojiAreStoredVerbatim) {
  auto s = open();
  Complaint c = sample_complaint();
  c.description = "'); DROP TABLE complaints; -- 衣服坏了 😡👎 \"quoted\" \\ backslash";
  c.consumer.name = "Robert'); DROP TABLE outbox;--";
  SubmitResult r = s->submit_complaint(c);
  auto back = s->complaint(r.id);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->description, c.description);
  EXPECT_EQ(back->consumer.name, c.consumer.name);
  EXPECT_EQ(s->outbox_counts().pending, 1);
}

TEST_F(StoreTest, OutboxLifeCycle) {
  auto s = open();
  SubmitResult a = s->submit_complaint(sample_complaint());
  SubmitResult b = s->submit_complaint(sample_complaint());

  auto items = s->claim(OutboxKind::complaint, 10, "sync-1", 30000);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].ref_id, a.id);
  EXPECT_EQ(items[1].ref_id, b.id);
  EXPECT_EQ(items[0].state, OutboxState::in_flight);
  EXPECT_EQ(items[0].lease_owner, "sync-1");
  EXPECT_EQ(items[0].lease_until_ms, *clock.ms + 30000);
  EXPECT_EQ(items[0].attempts, 1);
  auto payload = nlohmann::json::parse(items[0].payload);
  EXPECT_EQ(payload["ticket"], a.ticket);
  EXPECT_EQ(payload["consumer"]["phone"], "13812341234");
  EXPECT_TRUE(s->claim(OutboxKind::complaint, 10, "sync-2", 30000).empty()) << "leased items are not claimed twice";

  s->mark_delivered(items[0].seq, "3201002026112800042");
  s->release(items[1].seq, "HTTP 503", *clock.ms + 5000);
  OutboxCounts n = s->outbox_counts();
  EXPECT_EQ(n.delivered, 1);
  EXPECT_EQ(n.pending, 1);
  EXPECT_EQ(n.in_flight, 0);
  EXPECT_EQ(s->next_due_ms(), *clock.ms + 5000);
  EXPECT_EQ(query_text(path, "SELECT case_no FROM complaints WHERE id = '" + a.id + "'"), "3201002026112800042");

  EXPECT_TRUE(s->claim(OutboxKind::complaint, 10, "sync-1", 30000).empty()) << "backoff not over";
  clock.advance(5000);
  items = s->claim(OutboxKind::complaint, 10, "sync-1", 30000);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].attempts, 2);
  EXPECT_EQ(items[0].last_error, "HTTP 503");

  s->mark_held(items[0].seq, "invalid_field consumer.phone");
  EXPECT_EQ(s->outbox_counts().held, 1);
  auto held = s->outbox_items(OutboxState::held);
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held[0].last_error, "invalid_field consumer.phone");
  EXPECT_TRUE(s->claim(OutboxKind::complaint, 10, "sync-1", 30000).empty()) << "held items wait for staff";

  EXPECT_EQ(s->retry_held("staff:007"), 1);
  EXPECT_EQ(query_text(path, "SELECT group_concat(actor || ' ' || detail) FROM audit WHERE action = 'outbox.retry_held'"),
            "staff:007 count=1")
      << "one record, naming who asked";
  EXPECT_EQ(s->retry_held(), 0);
  EXPECT_EQ(query_int(path, "SELECT count(*) FROM audit WHERE action = 'outbox.retry_held'"), 1) << "nothing retried, nothing logged";
  EXPECT_EQ(s->claim(OutboxKind::complaint, 10, "sync-1", 30000).size(), 1u);

  // A late release of a delivered item does not send it again.
  s->release(held[0].seq - 1, "late", 0);
  EXPECT_EQ(s->outbox_counts().delivered, 1);
  EXPECT_THROW(s->mark_delivered(9999, ""), StoreError);
}

TEST_F(StoreTest, BatchedMarksAreOneTransactionWithAnAuditRecordPerItem) {
  auto s = open();
  std::vector<SubmitResult> subs;
  for (int i = 0; i < 5; ++i) subs.push_back(s->submit_complaint(sample_complaint()));
  auto items = s->claim(OutboxKind::complaint, 10, "sync-1", 30000);
  ASSERT_EQ(items.size(), 5u);
  const int64_t audit_before = query_int(path, "SELECT count(*) FROM audit");

  // One seq that is not in the outbox: nothing of the batch is marked, no
  // audit record is written.
  std::vector<DeliveredMark> bad = {{items[0].seq, "case-0"}, {items[1].seq, "case-1"}, {99999, "case-x"}};
  try {
    s->mark_delivered(bad);
    ADD_FAILURE() << "an unknown seq must refuse the batch";
  } catch (const StoreError& e) {
    EXPECT_EQ(e.kind, StoreError::Kind::not_found);
  }
  EXPECT_EQ(s->outbox_counts().delivered, 0);
  EXPECT_EQ(s->outbox_counts().in_flight, 5);
  EXPECT_EQ(query_text(path, "SELECT case_no FROM complaints WHERE id = '" + subs[0].id + "'"), "");
  EXPECT_EQ(query_int(path, "SELECT count(*) FROM audit"), audit_before);

  // The good batch: every item delivered with its own case number, one audit
  // record each naming the complaint and its case number.
  std::vector<DeliveredMark> good;
  for (size_t i = 0; i < 3; ++i) good.push_back({items[i].seq, "case-" + std::to_string(i)});
  s->mark_delivered(good);
  EXPECT_EQ(s->outbox_counts().delivered, 3);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(query_text(path, "SELECT case_no FROM complaints WHERE id = '" + subs[i].id + "'"), "case-" + std::to_string(i));
    EXPECT_EQ(query_int(path, "SELECT count(*) FROM audit WHERE action = 'outbox.delivered' AND detail = 'seq=" +
                                  std::to_string(items[i].seq) + " complaint=" + subs[i].id + " case_no=case-" +
                                  std::to_string(i) + "'"),
              1);
  }
  EXPECT_EQ(query_int(path, "SELECT count(*) FROM audit"), audit_before + 3);

  // A second answer for delivered items (and the same seq twice in a batch)
  // changes nothing and writes no record; a late rejection does not hold them.
  s->mark_delivered(std::vector<DeliveredMark>{{items[0].seq, "other"}, {items[3].seq, "case-3"}, {items[3].seq, "again"}});
  EXPECT_EQ(query_text(path, "SELECT case_no FROM complaints WHERE id = '" + subs[0].id + "'"), "case-0");
  EXPECT_EQ(query_text(path, "SELECT case_no FROM complaints WHERE id = '" + subs[3].id + "'"), "case-3");
  EXPECT_EQ(query_int(path, "SELECT count(*) FROM audit"), audit_before + 4);
  s->mark_held(std::vector<HeldMark>{{items[0].seq, "late"}, {items[4].seq, "invalid_field consumer.phone"}});
  EXPECT_EQ(s->outbox_counts().delivered, 4);
  EXPECT_EQ(s->outbox_counts().held, 1);
  EXPECT_EQ(s->outbox_items(OutboxState::held)[0].last_error, "invalid_field consumer.phone");
  EXPECT_THROW(s->mark_held(std::vector<HeldMark>{{items[4].seq, "x"}, {99999, "y"}}), StoreError);
  EXPECT_EQ(s->outbox_items(OutboxState::held)[0].last_error, "invalid_field consumer.phone") << "rolled back";

  // Batched release: all or nothing too, and only items still in flight go back.
  EXPECT_THROW(s->release(std::vector<int64_t>{items[4].seq, 99999}, "HTTP 503", 0), StoreError);
  s->retry_held();
  auto again = s->claim(OutboxKind::complaint, 10, "sync-1", 30000);
  ASSERT_EQ(again.size(), 1u);
  s->release(std::vector<int64_t>{again[0].seq, items[0].seq}, "HTTP 503", *clock.ms + 100);
  EXPECT_EQ(s->outbox_counts().pending, 1);
  EXPECT_EQ(s->outbox_counts().delivered, 4);
  EXPECT_TRUE(s->verify_audit().ok);
}

TEST_F(StoreTest, ClaimTakesDueItemsAndExpiredLeasesInOrder) {
  auto s = open();
  for (int i = 0; i < 6; ++i) s->submit_complaint(sample_complaint());
  auto first = s->claim(OutboxKind::complaint, 2, "crashed", 1000);  // seqs 1, 2: their lease runs out
  ASSERT_EQ(first.size(), 2u);
  auto mid = s->claim(OutboxKind::complaint, 2, "w", 60000);  // 3, 4 stay leased
  ASSERT_EQ(mid.size(), 2u);
  s->release(mid[1].seq, "HTTP 503", *clock.ms + 5000);  // 4 is not due yet
  clock.advance(1000);
  // 6 asked; the first item lost its sender once, so half as many come.
  auto items = s->claim(OutboxKind::complaint, 6, "w2", 1000);
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].seq, first[0].seq);
  EXPECT_EQ(items[1].seq, first[1].seq);
  EXPECT_EQ(items[2].seq, mid[1].seq + 1) << "the leased and the not-yet-due items are skipped";
  for (const OutboxItem& it : items) {
    EXPECT_EQ(it.state, OutboxState::in_flight);
    EXPECT_EQ(it.lease_owner, "w2");
    EXPECT_FALSE(it.payload.empty());
  }
  EXPECT_EQ(items[0].attempts, 2);
  EXPECT_EQ(items[2].attempts, 1);
  EXPECT_EQ(items[0].unanswered, 1) << "its lease ran out in flight";
  EXPECT_EQ(items[2].unanswered, 0) << "pending, never lost a sender";
}

TEST_F(StoreTest, ExpiredLeaseIsClaimedAgain) {
  auto s = open();
  s->submit_complaint(sample_complaint());
  auto first = s->claim(OutboxKind::complaint, 10, "crashed-sender", 1000);
  ASSERT_EQ(first.size(), 1u);
  clock.advance(999);
  EXPECT_TRUE(s->claim(OutboxKind::complaint, 10, "other", 1000).empty());
  clock.advance(1);
  auto again = s->claim(OutboxKind::complaint, 10, "other", 1000);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].seq, first[0].seq);
  EXPECT_EQ(again[0].lease_owner, "other");
  EXPECT_EQ(again[0].attempts, 2);
}

TEST_F(StoreTest, EventsWaitForTheirComplaintAndForEarlierEvents) {
  auto s = open();
  SubmitResult a = s->submit_complaint(sample_complaint());
  SubmitResult b = s->submit_complaint(sample_complaint());
  std::string e1 = s->record_event(sample_event(a.id, "first_response"));
  std::string e2 = s->record_event(sample_event(a.id, "settled"));
  std::string e3 = s->record_event(sample_event(a.id, "satisfaction"));
  std::string f1 = s->record_event(sample_event(b.id, "withdrawn"));
  EXPECT_EQ(query_text(path, "SELECT status FROM complaints WHERE id = '" + a.id + "'"), "settled");
  EXPECT_EQ(query_text(path, "SELECT status FROM complaints WHERE id = '" + b.id + "'"), "withdrawn");

  EXPECT_TRUE(s->claim(OutboxKind::event, 10, "w", 30000).empty()) << "complaints not delivered yet";
  auto cs = s->claim(OutboxKind::complaint, 10, "w", 30000);
  ASSERT_EQ(cs.size(), 2u);
  s->mark_delivered(cs[0].seq, "case-a");  // only a's complaint

  auto ev = s->claim(OutboxKind::event, 10, "w", 30000);
  ASSERT_EQ(ev.size(), 1u) << "one at a time per complaint, in order; b's complaint not delivered";
  EXPECT_EQ(ev[0].ref_id, e1);
  EXPECT_EQ(ev[0].complaint_id, a.id);
  EXPECT_EQ(nlohmann::json::parse(ev[0].payload)["type"], "first_response");
  EXPECT_TRUE(s->claim(OutboxKind::event, 10, "w", 30000).empty());

  // A held earlier event blocks the later ones: the order must hold.
  s->mark_held(ev[0].seq, "unknown_complaint");
  EXPECT_TRUE(s->claim(OutboxKind::event, 10, "w", 30000).empty());
  s->retry_held();
  ev = s->claim(OutboxKind::event, 10, "w", 30000);
  ASSERT_EQ(ev.size(), 1u);
  s->mark_delivered(ev[0].seq, "");
  s->mark_delivered(cs[1].seq, "case-b");

  ev = s->claim(OutboxKind::event, 10, "w", 30000);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].ref_id, e2);
  EXPECT_EQ(ev[1].ref_id, f1);
  s->mark_delivered(ev[0].seq, "");
  ev = s->claim(OutboxKind::event, 10, "w", 30000);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].ref_id, e3);
}

TEST_F(StoreTest, EventForUnknownComplaintOrInvalidEventIsRefused) {
  auto s = open();
  try {
    s->record_event(sample_event(uuid_v7(), "first_response"));
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_EQ(e.kind, StoreError::Kind::not_found);
  }
  SubmitResult a = s->submit_complaint(sample_complaint());
  Event bad = sample_event(a.id, "satisfaction");
  bad.data.score = 6;
  bad.staff_id = "staff-1";
  try {
    s->record_event(bad);
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_EQ(e.kind, StoreError::Kind::invalid);
    ASSERT_EQ(e.fields.size(), 2u);
    EXPECT_EQ(e.fields[0].field, "staff_id");
    EXPECT_EQ(e.fields[1].field, "data.score");
  }
  EXPECT_EQ(query_int(path, "SELECT count(*) FROM events"), 0);
  EXPECT_EQ(s->outbox_counts().pending, 1);
}

TEST_F(StoreTest, EventFieldsFilledAndAudited) {
  auto s = open();
  SubmitResult a = s->submit_complaint(sample_complaint());
  clock.advance(60000);
  std::string id = s->record_event(sample_event(a.id, "first_response"), "staff:007");
  EXPECT_TRUE(is_uuid(id));
  EXPECT_EQ(query_text(path, "SELECT at FROM events"), "2026-11-28T10:01:00+08:00");
  EXPECT_EQ(query_text(path, "SELECT actor FROM audit WHERE action = 'event.first_response'"), "staff:007");
  EXPECT_EQ(s->record_event([&] {
    Event e = sample_event(a.id, "first_response");
    e.id = id;
    return e;
  }()), id) << "same id again: stored once";
  EXPECT_EQ(query_int(path, "SELECT count(*) FROM events"), 1);
}

TEST_F(StoreTest, PlatformUpdatesBuildATimelineAndKeepTheCursor) {
  auto s = open();
  SubmitResult a = s->submit_complaint(sample_complaint());
  EXPECT_FALSE(s->updates_cursor());
  std::vector<PlatformUpdate> ups = {
      {a.id, "3201002026112800042", "received", "2026-11-28T11:00:00+08:00", ""},
      {a.id, "3201002026112800042", "mediating", "2026-11-29T10:00:00+08:00", "调解中"},
      {uuid_v7(), "999", "closed", "2026-11-29T10:00:00+08:00", "not ours"},
  };
  s->apply_updates(ups, std::string("c=2&x/\xE2\x9C\x93"));
  EXPECT_EQ(s->updates_cursor().value_or(""), "c=2&x/\xE2\x9C\x93");
  EXPECT_EQ(query_int(path, "SELECT count(*) FROM platform_updates"), 2);
  EXPECT_EQ(query_text(path, "SELECT platform_status FROM complaints"), "mediating");
  EXPECT_EQ(query_text(path, "SELECT case_no FROM complaints"), "3201002026112800042");

  // After a 410 the client starts again: replaying is harmless and an older
  // update does not turn the status back.
  s->clear_updates_cursor();
  EXPECT_FALSE(s->updates_cursor());
  s->apply_updates({ups[1], ups[0]}, std::nullopt);
  EXPECT_EQ(query_int(path, "SELECT count(*) FROM platform_updates"), 2);
  EXPECT_EQ(query_text(path, "SELECT platform_status FROM complaints"), "mediating");
  EXPECT_FALSE(s->updates_cursor());
}

TEST_F(StoreTest, SharedStateIsSeenByAnotherConnection) {
  auto a = open();
  auto b = open();
  EXPECT_FALSE(a->state("last_contact"));
  b->set_state("last_contact", "2026-11-28T10:00:00+08:00");
  EXPECT_EQ(a->state("last_contact").value_or(""), "2026-11-28T10:00:00+08:00");
  b->set_state("last_contact", "later");
  EXPECT_EQ(a->state("last_contact").value_or(""), "later");
}

TEST_F(StoreTest, PurgeBlanksPersonalDataOfDeliveredComplaintsOnly) {
  auto s = open();
  SubmitResult old_done = s->submit_complaint(sample_complaint());
  SubmitResult old_pending = s->submit_complaint(sample_complaint());
  auto items = s->claim(OutboxKind::complaint, 1, "w", 1000);
  ASSERT_EQ(items.size(), 1u);
  s->mark_delivered(items[0].seq, "case-1");
  clock.advance(86400000);
  SubmitResult recent = s->submit_complaint(sample_complaint());
  auto items2 = s->claim(OutboxKind::complaint, 10, "w", 1000);
  for (auto& it : items2) s->mark_delivered(it.seq, "case-x");

  EXPECT_EQ(s->purge_personal_data(*clock.ms - 1000), 2);  // the two old ones, both delivered now
  EXPECT_EQ(s->complaint(old_done.id)->consumer.phone, "");
  EXPECT_EQ(s->complaint(old_done.id)->consumer.name, "");
  EXPECT_EQ(s->complaint(old_done.id)->description, "");
  EXPECT_EQ(s->complaint(old_done.id)->ticket, old_done.ticket) << "the case itself stays";
  EXPECT_EQ(s->complaint(recent.id)->consumer.phone, "13812341234");
  EXPECT_EQ(s->purge_personal_data(*clock.ms - 1000), 0) << "purged once";
  (void)old_pending;

  // Not in the file any more (secure_delete, WAL checkpoint).
  s.reset();
  std::string bytes = read_bytes(path) + read_bytes(path + "-wal");
  size_t hits = 0;
  for (size_t p = bytes.find("13812341234"); p != std::string::npos; p = bytes.find("13812341234", p + 1)) ++hits;
  EXPECT_EQ(hits, 1u) << "only the recent complaint holds the phone number";
}

TEST_F(StoreTest, DeeplyNestedStoredRowsAreReportedNotFollowed) {
  auto s = open();
  SubmitResult r = s->submit_complaint(sample_complaint());
  auto items = s->claim(OutboxKind::complaint, 1, "w", 1000);
  s->mark_delivered(items[0].seq, "case-1");
  // Someone edited the row: valid JSON, 100,000 levels deep in an extra field.
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  std::string sql = "UPDATE complaints SET json = json_insert(json, '$.x', '') WHERE id = '" + r.id + "'";
  ASSERT_EQ(sqlite3_exec(s->handle(), sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sql = "UPDATE complaints SET json = replace(json, '\"x\":\"\"', '\"x\":" + deep + "') WHERE id = '" + r.id + "'";
  ASSERT_EQ(sqlite3_exec(s->handle(), sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  try {
    s->complaint(r.id);
    ADD_FAILURE() << "read as if fine";
  } catch (const StoreError& e) {
    EXPECT_EQ(e.kind, StoreError::Kind::corrupt);
    EXPECT_NE(std::string(e.what()).find("deeper"), std::string::npos) << e.what();
  }
  // Unreadable to SQLite's JSON too: counted for the alert. The file is
  // sound, so the store goes on taking complaints (product decision, issue
  // 10) and opens again.
  EXPECT_EQ(s->unreadable_rows().complaints, 1);
  EXPECT_NO_THROW(s->submit_complaint(sample_complaint()));
  s.reset();
  EXPECT_NO_THROW(open());
}

TEST_F(StoreTest, ACreatedAtFarFromTheKioskClockIsRefused) {
  auto s = open();
  for (const char* t : {"2099-01-01T00:00:00+08:00", "1970-01-01T00:00:00Z", "0001-01-01T00:00:00+23:59"}) {
    Complaint c = sample_complaint();
    c.created_at = t;
    try {
      s->submit_complaint(c);
      ADD_FAILURE() << t << " stored";
    } catch (const StoreError& e) {
      ASSERT_EQ(e.fields.size(), 1u) << e.what();
      EXPECT_EQ(e.fields[0].field, "created_at");
      EXPECT_EQ(e.fields[0].code, err::implausible_time);
    }
  }
  EXPECT_EQ(s->outbox_counts().pending, 0);
}

TEST_F(StoreTest, RetentionRunsFromWhenTheKioskStoredTheComplaintNotFromItsCreatedAt) {
  auto s = open();
  Complaint paper = sample_complaint();
  paper.created_at = format_rfc3339(kNowS - 300 * 86400);  // taken on paper 300 days ago, imported today
  SubmitResult r = s->submit_complaint(paper);
  auto items = s->claim(OutboxKind::complaint, 1, "w", 1000);
  s->mark_delivered(items[0].seq, "case-1");
  EXPECT_EQ(s->purge_personal_data(*clock.ms - 100 * 86400000LL), 0) << "stored today: kept";
  EXPECT_EQ(s->complaint(r.id)->consumer.phone, "13812341234");
  EXPECT_EQ(query_int(path, "SELECT stored_ms FROM complaints"), *clock.ms);
  clock.advance(101 * 86400000LL);
  EXPECT_EQ(s->purge_personal_data(*clock.ms - 100 * 86400000LL), 1);
}

TEST_F(StoreTest, PurgeAlsoBlanksTheOrderNumberAndTheImportKey) {
  auto s = open();
  Complaint c = sample_complaint();
  c.purchase.order_no = "TB20261120-88812341234";
  SubmitResult r = s->submit_complaint(c, std::string(64, 'a'));
  auto items = s->claim(OutboxKind::complaint, 1, "w", 1000);
  s->mark_delivered(items[0].seq, "case-1");
  clock.advance(1000);
  EXPECT_EQ(s->purge_personal_data(*clock.ms), 1);
  EXPECT_EQ(s->complaint(r.id)->purchase.order_no, "");
  EXPECT_FALSE(s->imported_ticket(std::string(64, 'a'))) << "the line's hash is derived from personal data";
  EXPECT_EQ(query_text(path, "SELECT count(*) FROM complaints WHERE import_key IS NOT NULL"), "0");
}

TEST_F(StoreTest, PurgeBlanksFreeTextsTooAndAuditsEachComplaintByIdOnly) {
  auto s = open();
  SubmitResult a = s->submit_complaint(sample_complaint());
  auto items = s->claim(OutboxKind::complaint, 1, "w", 1000);
  s->mark_delivered(items[0].seq, "case-1");
  std::string note_id = s->record_event(sample_event(a.id, "first_response"));
  std::string comment_id = s->record_event(sample_event(a.id, "satisfaction"));
  auto ev = s->claim(OutboxKind::event, 10, "w", 1000);
  ASSERT_EQ(ev.size(), 1u) << "events go one after the other";
  s->mark_delivered(ev[0].seq, "");
  ev = s->claim(OutboxKind::event, 10, "w", 1000);
  ASSERT_EQ(ev.size(), 1u);
  s->mark_delivered(ev[0].seq, "");
  clock.advance(1000);

  EXPECT_EQ(s->purge_personal_data(*clock.ms), 1);
  Complaint c = *s->complaint(a.id);
  EXPECT_EQ(c.demand.text, "");
  EXPECT_EQ(c.demand.types, sample_complaint().demand.types) << "what was asked for stays for the figures";
  EXPECT_EQ(c.purchase.amount_fen, sample_complaint().purchase.amount_fen);
  EXPECT_EQ(query_text(path, "SELECT json_extract(json, '$.data.note') FROM events WHERE id = '" + note_id + "'"), "");
  EXPECT_EQ(query_text(path, "SELECT json_extract(json, '$.data.comment') FROM events WHERE id = '" + comment_id + "'"), "");
  EXPECT_EQ(query_int(path, "SELECT json_extract(json, '$.data.score') FROM events WHERE id = '" + comment_id + "'"), 5);

  EXPECT_EQ(query_int(path, "SELECT count(*) FROM audit WHERE action = 'personal_data.purge' AND actor = 'system' "
                            "AND detail LIKE 'id=" + a.id + " ticket=" + a.ticket + " %'"),
            1);
  std::string all = query_text(path, "SELECT group_concat(detail, '\n') FROM audit");
  for (const char* personal : {"13812341234", "138****1234", "张三", "北京东路", "起球", "全额退款", "很满意", "已联系商家"})
    EXPECT_EQ(all.find(personal), std::string::npos) << personal;
  EXPECT_TRUE(s->verify_audit().ok);
}

TEST_F(StoreTest, PurgeWaitsForUndeliveredEvents) {
  auto s = open();
  SubmitResult a = s->submit_complaint(sample_complaint());
  auto items = s->claim(OutboxKind::complaint, 1, "w", 1000);
  s->mark_delivered(items[0].seq, "case-1");
  s->record_event(sample_event(a.id, "withdrawn"));
  clock.advance(1000);
  EXPECT_EQ(s->purge_personal_data(*clock.ms), 0);
  auto ev = s->claim(OutboxKind::event, 1, "w", 1000);
  ASSERT_EQ(ev.size(), 1u);
  s->mark_delivered(ev[0].seq, "");
  EXPECT_EQ(s->purge_personal_data(*clock.ms), 1);
}

TEST_F(StoreTest, AuditChainVerifiesAndHoldsNoPersonalData) {
  auto s = open();
  SubmitResult a = s->submit_complaint(sample_complaint());
  s->record_event(sample_event(a.id, "first_response"));
  auto items = s->claim(OutboxKind::complaint, 1, "w", 1000);
  s->mark_delivered(items[0].seq, "case-1");
  s->append_audit("staff:007", "staff.login", "staff=007 phone 13812341234 typed by mistake");
  AuditVerifyResult v = s->verify_audit();
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.records, 4);

  std::string all = query_text(path, "SELECT group_concat(actor || ' ' || action || ' ' || detail, '\n') FROM audit");
  EXPECT_NE(all.find(a.ticket), std::string::npos);
  for (const char* personal : {"13812341234", "张三", "北京东路", "起球", "星光百货"})
    EXPECT_EQ(all.find(personal), std::string::npos) << personal;
  EXPECT_NE(all.find("138****1234"), std::string::npos) << "a phone number slipped into a detail is masked";
}

TEST_F(StoreTest, AuditLogRefusesUpdateAndDelete) {
  auto s = open();
  s->submit_complaint(sample_complaint());
  EXPECT_NE(sqlite3_exec(s->handle(), "UPDATE audit SET detail = 'x'", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(s->handle(), "DELETE FROM audit", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_TRUE(s->verify_audit().ok);
}

TEST_F(StoreTest, HandEditedAuditRowIsFoundWithItsSeq) {
  {
    auto s = open();
    for (int i = 0; i < 5; ++i) s->submit_complaint(sample_complaint());
    EXPECT_TRUE(s->verify_audit().ok);
  }
  // Someone with the file and the sqlite3 tool: drops the guard, edits row 3.
  ASSERT_EQ(exec_raw(path, "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;"
                           "UPDATE audit SET detail = replace(detail, '0003', '0099') WHERE seq = 3"),
            SQLITE_OK);
  {
    auto s = open();
    AuditVerifyResult v = s->verify_audit();
    EXPECT_FALSE(v.ok);
    EXPECT_EQ(v.first_broken, 3);
    EXPECT_EQ(v.records, 5);
    EXPECT_NE(v.problem.find("3"), std::string::npos);
  }
  // Rewriting the hash too breaks the link from the next record.
  ASSERT_EQ(exec_raw(path, "UPDATE audit SET hash = '" + std::string(64, 'a') + "' WHERE seq = 3"), SQLITE_OK);
  EXPECT_EQ(open()->verify_audit().first_broken, 3);
  // Deleting a record is found at the record after the gap.
  ASSERT_EQ(exec_raw(path, "DELETE FROM audit WHERE seq IN (3, 4)"), SQLITE_OK);
  {
    auto s = open();
    AuditVerifyResult v = s->verify_audit();
    EXPECT_FALSE(v.ok);
    EXPECT_EQ(v.first_broken, 5);
  }
}

TEST_F(StoreTest, TheFilesAreTheOwnersAloneWhateverTheUmask) {
  auto mode = [](const std::string& p) { return std::filesystem::status(p).permissions() & std::filesystem::perms::all; };
  using std::filesystem::perms;
  const mode_t old = ::umask(0);
  {
    auto s = open();
    s->submit_complaint(sample_complaint());
    for (const std::string& p : {path, path + "-wal", path + "-shm", Store::marker_path(path)})
      EXPECT_EQ(mode(p), perms::owner_read | perms::owner_write) << p;
  }
  // A store made by an older version (0644) is tightened when opened.
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  { auto s = open(); s->submit_complaint(sample_complaint()); EXPECT_EQ(mode(path + "-wal"), perms::owner_read | perms::owner_write); }
  EXPECT_EQ(mode(path), perms::owner_read | perms::owner_write);
  ::umask(old);
}

TEST_F(StoreTest, BadOptionsAreRefusedBeforeTouchingTheFile) {
  StoreOptions o = options_with(clock);
  o.ticket_prefix = "a-1";
  EXPECT_THROW(Store(path, o), StoreError);
  o = options_with(clock);
  o.kiosk_id = "bad id";
  EXPECT_THROW(Store(path, o), StoreError);
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace odr::test
