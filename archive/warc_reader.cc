// WarcReader and ReadWarcRecordAt. See crawler/warc.h for the contract.
//
// The file is read as a stream of uncompressed bytes: plain files as they
// are, gzip files member after member (one member per record, or one for the
// whole file). The stream remembers where each gzip member starts, so that a
// record beginning a member is reported at the member's offset; a record in
// the middle of a member (whole-file gzip) is reported at its offset in the
// uncompressed stream, which ReadWarcRecordAt understands too. A damaged
// gzip member marks a break in the stream: the record it cuts is reported as
// damaged and reading resumes at the next member.
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "archive/archive.h"

namespace pressarc {
namespace {

constexpr std::size_t kMaxHeaderBytes = 1 << 20;        // one record's WARC header block
constexpr std::uint64_t kMaxBlockBytes = 256ull << 20;  // one record's content block
constexpr std::size_t kReadChunk = 1 << 16;
constexpr std::size_t kInflateChunk = 1 << 18;

struct MemberStart {
  std::uint64_t upos;    // position in the uncompressed stream
  std::uint64_t offset;  // offset of the member in the file
};

// The uncompressed bytes of a WARC file, read on demand.
class ByteStream {
 public:
  ByteStream(std::FILE* f, std::uint64_t file_offset, bool gzip)
      : f_(f), gzip_(gzip), file_pos_(file_offset) {}
  ~ByteStream() {
    if (inflating_) inflateEnd(&zs_);
  }
  ByteStream(const ByteStream&) = delete;
  ByteStream& operator=(const ByteStream&) = delete;

  // Makes at least `n` bytes from position `pos` available if the file has
  // them; returns how many are available from `pos`.
  std::size_t Ensure(std::uint64_t pos, std::size_t n) {
    while (Available(pos) < n && !eof_) {
      if (!Fill()) break;
    }
    return Available(pos);
  }
  const char* At(std::uint64_t pos) const { return buf_.data() + (pos - base_); }
  // Bytes before `pos` are no longer needed.
  void Discard(std::uint64_t pos) {
    if (pos <= base_) return;
    std::size_t drop = std::min<std::uint64_t>(pos - base_, buf_.size());
    if (drop < (1u << 20) && drop * 2 < buf_.size()) return;  // compact lazily
    buf_.erase(0, drop);
    base_ += drop;
    while (members_.size() > 1 && members_[1].upos <= base_) members_.pop_front();
    while (!breaks_.empty() && breaks_.front() < base_) breaks_.pop_front();
  }
  std::uint64_t End() const { return base_ + buf_.size(); }
  bool Has(std::uint64_t pos) const { return pos >= base_ && pos < End(); }

  // The file offset to report for a record starting at `pos`.
  std::uint64_t OffsetOf(std::uint64_t pos) const {
    if (!gzip_) return pos + plain_origin_;
    for (const auto& m : members_) {
      if (m.upos == pos) return m.offset;
    }
    return pos;
  }
  bool IsMemberStart(std::uint64_t pos) const {
    for (const auto& m : members_) {
      if (m.upos == pos) return true;
    }
    return false;
  }
  // The first break (end of a damaged or truncated member) in (from, to].
  bool BreakIn(std::uint64_t from, std::uint64_t to, std::uint64_t* at) const {
    for (std::uint64_t b : breaks_) {
      if (b > from && b <= to) {
        *at = b;
        return true;
      }
    }
    return false;
  }
  // Problems met in the compressed layer since the last call.
  std::string TakeError() { return std::exchange(error_, ""); }
  void set_plain_origin(std::uint64_t o) { plain_origin_ = o; }

 private:
  std::size_t Available(std::uint64_t pos) const { return pos >= End() ? 0 : End() - pos; }

  bool ReadRaw() {
    if (in_pos_ > 0) {
      in_.erase(in_.begin(), in_.begin() + static_cast<long>(in_pos_));
      in_pos_ = 0;
    }
    // Read into scratch and appended: growing in_ by the chunk would zero
    // it first, for every file opened (ReadWarcRecordAt opens one a record).
    if (!raw_) raw_ = std::make_unique_for_overwrite<unsigned char[]>(kReadChunk);
    std::size_t n = std::fread(raw_.get(), 1, kReadChunk, f_);
    in_.insert(in_.end(), raw_.get(), raw_.get() + n);
    file_pos_ += n;
    if (n == 0) raw_eof_ = true;
    return n > 0;
  }
  std::size_t InAvail() const { return in_.size() - in_pos_; }
  std::uint64_t InOffset() const { return file_pos_ - InAvail(); }

