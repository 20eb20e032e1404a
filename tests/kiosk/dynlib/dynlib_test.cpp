// kiosk/dynlib: a library that is there opens and gives typed functions; a
// missing library or symbol gives a message naming it and the package, never
// a crash; the engines' libraries are found under the names the code asks for.
#include <gtest/gtest.h>
#include <zlib.h>

#include "dynlib/dynlib.h"

using odr::kiosk::DynLib;

TEST(DynLib, OpensALibraryAndFindsATypedFunction) {
  std::string error;
  auto z = DynLib::open("libz.so.1", "zlib1g", &error);
  ASSERT_TRUE(z) << error;
  auto version = z->sym<decltype(&::zlibVersion)>("zlibVersion", &error);
  ASSERT_TRUE(version) << error;
  EXPECT_STREQ(version(), ZLIB_VERSION);
  EXPECT_EQ(DynLib::open("libz.so.1", "zlib1g", &error), z);  // once per process
}

TEST(DynLib, AMissingLibraryNamesItAndItsPackage) {
  std::string error;
  auto lib = DynLib::open("libodr-not-there.so.7", "odr-not-there7", &error);
  EXPECT_FALSE(lib);
  EXPECT_NE(error.find("libodr-not-there.so.7 cannot be loaded (install odr-not-there7)"), std::string::npos) << error;
}

TEST(DynLib, AMissingSymbolIsAMessageNotACrash) {
  std::string error;
  auto z = DynLib::open("libz.so.1", "zlib1g", &error);
  ASSERT_TRUE(z) << error;
  EXPECT_EQ(z->find("odr_no_such_function", &error), nullptr);
  EXPECT_NE(error.find("libz.so.1 has no odr_no_such_function"), std::string::npos) << error;
}

// The sonames the engines open (input/ime.h, speech/engine.cpp) with the
// functions they start from: Debian's packages still ship them.
TEST(DynLib, TheEnginesLibrariesAreThere) {
  for (auto [soname, symbol] : {std::pair{"librime.so.1", "rime_get_api"},
                                std::pair{"libzinnia.so.0", "zinnia_recognizer_new"},
                                std::pair{"libespeak-ng.so.1", "espeak_ng_Initialize"}}) {
    std::string error;
    auto lib = DynLib::open(soname, "?", &error);
    ASSERT_TRUE(lib) << error;
    EXPECT_TRUE(lib->find(symbol, &error)) << error;
  }
}
