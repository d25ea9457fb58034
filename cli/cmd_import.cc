// `pressarc import [--source NAME] [--json] FILE...`
//
// WARC files (pressarc, wget, Heritrix, Browsertrix; WARC/1.0 and 1.1; gzip
// per record, whole-file gzip or plain) are copied verbatim into
// DATA/archive/ as import-<sha1 prefix>-<name> (so their digests stay valid
// and `reindex` replays them), then indexed from there. A plain HTML file is
// archived as a WARC `resource` record (DATA/archive/import-*.warc.gz) whose
// URI is the page's own canonical URL (<link rel=canonical> or og:url) when
// it is an absolute http(s) URL, else file://ABSOLUTE-PATH; its date is the
// file's modification time. Bad records are reported on stderr, counted and
// skipped; a WARC file whose first record cannot be read is not copied at
// all (it is not a WARC, and reindex would stumble on it every time). Only
// pages of kind `article` are indexed. Source: --source, else the record's
// Pressarc-Source field, else the configured source covering the URL, else
// the host; an HTML file's record carries --source (or the configured
// source's name) so that reindex gives the same.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "archive/archive.h"
#include "cli/app.h"
#include "cli/data_dir.h"
#include "cli/watch_jobs.h"
#include "config/digest.h"
#include "config/iso_time.h"
#include "config/log.h"
#include "indexer/indexer.h"

namespace pressarc::cli {
namespace {
namespace fs = std::filesystem;

constexpr std::size_t kMaxHtmlBytes = 50u << 20;

struct ImportFlags {
  std::string source;
  bool json = false;
  std::vector<std::string> files;
};

struct ImportSummary {
  std::uint64_t files = 0;
  std::uint64_t records = 0;
  std::uint64_t articles = 0;
  std::uint64_t indexed = 0;
  std::uint64_t skipped = 0;
  std::uint64_t errors = 0;
};

void ReportBad(const std::string& what) {
  std::fprintf(stderr, "pressarc: %s\n", what.c_str());
}

Result<std::string> ReadFile(const std::string& path, std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Runtime("cannot read " + path);
  std::error_code ec;
  std::uintmax_t size = fs::file_size(path, ec);
  std::size_t want =
      ec ? max_bytes : static_cast<std::size_t>(std::min<std::uintmax_t>(size, max_bytes));
  std::string data(want, '\0');
  in.read(data.data(), static_cast<std::streamsize>(want));
  data.resize(static_cast<std::size_t>(in.gcount()));
  return data;
}

// WARC by name, or by content ("WARC/" plain, or gzip holding it).
bool LooksLikeWarc(const std::string& path) {
  std::string name = fs::path(path).filename().string();
  for (const char* ext : {".warc", ".warc.gz", ".warc.gzip"}) {
    std::string e(ext);
    if (name.size() > e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0)
      return true;
  }
  auto head = ReadFile(path, 8);
  if (!head.ok()) return false;
  if (head->rfind("WARC/", 0) == 0) return true;
  if (head->size() >= 2 && static_cast<unsigned char>((*head)[0]) == 0x1f &&
      static_cast<unsigned char>((*head)[1]) == 0x8b) {
    // gzip: a WARC if its first record says so (ask the reader).
    auto reader = WarcReader::Open(path);
    if (!reader.ok()) return false;
    WarcRecord rec;
    Status err;
    return (*reader)->Next(&rec, &err) && rec.version.rfind("WARC/", 0) == 0;
  }
  return false;
}

Status SyncFile(const std::string& path, bool directory) {
  int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) return Status::Runtime("cannot open " + path);
  int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::Ok() : Status::Runtime("cannot sync " + path);
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

// Copies a WARC file verbatim into the archive (tmp + fsync + rename);
// returns its name there. A file imported before is not copied again.
Result<std::string> ArchiveCopy(const std::string& path, const std::string& archive_dir) {
  std::string name = "import-" + ContentHashOfFile(path) + "-" + fs::path(path).filename().string();
  std::string dest = archive_dir + "/" + name;
  std::error_code ec;
  if (fs::exists(dest, ec) && fs::file_size(dest, ec) == fs::file_size(path, ec)) return name;
  std::string tmp = archive_dir + "/." + name + ".tmp";
  fs::copy_file(path, tmp, fs::copy_options::overwrite_existing, ec);
  if (ec)
    return Status::Runtime("cannot copy " + path + " into " + archive_dir + ": " + ec.message());
  if (Status s = SyncFile(tmp, false); !s.ok()) return s;
  fs::rename(tmp, dest, ec);
  if (ec) return Status::Runtime("cannot rename " + tmp + ": " + ec.message());
  if (Status s = SyncFile(archive_dir, true); !s.ok()) return s;
  return name;
}

// The page's own absolute canonical URL (<link rel=canonical>, else
// og:url), as the parser reads it; "" when it names none.
std::string CanonicalFromHtml(const std::string& html) {
  ExtractOptions options;
  options.collect_links = false;
  return ExtractArticle(html, options).canonical_url;
}

bool Indexable(const WarcRecord& record) {
  std::string type = record.Type();
  return type == "response" || type == "resource";
}

class Importer {
 public:
  Importer(const Config& config, const ImportFlags& flags, std::string data_dir)
      : config_(config), flags_(flags), data_dir_(std::move(data_dir)) {}