  void NoteError(const std::string& e) {
    if (error_.empty()) error_ = e;
  }

  bool Fill() {
    if (!gzip_) {
      char tmp[kReadChunk];
      std::size_t n = std::fread(tmp, 1, sizeof tmp, f_);
      if (n == 0) {
        eof_ = true;
        return false;
      }
      buf_.append(tmp, n);
      return true;
    }
    std::size_t before = buf_.size();
    while (buf_.size() == before) {
      if (InAvail() < 3 && !raw_eof_) {
        ReadRaw();
        continue;
      }
      if (InAvail() == 0) {
        if (in_member_) {
          NoteError("gzip member at offset " + std::to_string(member_offset_) + " is truncated");
          EndMember(true);
        }
        eof_ = true;
        return false;
      }
      if (!in_member_ && !StartMember()) continue;
      if (!InflateSome()) continue;
    }
    return true;
  }

  // At a member boundary: starts the next member, or skips garbage up to it.
  bool StartMember() {
    const auto* p = in_.data() + in_pos_;
    if (InAvail() >= 3 && p[0] == 0x1f && p[1] == 0x8b && p[2] == 0x08) {
      if (!inflating_) {
        if (inflateInit2(&zs_, 15 + 16) != Z_OK) {
          NoteError("cannot start gzip decompression");
          in_pos_ = in_.size();
          raw_eof_ = true;
          return false;
        }
        inflating_ = true;
      } else {
        inflateReset2(&zs_, 15 + 16);
      }
      in_member_ = true;
      member_offset_ = InOffset();
      members_.push_back({End(), member_offset_});
      return true;
    }
    // Not a member: skip to the next gzip magic.
    std::uint64_t garbage_at = InOffset();
    std::size_t skipped = 0;
    while (true) {
      while (in_pos_ + 2 < in_.size()) {
        const auto* q = in_.data() + in_pos_;
        if (q[0] == 0x1f && q[1] == 0x8b && q[2] == 0x08) break;
        ++in_pos_;
        ++skipped;
      }
      if (in_pos_ + 2 < in_.size() || raw_eof_) break;
      ReadRaw();
    }
    if (in_pos_ + 2 >= in_.size() && raw_eof_) {
      skipped += InAvail();
      in_pos_ = in_.size();
    }
    NoteError(std::to_string(skipped) + " bytes at offset " + std::to_string(garbage_at) +
              " are not gzip data; skipped");
    return false;
  }

  bool InflateSome() {
    std::size_t old = buf_.size();
    // Inflated into a buffer of its own (not zeroed) and appended: growing
    // buf_ by the chunk would zero 256 KiB for every record (a member each).
    if (!out_) out_ = std::make_unique_for_overwrite<char[]>(kInflateChunk);
    zs_.next_in = in_.data() + in_pos_;
    zs_.avail_in = static_cast<uInt>(InAvail());
    zs_.next_out = reinterpret_cast<Bytef*>(out_.get());
    zs_.avail_out = static_cast<uInt>(kInflateChunk);
    int rc = inflate(&zs_, Z_NO_FLUSH);
    in_pos_ = in_.size() - zs_.avail_in;
    buf_.append(out_.get(), kInflateChunk - zs_.avail_out);
    if (rc == Z_STREAM_END) {
      EndMember(false);
    } else if (rc == Z_BUF_ERROR) {
      if (InAvail() == 0 && !raw_eof_) ReadRaw();
    } else if (rc != Z_OK) {
      NoteError("gzip member at offset " + std::to_string(member_offset_) + " is damaged (" +
                (zs_.msg ? zs_.msg : "inflate error") + ")");
      EndMember(true);
    }
    return buf_.size() > old;
  }

  void EndMember(bool broken) {
    in_member_ = false;
    if (broken) breaks_.push_back(End());
  }

