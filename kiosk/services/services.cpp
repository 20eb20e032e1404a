#include "services/services.h"

#include "engine/engine.h"

namespace odr::kiosk {

StoreOptions store_options(const KioskConfig& config) { return store_options_from_config(config); }
std::string store_path(const KioskConfig& config) { return store_path_from_config(config); }

}  // namespace odr::kiosk