  Status Run(ImportSummary* summary) {
    auto converter = RecordConverter::Create(config_);
    if (!converter.ok()) return converter.status();
    converter_.emplace(std::move(converter.value()));
    archive_dir_ = data_dir_ + "/archive";
    std::error_code ec;
    fs::create_directories(archive_dir_, ec);
    if (ec) return Status::Runtime("cannot create " + archive_dir_ + ": " + ec.message());
    auto writer = IndexWriter::OpenLive(data_dir_);
    if (!writer.ok()) return writer.status();
    writer_ = std::move(writer.value());
    const LiveIndexSize before = MeasureLive(data_dir_);
    Status result;
    {
      BulkIndexer bulk(writer_.get(), 0);
      for (const auto& file : flags_.files) ImportFile(file, &bulk, summary);
      result = bulk.Finish();
      BulkIndexStats st = bulk.stats();
      summary->articles = st.articles;
      summary->indexed = st.indexed;
      summary->errors += st.errors;
    }
    if (html_writer_) {
      Status f = html_writer_->Flush();
      if (!f.ok() && result.ok()) result = f;
    }
    if (result.ok()) result = writer_->Commit();
    if (result.ok()) {
      writer_.reset();  // closed: the compaction reads the live generation
      auto compacted = CompactIfGrown(data_dir_, before, summary->indexed);
      if (!compacted.ok()) result = compacted.status();
    }
    summary->skipped =
        summary->records >= summary->indexed ? summary->records - summary->indexed : 0;
    return result;
  }

 private:
  void ImportFile(const std::string& file, BulkIndexer* bulk, ImportSummary* summary) {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) {
      ReportBad(file + ": no such file (skipped)");
      ++summary->errors;
      ++unreadable_;
      return;
    }
    ++summary->files;
    if (LooksLikeWarc(file)) {
      ImportWarc(file, bulk, summary);
    } else {
      ImportHtml(file, bulk, summary);
    }
  }

  void ImportWarc(const std::string& file, BulkIndexer* bulk, ImportSummary* summary) {
    // Every file in the archive is a WARC that reindex replays: one whose
    // first record cannot be read (not a WARC at all, empty, cut inside its
    // first record) is reported and not copied.
    {
      auto probe = WarcReader::Open(file);
      WarcRecord first;
      Status err;
      if (!probe.ok() || !(*probe)->Next(&first, &err) || !err.ok()) {
        std::string why = !probe.ok() ? probe.status().message()
                          : !err.ok() ? err.message()
                                      : "no records";
        if (why.starts_with(file + ": ")) why.erase(0, file.size() + 2);
        ReportBad(file + ": not imported: not a readable WARC file (" + why + ")");
        ++summary->errors;
        ++unreadable_;
        return;
      }
    }
    auto name = ArchiveCopy(file, archive_dir_);
    if (!name.ok()) {
      ReportBad(name.status().message());
      ++summary->errors;
      ++unreadable_;
      return;
    }
    auto reader = WarcReader::Open(archive_dir_ + "/" + *name);
    if (!reader.ok()) {
      ReportBad(file + ": " + reader.status().message());
      ++summary->errors;
      ++unreadable_;
      return;
    }
    log::Info("import", "reading " + file + " (archived as " + *name + ")");
    for (;;) {
      auto record = std::make_shared<WarcRecord>();
      Status err;
      bool more = (*reader)->Next(record.get(), &err);
      if (!err.ok()) {
        ReportBad(file + ": bad record skipped: " + err.message());
        ++summary->errors;
      }
      if (!more) break;
      if (!err.ok()) continue;
      ++summary->records;
      if (!Indexable(*record)) continue;
      bulk->Push(Task(record, *name));
    }
  }

  void ImportHtml(const std::string& file, BulkIndexer* bulk, ImportSummary* summary) {
    auto body = ReadFile(file, kMaxHtmlBytes);
    if (!body.ok()) {
      ReportBad(body.status().message());
      ++summary->errors;
      ++unreadable_;
      return;
    }
    if (!html_writer_) {
      WarcWriterOptions o;
      o.dir = archive_dir_;
      o.prefix = "import";
      auto w = WarcWriter::Open(o);
      if (!w.ok()) {
        ReportBad(w.status().message());
        ++summary->errors;
        return;
      }
      html_writer_ = std::move(w.value());
    }
    std::string url = CanonicalFromHtml(*body);
    std::error_code ec;
    std::string abs = fs::absolute(file, ec).lexically_normal().string();
    if (url.empty()) url = "file://" + abs;
    struct stat st {};
    std::time_t mtime = ::stat(file.c_str(), &st) == 0 ? st.st_mtime : std::time(nullptr);
    std::string date = IsoUtc(static_cast<std::int64_t>(mtime));
    // The archive keeps the source chosen now (the flag, else the configured
    // source covering the URL), so that reindex gives the same; a page that
    // only got its host as a name keeps no field and is judged again then.
    std::string source = flags_.source;
    if (source.empty()) {
      if (const SourceConfig* s = converter_->SourceFor(url)) source = s->name;
    }
    auto loc = html_writer_->WriteResource(url, date, "text/html", *body, source);
    if (!loc.ok()) {
      ReportBad(file + ": " + loc.status().message());
      ++summary->errors;
      return;
    }
    ++summary->records;
    auto record = std::make_shared<WarcRecord>();
    record->version = "WARC/1.1";
    record->headers = {{"WARC-Type", "resource"},
                       {"WARC-Target-URI", url},
                       {"WARC-Date", date},
                       {"Content-Type", "text/html"}};
    if (!source.empty()) record->headers.emplace_back(kSourceField, source);
    record->block = std::move(body.value());
    record->location = *loc;
    bulk->Push(Task(record, fs::path(loc->file).filename().string()));
  }

