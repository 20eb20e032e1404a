#include "services/services.h"

#include <cstdio>
#include <filesystem>

#include "engine/engine.h"
#include "printer/printer.h"
#include "speech/speaker.h"

namespace odr::kiosk {

namespace fs = std::filesystem;

StoreOptions store_options(const KioskConfig& config) {
  StoreOptions o = store_options_from_config(config);
  if (o.key.empty())
    fprintf(stderr, "odr-kiosk: the complaint store is not encrypted: no store key (credential store-key or "
                    "kiosk.store_key_file; `kiosk-sync make-store-key FILE` makes one)\n");
  return o;
}
std::string store_path(const KioskConfig& config) { return store_path_from_config(config); }

Services::Services(const KioskConfig& config)
    : config_(config), store_(std::make_unique<Store>(store_path(config), store_options(config))) {
  input_options_.user_data_dir = (fs::path(config.data_dir) / "rime").string();
  input_options_.log_dir = (fs::path(config.data_dir) / "logs").string();
}

Services::~Services() = default;

void Services::start_sync() {
  // One sync engine per destination (gateway, hub), each on its own thread
  // with its own store connection: one that is down never delays the other.
  if (config_.gateway.base_url.empty() || !engines_.empty()) return;
  try {
    for (SyncOptions& o : all_sync_options_from_config(config_)) {
      if (o.destination == kHubDestination) o.printer_state = [this] { return printer_state(); };
      engines_.push_back(std::make_unique<SyncEngine>(std::move(o)));
    }
    for (auto& e : engines_) e->start();
  } catch (const std::exception& e) {
    fprintf(stderr, "odr-kiosk: sync off: %s (complaints are kept and sent later)\n", e.what());
    engines_.clear();
  }
}

void Services::start_staff() {
  std::error_code ec;
  fs::create_directories(input_options_.log_dir, ec);  // the input engines' and staff mode's logs
  // Staff mode: three seconds on the top-left corner open its PIN pad.
  StaffModeEnv staff_env;
  staff_env.store = store_.get();
  std::string calendar_warning;
  staff_env.calendar = load_staff_calendar(config_, &calendar_warning);
  if (!calendar_warning.empty())
    fprintf(stderr, "odr-kiosk: working-day calendar: %s (deadlines shown as estimates)\n", calendar_warning.c_str());
  staff_env.wake_sync = [this] {
    for (auto& e : engines_) e->wake();
  };
  staff_ = std::make_unique<StaffMode>(std::move(staff_env));
}

// For the hub's heartbeat, on its engine's thread (state() only reads under
// the printer's mutex; printer_ is set before the engines start and outlives
// them): "" when no printer is configured or it was not asked yet.
std::string Services::printer_state() const {
  if (!printer_) return {};
  const PrinterHealth h = printer_->state().health;
  return h == PrinterHealth::unknown ? std::string() : to_string(h);
}

void Services::start_printer(std::function<void()> wake) {
  if (!config_.printer.configured()) return;
  PrinterOptions o;
  o.config = config_.printer;
  o.wake = std::move(wake);
  printer_ = std::make_unique<EscPosPrinter>(std::move(o));
}

void Services::connect(AppEnv& env) {
  env.store = store_.get();
  env.printer = printer_.get();
  if (config_.speech.enabled && !speaker_) speaker_ = std::make_unique<Speaker>(config_.speech);
  if (speaker_) {
    env.say = [this](const std::string& text, const std::string& locale) { speaker_->say(text, locale); };
    env.silence = [this] { speaker_->stop(); };
  }
  env.on_submitted = [this] {
    for (auto& e : engines_) e->wake();
  };
  env.on_staff_gesture = [this] {
    if (app_ && staff_) staff_->open(*app_);
  };
}

void Services::start_input(App& app) {
  std::string ime_error;
  pinyin_ = input::make_pinyin_input(input_options_, &ime_error);
  if (!pinyin_) fprintf(stderr, "odr-kiosk: pinyin input off: %s\n", ime_error.c_str());
  app.set_input_engines(pinyin_.get(), [this]() -> input::HandwritingInput* {
    std::string error;
    handwriting_ = input::make_handwriting_input(input_options_, &error);
    if (!handwriting_) fprintf(stderr, "odr-kiosk: handwriting input off: %s\n", error.c_str());
    return handwriting_.get();
  });
}

bool Services::input_settled() const { return !pinyin_ || pinyin_->ready(); }

void Services::shutdown(App& app) {
  for (auto& e : engines_) e->stop();
  if (staff_) staff_->leave(app, "shutdown");
  app.reset_session();
  app_ = nullptr;
}

}  // namespace odr::kiosk
