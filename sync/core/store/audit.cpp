// The audit log: append-only and hash-chained. Each record holds
// SHA-256(prev hash || its length-prefixed content), so an edited, dropped or
// reordered record breaks the chain from there on (verify_audit). No
// personal data goes in: callers log ids and tickets, and scrub() masks
// anything shaped like a mobile number as a last guard. The table refuses
// UPDATE and DELETE (schema v3 triggers).
#include <sqlite3.h>

#include "model/personal.h"
#include "model/validate.h"
#include "store_internal.h"
#include "util/crypto.h"

namespace odr {

namespace {

const std::string kZeroHash(64, '0');  // prev_hash of the first audit record

// The hashed content of an audit record: every field length-prefixed, so no
// two different records hash the same text.
std::string audit_hash(const std::string& prev_hash, int64_t seq, int64_t at_ms, std::string_view actor,
                       std::string_view action, std::string_view detail) {
  std::string content = prev_hash;
  content += '\n' + std::to_string(seq) + '\n' + std::to_string(at_ms);
  for (std::string_view part : {actor, action, detail}) {
    content += '\n' + std::to_string(part.size()) + ':';
    content.append(part);
  }
  return sha256_hex(content);
}

// The audit log must never hold personal data. Callers log ids and tickets;
// as a last guard, anything shaped like a mainland mobile number is masked.
std::string scrub(std::string_view detail) {
  std::string out(detail);
  size_t i = 0;
  while (i < out.size()) {
    if (out[i] < '0' || out[i] > '9') {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < out.size() && out[j] >= '0' && out[j] <= '9') ++j;
    if (j - i == 11 && is_valid_mobile(out.substr(i, 11))) out.replace(i, 11, mask_phone(out.substr(i, 11)));
    i = j;
  }
  return out;
}

AuditTail audit_tail(sqlite3* db, StatementCache& cache) {
  AuditTail t{0, kZeroHash};
  Stmt last(db, cache, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
  if (last.step()) {
    t.seq = last.i64(0);
    t.hash = last.text(1);
  }
  return t;
}

}  // namespace

std::string staff_actor(std::string_view staff_id) {
  return staff_id.empty() ? std::string("staff") : "staff:" + std::string(staff_id);
}

AuditAppender::AuditAppender(sqlite3* db, StatementCache& cache) : db_(db), cache_(cache), tail_(audit_tail(db, cache)) {}

void AuditAppender::append(int64_t now_ms, std::string_view actor, std::string_view action, std::string_view detail) {
  const int64_t seq = tail_.seq + 1;
  std::string clean = scrub(detail);
  std::string hash = audit_hash(tail_.hash, seq, now_ms, actor, action, clean);
  Stmt ins(db_, cache_,
           "INSERT INTO audit (seq, at_ms, actor, action, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)");
  ins.bind(1, seq).bind(2, now_ms).bind(3, actor).bind(4, action).bind(5, clean).bind(6, tail_.hash).bind(7, hash).run();
  tail_.seq = seq;
  tail_.hash = std::move(hash);
}

void append_audit_in_tx(sqlite3* db, StatementCache& cache, int64_t now_ms, std::string_view actor,
                        std::string_view action, std::string_view detail) {
  AuditAppender(db, cache).append(now_ms, actor, action, detail);
}

void Store::append_audit(std::string_view actor, std::string_view action, std::string_view detail) {
  const int64_t now = now_ms();
  check_writable();
  Tx tx(db_);
  append_audit_in_tx(db_, stmts_->cache, now, actor, action, detail);
  tx.commit();
}

AuditVerifyResult Store::verify_audit() {
  AuditVerifyResult r;
  Tx tx(db_, /*immediate=*/false);  // one consistent snapshot
  Stmt q(db_, stmts_->cache, "SELECT seq, at_ms, actor, action, detail, prev_hash, hash FROM audit ORDER BY seq");
  std::string prev = kZeroHash;
  int64_t expected_seq = 1;
  while (q.step()) {
    ++r.records;
    if (!r.ok) continue;
    int64_t seq = q.i64(0);
    std::string prev_hash = q.text(5), hash = q.text(6);
    std::string problem;
    if (seq != expected_seq)
      problem = "record " + std::to_string(expected_seq) + (seq > expected_seq ? " is missing" : " is out of order");
    else if (prev_hash != prev)
      problem = "its previous-record hash does not match the record before it";
    else if (audit_hash(prev_hash, seq, q.i64(1), q.text(2), q.text(3), q.text(4)) != hash)
      problem = "its content does not match its hash (edited)";
    if (!problem.empty()) {
      r.ok = false;
      r.first_broken = seq;
      r.problem = "audit record " + std::to_string(seq) + ": " + problem;
    }
    prev = hash;
    expected_seq = seq + 1;
  }
  return r;
}

}  // namespace odr
