// ArchiveImporter and ForEachArchiveRecord: files into the archive, and the
// archive's records back out (archive.h).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "archive/archive.h"
#include "config/ascii.h"
#include "config/digest.h"
#include "config/iso_time.h"
#include "config/log.h"

namespace pressarc {
namespace {
namespace fs = std::filesystem;

bool HasWarcExtension(const std::string& name) {
  for (std::string_view ext : {".warc", ".warc.gz", ".warc.gzip"}) {
    if (name.size() > ext.size() && name.ends_with(ext)) return true;
  }
  return false;
}

Result<std::string> ReadHead(const std::string& path, std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Runtime("cannot read " + path);
  std::string data;
  char chunk[1 << 16];
  while (data.size() < max_bytes && in) {
    in.read(chunk, static_cast<std::streamsize>(std::min(sizeof chunk, max_bytes - data.size())));
    data.append(chunk, static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) return Status::Runtime("cannot read " + path + ": read error");
  return data;
}

bool IsGzip(std::string_view head) {
  return head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1f &&
         static_cast<unsigned char>(head[1]) == 0x8b;
}

// WARC by name, or by content ("WARC/" plain, or gzip whose first record is
// one). Anything else is judged as HTML or rejected.
bool LooksLikeWarc(const std::string& path, std::string_view head) {
  if (HasWarcExtension(fs::path(path).filename().string())) return true;
  if (head.starts_with("WARC/")) return true;
  if (!IsGzip(head)) return false;
  auto reader = WarcReader::Open(path);
  if (!reader.ok()) return false;
  WarcRecord rec;
  Status err;
  return (*reader)->Next(&rec, &err) && err.ok() && rec.version.starts_with("WARC/");
}

Status SyncPath(const std::string& path, bool directory) {
  int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) return Status::Runtime("cannot open " + path);
  int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  return rc == 0 ? Status::Ok() : WriteFailure(err, path, "cannot sync " + path);
}

std::string ContentHashOfFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  Sha1 sha;
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    sha.Update(std::string_view(buf.data(), static_cast<std::size_t>(in.gcount())));
  }
  auto d = sha.Final();
  return Hex(d.data(), 6);
}

// The name of a file already in the archive with this content (the same
// content hash in its import-<hash>- name, the same size), "" when none.
std::string ArchivedCopyOf(const std::string& archive_dir, const std::string& hash,
                           std::uintmax_t size) {
  const std::string prefix = "import-" + hash + "-";
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(archive_dir, ec)) {
    std::string name = e.path().filename().string();
    if (name.starts_with(prefix) && e.is_regular_file(ec) && e.file_size(ec) == size) return name;
  }
  return "";
}

// Why the first record of a would-be WARC cannot be read; "" when it can.
std::string FirstRecordProblem(const std::string& path) {
  auto probe = WarcReader::Open(path);
  if (!probe.ok()) return probe.status().message();
  WarcRecord first;
  Status err;
  if (!(*probe)->Next(&first, &err)) return "no records";
  return err.ok() ? "" : err.message();
}

// Reads every record of one WARC file, reporting each to `visit`.
Status ReadRecords(const std::string& path, const std::string& archive_file,
                   const std::string& label, const RecordVisitor& visit) {
  auto reader = WarcReader::Open(path);
  if (!reader.ok()) return reader.status();
  for (;;) {
    auto record = std::make_shared<WarcRecord>();
    Status err;
    bool more = (*reader)->Next(record.get(), &err);
    if (!err.ok() && visit.bad) visit.bad(label + ": bad record skipped: " + err.message());
    if (!more) break;
    if (err.ok() && visit.record) visit.record(record, archive_file);
  }
  return Status::Ok();
}

}  // namespace

