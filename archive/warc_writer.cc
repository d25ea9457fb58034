// WarcWriter: WARC/1.1 records, one gzip member each, appended to rotated
// files with O_EXCL names. See crawler/warc.h for the contract.
//
// Stored headers agree with the stored body: the response block's
// Content-Length is set to the stored body's length (the value received, when
// different, is kept as X-Original-Content-Length), and a Transfer-Encoding
// header is renamed X-Original-Transfer-Encoding, since the stored body is
// never chunked. Content-Encoding is left as the caller gives it (the caller
// removes it when it stores the body decoded).
#include <dirent.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "archive/archive.h"
#include "config/digest.h"

namespace pressarc {
namespace {

constexpr char kConformsTo[] =
    "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/";
constexpr char kRevisitProfile[] = "http://netpreserve.org/warc/1.1/revisit/server-not-modified";

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string FormatUtc(std::time_t t, const char* format) {
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::size_t n = std::strftime(buf, sizeof buf, format, &tm);
  return std::string(buf, n);
}

// WARC-Date: "YYYY-MM-DDThh:mm:ssZ", optionally with a 1-9 digit fraction.
bool IsWarcDate(std::string_view s) {
  static constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd";
  if (s.size() < kShape.size() + 1 || s.back() != 'Z') return false;
  for (std::size_t i = 0; i < kShape.size(); ++i) {
    bool digit = s[i] >= '0' && s[i] <= '9';
    if (kShape[i] == 'd' ? !digit : s[i] != kShape[i]) return false;
  }
  std::string_view rest = s.substr(kShape.size(), s.size() - kShape.size() - 1);
  if (rest.empty()) return true;
  if (rest[0] != '.' || rest.size() < 2 || rest.size() > 10) return false;
  for (char c : rest.substr(1)) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string NowWarcDate() {
  return FormatUtc(std::time(nullptr), "%Y-%m-%dT%H:%M:%SZ");
}

std::string DateOrNow(const std::string& date) {
  return IsWarcDate(date) ? date : NowWarcDate();
}

// Header values must not break the record: no CR/LF inside.
std::string OneLine(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) out += (c == '\r' || c == '\n') ? ' ' : c;
  return out;
}

std::string AngleWrapped(const std::string& id) {
  if (id.empty() || (id.front() == '<' && id.back() == '>')) return id;
  return "<" + id + ">";
}

// Gzips records, one complete gzip member each, appended to a buffer, with
// libdeflate: a record is compressed whole, and libdeflate does that in
// about 60% of zlib's time at the same level and size (a gzip member any
// reader takes; on the extraction benchmark's pages, level 6: 0.230 of the
// input either way). One compressor is reused for every member.
class GzipEncoder {
 public:
  explicit GzipEncoder(int level) : level_(std::clamp(level, 1, 9)) {}
  ~GzipEncoder() {
    if (compressor_ != nullptr) libdeflate_free_compressor(compressor_);
  }
  GzipEncoder(const GzipEncoder&) = delete;
  GzipEncoder& operator=(const GzipEncoder&) = delete;

  // Appends `data` to `*out` as one gzip member.
  Status Append(std::string_view data, std::string* out) {
    if (compressor_ == nullptr) {
      compressor_ = libdeflate_alloc_compressor(level_);
      if (compressor_ == nullptr) return Status::Runtime("cannot start gzip compression");
    }
    const std::size_t start = out->size();
    const std::size_t bound = libdeflate_gzip_compress_bound(compressor_, data.size());
    // Grows without clearing what it adds only as far as the bound needs.
    out->resize(start + bound);
    const std::size_t produced =
        libdeflate_gzip_compress(compressor_, data.data(), data.size(), out->data() + start, bound);
    out->resize(start + produced);
    if (produced == 0) return Status::Runtime("gzip compression failed");
    return Status::Ok();
  }