  std::FILE* f_;
  bool gzip_;
  std::uint64_t plain_origin_ = 0;
  std::string buf_;
  std::unique_ptr<char[]> out_;  // inflate's output, kInflateChunk bytes
  std::uint64_t base_ = 0;  // stream position of buf_[0]
  bool eof_ = false;
  // gzip layer
  std::vector<unsigned char> in_;
  std::unique_ptr<unsigned char[]> raw_;  // fread's scratch, kReadChunk bytes
  std::size_t in_pos_ = 0;
  std::uint64_t file_pos_;
  bool raw_eof_ = false;
  z_stream zs_{};
  bool inflating_ = false;
  bool in_member_ = false;
  std::uint64_t member_offset_ = 0;
  std::deque<MemberStart> members_;
  std::deque<std::uint64_t> breaks_;
  std::string error_;
};

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool ParseLength(std::string_view s, std::uint64_t* out) {
  s = TrimSpaces(s);
  if (s.empty() || s.size() > 19) return false;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  *out = v;
  return true;
}

// WARC/0.17 and 0.18 are the ISO drafts Heritrix 1.x wrote (national web
// archives hold many such files); their records have the 1.0 layout: the
// version line, named fields (WARC-Type, WARC-Target-URI, WARC-Date,
// WARC-Record-ID, Content-Type, Content-Length), the block, CRLF CRLF.
// warcio (recordloader.py, WARC_TYPES) and jwarc read them the same way.
// WARC/0.9 and earlier had a different header line and are not read.
bool IsSupportedVersion(std::string_view version) {
  for (std::string_view v : {"WARC/1.1", "WARC/1.0", "WARC/0.18", "WARC/0.17"}) {
    if (version == v) return true;
  }
  return false;
}

class FileWarcReader : public WarcReader {
 public:
  FileWarcReader(std::string path, std::FILE* f, std::uint64_t start, bool gzip)
      : path_(std::move(path)), f_(f), stream_(f, start, gzip) {
    if (!gzip) stream_.set_plain_origin(start);
  }
  ~FileWarcReader() override { std::fclose(f_); }
  FileWarcReader(const FileWarcReader&) = delete;
  FileWarcReader& operator=(const FileWarcReader&) = delete;

  // Skips the uncompressed stream forward to `upos` (whole-file gzip).
  bool SkipTo(std::uint64_t upos) {
    while (pos_ < upos) {
      std::size_t avail = stream_.Ensure(pos_, 1);
      if (avail == 0) return false;
      pos_ += std::min<std::uint64_t>(avail, upos - pos_);
      stream_.Discard(pos_);
    }
    stream_.TakeError();
    trusted_start_ = pos_;
    return true;
  }

  bool Next(WarcRecord* record, Status* error) override {
    *error = Status::Ok();
    *record = WarcRecord();
    if (done_) return false;
    // Damage before the next record is reported on its own; the record
    // itself comes with the following call.
    std::string damage;
    bool found = FindRecordStart(&damage);
    std::string layer = stream_.TakeError();
    if (!damage.empty() || !layer.empty()) {
      if (!found) done_ = true;
      std::string what = damage.empty() ? layer : layer.empty() ? damage : damage + "; " + layer;
      *error = Status::Runtime(path_ + ": " + what);
      return true;
    }
    if (!found) {
      done_ = true;
      return false;
    }
    std::uint64_t start = pos_;
    std::string problem = ReadRecord(record);
    // Look one byte past the record, so that a compressed member cut right
    // after the record's last byte (its trailer lost) is seen as a break
    // before the record is accepted, whatever the deflate data happened to be.
    stream_.Ensure(pos_, 1);
    std::uint64_t at = 0;
    // A break exactly at the record's end is harmless when a new member
    // starts there (the damage is in the next record, not in this one).
    if (stream_.BreakIn(start, pos_, &at) && !(at == pos_ && stream_.IsMemberStart(pos_))) {
      if (problem.empty()) problem = "record cut by damaged compressed data";
      pos_ = at;
    }
    if (problem.empty()) return true;
    std::string cause = stream_.TakeError();
    if (!cause.empty()) problem += " (" + cause + ")";
    *record = WarcRecord();
    *error = Status::Runtime(Describe(problem, start));
    if (pos_ <= start) pos_ = start + 1;  // always make progress
    return true;
  }

 private:
  std::string Describe(const std::string& what, std::uint64_t at) const {
    return path_ + ": record at offset " + std::to_string(stream_.OffsetOf(at)) + ": " + what;
  }

