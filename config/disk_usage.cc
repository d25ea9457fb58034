#include "config/disk_usage.h"

#include <sys/statvfs.h>

#include <filesystem>
#include <limits>

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

std::uint64_t FreeBytesAt(const std::string& path) {
  struct statvfs st {};
  if (::statvfs(path.c_str(), &st) != 0) return std::numeric_limits<std::uint64_t>::max();
  return static_cast<std::uint64_t>(st.f_bavail) * static_cast<std::uint64_t>(st.f_frsize);
}

}  // namespace pressarc
