// The store encrypted at rest (SQLCipher): what a copied file, its WAL and
// journal reveal without the key; a wrong key; the one-time encryption of a
// plain store. Every grep has its control on a plain store, so it can fail.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "helpers.h"
#include "sqlite/open.h"

namespace odr::test {
namespace {

namespace fs = std::filesystem;

const std::string kKeyA(32, '\x5a');
const std::string kKeyB = [] {
  std::string k(32, '\0');
  for (int i = 0; i < 32; ++i) k[size_t(i)] = char(i * 7 + 1);
  return k;
}();

// Every file of the store (the database, -wal, -shm, any journal or copy).
std::string all_bytes(const std::string& path) {
  std::string out;
  for (const auto& e : fs::directory_iterator(fs::path(path).parent_path()))
    if (e.path().filename().string().rfind(fs::path(path).filename().string(), 0) == 0) out += read_bytes(e.path());
  return out;
}

// Personal texts of sample_complaint() as the file would hold them.
std::vector<std::string> personal_texts() {
  Complaint c = sample_complaint();
  return {c.consumer.phone, c.consumer.name, c.consumer.address, "1234"};  // "1234": the phone's last 4, a column
}

class Encryption : public ::testing::Test {
 protected:
  void SetUp() override { path = fresh_dir(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "/kiosk.db"; }
  StoreOptions keyed(const std::string& key) {
    StoreOptions o = options_with(clock);
    o.key = key;
    return o;
  }
  // A store with two complaints, one with an event, the WAL not yet folded in.
  void fill(const std::string& key) {
    Store s(path, keyed(key));
    ids.push_back(s.submit_complaint(sample_complaint()).id);
    ids.push_back(s.submit_complaint(sample_complaint()).id);
    s.record_event(sample_event(ids[0], "first_response"));
  }
  size_t hits_in(const std::string& bytes) {
    size_t n = 0;
    for (const std::string& t : personal_texts()) n += bytes.find(t) != std::string::npos;
    return n;
  }
  FakeClock clock;
  std::string path;
  std::vector<std::string> ids;
};

TEST_F(Encryption, NoPersonalTextInTheFileItsWalOrItsJournalWithoutTheKey) {
  {
    Store s(path, keyed(kKeyA));
    s.submit_complaint(sample_complaint());
    // Open: the commit is in the WAL, not folded into the file yet.
    ASSERT_TRUE(fs::exists(path + "-wal"));
    EXPECT_EQ(hits_in(all_bytes(path)), 0u) << "while the kiosk runs";
  }
  EXPECT_EQ(hits_in(all_bytes(path)), 0u) << "after it closed";
  EXPECT_FALSE(is_plain_database(path));

  // The control: the same on a plain store finds every one of them.
  const std::string plain = fs::path(path).parent_path().string() + "/plain.db";
  {
    Store s(plain, keyed(""));
    s.submit_complaint(sample_complaint());
    EXPECT_EQ(hits_in(all_bytes(plain)), personal_texts().size());
  }
}

TEST_F(Encryption, AWrongKeyOrNoKeyIsRefusedClearlyAndTheFileIsLeftByteForByte) {
  fill(kKeyA);
  const std::string before = all_bytes(path);
  try {
    Store s(path, keyed(kKeyB));
    ADD_FAILURE() << "opened with the wrong key";
  } catch (const StoreError& e) {
    EXPECT_EQ(e.kind, StoreError::Kind::wrong_key);
    EXPECT_NE(std::string(e.what()).find("the key does not open"), std::string::npos) << e.what();
  }
  try {
    Store s(path, keyed(""));
    ADD_FAILURE() << "opened with no key";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("encrypted and no key was given"), std::string::npos) << e.what();
  }
  EXPECT_EQ(all_bytes(path), before) << "nothing written by the failed opens";
  Store s(path, keyed(kKeyA));
  EXPECT_EQ(s.complaint(ids[1])->consumer.phone, sample_complaint().consumer.phone);
}

TEST_F(Encryption, APlainStoreIsEncryptedOnceAtOpenWithNothingLostAndTicketsGoOn) {
  fill("");
  std::string last_ticket;
  OutboxCounts counts;
  {
    Store s(path, keyed(""));
    auto items = s.claim(OutboxKind::complaint, 1, "w", 60000);
    ASSERT_EQ(items.size(), 1u);
    s.mark_delivered(items[0].seq, "case-1");
    counts = s.outbox_counts();
    last_ticket = s.complaint(ids[1])->ticket;
  }
  ASSERT_TRUE(is_plain_database(path));
  ASSERT_GT(hits_in(all_bytes(path)), 0u);
  {
    Store s(path, keyed(kKeyA));
    EXPECT_FALSE(is_plain_database(path));
    EXPECT_EQ(s.complaint(ids[0])->consumer.phone, sample_complaint().consumer.phone);
    OutboxCounts now = s.outbox_counts();
    EXPECT_EQ(now.pending, counts.pending);
    EXPECT_EQ(now.delivered, counts.delivered);
    EXPECT_TRUE(s.verify_audit().ok) << s.verify_audit().problem;
    const std::string next = s.submit_complaint(sample_complaint()).ticket;
    EXPECT_GT(next, last_ticket) << "the ticket counter came along";
  }
  EXPECT_EQ(hits_in(all_bytes(path)), 0u) << "the plain bytes are gone, not left beside it";
  EXPECT_FALSE(fs::exists(path + ".encrypting"));
  EXPECT_THROW({ Store s(path, keyed("")); }, StoreError);
  Store again(path, keyed(kKeyA));  // once: the second open finds it encrypted and just opens
  EXPECT_EQ(again.outbox_counts().pending, counts.pending + 1);
}

TEST_F(Encryption, APlainStoreOpenElsewhereIsNotEncryptedUnderIt) {
  fill("");
  auto other = std::make_unique<Store>(path, keyed(""));  // kiosk-sync, say, still running on the plain file
  try {
    Store s(path, keyed(kKeyA));
    ADD_FAILURE() << "encrypted while another connection had it open";
  } catch (const StoreError& e) {
    EXPECT_EQ(e.kind, StoreError::Kind::busy) << e.what();
  }
  EXPECT_TRUE(is_plain_database(path));
  other->submit_complaint(sample_complaint());  // the other one goes on, nothing lost
  other.reset();
  Store s(path, keyed(kKeyA));
  EXPECT_EQ(s.outbox_counts().pending, 4) << "two complaints and an event, and the one filed meanwhile";
}

TEST_F(Encryption, AnUnfinishedEncryptionLeftByACrashIsStartedAgain) {
  fill("");
  write_bytes(path + ".encrypting", std::string(5000, 'x'));  // the power went during the copy
  Store s(path, keyed(kKeyA));
  EXPECT_EQ(s.outbox_counts().pending, 3) << "two complaints and an event";
  EXPECT_FALSE(fs::exists(path + ".encrypting"));
  EXPECT_FALSE(is_plain_database(path));
}

}  // namespace
}  // namespace odr::test
