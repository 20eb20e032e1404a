// Writing a whole file so that a crash or power cut leaves either the old
// file or the new one, never a torn one: a temporary file in the same
// folder, fsync, rename over the target, fsync the folder.
#pragma once
#include <string>
#include <string_view>
#include <sys/types.h>

namespace odr {

// Creates the folder if needed. Throws std::runtime_error naming the path.
void write_file_atomic(const std::string& path, std::string_view content, mode_t mode);

}  // namespace odr
