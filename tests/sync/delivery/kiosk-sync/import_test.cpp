// kiosk-sync import: each paper complaint filed exactly once, whatever
// happens half-way. In-process against a disk that fills up at every
// possible point, and the real kiosk-sync SIGKILLed again and again over one
// file (the import's kill-soak, like the submit one in tests/store).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sqlite3.h>

#include <map>
#include <random>
#include <regex>
#include <set>
#include <sstream>

#include "sqlite/open.h"
#include "kiosk-sync/import.h"
#include "model/json.h"
#include "support/sync.h"

using namespace odr;
using namespace odr::test;

namespace {

// A COMPLAINT line as staff type them in: no identity; "编号<i>" in the
// description tells the lines apart.
std::string line_for(int i) {
  nlohmann::json j;
  to_json(j, valid_complaint(i));
  for (const char* k : {"id", "ticket", "kiosk_id", "created_at"}) j.erase(k);
  return j.dump();
}

std::string file_of(int n) {
  std::string text;
  for (int i = 1; i <= n; ++i) text += line_for(i) + "\n";
  return text;
}

KioskConfig import_config() {
  KioskConfig c;
  c.kiosk_id = "kiosk-dev";
  c.categories.push_back({"G01", "goods", "食品", "Food"});
  return c;
}

// line number -> tickets stored for it (by the "编号<i>" in its description).
std::map<int, std::vector<std::string>> stored_by_line(sqlite3* db) {
  std::map<int, std::vector<std::string>> m;
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, "SELECT json_extract(json, '$.description'), ticket FROM complaints", -1, &s, nullptr);
  while (sqlite3_step(s) == SQLITE_ROW) {
    std::string d = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    int line = std::atoi(d.substr(d.rfind("编号") + std::string("编号").size()).c_str());
    m[line].push_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 1)));
  }
  sqlite3_finalize(s);
  return m;
}

// "line N: TICKET" (also "... (already imported)") from import reports.
std::map<int, std::set<std::string>> reported(const std::string& text) {
  std::map<int, std::set<std::string>> m;
  static const std::regex re(R"(line (\d+): (A01-\d{6}-\d{4,}))");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it)
    m[std::stoi((*it)[1])].insert((*it)[2]);
  return m;
}