  bool IsCandidate(std::uint64_t p) {
    if (p == 0 || stream_.IsMemberStart(p)) return true;
    std::uint64_t b = 0;
    if (p == trusted_start_ || stream_.BreakIn(p - 1, p, &b)) return true;
    return stream_.Has(p - 1) && *stream_.At(p - 1) == '\n';
  }

  // Moves pos_ to the next "WARC/" + digit (a version line) that starts a
  // line or a gzip member.
  // Whitespace before it is normal; anything else is reported in *damage.
  bool FindRecordStart(std::string* damage) {
    const bool skipping = std::exchange(skipping_record_, false);
    std::uint64_t skipped_from = pos_;
    bool garbage = false;
    while (true) {
      std::size_t avail = stream_.Ensure(pos_, 7);
      if (avail == 0) break;
      const char* p = stream_.At(pos_);
      if (avail >= 7 && IsVersionStart(p) && IsCandidate(pos_)) {
        if (garbage && !skipping) {
          *damage = std::to_string(pos_ - skipped_from) + " bytes of garbage before the record";
        }
        return true;
      }
      if (avail < 7 && stream_.Ensure(pos_, 7) < 7) {
        // The tail is too short to be a record.
        for (std::size_t i = 0; i < avail; ++i) {
          if (!IsBlank(p[i])) garbage = true;
        }
        pos_ += avail;
        break;
      }
      if (!IsBlank(*p)) garbage = true;
      ++pos_;
      // Only keep one byte of look-behind.
      pos_floor_ = pos_ - 1;
      stream_.Discard(pos_floor_);
    }
    if (garbage && !skipping) {
      *damage = std::to_string(pos_ - skipped_from) + " bytes of garbage at the end";
    }
    return false;
  }
  static bool IsVersionStart(const char* p) {
    return std::memcmp(p, "WARC/", 5) == 0 && p[5] >= '0' && p[5] <= '9';
  }
  static bool IsBlank(char c) { return c == '\r' || c == '\n' || c == ' ' || c == '\t' || c == 0; }

