// VersionSpool: version observations in an unnamed temporary file, sorted
// by a key held in memory (archive.h).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>

#include "archive/archive.h"

namespace pressarc {

// Where an observation is in the file, and what it is sorted by.
struct VersionSpool::Key {
  std::string url_time;  // url + fetched_at: one allocation for both
  std::uint32_t url_length = 0;
  std::uint32_t file = 0;  // VersionSpool::files_
  std::uint32_t length = 0;
  std::uint64_t offset = 0;  // in the archive file
  std::uint64_t at = 0;      // in the spool
};

namespace {

constexpr std::size_t kBufferBytes = 1 << 20;

void PutNumber(std::string* out, std::uint64_t n) {
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  out->append(b, 8);
}

void PutString(std::string* out, std::string_view s) {
  PutNumber(out, s.size());
  out->append(s);
}

// Reads what PutNumber and PutString wrote; false past the end.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool Number(std::uint64_t* n) {
    if (in_.size() < 8) return false;
    *n = 0;
    for (int i = 0; i < 8; ++i) *n |= std::uint64_t{static_cast<unsigned char>(in_[i])} << (8 * i);
    in_.remove_prefix(8);
    return true;
  }
  bool String(std::string* s) {
    std::uint64_t n = 0;
    if (!Number(&n) || n > in_.size()) return false;
    s->assign(in_.substr(0, n));
    in_.remove_prefix(n);
    return true;
  }

 private:
  std::string_view in_;
};

// The fields a key does not hold.
std::string Serialise(const VersionObservation& o) {
  std::string out;
  out.reserve(64 + o.digest.size() + o.title.size() + o.published.size() + o.source.size() +
              o.language.size() + o.lead.size());
  PutString(&out, o.digest);
  PutString(&out, o.title);
  PutString(&out, o.published);
  PutString(&out, o.source);
  PutString(&out, o.language);
  PutString(&out, o.lead);
  PutNumber(&out, static_cast<std::uint64_t>(static_cast<std::int64_t>(o.words)));
  return out;
}

bool Deserialise(std::string_view in, VersionObservation* o) {
  Reader r(in);
  std::uint64_t words = 0;
  if (!r.String(&o->digest) || !r.String(&o->title) || !r.String(&o->published) ||
      !r.String(&o->source) || !r.String(&o->language) || !r.String(&o->lead) ||
      !r.Number(&words)) {
    return false;
  }
  o->words = static_cast<int>(static_cast<std::int64_t>(words));
  return true;
}

// An unnamed file in `dir`; one that is named and unlinked at once where
// the file system has no O_TMPFILE.
int OpenUnnamed(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)) return fd;
  std::string path = dir + "/.versions-XXXXXX";
  fd = ::mkostemp(path.data(), O_CLOEXEC);
  if (fd >= 0) ::unlink(path.c_str());
  return fd;
}

}  // namespace

VersionSpool::VersionSpool(std::string dir) : dir_(std::move(dir)) {}

VersionSpool::~VersionSpool() {
  if (fd_ >= 0) ::close(fd_);
}

void VersionSpool::Add(const VersionObservation& o) {
  std::string record = Serialise(o);
  std::lock_guard<std::mutex> lock(mu_);
  if (!error_.ok()) return;
  if (fd_ < 0) {
    fd_ = OpenUnnamed(dir_);
    if (fd_ < 0) {
      const int err = errno;
      error_ = WriteFailure(
          err, dir_,
          "cannot make a temporary file for the versions in " + dir_ + ": " + std::strerror(err));
      return;
    }
  }
  Key key;
  key.url_time.reserve(o.url.size() + o.fetched_at.size());
  key.url_time.append(o.url).append(o.fetched_at);
  key.url_length = static_cast<std::uint32_t>(o.url.size());
  auto [file, added] =
      file_numbers_.try_emplace(o.archive.file, static_cast<std::uint32_t>(files_.size()));
  if (added) files_.push_back(o.archive.file);
  key.file = file->second;
  key.offset = o.archive.offset;
  key.at = written_ + buffer_.size();
  key.length = static_cast<std::uint32_t>(record.size());
  buffer_ += record;
  keys_.push_back(std::move(key));
  if (buffer_.size() >= kBufferBytes) error_ = Flush();
}

std::size_t VersionSpool::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return keys_.size();
}

Status VersionSpool::Flush() {
  std::size_t done = 0;
  while (done < buffer_.size()) {
    ssize_t n = ::pwrite(fd_, buffer_.data() + done, buffer_.size() - done,
                         static_cast<off_t>(written_ + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : ENOSPC;
      return WriteFailure(
          err, dir_,
          "cannot write the versions' temporary file in " + dir_ + ": " + std::strerror(err));
    }
    done += static_cast<std::size_t>(n);
  }
  written_ += buffer_.size();
  buffer_.clear();  // its capacity is kept for the next pieces
  return Status::Ok();
}

Status VersionSpool::ForEachSorted(const std::function<Status(const VersionObservation&)>& fn) {
  std::lock_guard<std::mutex> lock(mu_);
  if (error_.ok() && !buffer_.empty()) error_ = Flush();
  if (!error_.ok()) return error_;
  std::sort(keys_.begin(), keys_.end(), [this](const Key& a, const Key& b) {
    const std::string_view at(a.url_time), bt(b.url_time);
    const std::string_view au = at.substr(0, a.url_length), bu = bt.substr(0, b.url_length);
    if (au != bu) return au < bu;
    const std::string_view af = at.substr(a.url_length), bf = bt.substr(b.url_length);
    if (af != bf) return af < bf;
    if (a.file != b.file) return files_[a.file] < files_[b.file];
    return a.offset < b.offset;
  });
  std::string record;
  for (const Key& key : keys_) {
    record.resize(key.length);
    std::size_t done = 0;
    while (done < record.size()) {
      ssize_t n = ::pread(fd_, record.data() + done, record.size() - done,
                          static_cast<off_t>(key.at + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        return Status::Runtime("cannot read the versions' temporary file in " + dir_ + ": " +
                               (n < 0 ? std::strerror(errno) : "it is shorter than written"));
      }
      done += static_cast<std::size_t>(n);
    }
    VersionObservation o;
    o.url = key.url_time.substr(0, key.url_length);
    o.fetched_at = key.url_time.substr(key.url_length);
    o.archive.file = files_[key.file];
    o.archive.offset = key.offset;
    if (!Deserialise(record, &o)) {
      return Status::Runtime("the versions' temporary file in " + dir_ + " is damaged");
    }
    if (Status s = fn(o); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace pressarc
