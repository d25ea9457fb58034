// Status and Result: errors as values at module boundaries.
//
// Every module returns a Status (or a Result<T>) across its public interface
// instead of throwing. Exceptions from libraries (Xapian, toml++, ICU wrappers)
// are caught inside the module that calls them and turned into a Status with
// a message fit for a user: "what failed: why" (no stack traces, no codes
// only a developer understands). The CLI maps Status codes to exit codes:
// kOk 0, kRuntime 1, kUsage 2 (bad flag, config, query), kLocked 75.
//
// A write that failed for want of space (ENOSPC, EDQUOT, SQLITE_FULL, a
// Xapian error naming ENOSPC) is Status::DiskFull(PATH): kRuntime (exit 1)
// with the message "disk full writing PATH", marked so that a job stops at
// the first one instead of going on with the next file or page.
//
// Thread safety: plain values; safe to copy between threads.
#pragma once

#include <cerrno>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace pressarc {

class Status {
 public:
  enum class Code { kOk = 0, kRuntime = 1, kUsage = 2, kLocked = 75 };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status Runtime(std::string msg, std::string hint = "") {
    return Status(Code::kRuntime, std::move(msg), std::move(hint));
  }
  static Status Usage(std::string msg, std::string hint = "") {
    return Status(Code::kUsage, std::move(msg), std::move(hint));
  }
  static Status Locked(std::string msg, std::string hint = "") {
    return Status(Code::kLocked, std::move(msg), std::move(hint));
  }

  static Status DiskFull(const std::string& path) {
    Status s(Code::kRuntime, "disk full writing " + path, "");
    s.disk_full_ = true;
    return s;
  }

  bool ok() const { return code_ == Code::kOk; }
  // True for DiskFull: the file system is full; nothing more can be written.
  bool disk_full() const { return disk_full_; }
  Code code() const { return code_; }
  int exit_code() const { return static_cast<int>(code_); }
  const std::string& message() const { return message_; }
  // An optional second line for the user: what to do about it.
  const std::string& hint() const { return hint_; }

 private:
  Status(Code code, std::string msg, std::string hint)
      : code_(code), message_(std::move(msg)), hint_(std::move(hint)) {}
  Code code_ = Code::kOk;
  std::string message_;
  std::string hint_;
  bool disk_full_ = false;
};

// errno values meaning "no space left" (the device's or the user's quota).
inline bool IsNoSpaceErrno(int err) {
  return err == ENOSPC || err == EDQUOT;
}

// True when a library's error text names ENOSPC or EDQUOT as glibc spells
// them (Xapian puts strerror() in its DatabaseError messages).
inline bool MentionsNoSpace(std::string_view text) {
  return text.find("No space left on device") != std::string_view::npos ||
         text.find("Disk quota exceeded") != std::string_view::npos;
}

// DiskFull(path) when `err` is a no-space errno, else Runtime(message).
inline Status WriteFailure(int err, const std::string& path, std::string message) {
  return IsNoSpaceErrno(err) ? Status::DiskFull(path) : Status::Runtime(std::move(message));
}

// A value or the Status that explains why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT
  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace pressarc
