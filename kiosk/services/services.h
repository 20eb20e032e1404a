// What the running kiosk owns besides its screens and window: the store (on
// the UI thread), the Chinese input engines, the sync engine (its own thread
// and store connection) and staff mode. Members are declared in teardown
// order: the last declared goes first, so staff mode and the engine end
// before the input engines and the store they sit beside.
#pragma once
#include <functional>
#include <memory>
#include <vector>
#include <string>

#include "app/app.h"
#include "config/config.h"
#include "input/ime.h"
#include "screens/staff_mode.h"
#include "store/store.h"

namespace odr {
class SyncEngine;
}

namespace odr::kiosk {

class ReceiptPrinter;
class Speaker;

// One rule for both the kiosk's and the sync engine's store connection
// (the engine's store_path_from_config / store_options_from_config).
StoreOptions store_options(const KioskConfig& config);
std::string store_path(const KioskConfig& config);

class Services {
 public:
  // Opens the store: throws StoreError.
  explicit Services(const KioskConfig& config);
  ~Services();
  Services(const Services&) = delete;
  Services& operator=(const Services&) = delete;

  Store& store() { return *store_; }
  // Staff mode (its PIN pad, the working-day calendar). Before the App is made.
  void start_staff();
  // The sync engines when a gateway is configured (a failure to start is
  // logged: complaints are kept and sent later). The kiosk starts them after
  // its first frame: their TLS set-up and first queries would share the two
  // cores with the software renderer's first picture.
  void start_sync();
  // The app's hooks into these: a submitted complaint wakes the engine, the
  // corner gesture opens staff mode, read-aloud speaks through the speaker
  // ([speech] enabled; its device and voice load at the first word). Call
  // before the App is made from env.
  void connect(AppEnv& env);
  // The App the staff gesture opens on (after it is made).
  void attach(App& app) { app_ = &app; }
  // The receipt printer's thread, when [printer] names one. wake: its state
  // changed (any thread). Call before connect().
  void start_printer(std::function<void()> wake);
  // Pinyin deploys in the background; handwriting loads when first chosen.
  void start_input(App& app);
  // Pinyin is deployed (or off): start-up's scratch memory can be returned.
  bool input_settled() const;
  // Before the App goes: the engine stops, staff mode logs out ("shutdown"),
  // the shopper's session (personal data) is wiped.
  void shutdown(App& app);

 private:
  std::string printer_state() const;  // the hub heartbeat's printer field
  KioskConfig config_;
  std::unique_ptr<Store> store_;
  input::InputOptions input_options_;
  std::unique_ptr<input::PinyinInput> pinyin_;
  std::unique_ptr<input::HandwritingInput> handwriting_;
  std::unique_ptr<ReceiptPrinter> printer_;  // before engines_: set first, gone last
  std::unique_ptr<Speaker> speaker_;  // [speech]: read-aloud and the call for staff
  std::vector<std::unique_ptr<SyncEngine>> engines_;  // one per destination, the gateway first
  std::unique_ptr<StaffMode> staff_;
  App* app_ = nullptr;
};

}  // namespace odr::kiosk
