// Pinyin by librime with the luna_pinyin_simp schema (simplified characters).
//
// librime keeps process-wide state (one service, one deployer, glog), so one
// engine lives at a time. It deploys on its own thread: the shared data ships
// prebuilt tables, so the first deploy into a fresh user folder takes ~0.3 s
// and later ones a few ms; until then press() passes keys through.
//
// Privacy: rime's user dictionary learns what is committed and ranks it
// higher next time, which at a public kiosk would show one shopper's words
// to the next. Our luna_pinyin_simp.custom.yaml turns it off
// (translator/enable_user_dict: false), so nothing typed reaches the disk
// and candidate order never changes; reset() also starts a new rime session,
// which drops the session's commit history and options.
//
// Punctuation is ours, not rime's punctuator: rime opens menus for some keys
// (、 《 ～) and pages on '.' while composing; a touch keyboard wants one key,
// one mark.
#include <rime_api.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string_view>
#include <system_error>
#include <thread>

#include "dynlib/dynlib.h"
#include "input/ime.h"
#include "util/crypto.h"
#include "util/utf8.h"

namespace odr::input {
namespace {

namespace fs = std::filesystem;

// X11 keysyms, which rime speaks.
constexpr int kKeyBackSpace = 0xff08;
constexpr int kKeyReturn = 0xff0d;

constexpr char kSchema[] = "luna_pinyin_simp";

struct PunctuationKey {
  char key;
  const char* text;  // quotes: open and close, 3 bytes each
};
constexpr PunctuationKey kPunctuation[] = {
    {',', "，"}, {'.', "。"}, {'?', "？"}, {'!', "！"}, {':', "："},   {';', "；"},  {'(', "（"},
    {')', "）"}, {'<', "《"}, {'>', "》"}, {'\\', "、"}, {'~', "～"}, {'"', "“”"}, {'\'', "‘’"},
};

// librime's process-wide state: one engine at a time; glog set up once.
std::mutex g_rime_mutex;
bool g_rime_in_use = false;
bool g_rime_logging_set_up = false;

// Dear ImGui 1.86 as Debian builds it draws 16-bit characters only, so a
// candidate beyond U+FFFF (rare variants from CJK Extension B on, such as
// 𫔮 among "xian") could never render: we do not offer it.
bool drawable(std::string_view text) {
  size_t i = 0;
  while (i < text.size())
    if (next_codepoint(text, i) > 0xFFFF) return false;
  return true;
}

bool write_if_changed(const fs::path& path, const std::string& text, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (in) {
    std::stringstream old;
    old << in.rdbuf();
    if (old.str() == text) return true;  // unchanged: keeps rime from redeploying
  }
  in.close();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    *error = "cannot write " + path.string();
    return false;
  }
  return true;
}

class RimePinyin final : public PinyinInput {
 public:
  enum State { kDeploying, kReady, kFailed };

  RimePinyin(const InputOptions& options, std::shared_ptr<kiosk::DynLib> lib, RimeApi* api)
      : lib_(std::move(lib)),
        api_(api),
        shared_dir_(options.shared_data_dir),
        user_dir_(options.user_data_dir),
        log_dir_(options.log_dir),
        per_page_(options.candidates_per_page) {
    deploy_thread_ = std::thread([this] { deploy(); });
  }

  ~RimePinyin() override {
    if (deploy_thread_.joinable()) deploy_thread_.join();
    wipe_composition();
    if (session_) api_->destroy_session(session_);
    if (initialized_) api_->finalize();
    std::lock_guard lock(g_rime_mutex);
    g_rime_in_use = false;
  }

  bool ready() const override { return state_.load(std::memory_order_acquire) == kReady; }
  bool failed() const override { return state_.load(std::memory_order_acquire) == kFailed; }