 private:
  int level_;
  libdeflate_compressor* compressor_ = nullptr;
};

class UuidSource {
 public:
  UuidSource() {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd(), rd(), rd()};
    gen_.seed(seq);
  }
  // "<urn:uuid:xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx>" (RFC 4122 version 4).
  std::string NextRecordId() {
    std::uint8_t b[16];
    for (int i = 0; i < 16; i += 8) {
      std::uint64_t r = gen_();
      for (int j = 0; j < 8; ++j) b[i + j] = static_cast<std::uint8_t>(r >> (8 * j));
    }
    b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x40);
    b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);
    std::string hex = Hex(b, 16);
    return "<urn:uuid:" + hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) +
           "-" + hex.substr(16, 4) + "-" + hex.substr(20) + ">";
  }

 private:
  std::mt19937_64 gen_;
};

// Builds the uncompressed bytes of one record.
std::string SerializeRecord(const HeaderList& fields, std::string_view block) {
  std::string out = "WARC/1.1\r\n";
  for (const auto& [k, v] : fields) out += k + ": " + OneLine(v) + "\r\n";
  out += "Content-Length: " + std::to_string(block.size()) + "\r\n\r\n";
  out.append(block);
  out += "\r\n\r\n";
  return out;
}

// The response block's HTTP head, made to agree with the stored body.
std::string ResponseHead(const HttpExchange& ex) {
  std::string status_line = OneLine(ex.status_line);
  if (status_line.empty()) status_line = "HTTP/1.1 " + std::to_string(ex.status);
  std::string head = status_line + "\r\n";
  bool saw_length = false;
  for (const auto& [k, v] : ex.response_headers) {
    std::string name = OneLine(k);
    std::string value = OneLine(v);
    if (IEquals(name, "Content-Length")) {
      if (saw_length) continue;
      saw_length = true;
      if (value != std::to_string(ex.body.size())) {
        head += "X-Original-Content-Length: " + value + "\r\n";
      }
      head += "Content-Length: " + std::to_string(ex.body.size()) + "\r\n";
    } else if (IEquals(name, "Transfer-Encoding")) {
      head += "X-Original-Transfer-Encoding: " + value + "\r\n";
    } else {
      head += name + ": " + value + "\r\n";
    }
  }
  if (!saw_length && !ex.body.empty()) {
    head += "Content-Length: " + std::to_string(ex.body.size()) + "\r\n";
  }
  head += "\r\n";
  return head;
}

// The 304 as application/warc-fields: its status line, then each header
// as received ("http-header: NAME: VALUE").
std::string NotModifiedFields(const HttpExchange& ex) {
  std::string status_line = OneLine(ex.status_line);
  if (status_line.empty()) status_line = "HTTP/1.1 " + std::to_string(ex.status);
  std::string fields = "http-status-line: " + status_line + "\r\n";
  for (const auto& [k, v] : ex.response_headers) {
    fields += "http-header: " + OneLine(k) + ": " + OneLine(v) + "\r\n";
  }
  return fields;
}

std::string RequestBlock(const HttpExchange& ex) {
  std::string block = ex.request_headers;
  if (block.empty()) {
    block = ex.method + " " + ex.url + " HTTP/1.1\r\n\r\n";
  } else if (block.find("\r\n\r\n") == std::string::npos) {
    if (block.size() >= 2 && block.compare(block.size() - 2, 2, "\r\n") == 0) {
      block += "\r\n";
    } else {
      block += "\r\n\r\n";
    }
  }
  return block;
}

class FileWarcWriter : public WarcWriter {
 public:
  explicit FileWarcWriter(WarcWriterOptions options) : options_(std::move(options)) {}
  ~FileWarcWriter() override { CloseFile(); }
  FileWarcWriter(const FileWarcWriter&) = delete;
  FileWarcWriter& operator=(const FileWarcWriter&) = delete;

  Status Init() {
    if (options_.dir.empty()) return Status::Usage("WARC writer: no archive directory given");
    Status st = MakeDirs(options_.dir);
    if (!st.ok()) return st;
    if (::access(options_.dir.c_str(), W_OK | X_OK) != 0) {
      return Status::Runtime("cannot write to archive directory " + options_.dir + ": " +
                             std::strerror(errno));
    }
    RepairInterruptedFiles();
    next_sequence_ = HighestSequence() + 1;
    return Status::Ok();
  }

