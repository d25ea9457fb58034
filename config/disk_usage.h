// The space files take below a folder: the archive's size (stats), an index
// generation's size (import's compaction rule). Here because config is the
// module every other one depends on.
#pragma once

#include <cstdint>
#include <string>

namespace pressarc {

struct DiskUsage {
  std::uint64_t bytes = 0;  // sizes of the regular files
  std::uint64_t files = 0;  // how many there are
};

// The regular files below `dir`, recursively. Never fails: a missing
// folder is empty, and entries that cannot be read are left out.
DiskUsage DiskUsageOf(const std::string& dir);

// The bytes a writer may still use on the filesystem that holds `path`
// (statvfs f_bavail); UINT64_MAX when that cannot be known.
std::uint64_t FreeBytesAt(const std::string& path);

}  // namespace pressarc