  std::string press(char key) override {
    const bool rime = ready();
    const bool is_letter = key >= 'a' && key <= 'z';
    if (rime && (is_letter || (key == '\'' && composing_))) {
      api_->process_key(session_, key, 0);
      std::string out = take_commit();
      refresh(0);
      return out;
    }
    if (key == ' ') return composing_ ? commit_first() : std::string(" ");
    if (key == '\b') {
      if (!composing_) return kDeleteBackward;
      api_->process_key(session_, kKeyBackSpace, 0);
      refresh(0);
      return take_commit();
    }
    if (key == '\n') {
      if (!composing_) return "\n";
      api_->process_key(session_, kKeyReturn, 0);  // commits the letters as typed
      std::string out = take_commit();
      refresh(0);
      return out;
    }
    if (static_cast<unsigned char>(key) < 0x20 || static_cast<unsigned char>(key) >= 0x7f) return {};
    std::string out = composing_ ? commit_first() : std::string();
    out += punctuation_or_key(key);
    return out;
  }

  bool composing() const override { return composing_; }
  Composition composition() const override { return shown_; }

  std::string select(int index_on_page) override {
    if (!composing_ || index_on_page < 0 || index_on_page >= static_cast<int>(shown_.candidates.size())) return {};
    api_->select_candidate(session_, rime_index_[static_cast<size_t>(index_on_page)]);
    std::string out = take_commit();
    refresh(0);
    return out;
  }

  void change_page(int delta) override {
    if (!composing_ || delta == 0) return;
    if (delta < 0 && !shown_.has_prev_page) return;
    if (delta > 0 && !shown_.has_next_page) return;
    refresh(shown_.page + (delta < 0 ? -1 : 1));
  }

  void reset() override {
    double_quote_open_ = false;
    single_quote_open_ = false;
    wipe_composition();
    if (!ready()) return;
    // A new session: no composition, no commit history, options as deployed.
    api_->destroy_session(session_);
    session_ = api_->create_session();
    if (!session_ || !api_->select_schema(session_, kSchema)) {
      std::fprintf(stderr, "odr-kiosk: pinyin (librime) lost its session on reset; pinyin is off\n");
      session_ = 0;
      state_.store(kFailed, std::memory_order_release);
    }
  }

 private:
  void deploy() {
    RimeTraits traits{};
    RIME_STRUCT_INIT(RimeTraits, traits);
    traits.shared_data_dir = shared_dir_.c_str();
    traits.user_data_dir = user_dir_.c_str();
    traits.distribution_name = "odr-kiosk";
    traits.distribution_code_name = "odr-kiosk";
    traits.distribution_version = "1";
    traits.app_name = "rime.odr-kiosk";  // "rime." prefix: rime cleans its old logs
    traits.min_log_level = 1;            // warnings and up; rime logs no typed text there
    traits.log_dir = log_dir_.c_str();
    {
      std::lock_guard lock(g_rime_mutex);
      // glog may be initialised once per process; later engines only point
      // the deployer at their folders (initialize does that).
      if (!g_rime_logging_set_up) {
        api_->setup(&traits);
        g_rime_logging_set_up = true;
        // rime also copies every warning to stderr (alsologtostderr), a dozen
        // "nonexistent config file" lines per start; the files in log_dir are
        // enough, and errors still reach stderr. glog's headers are not a
        // dependency of ours, so the flag is found by its (stable) symbol
        // among librime's libraries.
        if (auto* also = static_cast<bool*>(lib_->find("_ZN3fLB21FLAGS_alsologtostderrE", nullptr))) *also = false;
      }
    }
    api_->initialize(&traits);
    initialized_ = true;
    api_->start_maintenance(True);  // full check: deploys what changed
    api_->join_maintenance_thread();
    session_ = api_->create_session();
    if (!session_) return fail("no session after deploy");
    if (!api_->select_schema(session_, kSchema)) return fail("schema luna_pinyin_simp did not load");
    // Warm up: loads the dictionary now, not on the shopper's first tap, and
    // proves the tables work.
    for (char c : std::string("xiaofei")) api_->process_key(session_, c, 0);
    RimeContext ctx{};
    RIME_STRUCT_INIT(RimeContext, ctx);
    int found = 0;
    if (api_->get_context(session_, &ctx)) {
      found = ctx.menu.num_candidates;
      api_->free_context(&ctx);
    }
    api_->clear_composition(session_);
    if (found == 0) return fail("no candidates after deploy (dictionary missing?)");
    state_.store(kReady, std::memory_order_release);
  }

