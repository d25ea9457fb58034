// The data directory and its lock.
//
// DATA/pressarc.lock is held with flock(2) by a running crawl, import or
// reindex; a second job gets kLocked at once with a message naming the lock
// file and the holder's pid. The kernel releases a flock when its holder
// dies, so a lock left by a killed process never blocks the next run.
#pragma once

#include <memory>
#include <string>

#include "config/status.h"

namespace pressarc::cli {

class DataDirLock {
 public:
  // Creates DATA if missing, then takes the lock without waiting.
  // `job` ("crawl", "import", "reindex") is written beside the pid.
  static Result<std::unique_ptr<DataDirLock>> Acquire(const std::string& data_dir,
                                                      const std::string& job);
  ~DataDirLock();
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace pressarc::cli