  Result<ArchiveLocation> WriteExchange(const HttpExchange& ex) override {
    if (Status st = EnsureFile(); !st.ok()) return st;
    std::string date = DateOrNow(ex.fetch_time);
    std::string request_id = uuids_.NextRecordId();
    std::string response_id = uuids_.NextRecordId();

    std::string request = RequestBlock(ex);
    HeaderList req_fields = {{"WARC-Type", "request"},
                             {"WARC-Record-ID", request_id},
                             {"WARC-Date", date},
                             {"WARC-Target-URI", ex.url},
                             {"WARC-Concurrent-To", response_id}};
    if (!ex.ip.empty()) req_fields.emplace_back("WARC-IP-Address", ex.ip);
    req_fields.emplace_back("WARC-Warcinfo-ID", warcinfo_id_);
    req_fields.emplace_back("Content-Type", "application/http; msgtype=request");
    req_fields.emplace_back("WARC-Block-Digest", WarcSha1(request));

    std::string response = ResponseHead(ex) + ex.body;
    HeaderList resp_fields = {{"WARC-Type", "response"},
                              {"WARC-Record-ID", response_id},
                              {"WARC-Date", date},
                              {"WARC-Target-URI", ex.url},
                              {"WARC-Concurrent-To", request_id}};
    if (!ex.ip.empty()) resp_fields.emplace_back("WARC-IP-Address", ex.ip);
    resp_fields.emplace_back("WARC-Warcinfo-ID", warcinfo_id_);
    if (!ex.source.empty()) resp_fields.emplace_back(kSourceField, ex.source);
    resp_fields.emplace_back("Content-Type", "application/http; msgtype=response");
    resp_fields.emplace_back("WARC-Block-Digest", WarcSha1(response));
    resp_fields.emplace_back("WARC-Payload-Digest", WarcSha1(ex.body));
    if (ex.truncated) resp_fields.emplace_back("WARC-Truncated", "length");

    return WriteRecords(
        {SerializeRecord(req_fields, request), SerializeRecord(resp_fields, response)}, 1);
  }

  Result<ArchiveLocation> WriteRevisit(const HttpExchange& ex, const std::string& refers_to_date,
                                       const std::string& refers_to_record_id) override {
    if (Status st = EnsureFile(); !st.ok()) return st;
    std::string date = DateOrNow(ex.fetch_time);
    std::string request_id = uuids_.NextRecordId();
    std::string revisit_id = uuids_.NextRecordId();

    std::string request = RequestBlock(ex);
    HeaderList req_fields = {{"WARC-Type", "request"},
                             {"WARC-Record-ID", request_id},
                             {"WARC-Date", date},
                             {"WARC-Target-URI", ex.url},
                             {"WARC-Concurrent-To", revisit_id}};
    if (!ex.ip.empty()) req_fields.emplace_back("WARC-IP-Address", ex.ip);
    req_fields.emplace_back("WARC-Warcinfo-ID", warcinfo_id_);
    req_fields.emplace_back("Content-Type", "application/http; msgtype=request");
    req_fields.emplace_back("WARC-Block-Digest", WarcSha1(request));

    // The revisit's block is empty and the 304's head goes into a metadata
    // record beside it. Replay tools take a revisit's own HTTP head when it
    // has one: pywb (warcserver/resource/responseloader.py, WARCPathLoader:
    // `http_headers = headers.http_headers or payload.http_headers`, with
    // warcio's recordloader giving no HTTP head for an empty block) then
    // serves the 304 status with the original's body, and
    // apps/wbrequestresponse.py sends no body for a 304: the page replayed
    // blank. With an empty block pywb serves the original's 200 head and
    // body, found by WARC-Refers-To-Target-URI at the capture closest to
    // WARC-Refers-To-Date (resolvingloader.py, _load_different_url_payload).
    // The profile still says the server answered "not modified", and the
    // metadata record keeps what it sent (application/warc-fields, which
    // pywb's indexer skips, so it never replays as a capture).
    HeaderList fields = {{"WARC-Type", "revisit"},
                         {"WARC-Record-ID", revisit_id},
                         {"WARC-Date", date},
                         {"WARC-Target-URI", ex.url},
                         {"WARC-Concurrent-To", request_id}};
    if (!ex.ip.empty()) fields.emplace_back("WARC-IP-Address", ex.ip);
    fields.emplace_back("WARC-Profile", kRevisitProfile);
    fields.emplace_back("WARC-Refers-To-Target-URI", ex.url);
    if (IsWarcDate(refers_to_date)) fields.emplace_back("WARC-Refers-To-Date", refers_to_date);
    if (!refers_to_record_id.empty()) {
      fields.emplace_back("WARC-Refers-To", AngleWrapped(refers_to_record_id));
    }
    fields.emplace_back("WARC-Warcinfo-ID", warcinfo_id_);
    if (!ex.source.empty()) fields.emplace_back(kSourceField, ex.source);
    fields.emplace_back("WARC-Block-Digest", WarcSha1(""));

    std::string head = NotModifiedFields(ex);
    HeaderList meta_fields = {{"WARC-Type", "metadata"},
                              {"WARC-Record-ID", uuids_.NextRecordId()},
                              {"WARC-Date", date},
                              {"WARC-Target-URI", ex.url},
                              {"WARC-Concurrent-To", revisit_id},
                              {"WARC-Refers-To", revisit_id},
                              {"WARC-Warcinfo-ID", warcinfo_id_},
                              {"Content-Type", "application/warc-fields"},
                              {"WARC-Block-Digest", WarcSha1(head)}};
    return WriteRecords({SerializeRecord(req_fields, request), SerializeRecord(fields, ""),
                         SerializeRecord(meta_fields, head)},
                        1);
  }