  // Turns one archived record into an article to index (nullopt: not one).
  BulkIndexer::Task Task(std::shared_ptr<WarcRecord> record, std::string archive_file) const {
    return [this, record, archive_file] {
      return IndexedFromRecord(*converter_, *record, archive_file, flags_.source);
    };
  }

 public:
  std::uint64_t unreadable_ = 0;

 private:
  const Config& config_;
  const ImportFlags& flags_;
  std::string data_dir_;
  std::string archive_dir_;
  std::unique_ptr<IndexWriter> writer_;
  std::unique_ptr<WarcWriter> html_writer_;
  std::optional<RecordConverter> converter_;
};

Status RunImport(CommandContext& ctx, const ImportFlags& flags) {
  auto config = ctx.LoadConfig();
  if (!config.ok()) return config.status();
  if (flags.files.empty()) return Status::Usage("import: no files given");
  std::string data_dir = ctx.ResolveDataDir(*config);
  auto lock = DataDirLock::Acquire(data_dir, "import");
  if (!lock.ok()) return lock.status();
  auto start = std::chrono::steady_clock::now();
  ImportSummary s;
  Importer importer(*config, flags, data_dir);
  Status status = importer.Run(&s);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // The watches over what this job added or changed (cli/watch_jobs.h).
  const WatchJobSummary watches = RunWatchesAfterJob(*config, data_dir);
  if (flags.json) {
    nlohmann::json j = {{"files", s.files},
                        {"records", s.records},
                        {"articles", s.articles},
                        {"indexed", s.indexed},
                        {"skipped", s.skipped},
                        {"errors", s.errors},
                        {"seconds", std::round(seconds * 1000) / 1000}};
    std::printf("%s\n", WithWatches(j.dump(), watches).c_str());
  } else if (!ctx.common.quiet) {
    std::printf(
        "imported %llu file(s): %llu records, %llu articles, %llu indexed, %llu skipped, %llu "
        "errors (%.1f s)\n",
        static_cast<unsigned long long>(s.files), static_cast<unsigned long long>(s.records),
        static_cast<unsigned long long>(s.articles), static_cast<unsigned long long>(s.indexed),
        static_cast<unsigned long long>(s.skipped), static_cast<unsigned long long>(s.errors),
        seconds);
    PrintWatches(watches);
  }
  std::fflush(stdout);
  if (!status.ok()) return status;
  if (importer.unreadable_ == flags.files.size()) {
    return Status::Runtime("none of the files could be imported");
  }
  return Status::Ok();
}

}  // namespace

void RegisterImport(CLI::App& app, CommandContext& ctx, CommandRun* run) {
  CLI::App* sub = app.add_subcommand(
      "import",
      "Add existing WARC files (pressarc, wget, Heritrix, Browsertrix; WARC/1.0 or 1.1, gzipped "
      "or not) or plain HTML files to the archive and the index");
  AddCommonOptions(sub, &ctx.common);
  auto flags = std::make_shared<ImportFlags>();
  sub->add_option(
      "--source", flags->source,
      "Source name for everything imported (default: the name a pressarc WARC record "
      "carries, else the configured source whose URLs match, else the host; 'local' "
      "for file:// pages). Recorded with each HTML file archived, so reindex keeps it; "
      "WARC files are kept verbatim, so reindex names their records by the other rules");
  sub->add_flag("--json", flags->json,
                "Print the summary as one JSON object {files, records, articles, indexed, "
                "skipped, errors}");
  sub->add_option("FILE", flags->files, "WARC or HTML files")->required();
  sub->footer(
      "WARC files are copied verbatim into DATA/archive/ (import-<hash>-<name>). An HTML file is "
      "archived as a WARC resource record under its own canonical URL (else file://PATH), dated "
      "by its modification time. Bad records are reported and skipped; a file whose first "
      "record cannot be read (not a WARC) is reported and not archived.\n"
      "Exit codes: 0 success (also when some records were bad); 1 runtime failure or no file "
      "readable; 2 usage or config error; 75 another job holds the lock.");
  sub->callback(
      [run, flags] { *run = [flags](CommandContext& c) { return RunImport(c, *flags); }; });
}

}  // namespace pressarc::cli
