// Files for tests: a fresh folder that no other call (in this process or
// another) gets, and whole-file reads and writes.
#pragma once
#include <string>

namespace odr::test {

// $name or fallback when unset or empty.
std::string env_or(const char* name, const char* fallback);
// A new empty folder ODR_TEST_TMP/<name>-<pid>-<n> (or under /tmp/odr-test):
// n counts the calls in this process, so two calls never share a folder.
std::string fresh_dir(const std::string& name);
// The file's bytes ("" when it cannot be read).
std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& bytes);
// Without trailing newlines and spaces.
std::string trim(std::string s);

}  // namespace odr::test