  Result<ArchiveLocation> WriteResource(const std::string& url, const std::string& date,
                                        const std::string& content_type, const std::string& body,
                                        const std::string& source) override {
    if (Status st = EnsureFile(); !st.ok()) return st;
    const std::string digest = WarcSha1(body);  // a resource's block is its payload
    HeaderList fields = {{"WARC-Type", "resource"},
                         {"WARC-Record-ID", uuids_.NextRecordId()},
                         {"WARC-Date", DateOrNow(date)},
                         {"WARC-Warcinfo-ID", warcinfo_id_},
                         {"WARC-Target-URI", url},
                         {"Content-Type", content_type.empty() ? "text/html" : content_type},
                         {"WARC-Block-Digest", digest},
                         {"WARC-Payload-Digest", digest}};
    if (!source.empty()) fields.emplace_back(kSourceField, source);
    return WriteRecords({SerializeRecord(fields, body)}, 0);
  }

  Status Flush() override {
    if (fd_ >= 0 && ::fsync(fd_) != 0) {
      const int err = errno;
      return WriteFailure(err, path_, "cannot sync " + path_ + ": " + std::strerror(err));
    }
    if (dir_dirty_) {
      SyncDir();
      dir_dirty_ = false;
    }
    return Status::Ok();
  }

 private:
  static Status MakeDirs(const std::string& dir) {
    std::string partial;
    std::size_t pos = 0;
    while (pos != std::string::npos) {
      pos = dir.find('/', pos + 1);
      partial = dir.substr(0, pos);
      if (partial.empty()) continue;
      if (::mkdir(partial.c_str(), 0777) != 0 && errno != EEXIST) {
        return Status::Runtime("cannot create archive directory " + partial + ": " +
                               std::strerror(errno));
      }
    }
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      return Status::Runtime("archive path is not a directory: " + dir);
    }
    return Status::Ok();
  }

  // The highest NNNNN among "<prefix>-<14 digits>-NNNNN.warc.gz" in the dir,
  // so that sequences keep increasing across runs.
  long HighestSequence() const {
    long highest = -1;
    DIR* d = ::opendir(options_.dir.c_str());
    if (d == nullptr) return highest;
    std::string lead = options_.prefix + "-";
    while (dirent* e = ::readdir(d)) {
      std::string_view name = e->d_name;
      constexpr std::string_view kSuffix = ".warc.gz";
      if (name.size() != lead.size() + 14 + 1 + 5 + kSuffix.size()) continue;
      if (name.substr(0, lead.size()) != lead || !name.ends_with(kSuffix)) continue;
      std::string_view seq = name.substr(lead.size() + 15, 5);
      long value = 0;
      bool digits = true;
      for (char c : seq) {
        if (c < '0' || c > '9') digits = false;
        value = value * 10 + (c - '0');
      }
      if (digits && value > highest) highest = value;
    }
    ::closedir(d);
    return highest;
  }

  void SyncDir() const {
    int dfd = ::open(options_.dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      ::fsync(dfd);
      ::close(dfd);
    }
  }

  // A file being written has a marker "<name>.open" beside it; a clean close
  // removes it. A marker left by a killed process means the file may end in
  // a partial record: cut the file after its last complete gzip member.
  void RepairInterruptedFiles() {
    DIR* d = ::opendir(options_.dir.c_str());
    if (d == nullptr) return;
    std::vector<std::string> markers;
    while (dirent* e = ::readdir(d)) {
      std::string_view name = e->d_name;
      if (name.starts_with(options_.prefix + "-") && name.ends_with(".warc.gz.open")) {
        markers.emplace_back(name);
      }
    }
    ::closedir(d);
    for (const auto& marker : markers) {
      std::string warc = options_.dir + "/" + marker.substr(0, marker.size() - 5);
      std::uint64_t good = CompleteGzipPrefix(warc);
      struct stat st {};
      if (::stat(warc.c_str(), &st) == 0) {
        if (good == 0) {
          ::unlink(warc.c_str());
        } else if (static_cast<std::uint64_t>(st.st_size) > good) {
          if (::truncate(warc.c_str(), static_cast<off_t>(good)) != 0) continue;
        }
      }
      ::unlink((options_.dir + "/" + marker).c_str());
    }
    if (!markers.empty()) SyncDir();
  }

  // The length of the longest prefix of `path` made of complete gzip members.
  static std::uint64_t CompleteGzipPrefix(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) return 0;
    z_stream zs{};
    if (inflateInit2(&zs, 15 + 16) != Z_OK) {
      std::fclose(f);
      return 0;
    }
    std::vector<unsigned char> in(1 << 16);
    std::vector<unsigned char> out(1 << 16);
    std::uint64_t consumed = 0;  // file bytes fed to zlib so far
    std::uint64_t good = 0;      // end of the last complete member
    bool at_member_start = true;
    std::size_t n = 0, pos = 0;
    while (true) {
      if (pos == n) {
        n = std::fread(in.data(), 1, in.size(), f);
        pos = 0;
        if (n == 0) break;
      }
      if (at_member_start) {
        if (in[pos] != 0x1f) break;  // not a member: stop here
        at_member_start = false;
      }
      zs.next_in = in.data() + pos;
      zs.avail_in = static_cast<uInt>(n - pos);
      zs.next_out = out.data();
      zs.avail_out = static_cast<uInt>(out.size());
      int rc = inflate(&zs, Z_NO_FLUSH);
      std::size_t used = (n - pos) - zs.avail_in;
      pos += used;
      consumed += used;
      if (rc == Z_STREAM_END) {
        good = consumed;
        inflateReset(&zs);
        at_member_start = true;
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        break;
      }
    }
    inflateEnd(&zs);
    std::fclose(f);
    return good;
  }

  void CloseFile() {
    if (fd_ < 0) return;
    ::fsync(fd_);
    ::close(fd_);
    fd_ = -1;
    ::unlink((path_ + ".open").c_str());
    SyncDir();
  }

  // Closes and deletes the file being started (and its marker).
  void DiscardFile() {
    ::close(fd_);
    fd_ = -1;
    ::unlink(path_.c_str());
    ::unlink((path_ + ".open").c_str());
    SyncDir();
  }

  Status OpenNewFile() {
    CloseFile();
    std::string stamp = FormatUtc(std::time(nullptr), "%Y%m%d%H%M%S");
    for (int attempt = 0; attempt < 1000; ++attempt) {
      char seq[16];
      std::snprintf(seq, sizeof seq, "%05ld", next_sequence_ % 100000);
      ++next_sequence_;
      std::string name = options_.prefix + "-" + stamp + "-" + seq + ".warc.gz";
      std::string path = options_.dir + "/" + name;
      // The marker first, so that a crash at any point leaves it behind.
      int marker = ::open((path + ".open").c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
      if (marker < 0) {
        const int err = errno;
        if (err == EEXIST) continue;
        return WriteFailure(err, path + ".open",
                            "cannot create " + path + ".open: " + std::strerror(err));
      }
      ::close(marker);
      int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
      if (fd < 0) {
        int err = errno;
        ::unlink((path + ".open").c_str());
        if (err == EEXIST) continue;
        return WriteFailure(err, path,
                            "cannot create WARC file " + path + ": " + std::strerror(err));
      }
      dir_dirty_ = true;
      fd_ = fd;
      name_ = name;
      path_ = path;
      size_ = 0;
      Status st = WriteWarcinfo();
      if (!st.ok()) DiscardFile();  // never leave a WARC file without records
      return st;
    }
    return Status::Runtime("cannot find a free WARC file name in " + options_.dir);
  }

  Status WriteWarcinfo() {
    std::string info = "software: " + OneLine(options_.software) + "\r\n";
    info += "format: WARC File Format 1.1\r\n";
    info += std::string("conformsTo: ") + kConformsTo + "\r\n";
    if (!options_.operator_info.empty()) {
      info += "operator: " + OneLine(options_.operator_info) + "\r\n";
    }
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) == 0 && host[0] != '\0') {
      info += std::string("hostname: ") + host + "\r\n";
    }
    warcinfo_id_ = uuids_.NextRecordId();
    HeaderList fields = {{"WARC-Type", "warcinfo"},
                         {"WARC-Record-ID", warcinfo_id_},
                         {"WARC-Date", NowWarcDate()},
                         {"WARC-Filename", name_},
                         {"Content-Type", "application/warc-fields"},
                         {"WARC-Block-Digest", WarcSha1(info)}};
    std::string gz;
    Status st = gzip_.Append(SerializeRecord(fields, info), &gz);
    if (!st.ok()) return st;
    return AppendBytes(gz);
  }

  Status AppendBytes(const std::string& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        const int err = n < 0 ? errno : ENOSPC;  // a write of 0 bytes: no room
        std::string why = n < 0 ? std::strerror(err) : "short write";
        // Leave the file ending on a whole record.
        if (::ftruncate(fd_, static_cast<off_t>(size_)) != 0) {
          why += " (and cannot truncate the partial record)";
        }
        return WriteFailure(err, path_, "cannot write WARC file " + path_ + ": " + why);
      }
      done += static_cast<std::size_t>(n);
    }
    size_ += bytes.size();
    return Status::Ok();
  }

  // A file to write the next records to: rotated past max_file_bytes.
  Status EnsureFile() {
    if (fd_ >= 0 && size_ <= options_.max_file_bytes) return Status::Ok();
    return OpenNewFile();
  }

  // Appends the (optional) first and the second record, in one file; returns
  // the location of the second. On failure, neither stays in the file.
  // Appends `records` (serialized), one gzip member each, in one write;
  // returns the location of records[located].
  Result<ArchiveLocation> WriteRecords(const std::vector<std::string>& records,
                                       std::size_t located) {
    gz_buffer_.clear();
    std::size_t located_at = 0;
    for (std::size_t i = 0; i < records.size(); ++i) {
      if (i == located) located_at = gz_buffer_.size();
      Status st = gzip_.Append(records[i], &gz_buffer_);
      if (!st.ok()) return st;
    }
    if (fd_ < 0) return Status::Runtime("WARC writer: no open file");
    std::uint64_t start = size_;
    Status st = AppendBytes(gz_buffer_);
    if (gz_buffer_.capacity() > (std::size_t{4} << 20)) std::string().swap(gz_buffer_);
    if (!st.ok()) return st;
    return ArchiveLocation{name_, start + located_at};
  }

  WarcWriterOptions options_;
  UuidSource uuids_;
  long next_sequence_ = 0;
  GzipEncoder gzip_{options_.gzip_level};
  std::string gz_buffer_;  // the gzip members of one write, reused
  int fd_ = -1;
  bool dir_dirty_ = false;
  std::string warcinfo_id_;
  std::string name_;
  std::string path_;
  std::uint64_t size_ = 0;
};

}  // namespace

Result<std::unique_ptr<WarcWriter>> WarcWriter::Open(const WarcWriterOptions& options) {
  auto writer = std::make_unique<FileWarcWriter>(options);
  Status st = writer->Init();
  if (!st.ok()) return st;
  return std::unique_ptr<WarcWriter>(std::move(writer));
}

}  // namespace pressarc