TEST(Import, FullDiskAtAnyPointSaysExactlyWhatWasSavedAndTheReRunFilesEachLineOnce) {
  const int n = 60;
  const std::string text = file_of(n);
  int full_runs = 0;
  // Every page budget from "full at once" to "room for all": the disk fills
  // at each point of the import in turn.
  for (int extra = 0; extra < 40; ++extra) {
    SCOPED_TRACE("extra pages " + std::to_string(extra));
    const std::string dir = fresh_dir("import-full-" + std::to_string(extra));
    Store store(dir + "/kiosk.db", store_options());
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(store.handle(), "PRAGMA page_count", -1, &q, nullptr);
    sqlite3_step(q);
    const int have = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    // No fsync here: this test is about page budgets, not power cuts.
    const std::string limit = "PRAGMA synchronous = OFF; PRAGMA max_page_count = " + std::to_string(have + extra);
    ASSERT_EQ(sqlite3_exec(store.handle(), limit.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);

    std::istringstream in(text);
    std::ostringstream out, err;
    ImportSummary s = import_complaints(in, store, import_config(), out, err);
    const auto saved = reported(out.str());
    const auto stored = stored_by_line(store.handle());
    // What the report says was saved is exactly what is in the store.
    EXPECT_EQ(stored.size(), saved.size()) << out.str() << err.str();
    for (const auto& [line, tickets] : stored) {
      ASSERT_EQ(tickets.size(), 1u) << "line " << line;
      EXPECT_EQ(saved.count(line), 1u) << "line " << line << " stored but reported not saved\n" << err.str();
    }
    if (s.imported < n) {
      ++full_runs;
      const int stop = static_cast<int>(saved.size()) + 1;
      const std::string e = err.str();
      EXPECT_NE(e.find("line " + std::to_string(stop) + ": not saved"), std::string::npos) << e;
      EXPECT_NE(e.find("nothing from line " + std::to_string(stop) + " on was saved"), std::string::npos) << e;
      if (stop > 1) {
        EXPECT_NE(e.find("of lines 1 to " + std::to_string(stop - 1) + ", " + std::to_string(stop - 1) + " imported now"),
                  std::string::npos) << e;
        EXPECT_EQ(e.find("nothing was saved"), std::string::npos) << "earlier lines were saved: " << e;
      }
    }

    // Room again: the re-run files what is missing, nothing twice.
    ASSERT_EQ(sqlite3_exec(store.handle(), "PRAGMA max_page_count = 1073741823", nullptr, nullptr, nullptr),
              SQLITE_OK);
    std::istringstream again(text);
    std::ostringstream out2, err2;
    ImportSummary s2 = import_complaints(again, store, import_config(), out2, err2);
    EXPECT_EQ(s2.failed, 0) << err2.str();
    EXPECT_EQ(s2.imported + s2.already, n);
    EXPECT_EQ(s2.already, static_cast<int>(saved.size()));
    const auto after = stored_by_line(store.handle());
    ASSERT_EQ(after.size(), size_t(n));
    for (const auto& [line, tickets] : after) EXPECT_EQ(tickets.size(), 1u) << "line " << line << " stored twice";
    // The tickets reported the first time are the ones kept.
    for (const auto& [line, tickets] : saved) EXPECT_EQ(after.at(line).front(), *tickets.begin());
  }
  EXPECT_GE(full_runs, 10) << "the disk must have filled at many points";
}

TEST(Import, DeepNestingAndNulBytesAreRefusedLineByLine) {
  const std::string dir = fresh_dir("import-hostile");
  Store store(dir + "/kiosk.db", store_options());
  std::string good = line_for(1);
  // Valid JSON, 100,000 levels deep, in a field nobody reads.
  std::string deep = good.substr(0, good.size() - 1) + ",\"x\":" + std::string(100000, '[') +
                     std::string(100000, ']') + "}";
  std::string nul = line_for(2) + std::string(1, '\0') + "garbage";
  std::istringstream in(good + "\n" + deep + "\n" + nul + "\n" + line_for(3) + "\n");
  std::ostringstream out, err;
  ImportSummary s = import_complaints(in, store, import_config(), out, err);
  EXPECT_EQ(s.imported, 2) << out.str() << err.str();
  EXPECT_EQ(s.failed, 2);
  EXPECT_NE(err.str().find("line 2: not valid JSON (it nests deeper than 64 levels)"), std::string::npos) << err.str();
  EXPECT_NE(err.str().find("line 3: not valid JSON (it holds a NUL byte)"), std::string::npos) << err.str();
  EXPECT_NE(out.str().find("line 4: A01-"), std::string::npos) << out.str();
  EXPECT_EQ(stored_by_line(store.handle()).size(), 2u);
}

std::string offline_config(const std::string& dir, const std::string& db) {
  const std::string config = dir + "/kiosk.toml";
  write_file(config,
             "[kiosk]\nid = \"kiosk-dev\"\nticket_prefix = \"A01\"\ndata_dir = \"" + dir + "\"\ndatabase = \"" + db +
                 "\"\n\n[[business]]\nid = \"mall\"\nname = \"金陵购物中心\"\n"
                 "credit_code = \"91320106MA1XYW0A10\"\naddress = \"江苏省南京市鼓楼区中山路88号\"\nregion_code = \"320106\"\n\n"
                 "[[category]]\ncode = \"G01\"\nkind = \"goods\"\nzh = \"食品\"\nen = \"Food\"\n");
  return config;
}

TEST(Recover, ADamagedStoreIsRefusedAndWhatStillReadsIsCopiedIntoANewOne) {
  const std::string dir = fresh_dir("recover");
  const std::string db = dir + "/kiosk.db";
  const int n = 400;
  {
    Store s(db, store_options());
    sqlite3_exec(s.handle(), "PRAGMA synchronous = OFF", nullptr, nullptr, nullptr);
    for (int i = 1; i <= n; ++i) s.submit_complaint(valid_complaint(i));
  }
  std::string bytes = read_file(db);
  ASSERT_GT(bytes.size(), 100u * 4096);
  for (size_t i = 60 * 4096; i < 60 * 4096 + 4096; ++i) bytes[i] = static_cast<char>(i * 7 + 3);  // one page
  write_file(db, bytes);
  const std::string config = offline_config(dir, db);
  std::string out;
  EXPECT_EQ(run_program({bin_dir() + "/kiosk-sync", "--config", config, "status"}, dir + "/status.log"), 2);
  out = read_file(dir + "/status.log");
  EXPECT_NE(out.find("damaged"), std::string::npos) << out;
  EXPECT_NE(out.find("kiosk-sync recover"), std::string::npos) << out;

  int rc = run_program({bin_dir() + "/kiosk-sync", "--config", config, "recover", dir + "/saved.db"},
                       dir + "/recover.log");
  out = read_file(dir + "/recover.log");
  EXPECT_EQ(rc, 1) << "some rows were lost: " << out;
  EXPECT_NE(out.find("recovered into"), std::string::npos) << out;
  EXPECT_EQ(read_file(db), bytes) << "the damaged file is left as it was";
  Store saved(dir + "/saved.db", store_options());
  sqlite3_stmt* q = nullptr;
  sqlite3_prepare_v2(saved.handle(), "SELECT count(*), sum(json_valid(json)) FROM complaints", -1, &q, nullptr);
  ASSERT_EQ(sqlite3_step(q), SQLITE_ROW);
  const int64_t got = sqlite3_column_int64(q, 0), valid = sqlite3_column_int64(q, 1);
  sqlite3_finalize(q);
  EXPECT_EQ(got, valid);
  EXPECT_GE(got, n - 20) << "one page of rows lost at most: " << out;
  // The recovered store works: what it had still goes out, new ones come in.
  EXPECT_EQ(saved.outbox_counts().pending, got) << "every complaint queued, also those whose item was lost";
  EXPECT_FALSE(saved.submit_complaint(valid_complaint(n + 1)).ticket.empty());
  std::printf("recover: %lld of %d complaints saved from a store with one page destroyed\n", (long long)got, n);
}

TEST(DataDir, KioskSyncMakesTheDataFolderPrivateWhateverTheUmask) {
  const std::string dir = fresh_dir("private");
  const std::string data = dir + "/data";
  std::string config = offline_config(dir, data + "/kiosk.db");
  std::string text = read_file(config);
  text.replace(text.find("data_dir = \"" + dir + "\""), ("data_dir = \"" + dir + "\"").size(), "data_dir = \"" + data + "\"");
  write_file(config, text);
  const mode_t old = ::umask(0);
  int rc = run_program({bin_dir() + "/kiosk-sync", "--config", config, "status"}, dir + "/status.log");
  ::umask(old);
  ASSERT_EQ(rc, 0) << read_file(dir + "/status.log");
  struct stat st {};
  ASSERT_EQ(::stat(data.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  ASSERT_EQ(::stat((data + "/kiosk.db").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  // An existing folder others can read is tightened too.
  ASSERT_EQ(::chmod(data.c_str(), 0755), 0);
  ASSERT_EQ(run_program({bin_dir() + "/kiosk-sync", "--config", config, "status"}, dir + "/status2.log"), 0);
  ASSERT_EQ(::stat(data.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
}

TEST(ReadOnlyCommands, StatusAndAuditVerifyWorkWhileAnotherProcessHoldsTheWriteLock) {
  const std::string dir = fresh_dir("readers");
  const std::string db = dir + "/kiosk.db";
  { Store(db, store_options()).submit_complaint(valid_complaint(1)); }
  const std::string config = offline_config(dir, db);
  sqlite3* writer = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &writer), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(writer, "BEGIN IMMEDIATE; INSERT INTO sync_state VALUES ('x', 'y', 1);", nullptr, nullptr,
                         nullptr),
            SQLITE_OK);
  // Well under the 5 s busy timeout: readers must not wait for the writer at all.
  const auto t0 = std::chrono::steady_clock::now();
  int status = run_program({bin_dir() + "/kiosk-sync", "--config", config, "status"}, dir + "/status.log", 4000);
  int verify = run_program({bin_dir() + "/kiosk-sync", "--config", config, "audit", "verify"}, dir + "/verify.log", 4000);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  sqlite3_exec(writer, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(writer);
  EXPECT_EQ(status, 0) << read_file(dir + "/status.log");
  EXPECT_NE(read_file(dir + "/status.log").find("pending        1"), std::string::npos) << read_file(dir + "/status.log");
  EXPECT_EQ(verify, 0) << read_file(dir + "/verify.log");
  EXPECT_LT(took, 8.0);
}

// The kill-soak: kiosk-sync import over one file, SIGKILLed at random moments
// again and again, then run to its end. Every line stored exactly once, and
// every ticket a run reported is the one stored for its line.
TEST(Import, KilledAgainAndAgainStoresEachLineExactlyOnce) {
  const std::string dir = fresh_dir("import-kill");
  const std::string db = dir + "/kiosk.db";
  const int n = 4000;
  write_file(dir + "/paper.jsonl", file_of(n));
  const std::string config = dir + "/kiosk.toml";
  write_file(config,
             "[kiosk]\nid = \"kiosk-dev\"\nticket_prefix = \"A01\"\ndata_dir = \"" + dir + "\"\ndatabase = \"" + db +
                 "\"\n\n[[business]]\nid = \"mall\"\nname = \"金陵购物中心\"\n"
                 "credit_code = \"91320106MA1XYW0A10\"\naddress = \"江苏省南京市鼓楼区中山路88号\"\nregion_code = \"320106\"\n\n"
                 "[[category]]\ncode = \"G01\"\nkind = \"goods\"\nzh = \"食品\"\nen = \"Food\"\n");
  const std::vector<std::string> argv = {bin_dir() + "/kiosk-sync", "--config", config, "import", dir + "/paper.jsonl"};
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  int kills = 0;
  bool finished = false;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < until && !finished) {
    pid_t pid = spawn(argv, dir + "/runs.log");
    ASSERT_GT(pid, 0);
    // Mostly mid-run; some kills land in the start (config, open, checks).
    int ms = std::uniform_int_distribution<int>(0, 9)(rng) < 2 ? std::uniform_int_distribution<int>(1, 20)(rng)
                                                                : std::uniform_int_distribution<int>(20, 150)(rng);
    if (wait_exit(pid, ms) != -1) {
      finished = true;  // it got to the end by itself
      break;
    }
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    ++kills;
  }
  int rc = run_program(argv, dir + "/last.log", 120000);
  const std::string last = read_file(dir + "/last.log");
  ASSERT_EQ(rc, 0) << last.substr(0, 2000);
  EXPECT_NE(last.find("failed 0"), std::string::npos) << last.substr(last.size() > 300 ? last.size() - 300 : 0);

  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  register_json_functions(h);
  const auto stored = stored_by_line(h);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &s, nullptr);
  sqlite3_step(s);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)), "ok");
  sqlite3_finalize(s);
  sqlite3_close(h);

  int twice = 0;
  for (const auto& [line, tickets] : stored) twice += tickets.size() > 1;
  EXPECT_EQ(stored.size(), size_t(n)) << "every line stored";
  EXPECT_EQ(twice, 0) << "lines stored more than once";
  const auto said = reported(read_file(dir + "/runs.log") + last);
  int checked = 0;
  for (const auto& [line, tickets] : said) {
    EXPECT_EQ(tickets.size(), 1u) << "line " << line << " reported with two tickets";
    auto it = stored.find(line);
    ASSERT_NE(it, stored.end()) << "line " << line << " reported but not stored";
    EXPECT_EQ(it->second.front(), *tickets.begin()) << "line " << line;
    ++checked;
  }
  std::printf("import kill-soak: %d kills over %d lines, %d reported tickets checked, %d lines stored twice\n", kills,
              n, checked, twice);
  EXPECT_GE(kills, 15) << "the import must have been cut many times";
}

}  // namespace
