// The wire JSON of the protocol page. Writing: required fields always (so an
// empty one is reported, not silently dropped), optional ones only when set;
// an event's data holds only the fields of its type. Reading: missing fields
// stay empty for validation to report, wrong types throw, unknown fields are
// ignored (the protocol lets either side add fields).
#include "json.h"

namespace odr {

using nlohmann::json;

namespace {

const json* find(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return nullptr;
  return &*it;
}

void read(const json& j, const char* key, std::string& out) {
  if (const json* v = find(j, key)) out = v->get<std::string>();
}

// Integers only: 12.5 fen or "1200" is a wrong type, not a rounding question.
// Above INT64_MAX (nlohmann keeps it unsigned) stays too large for the
// validator to say so, instead of wrapping round to a negative amount.
int64_t integer(const json& v) {
  if (!v.is_number_integer()) (void)v.get_ref<const json::number_integer_t&>();  // throws type_error
  if (v.is_number_unsigned() && v.get<uint64_t>() > uint64_t(INT64_MAX)) return INT64_MAX;
  return v.get<int64_t>();
}

void read(const json& j, const char* key, int64_t& out) {
  if (const json* v = find(j, key)) out = integer(*v);
}

void read(const json& j, const char* key, std::optional<int64_t>& out) {
  if (const json* v = find(j, key)) out = integer(*v);
}

void read(const json& j, const char* key, std::vector<std::string>& out) {
  if (const json* v = find(j, key)) out = v->get<std::vector<std::string>>();
}

const json& object(const json& j, const char* key) {
  static const json empty = json::object();
  const json* v = find(j, key);
  if (!v) return empty;
  if (!v->is_object()) (void)v->get_ref<const json::object_t&>();  // throws type_error
  return *v;
}

void put_optional(json& j, const char* key, const std::string& v) {
  if (!v.empty()) j[key] = v;
}

// Deepest nesting of [ and { outside strings; stops counting past limit.
size_t nesting_depth(std::string_view text, size_t limit) {
  size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char ch : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (ch == '\\') escaped = true;
      else if (ch == '"') in_string = false;
      continue;
    }
    if (ch == '"') {
      in_string = true;
    } else if (ch == '[' || ch == '{') {
      if (++depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if ((ch == ']' || ch == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

}  // namespace

json parse_untrusted_json(std::string_view text, std::string* why, size_t max_depth) {
  auto refuse = [&](const std::string& reason) {
    if (why) *why = reason;
    return json(json::value_t::discarded);
  };
  if (text.find('\0') != std::string_view::npos) return refuse("it holds a NUL byte");
  if (nesting_depth(text, max_depth) > max_depth)
    return refuse("it nests deeper than " + std::to_string(max_depth) + " levels");
  json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return refuse("it is not valid JSON");
  if (why) why->clear();
  return j;
}

void to_json(json& j, const Complaint& c) {
  json respondent = {{"name", c.respondent.name},
                     {"credit_code", c.respondent.credit_code},
                     {"address", c.respondent.address},
                     {"region_code", c.respondent.region_code}};
  put_optional(respondent, "booth", c.respondent.booth);

  json purchase = {{"item", c.purchase.item}, {"date", c.purchase.date}, {"amount_fen", c.purchase.amount_fen}};
  put_optional(purchase, "place", c.purchase.place);
  put_optional(purchase, "order_no", c.purchase.order_no);

  json demand = {{"types", c.demand.types}};
  if (c.demand.amount_fen) demand["amount_fen"] = *c.demand.amount_fen;
  put_optional(demand, "text", c.demand.text);

  j = json{{"id", c.id},
           {"ticket", c.ticket},
           {"kiosk_id", c.kiosk_id},
           {"channel", c.channel},
           {"created_at", c.created_at},
           {"locale", c.locale},
           {"respondent", std::move(respondent)},
           {"consumer", {{"name", c.consumer.name}, {"phone", c.consumer.phone}, {"address", c.consumer.address}}},
           {"category", {{"kind", c.category.kind}, {"code", c.category.code}, {"problems", c.category.problems}}},
           {"purchase", std::move(purchase)},
           {"description", c.description},
           {"demand", std::move(demand)},
           {"consent",
            {{"notice_version", c.consent.notice_version},
             {"accepted_at", c.consent.accepted_at},
             {"transfer_to_platform", c.consent.transfer_to_platform}}}};
}

void from_json(const json& j, Complaint& c) {
  if (!j.is_object()) (void)j.get_ref<const json::object_t&>();
  c = Complaint{};
  read(j, "id", c.id);
  read(j, "ticket", c.ticket);
  read(j, "kiosk_id", c.kiosk_id);
  c.channel.clear();
  read(j, "channel", c.channel);
  c.locale.clear();
  read(j, "locale", c.locale);
  read(j, "created_at", c.created_at);

  const json& r = object(j, "respondent");
  read(r, "name", c.respondent.name);
  read(r, "credit_code", c.respondent.credit_code);
  read(r, "address", c.respondent.address);
  read(r, "region_code", c.respondent.region_code);
  read(r, "booth", c.respondent.booth);

  const json& p = object(j, "consumer");
  read(p, "name", c.consumer.name);
  read(p, "phone", c.consumer.phone);
  read(p, "address", c.consumer.address);

  const json& k = object(j, "category");
  read(k, "kind", c.category.kind);
  read(k, "code", c.category.code);
  read(k, "problems", c.category.problems);

  const json& b = object(j, "purchase");
  read(b, "item", c.purchase.item);
  read(b, "date", c.purchase.date);
  read(b, "amount_fen", c.purchase.amount_fen);
  read(b, "place", c.purchase.place);
  read(b, "order_no", c.purchase.order_no);

  read(j, "description", c.description);

  const json& d = object(j, "demand");
  read(d, "types", c.demand.types);
  read(d, "amount_fen", c.demand.amount_fen);
  read(d, "text", c.demand.text);

  const json& s = object(j, "consent");
  read(s, "notice_version", c.consent.notice_version);
  read(s, "accepted_at", c.consent.accepted_at);
  if (const json* v = find(s, "transfer_to_platform")) c.consent.transfer_to_platform = v->get<bool>();
}

void to_json(json& j, const Event& e) {
  const std::string& t = e.type;
  const EventData& d = e.data;
  json data = json::object();
  if (t == "first_response") {
    put_optional(data, "note", d.note);
  } else if (t == "settled") {
    data["outcomes"] = d.outcomes;
    if (d.amount_fen) data["amount_fen"] = *d.amount_fen;
    put_optional(data, "note", d.note);
  } else if (t == "not_settled" || t == "withdrawn") {
    put_optional(data, "reason", d.reason);
  } else if (t == "compensation_prepaid") {
    if (d.amount_fen) data["amount_fen"] = *d.amount_fen;
    put_optional(data, "note", d.note);
  } else if (t == "satisfaction") {
    if (d.score != 0) data["score"] = d.score;
    put_optional(data, "comment", d.comment);
  }

  j = json{{"id", e.id}, {"complaint_id", e.complaint_id}, {"type", e.type}};
  put_optional(j, "method", e.method);
  j["at"] = e.at;
  put_optional(j, "staff_id", e.staff_id);
  j["data"] = std::move(data);
}

void from_json(const json& j, Event& e) {
  if (!j.is_object()) (void)j.get_ref<const json::object_t&>();
  e = Event{};
  read(j, "id", e.id);
  read(j, "complaint_id", e.complaint_id);
  read(j, "type", e.type);
  read(j, "method", e.method);
  read(j, "at", e.at);
  read(j, "staff_id", e.staff_id);

  // Only the fields of this type: others are unknown fields, ignored.
  const json& d = object(j, "data");
  const std::string& t = e.type;
  if (t == "first_response") {
    read(d, "note", e.data.note);
  } else if (t == "settled") {
    read(d, "outcomes", e.data.outcomes);
    read(d, "amount_fen", e.data.amount_fen);
    read(d, "note", e.data.note);
  } else if (t == "not_settled" || t == "withdrawn") {
    read(d, "reason", e.data.reason);
  } else if (t == "compensation_prepaid") {
    read(d, "amount_fen", e.data.amount_fen);
    read(d, "note", e.data.note);
  } else if (t == "satisfaction") {
    int64_t score = 0;
    read(d, "score", score);
    // Out-of-int range scores stay out of range for validation to report.
    e.data.score = score < -1000 || score > 1000 ? -1 : static_cast<int>(score);
    read(d, "comment", e.data.comment);
  }
}

// --- the wire fields' JSON types ----------------------------------------------

const std::vector<WireField>& complaint_wire_fields() {
  using T = JsonType;
  static const std::vector<WireField> fields = {
      {"id", T::string, false},
      {"ticket", T::string, false},
      {"kiosk_id", T::string, false},
      {"channel", T::string, false},
      {"created_at", T::string, false},
      {"locale", T::string, false},
      {"respondent", T::object, true},
      {"respondent.name", T::string, false},
      {"respondent.credit_code", T::string, false},
      {"respondent.address", T::string, false},
      {"respondent.region_code", T::string, false},
      {"respondent.booth", T::string, false},
      {"consumer", T::object, true},
      {"consumer.name", T::string, false},
      {"consumer.phone", T::string, false},
      {"consumer.address", T::string, false},
      {"category", T::object, true},
      {"category.kind", T::string, false},
      {"category.code", T::string, false},
      {"category.problems", T::string_list, false},
      {"purchase", T::object, true},
      {"purchase.item", T::string, false},
      {"purchase.date", T::string, false},
      {"purchase.amount_fen", T::integer, true},
      {"purchase.place", T::string, false},
      {"purchase.order_no", T::string, false},
      {"description", T::string, false},
      {"demand", T::object, true},
      {"demand.types", T::string_list, false},
      {"demand.amount_fen", T::integer, false},
      {"demand.text", T::string, false},
      {"consent", T::object, true},
      {"consent.notice_version", T::string, false},
      {"consent.accepted_at", T::string, false},
      {"consent.transfer_to_platform", T::boolean, false},
  };
  return fields;
}

const std::vector<WireField>& event_wire_fields() {
  using T = JsonType;
  static const std::vector<WireField> fields = {
      {"id", T::string, false},          {"complaint_id", T::string, false},
      {"type", T::string, false},        {"method", T::string, false},
      {"at", T::string, false},          {"staff_id", T::string, false},
      {"data", T::object, false},        {"data.note", T::string, false},
      {"data.outcomes", T::string_list, false}, {"data.amount_fen", T::integer, false},
      {"data.reason", T::string, false}, {"data.score", T::integer, false},
      {"data.comment", T::string, false},
  };
  return fields;
}

const char* type_name(JsonType t) {
  switch (t) {
    case JsonType::string: return "a string";
    case JsonType::integer: return "an integer";
    case JsonType::boolean: return "true or false";
    case JsonType::object: return "an object";
    case JsonType::string_list: return "a list of strings";
  }
  return "?";
}

namespace {

bool has_type(const json& v, JsonType t) {
  switch (t) {
    case JsonType::string: return v.is_string();
    case JsonType::integer: return v.is_number_integer();
    case JsonType::boolean: return v.is_boolean();
    case JsonType::object: return v.is_object();
    case JsonType::string_list:
      if (!v.is_array()) return false;
      for (const json& e : v)
        if (!e.is_string()) return false;
      return true;
  }
  return false;
}

}  // namespace

const json* at_path(const json& root, std::string_view dotted) {
  const json* cur = &root;
  size_t start = 0;
  while (true) {
    size_t dot = dotted.find('.', start);
    std::string key(dotted.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(key);
    if (it == cur->end() || it->is_null()) return nullptr;
    cur = &*it;
    if (dot == std::string_view::npos) return cur;
    start = dot + 1;
  }
}

WireTypeProblem first_type_problem(const json& item, const std::vector<WireField>& fields, bool presence) {
  for (const WireField& f : fields) {
    const json* v = at_path(item, f.path);
    if (!v) {
      if (presence && f.must_be_present) return {&f, true};
      continue;
    }
    if (!has_type(*v, f.type)) return {&f, false};
  }
  return {};
}

}  // namespace odr
