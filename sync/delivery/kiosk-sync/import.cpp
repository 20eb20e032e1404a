#include "kiosk-sync/import.h"

#include <istream>
#include <nlohmann/json.hpp>
#include <ostream>

#include "model/json.h"
#include "model/validate.h"
#include "util/crypto.h"

namespace odr {
namespace {

using nlohmann::json;

// "" when the shape is right, else "field: must be ..." (the wire fields'
// JSON types, model/json.h: nlohmann's own type errors do not say which
// field was wrong). Missing fields are the validator's to report.
std::string check_shape(const json& j) {
  if (!j.is_object()) return "the line is not a JSON object";
  if (j.contains("id")) return "id: must be absent (the store gives each complaint its id)";
  if (j.contains("ticket")) return "ticket: must be absent (the store gives each complaint its ticket)";
  const WireTypeProblem p = first_type_problem(j, complaint_wire_fields(), /*presence=*/false);
  if (p.field) return std::string(p.field->path) + ": must be " + type_name(p.field->type);
  return "";
}

std::string describe(const std::vector<FieldError>& errors) {
  std::string s;
  for (const FieldError& e : errors) {
    if (!s.empty()) s += "; ";
    s += e.field + ": " + e.code + " (" + error_message(e, "en") + ")";
  }
  return s;
}

// The cause in a few words: the store's own message speaks of one
// transaction ("nothing was saved"), which read in an import report sounds
// like the whole file.
std::string store_trouble(const StoreError& e) {
  switch (e.kind) {
    case StoreError::Kind::disk_full: return "the disk is full";
    case StoreError::Kind::read_only: return "the complaint store cannot be written (read-only)";
    case StoreError::Kind::busy: return "the complaint store is busy in another program";
    case StoreError::Kind::corrupt: return "the complaint store file is damaged";
    default: return e.what();
  }
}

// After a store failure at line `stop`: what is in the store and what is not.
std::string stop_report(int stop, const ImportSummary& sum) {
  std::string r = "stopped at line " + std::to_string(stop) + ": nothing from line " + std::to_string(stop) +
                  " on was saved";
  if (stop > 1)
    r += "; of lines 1 to " + std::to_string(stop - 1) + ", " + std::to_string(sum.imported) + " imported now, " +
         std::to_string(sum.already) + " imported before, " + std::to_string(sum.failed - 1) +
         " failed (reported above)";
  return r + ". Run the import again once the problem is fixed: lines already stored are not filed twice.\n";
}

}  // namespace

ImportSummary import_complaints(std::istream& in, Store& store, const KioskConfig& config, std::ostream& out,
                                std::ostream& err) {
  ImportSummary sum;
  ValidationContext ctx;
  ctx.tz_offset_minutes = config.tz_offset_minutes;
  for (const CategoryEntry& c : config.categories) ctx.category_codes.push_back(c.code);

  std::string line;
  int number = 0;
  while (true) {
    wipe(line);  // the previous line held personal data
    if (!std::getline(in, line)) break;
    ++number;
    if (number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // a BOM from a spreadsheet export
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    auto bad = [&](const std::string& why) {
      err << "line " << number << ": " << why << "\n";
      ++sum.failed;
    };
    std::string why;
    json j = parse_untrusted_json(line, &why);
    if (j.is_discarded()) {
      bad("not valid JSON (" + why + ")");
      continue;
    }
    if (std::string why = check_shape(j); !why.empty()) {
      bad(why);
      continue;
    }
    // A re-run after a crash or a second import of the same file must not file
    // the same paper complaint twice: the line's key goes into the
    // complaint's own row, in the transaction that files it.
    const std::string key = sha256_hex(j.dump());
    if (std::optional<std::string> t = store.imported_ticket(key)) {
      out << "line " << number << ": " << *t << " (already imported)" << std::endl;
      ++sum.already;
      continue;
    }
    Complaint c;
    try {
      from_json(j, c);
    } catch (const std::exception& e) {
      bad(std::string("wrong shape: ") + e.what());
      continue;
    }
    c.id.clear();
    c.ticket.clear();
    c.channel = "staff_assisted";
    c.kiosk_id = config.kiosk_id;
    std::vector<FieldError> errors = validate_complaint(c, ctx);
    if (!errors.empty()) {
      bad(describe(errors));
      wipe(c.consumer.name), wipe(c.consumer.phone), wipe(c.consumer.address), wipe(c.description);
      continue;
    }
    try {
      SubmitResult r = store.submit_complaint(c, key);
      // Flushed line by line: what was reported is what a kill leaves stored.
      out << "line " << number << ": " << r.ticket << (r.already ? " (already imported)" : "") << std::endl;
      ++(r.already ? sum.already : sum.imported);
    } catch (const StoreError& e) {
      if (e.kind == StoreError::Kind::invalid) {
        bad(describe(e.fields));
      } else {
        // The store itself is in trouble (disk full, busy): this line's
        // transaction was rolled back whole. Stop; say exactly what is stored.
        bad("not saved: " + store_trouble(e));
        err << stop_report(number, sum);
        wipe(c.consumer.name), wipe(c.consumer.phone), wipe(c.consumer.address), wipe(c.description);
        break;
      }
    }
    wipe(c.consumer.name), wipe(c.consumer.phone), wipe(c.consumer.address), wipe(c.description);
  }
  return sum;
}

}  // namespace odr
