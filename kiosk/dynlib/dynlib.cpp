#include "dynlib/dynlib.h"

#include <dlfcn.h>

#include <map>
#include <mutex>

namespace odr::kiosk {

namespace {
std::mutex g_mutex;
// Opened once: librime and espeak-ng hold process-wide state that must not
// be unloaded and loaded again under a live engine.
std::map<std::string, std::weak_ptr<DynLib>>& opened() {
  static std::map<std::string, std::weak_ptr<DynLib>> m;
  return m;
}
}  // namespace

std::shared_ptr<DynLib> DynLib::open(const std::string& soname, const std::string& package, std::string* error) {
  std::lock_guard lock(g_mutex);
  if (auto lib = opened()[soname].lock()) return lib;
  dlerror();
  // RTLD_LOCAL: its symbols (and its dependencies' glog, boost, ICU) do not
  // interpose on anything the kiosk already loaded.
  void* h = dlopen(soname.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char* why = dlerror();
    if (error) *error = soname + " cannot be loaded (install " + package + "): " + (why ? why : "unknown reason");
    return nullptr;
  }
  std::shared_ptr<DynLib> lib(new DynLib(h, soname));
  opened()[soname] = lib;
  return lib;
}

// Never dlclose: librime's and glog's static destructors and espeak-ng's
// globals would run while other code may still point into them; the
// process keeps what it loaded (as it did when it was linked).
DynLib::~DynLib() = default;

void* DynLib::find(const char* name, std::string* error) const {
  dlerror();
  void* p = dlsym(handle_, name);
  if (!p && error) {
    const char* why = dlerror();
    *error = soname_ + " has no " + name + " (" + (why ? why : "null symbol") + ")";
  }
  return p;
}

}  // namespace odr::kiosk
