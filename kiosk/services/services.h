// What the running kiosk owns besides its screens. For now the store rule;
// the services object joins it in the next step.
#pragma once
#include <string>

#include "config/config.h"
#include "store/store.h"

namespace odr::kiosk {

// One rule for both the kiosk's and the sync engine's store connection
// (the engine's store_path_from_config / store_options_from_config).
StoreOptions store_options(const KioskConfig& config);
std::string store_path(const KioskConfig& config);

}  // namespace odr::kiosk