  void fail(const char* why) {
    std::fprintf(stderr, "odr-kiosk: pinyin (librime) failed to start: %s; see the logs in %s\n", why,
                 log_dir_.c_str());
    state_.store(kFailed, std::memory_order_release);
  }

  std::string take_commit() {
    std::string out;
    RimeCommit commit{};
    RIME_STRUCT_INIT(RimeCommit, commit);
    if (api_->get_commit(session_, &commit)) {
      if (commit.text) out = commit.text;
      api_->free_commit(&commit);
    }
    return out;
  }

  // Commits the first candidate (of the first page) until nothing is left:
  // one candidate may cover only the first syllables.
  std::string commit_first() {
    std::string out;
    for (int i = 0; i < 64 && composing_; ++i) {
      if (shown_.page != 0) refresh(0);
      if (rime_index_.empty())
        api_->process_key(session_, kKeyReturn, 0);  // nothing drawable: the letters as typed
      else
        api_->select_candidate(session_, rime_index_[0]);
      out += take_commit();
      refresh(0);
    }
    if (composing_) {
      api_->process_key(session_, kKeyReturn, 0);
      out += take_commit();
      refresh(0);
    }
    return out;
  }

  // Reads the composition and the candidates of our page `page`. The pages
  // are ours, cut from rime's whole list after dropping what cannot be drawn,
  // so every page is full but the last.
  void refresh(int page) {
    RimeContext ctx{};
    RIME_STRUCT_INIT(RimeContext, ctx);
    if (!api_->get_context(session_, &ctx)) {
      wipe_composition();
      return;
    }
    composing_ = ctx.composition.length > 0;
    shown_.preedit = ctx.composition.preedit ? ctx.composition.preedit : "";
    api_->free_context(&ctx);

    shown_.candidates.clear();
    rime_index_.clear();
    shown_.page = page < 0 ? 0 : page;
    shown_.has_prev_page = shown_.page > 0;
    shown_.has_next_page = false;
    const size_t first = static_cast<size_t>(shown_.page) * static_cast<size_t>(per_page_);
    size_t drawable_seen = 0;
    RimeCandidateListIterator it{};
    if (composing_ && api_->candidate_list_begin(session_, &it)) {
      while (api_->candidate_list_next(&it)) {
        if (!it.candidate.text || !drawable(it.candidate.text)) continue;
        if (drawable_seen >= first + static_cast<size_t>(per_page_)) {
          shown_.has_next_page = true;
          break;
        }
        if (drawable_seen >= first) {
          shown_.candidates.emplace_back(it.candidate.text);
          rime_index_.push_back(static_cast<size_t>(it.index));
        }
        ++drawable_seen;
      }
      api_->candidate_list_end(&it);
    }
  }

  void wipe_composition() {
    wipe(shown_.preedit);
    for (auto& c : shown_.candidates) wipe(c);
    shown_ = Composition{};
    rime_index_.clear();
    composing_ = false;
  }

  std::string punctuation_or_key(char key) {
    for (const auto& p : kPunctuation) {
      if (p.key != key) continue;
      std::string text = p.text;
      bool* open = key == '"' ? &double_quote_open_ : key == '\'' ? &single_quote_open_ : nullptr;
      if (open) {
        text = text.substr(*open ? 3 : 0, 3);  // “ when none is open, else ”
        *open = !*open;
      }
      return text;
    }
    return std::string(1, key);
  }

  std::shared_ptr<kiosk::DynLib> lib_;  // librime, opened by make_pinyin_input
  RimeApi* api_ = nullptr;
  const std::string shared_dir_, user_dir_, log_dir_;
  const int per_page_;
  std::thread deploy_thread_;
  std::atomic<int> state_{kDeploying};
  bool initialized_ = false;  // set on the deploy thread, read after join
  RimeSessionId session_ = 0;
  // The UI thread's view; refreshed after every key so composition() is cheap.
  Composition shown_;
  std::vector<size_t> rime_index_;  // shown_.candidates[i] is rime's candidate rime_index_[i]
  bool composing_ = false;
  bool double_quote_open_ = false;
  bool single_quote_open_ = false;
};

}  // namespace