bool SniffsAsHtml(std::string_view head) {
  // WHATWG MIME Sniffing, "rules for identifying an unknown MIME type": the
  // resource header is at most 1445 bytes.
  head = head.substr(0, 1445);
  for (unsigned char c : head) {
    if (c <= 0x08 || c == 0x0B || (c >= 0x0E && c <= 0x1A) || (c >= 0x1C && c <= 0x1F)) {
      return false;  // a binary data byte (WHATWG's definition)
    }
  }
  if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
  while (!head.empty() && (head[0] == '\t' || head[0] == '\n' || head[0] == '\x0C' ||
                           head[0] == '\r' || head[0] == ' ')) {
    head.remove_prefix(1);
  }
  static constexpr std::string_view kPatterns[] = {"<!DOCTYPE HTML",
                                                   "<HTML",
                                                   "<HEAD",
                                                   "<SCRIPT",
                                                   "<IFRAME",
                                                   "<H1",
                                                   "<DIV",
                                                   "<FONT",
                                                   "<TABLE",
                                                   "<A",
                                                   "<STYLE",
                                                   "<TITLE",
                                                   "<B",
                                                   "<BODY",
                                                   "<BR",
                                                   "<P",
                                                   "<!--"};
  for (std::string_view pattern : kPatterns) {
    if (head.size() <= pattern.size()) continue;
    bool match = true;
    for (std::size_t i = 0; i < pattern.size() && match; ++i) {
      char c = head[i];
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      match = c == pattern[i];
    }
    const char terminator = head[pattern.size()];
    if (match && (terminator == ' ' || terminator == '>')) return true;
  }
  return false;
}

ArchiveImporter::ArchiveImporter(ImportOptions options, const RecordConverter* converter)
    : options_(std::move(options)), converter_(converter) {}

ArchiveImporter::~ArchiveImporter() = default;

Status ArchiveImporter::Import(const std::string& path, const RecordVisitor& visit) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return Status::Runtime(path + ": is a directory (skipped)");
  if (!fs::is_regular_file(path, ec)) return Status::Runtime(path + ": no such file (skipped)");
  auto head = ReadHead(path, 1445);
  if (!head.ok()) return head.status();
  if (LooksLikeWarc(path, *head)) return ImportWarc(path, visit);
  if (SniffsAsHtml(*head)) return ImportHtml(path, visit);
  return Status::Runtime(path + ": not a WARC or HTML file (skipped)");
}

Status ArchiveImporter::ImportWarc(const std::string& path, const RecordVisitor& visit) {
  // Every file in the archive is a WARC that reindex replays: one whose
  // first record cannot be read (not a WARC at all, empty, cut inside its
  // first record) is reported and not copied.
  if (std::string why = FirstRecordProblem(path); !why.empty()) {
    if (why.starts_with(path + ": ")) why.erase(0, path.size() + 2);
    return Status::Runtime(path + ": not imported: not a readable WARC file (" + why + ")");
  }
  auto name = CopyIntoArchive(path);
  if (!name.ok()) return name.status();
  log::Info("import", "reading " + path + " (archived as " + *name + ")");
  return ReadRecords(options_.archive_dir + "/" + *name, *name, path, visit);
}

Result<std::string> ArchiveImporter::CopyIntoArchive(const std::string& path) {
  std::error_code ec;
  if (Status s = MakeArchiveDir(); !s.ok()) return s;
  const std::string hash = ContentHashOfFile(path);
  const std::uintmax_t size = fs::file_size(path, ec);
  // The same content under any name is archived once.
  if (std::string known = ArchivedCopyOf(options_.archive_dir, hash, size); !known.empty()) {
    return known;
  }
  const std::string name = "import-" + hash + "-" + fs::path(path).filename().string();
  const std::string dest = options_.archive_dir + "/" + name;
  const std::string tmp = options_.archive_dir + "/." + name + ".tmp";
  fs::copy_file(path, tmp, fs::copy_options::overwrite_existing, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return WriteFailure(
        ec.value(), dest,
        "cannot copy " + path + " into " + options_.archive_dir + ": " + ec.message());
  }
  if (Status s = SyncPath(tmp, false); !s.ok()) {
    fs::remove(tmp, ec);
    return s.disk_full() ? Status::DiskFull(dest) : s;
  }
  fs::rename(tmp, dest, ec);
  if (ec) return Status::Runtime("cannot rename " + tmp + ": " + ec.message());
  if (Status s = SyncPath(options_.archive_dir, true); !s.ok()) return s;
  return name;
}

Status ArchiveImporter::MakeArchiveDir() {
  std::error_code ec;
  fs::create_directories(options_.archive_dir, ec);
  if (ec) return Status::Runtime("cannot create " + options_.archive_dir + ": " + ec.message());
  return Status::Ok();
}

