#include "support/fake_gateway.h"

#include <nlohmann/json.hpp>

#include "protocol/messages.h"
#include "util/time.h"

namespace odr::test {

namespace {

HttpResponse json_answer(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.headers["content-type"] = "application/json";
  r.body = std::move(body);
  return r;
}

FakeRequest describe(const HttpRequest& req, std::string& body) {
  FakeRequest f;
  f.method = req.method;
  std::string url = req.url;
  size_t scheme = url.find("://");
  size_t path_at = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  f.path = path_at == std::string::npos ? "/" : url.substr(path_at);
  if (size_t q = f.path.find('?'); q != std::string::npos) f.path.resize(q);
  f.body_bytes = req.body.size();
  body = req.body;
  for (const auto& [name, value] : req.headers)
    if ((name == "Content-Encoding" || name == "content-encoding") && value == "gzip") f.gzip = true;
  if (f.gzip) body = gzip_decompress(req.body, 64u << 20).value_or("");
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object())
    for (const char* array : {"complaints", "events", "updates"})
      if (j.contains(array) && j[array].is_array())
        for (const auto& item : j[array])
          if (item.is_object() && item.contains("id") && item["id"].is_string()) f.ids.push_back(item["id"]);
  f.body = body;
  return f;
}

class FakeGateway : public Transport {
 public:
  explicit FakeGateway(std::shared_ptr<FakeGatewayState> s) : s_(std::move(s)) {}
  HttpResponse send(const HttpRequest& req) override {
    start(req);
    return finish();
  }
  void start(HttpRequest req) override {
    std::string body;
    FakeRequest f = describe(req, body);
    if (s_->on_start) s_->on_start(f);
    pending_ = answer(f);
  }
  HttpResponse finish() override { return std::move(pending_); }
  void abort() override {}
  void resume() override {}

 private:
  HttpResponse answer(const FakeRequest& f) {
    std::lock_guard<std::mutex> lock(s_->mu);
    s_->requests.push_back(f);
    if (s_->script)
      if (std::optional<HttpResponse> r = s_->script(f)) return *r;
    if (f.path.ends_with(kHealthPath)) return json_answer(200, to_json_text(HealthAnswer{now_unix_s(), "fake"}));
    if (f.path.ends_with(kUpdatesPath)) return json_answer(200, to_json_text(UpdatesAnswer{{}, "fake-0", false}));
    if (f.path.ends_with(":batch")) {
      if (s_->max_items > 0 && f.ids.size() > s_->max_items) return error_answer(413, wire_err::too_many_items);
      BatchAnswer a;
      const bool complaints = f.path.ends_with(kComplaintsBatchPath);
      for (const std::string& id : f.ids) {
        int& n = s_->accepted[id];
        a.results.push_back({id, n == 0 ? item_status::accepted : item_status::duplicate,
                             complaints ? "CASE-" + id.substr(0, 8) : "", {}});
        ++n;
      }
      return json_answer(200, to_json_text(a));
    }
    return error_answer(404, wire_err::not_found);
  }

  std::shared_ptr<FakeGatewayState> s_;
  HttpResponse pending_;
};

}  // namespace

std::vector<FakeRequest> FakeGatewayState::batches(const std::string& suffix) {
  std::lock_guard<std::mutex> lock(mu);
  std::vector<FakeRequest> out;
  for (const FakeRequest& r : requests)
    if (r.path.ends_with(suffix)) out.push_back(r);
  return out;
}

size_t FakeGatewayState::distinct_delivered() {
  std::lock_guard<std::mutex> lock(mu);
  return accepted.size();
}

std::unique_ptr<Transport> make_fake_gateway(std::shared_ptr<FakeGatewayState> state) {
  return std::make_unique<FakeGateway>(std::move(state));
}

HttpResponse error_answer(int status, const std::string& code, std::map<std::string, std::string> headers) {
  HttpResponse r = json_answer(status, to_json_text(ErrorBody{code, "scripted", std::nullopt}));
  for (auto& [k, v] : headers) r.headers[k] = v;
  return r;
}

}  // namespace odr::test