const char* chinese_punctuation(char key) {
  for (const auto& p : kPunctuation)
    if (p.key == key) return p.text;
  return nullptr;
}

std::unique_ptr<PinyinInput> make_pinyin_input(const InputOptions& options, std::string* error) {
  std::string ignored;
  if (!error) error = &ignored;
  if (options.user_data_dir.empty() || options.log_dir.empty()) {
    *error = "pinyin: user_data_dir and log_dir must be set";
    return nullptr;
  }
  if (options.candidates_per_page < 1 || options.candidates_per_page > 20) {
    *error = "pinyin: candidates_per_page must be 1 to 20";
    return nullptr;
  }
  // What Debian's packages put there; name the package that is missing.
  const struct {
    const char* file;
    const char* package;
  } needed[] = {
      {"default.yaml", "rime-prelude"},
      {"luna_pinyin_simp.schema.yaml", "rime-data-luna-pinyin"},
      {"luna_pinyin.schema.yaml", "rime-data-luna-pinyin"},
      {"luna_pinyin.dict.yaml", "rime-data-luna-pinyin"},
  };
  for (const auto& n : needed) {
    fs::path p = fs::path(options.shared_data_dir) / n.file;
    std::error_code ec;
    if (!fs::is_regular_file(p, ec)) {
      *error = "pinyin: rime data missing: " + p.string() + " (install " + n.package + ")";
      return nullptr;
    }
  }
  std::error_code ec;
  fs::create_directories(options.user_data_dir, ec);
  if (ec) {
    *error = "pinyin: cannot create " + options.user_data_dir + ": " + ec.message();
    return nullptr;
  }
  fs::create_directories(options.log_dir, ec);
  if (ec) {
    *error = "pinyin: cannot create " + options.log_dir + ": " + ec.message();
    return nullptr;
  }
  const fs::path user(options.user_data_dir);
  if (!write_if_changed(user / "default.custom.yaml",
                        "# Written by odr-kiosk at start; edits are overwritten.\n"
                        "patch:\n"
                        "  schema_list:\n"
                        "    - schema: luna_pinyin_simp\n",
                        error))
    return nullptr;
  if (!write_if_changed(user / "luna_pinyin_simp.custom.yaml",
                        "# Written by odr-kiosk at start; edits are overwritten.\n"
                        "patch:\n"
                        "  # A public kiosk must not learn: the next shopper would see\n"
                        "  # this shopper's words ranked first.\n"
                        "  translator/enable_user_dict: false\n",
                        error))
    return nullptr;
  // A user dictionary left by some earlier configuration holds typed text.
  for (const auto& entry : fs::directory_iterator(user, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(".userdb") || name.ends_with(".userdb.txt") || name == "sync") {
      std::error_code rm;
      fs::remove_all(entry.path(), rm);
    }
  }
  // librime (with boost, ICU, OpenCC, glog: ~40 libraries) is opened here,
  // after the first frame, not by the loader before main.
  std::string why;
  auto lib = kiosk::DynLib::open(options.rime_library, "librime1", &why);
  auto get_api = lib ? lib->sym<decltype(&rime_get_api)>("rime_get_api", &why) : nullptr;
  RimeApi* api = get_api ? get_api() : nullptr;
  if (!api) {
    *error = "pinyin: " + (why.empty() ? std::string("librime gave no API") : why);
    return nullptr;
  }
  {
    std::lock_guard lock(g_rime_mutex);
    if (g_rime_in_use) {
      *error = "pinyin: librime is one per process and another pinyin engine is open";
      return nullptr;
    }
    g_rime_in_use = true;
  }
  return std::make_unique<RimePinyin>(options, std::move(lib), api);
}

}  // namespace odr::input
