// Shared libraries the welcome screen does not need (librime and its boost,
// ICU, OpenCC; espeak-ng and its sound stack; zinnia), opened on first use
// instead of by the dynamic loader before main: the kiosk's first pixel does
// not wait for them. The headers stay ours to compile against, so a symbol
// is looked up with the type its header declares (DynLib::sym<decltype(&f)>):
// a wrong header still fails the build.
#pragma once
#include <memory>
#include <string>

namespace odr::kiosk {

class DynLib {
 public:
  // dlopen(soname) once per process (later calls share it). nullptr and
  // *error naming the library, the package to install and dlerror()'s reason
  // when it cannot be opened: the caller turns its feature off.
  static std::shared_ptr<DynLib> open(const std::string& soname, const std::string& package, std::string* error);
  ~DynLib();
  DynLib(const DynLib&) = delete;
  DynLib& operator=(const DynLib&) = delete;

  // The symbol `name` in the library or the libraries it loaded; nullptr
  // and *error ("librime.so.1 has no rime_get_api (...)") when missing.
  void* find(const char* name, std::string* error) const;
  template <class F>
  F sym(const char* name, std::string* error) const {
    return reinterpret_cast<F>(find(name, error));
  }
  const std::string& soname() const { return soname_; }

 private:
  DynLib(void* handle, std::string soname) : handle_(handle), soname_(std::move(soname)) {}
  void* handle_;
  std::string soname_;
};

}  // namespace odr::kiosk
