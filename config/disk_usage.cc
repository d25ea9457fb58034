#include "config/disk_usage.h"

#include <filesystem>

namespace pressarc {

DiskUsage DiskUsageOf(const std::string& dir) {
  namespace fs = std::filesystem;
  DiskUsage usage;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return usage;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code fe;
    if (!it->is_regular_file(fe)) continue;
    auto size = it->file_size(fe);
    if (fe) continue;
    usage.bytes += size;
    ++usage.files;
  }
  return usage;
}

}  // namespace pressarc