  // Reads one record starting at pos_ (a version line is there). Returns "" or
  // what is wrong; pos_ ends after the record (or where reading stopped).
  std::string ReadRecord(WarcRecord* record) {
    std::uint64_t start = pos_;
    record->location = ArchiveLocation{path_, stream_.OffsetOf(start)};
    // Header block: up to the first empty line.
    std::uint64_t line_start = pos_;
    std::vector<std::string> lines;
    std::uint64_t p = pos_;
    while (true) {
      if (p - start > kMaxHeaderBytes) {
        pos_ = start + 7;
        return "WARC header block larger than " + std::to_string(kMaxHeaderBytes) + " bytes";
      }
      if (stream_.Ensure(p, 1) == 0) {
        pos_ = p;
        return "truncated in the WARC header";
      }
      char c = *stream_.At(p);
      ++p;
      if (c != '\n') continue;
      std::string line(stream_.At(line_start), p - line_start - 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      line_start = p;
      if (line.empty()) break;
      lines.push_back(std::move(line));
    }
    record->version = lines.front();
    if (!IsSupportedVersion(record->version)) {
      pos_ = start + 7;
      skipping_record_ = true;  // its fields and block are not garbage of their own
      return "unsupported WARC version \"" + record->version.substr(0, 40) +
             "\" (pressarc reads WARC/1.1, 1.0, 0.18 and 0.17)";
    }
    for (std::size_t i = 1; i < lines.size(); ++i) {
      const std::string& l = lines[i];
      if ((l[0] == ' ' || l[0] == '\t') && !record->headers.empty()) {
        record->headers.back().second += " " + std::string(TrimSpaces(l));
        continue;
      }
      std::size_t colon = l.find(':');
      if (colon == std::string::npos) continue;  // tolerated, like other readers
      record->headers.emplace_back(std::string(TrimSpaces(std::string_view(l).substr(0, colon))),
                                   std::string(TrimSpaces(std::string_view(l).substr(colon + 1))));
    }
    std::uint64_t length = 0;
    std::string cl = FindHeader(record->headers, "Content-Length");
    if (!ParseLength(cl, &length)) {
      pos_ = p;
      return cl.empty() ? "no Content-Length" : "bad Content-Length \"" + cl.substr(0, 40) + "\"";
    }
    if (length > kMaxBlockBytes) {
      pos_ = p;
      return "record of " + std::to_string(length) + " bytes is larger than the limit of " +
             std::to_string(kMaxBlockBytes);
    }
    std::size_t got = stream_.Ensure(p, static_cast<std::size_t>(length));
    if (got < length) {
      pos_ = p + got;
      return "truncated: the block has " + std::to_string(got) + " of " + std::to_string(length) +
             " bytes";
    }
    record->block.assign(stream_.At(p), static_cast<std::size_t>(length));
    p += length;
    // The record ends with CRLF CRLF; be lenient about what is there.
    for (int i = 0; i < 4 && stream_.Ensure(p, 1) >= 1; ++i) {
      char c = *stream_.At(p);
      if (c != '\r' && c != '\n') break;
      ++p;
    }
    pos_ = p;
    pos_floor_ = p > 0 ? p - 1 : 0;
    stream_.Discard(pos_floor_);
    return "";
  }

  std::string path_;
  std::FILE* f_;
  ByteStream stream_;
  std::uint64_t pos_ = 0;
  std::uint64_t pos_floor_ = 0;
  std::uint64_t trusted_start_ = 0;  // a record is known to start here
  bool done_ = false;
  bool skipping_record_ = false;  // after a record of an unsupported version
};

// Opens `path` for reading from `offset`. *no_member: a gzip file has no
// gzip member there (the offset may be one in the uncompressed stream).
Result<std::unique_ptr<FileWarcReader>> OpenAt(const std::string& path, std::uint64_t offset,
                                               bool* no_member) {
  bool gzip_flag = false;
  bool* gzip_file = &gzip_flag;
  *no_member = false;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return Status::Runtime("cannot open " + path + ": " + std::strerror(errno));
  unsigned char magic[3] = {};
  std::size_t n = std::fread(magic, 1, 3, f);
  *gzip_file = n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b;
  bool gzip_here = *gzip_file;
  if (offset > 0) {
    if (std::fseek(f, static_cast<long>(offset), SEEK_SET) != 0) {
      std::fclose(f);
      return Status::Runtime("cannot seek to offset " + std::to_string(offset) + " in " + path);
    }
    if (*gzip_file) {
      n = std::fread(magic, 1, 3, f);
      gzip_here = n == 3 && magic[0] == 0x1f && magic[1] == 0x8b && magic[2] == 0x08;
      std::fseek(f, static_cast<long>(offset), SEEK_SET);
    }
  } else {
    std::rewind(f);
  }
  if (*gzip_file && !gzip_here) {
    std::fclose(f);
    *no_member = true;
    return Status::Runtime("no gzip member at offset " + std::to_string(offset) + " of " + path);
  }
  return std::make_unique<FileWarcReader>(path, f, offset, *gzip_file);
}

Result<WarcRecord> ReadOne(FileWarcReader* reader, const std::string& path, std::uint64_t offset) {
  WarcRecord record;
  Status error;
  if (!reader->Next(&record, &error)) {
    return Status::Runtime("no WARC record at offset " + std::to_string(offset) + " of " + path);
  }
  if (!error.ok() && record.version.empty()) return error;
  record.location = ArchiveLocation{path, offset};
  return record;
}

}  // namespace

Result<std::unique_ptr<WarcReader>> WarcReader::Open(const std::string& path) {
  bool no_member = false;
  auto reader = OpenAt(path, 0, &no_member);
  if (!reader.ok()) return reader.status();
  return std::unique_ptr<WarcReader>(std::move(*reader));
}

Result<WarcRecord> ReadWarcRecordAt(const std::string& path, std::uint64_t offset) {
  bool no_member = false;
  {
    auto reader = OpenAt(path, offset, &no_member);
    if (reader.ok()) return ReadOne(reader->get(), path, offset);
    if (!no_member) return reader.status();
  }
  // Whole-file gzip: the offset is a position in the uncompressed stream.
  auto reader = OpenAt(path, 0, &no_member);
  if (!reader.ok()) return reader.status();
  if (!(*reader)->SkipTo(offset)) {
    return Status::Runtime("offset " + std::to_string(offset) + " is past the end of " + path);
  }
  return ReadOne(reader->get(), path, offset);
}

}  // namespace pressarc