Status ArchiveImporter::ImportHtml(const std::string& path, const RecordVisitor& visit) {
  auto body = ReadHead(path, options_.max_html_bytes);
  if (!body.ok()) return body.status();
  if (!writer_) {
    WarcWriterOptions o;
    o.dir = options_.archive_dir;
    o.prefix = "import";
    auto w = WarcWriter::Open(o);
    if (!w.ok()) return w.status();
    writer_ = std::move(w.value());
  }
  auto record = std::make_shared<WarcRecord>(HtmlRecord(path, std::move(body.value())));
  auto loc = writer_->WriteResource(record->TargetUri(), record->Date(), "text/html", record->block,
                                    record->Source());
  if (!loc.ok()) {
    if (loc.status().disk_full()) return loc.status();
    return Status::Runtime(path + ": " + loc.status().message());
  }
  record->location = *loc;
  if (visit.record) visit.record(record, fs::path(loc->file).filename().string());
  return Status::Ok();
}

namespace {

// The page's own absolute canonical URL (<link rel=canonical>, else og:url)
// as ExtractArticle reads it from the whole page; "" when none. The whole
// page is parsed again by the indexer's threads, so this (on the import's
// one reading thread) parses only what comes before <body> when the rest
// cannot change the answer (it names no canonical, og:url or <base>).
std::string CanonicalUrlOf(std::string_view html) {
  ExtractOptions extract;
  extract.collect_links = false;
  const std::string lower = AsciiLower(html);
  const std::size_t body = lower.find("<body");
  if (body != std::string::npos) {
    const std::string_view rest = std::string_view(lower).substr(body);
    if (rest.find("canonical") == std::string_view::npos &&
        rest.find("og:url") == std::string_view::npos &&
        rest.find("<base") == std::string_view::npos) {
      return ExtractArticle(html.substr(0, body), extract).canonical_url;
    }
  }
  return ExtractArticle(html, extract).canonical_url;
}

}  // namespace

WarcRecord ArchiveImporter::HtmlRecord(const std::string& path, std::string body) const {
  // The page's own absolute canonical URL, else file://ABSOLUTE-PATH.
  std::string url = CanonicalUrlOf(body);
  std::error_code ec;
  if (url.empty()) url = "file://" + fs::absolute(path, ec).lexically_normal().string();
  struct stat st {};
  std::time_t mtime = ::stat(path.c_str(), &st) == 0 ? st.st_mtime : std::time(nullptr);
  // The archive keeps the source chosen now (the flag, else the configured
  // source covering the URL), so that reindex gives the same; a page that
  // only got its host as a name keeps no field and is judged again then.
  std::string source = options_.source;
  if (source.empty() && converter_ != nullptr) {
    if (const SourceConfig* s = converter_->SourceFor(url)) source = s->name;
  }
  WarcRecord record;
  record.version = "WARC/1.1";
  record.headers = {{"WARC-Type", "resource"},
                    {"WARC-Target-URI", url},
                    {"WARC-Date", IsoUtc(static_cast<std::int64_t>(mtime))},
                    {"Content-Type", "text/html"}};
  if (!source.empty()) record.headers.emplace_back(kSourceField, source);
  record.block = std::move(body);
  return record;
}

Status ArchiveImporter::Flush() {
  return writer_ ? writer_->Flush() : Status::Ok();
}

Result<std::vector<std::string>> ListArchiveFiles(const std::string& archive_dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(archive_dir, ec)) {
    std::string name = e.path().filename().string();
    if (!name.starts_with(".") && HasWarcExtension(name) && e.is_regular_file(ec)) {
      files.push_back(name);
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

Status ForEachArchiveRecord(const std::string& archive_dir, const std::vector<std::string>& files,
                            const RecordVisitor& visit) {
  for (const auto& name : files) {
    log::Info("archive", "reading " + name);
    Status st = ReadRecords(archive_dir + "/" + name, name, name, visit);
    if (!st.ok()) return Status::Runtime("cannot read archive file " + name + ": " + st.message());
  }
  return Status::Ok();
}

}  // namespace pressarc
