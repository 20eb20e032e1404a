// A gateway in the test's own process behind the Transport interface, so the
// engine's batching, pipelining, 413 split and error table are tested in
// milliseconds without TLS or a second process. It answers /health,
// complaints:batch, events:batch and /updates as platform-sim does when all
// goes well (it checks no signature; updates:batch as the hub does), counts what it got, and lets a test
// script any answer. The end-to-end tests against the real platform-sim over
// HTTPS stay; this is for the engine's own logic.
#pragma once
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "transport/transport.h"

namespace odr::test {

struct FakeRequest {
  std::string method, path;  // path without origin and query, e.g. "/odr/v1/complaints:batch"
  std::vector<std::string> ids;  // the batch's item ids, in order
  size_t body_bytes = 0;         // as sent
  bool gzip = false;
  std::string body;  // as the server reads it (inflated when gzip)
};

struct FakeGatewayState {
  std::mutex mu;
  std::vector<FakeRequest> requests;           // every request, in order
  std::map<std::string, int> accepted;         // id -> times answered accepted (first) or duplicate (later)
  size_t max_items = 0;                        // > 0: a batch with more items gets 413 too_many_items
  // Called as each request is started (the engine's start()), before it is answered.
  std::function<void(const FakeRequest&)> on_start;
  // A scripted answer: nullopt answers normally.
  std::function<std::optional<HttpResponse>(const FakeRequest&)> script;

  std::vector<FakeRequest> batches(const std::string& suffix = ":batch");  // copies, in order
  size_t distinct_delivered();
};

// The engine owns the transport; the test keeps the state.
std::unique_ptr<Transport> make_fake_gateway(std::shared_ptr<FakeGatewayState> state);

// An HTTP answer with a JSON error body ({"error":{"code":...}}) and extra headers.
HttpResponse error_answer(int status, const std::string& code,
                          std::map<std::string, std::string> headers = {});

}  // namespace odr::test
