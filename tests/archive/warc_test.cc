// Tests of crawler/warc.h: the writer's records and files, the reader on
// good, foreign (wget) and damaged files, and the HTTP helpers.
#include <brotli/encode.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "archive/archive.h"
#include "config/digest.h"

namespace pressarc {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const fs::path& p, std::string_view data) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

std::string Compress(std::string_view data, int window_bits) {
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, data.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}
std::string Gzip(std::string_view data) {
  return Compress(data, 15 + 16);
}

// Inflates exactly one gzip member at the start of `data`; *used = its size.
std::string GunzipOneMember(std::string_view data, std::size_t* used) {
  z_stream zs{};
  inflateInit2(&zs, 15 + 16);
  std::string out(1 << 20, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = inflate(&zs, Z_FINISH);
  out.resize(rc == Z_STREAM_END ? zs.total_out : 0);
  *used = zs.total_in;
  inflateEnd(&zs);
  return out;
}

// Whether `s` has the given shape: '#' a digit, '%' a lower-case hex digit,
// '!' one of 89ab, anything else itself (std::regex trips -Werror under ASan).
bool HasShape(std::string_view s, std::string_view shape) {
  if (s.size() != shape.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = shape[i] == '#'   ? (c >= '0' && c <= '9')
              : shape[i] == '%' ? ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))
              : shape[i] == '!' ? (c == '8' || c == '9' || c == 'a' || c == 'b')
                                : c == shape[i];
    if (!ok) return false;
  }
  return true;
}
constexpr std::string_view kDateShape = "####-##-##T##:##:##Z";

struct ReadResult {
  std::vector<WarcRecord> records;
  std::vector<std::string> errors;
};

ReadResult ReadAll(const std::string& path) {
  ReadResult r;
  auto reader = WarcReader::Open(path);
  EXPECT_TRUE(reader.ok()) << reader.status().message();
  if (!reader.ok()) return r;
  WarcRecord rec;
  Status err;
  int guard = 0;
  while ((*reader)->Next(&rec, &err) && ++guard < 100000) {
    if (err.ok()) {
      r.records.push_back(rec);
    } else {
      r.errors.push_back(err.message());
    }
  }
  return r;
}

std::vector<std::string> Types(const std::vector<WarcRecord>& records) {
  std::vector<std::string> t;
  for (const auto& r : records) t.push_back(r.Type());
  return t;
}

class WarcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/pressarc-warc-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  static HttpExchange Exchange(const std::string& url, const std::string& body) {
    HttpExchange ex;
    ex.url = url;
    ex.request_headers =
        "GET /news/1 HTTP/1.1\r\nHost: example.gov\r\nUser-Agent: pressarc/0.1\r\n\r\n";
    ex.ip = "192.0.2.7";
    ex.fetch_time = "2024-05-06T07:08:09Z";
    ex.status = 200;
    ex.status_line = "HTTP/1.1 200 OK";
    ex.response_headers = {{"Content-Type", "text/html; charset=utf-8"},
                           {"Content-Length", std::to_string(body.size())},
                           {"ETag", "\"abc\""}};
    ex.body = body;
    return ex;
  }

  std::unique_ptr<WarcWriter> OpenWriter(std::uint64_t max_bytes = 1 << 30) {
    WarcWriterOptions o;
    o.dir = (fs::path(dir_) / "archive").string();
    o.max_file_bytes = max_bytes;
    o.operator_info = "test operator";
    auto w = WarcWriter::Open(o);
    EXPECT_TRUE(w.ok()) << w.status().message();
    return w.ok() ? std::move(*w) : nullptr;
  }

  std::vector<fs::path> ArchiveFiles() const {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(fs::path(dir_) / "archive")) {
      if (e.path().extension() != ".open") files.push_back(e.path());  // markers of open files
    }
    std::sort(files.begin(), files.end());
    return files;
  }

  std::string dir_;
};

TEST_F(WarcTest, WriterRoundTripsExchangeRevisitAndResource) {
  auto w = OpenWriter();
  ASSERT_TRUE(w);
  std::string body = "<html><body><h1>Press release</h1><p>Text.</p></body></html>";
  auto loc1 = w->WriteExchange(Exchange("https://example.gov/news/1", body));
  ASSERT_TRUE(loc1.ok()) << loc1.status().message();
  HttpExchange not_modified = Exchange("https://example.gov/news/1", "");
  not_modified.status = 304;
  not_modified.status_line = "HTTP/1.1 304 Not Modified";
  not_modified.response_headers = {{"ETag", "\"abc\""}};
  not_modified.fetch_time = "2024-05-07T00:00:00Z";
  auto loc2 = w->WriteRevisit(not_modified, "2024-05-06T07:08:09Z", "urn:uuid:1234");
  ASSERT_TRUE(loc2.ok());
  auto loc3 = w->WriteResource("file:///import/a.html", "2024-01-01T00:00:00Z", "text/html",
                               "<p>imported</p>", "");
  ASSERT_TRUE(loc3.ok());
  ASSERT_TRUE(w->Flush().ok());

  auto files = ArchiveFiles();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(loc1->file, files[0].filename().string());
  EXPECT_TRUE(HasShape(loc1->file, "pressarc-##############-#####.warc.gz")) << loc1->file;

  ReadResult r = ReadAll(files[0].string());
  EXPECT_TRUE(r.errors.empty()) << r.errors[0];
  ASSERT_EQ(Types(r.records),
            (std::vector<std::string>{"warcinfo", "request", "response", "request", "revisit",
                                      "metadata", "resource"}));
  const WarcRecord& info = r.records[0];
  EXPECT_EQ(info.version, "WARC/1.1");
  EXPECT_NE(info.block.find("software: pressarc/0.1\r\n"), std::string::npos);
  EXPECT_NE(info.block.find("format: WARC File Format 1.1\r\n"), std::string::npos);
  EXPECT_NE(info.block.find("operator: test operator\r\n"), std::string::npos);
  EXPECT_EQ(FindHeader(info.headers, "WARC-Target-URI"), "");

  const WarcRecord& req = r.records[1];
  const WarcRecord& resp = r.records[2];
  EXPECT_EQ(resp.location.offset, loc1->offset);
  EXPECT_EQ(resp.TargetUri(), "https://example.gov/news/1");
  EXPECT_EQ(resp.Date(), "2024-05-06T07:08:09Z");
  EXPECT_EQ(FindHeader(resp.headers, "WARC-IP-Address"), "192.0.2.7");
  EXPECT_EQ(FindHeader(resp.headers, "Content-Type"), "application/http; msgtype=response");
  EXPECT_EQ(FindHeader(req.headers, "Content-Type"), "application/http; msgtype=request");
  EXPECT_EQ(FindHeader(req.headers, "WARC-Concurrent-To"), resp.RecordId());
  EXPECT_EQ(FindHeader(resp.headers, "WARC-Warcinfo-ID"), info.RecordId());
  EXPECT_EQ(FindHeader(req.headers, "WARC-Warcinfo-ID"), info.RecordId());
  EXPECT_EQ(FindHeader(resp.headers, "WARC-Concurrent-To"), req.RecordId());
  EXPECT_TRUE(HasShape(resp.RecordId(), "<urn:uuid:%%%%%%%%-%%%%-4%%%-!%%%-%%%%%%%%%%%%>"))
      << resp.RecordId();
  EXPECT_NE(req.RecordId(), resp.RecordId());
  EXPECT_EQ(req.block.substr(0, 13), "GET /news/1 H");
  auto http = ParseHttpResponse(resp.block);
  ASSERT_TRUE(http.ok());
  EXPECT_EQ(http->status, 200);
  EXPECT_EQ(http->body, body);
  EXPECT_EQ(FindHeader(http->headers, "ETag"), "\"abc\"");

  const WarcRecord& revisit = r.records[4];
  EXPECT_EQ(revisit.location.offset, loc2->offset);
  EXPECT_EQ(FindHeader(revisit.headers, "WARC-Profile"),
            "http://netpreserve.org/warc/1.1/revisit/server-not-modified");
  EXPECT_EQ(FindHeader(revisit.headers, "WARC-Refers-To-Target-URI"), "https://example.gov/news/1");
  EXPECT_EQ(FindHeader(revisit.headers, "WARC-Refers-To-Date"), "2024-05-06T07:08:09Z");
  EXPECT_EQ(FindHeader(revisit.headers, "WARC-Refers-To"), "<urn:uuid:1234>");
  EXPECT_EQ(FindHeader(r.records[3].headers, "WARC-Concurrent-To"), revisit.RecordId());
  const WarcRecord& meta = r.records[5];
  EXPECT_EQ(FindHeader(meta.headers, "WARC-Refers-To"), revisit.RecordId());
  EXPECT_EQ(meta.block,
            "http-status-line: HTTP/1.1 304 Not Modified\r\nhttp-header: ETag: \"abc\"\r\n");

  const WarcRecord& res = r.records[6];
  EXPECT_EQ(res.location.offset, loc3->offset);
  EXPECT_EQ(res.block, "<p>imported</p>");
  EXPECT_EQ(FindHeader(res.headers, "Content-Type"), "text/html");

  // Every record's location reads back the same record.
  for (const auto& rec : r.records) {
    auto again = ReadWarcRecordAt(files[0].string(), rec.location.offset);
    ASSERT_TRUE(again.ok()) << again.status().message();
    EXPECT_EQ(again->RecordId(), rec.RecordId());
    EXPECT_EQ(again->block, rec.block);
  }
}

// A revalidated page replays with its archived content (issue 15): pywb
// uses a revisit's own HTTP head when its block has one
// (warcserver/resource/responseloader.py: `headers.http_headers or
// payload.http_headers`) and serves a 304 without a body
// (apps/wbrequestresponse.py), so the revisit's block is empty and pywb
// takes the 200 head and body of the capture that WARC-Refers-To-Target-URI
// and WARC-Refers-To-Date name. The 304 is still on record: the profile,
// and a metadata record (application/warc-fields, which pywb does not index
// as a capture) with the status line and headers received.
TEST_F(WarcTest, NotModifiedRevisitHasNoHttpHeadOfItsOwnSoReplayUsesTheOriginal) {
  auto w = OpenWriter();
  ASSERT_TRUE(w);
  ASSERT_TRUE(w->WriteExchange(Exchange("https://example.gov/news/1", "<p>body</p>")).ok());
  HttpExchange nm = Exchange("https://example.gov/news/1", "");
  nm.status = 304;
  nm.status_line = "HTTP/1.1 304 Not Modified";
  nm.response_headers = {{"ETag", "\"v1\""}, {"Date", "Tue, 07 May 2024 00:00:00 GMT"}};
  auto loc = w->WriteRevisit(nm, "2024-05-06T07:08:09Z", "<urn:uuid:1234>");
  ASSERT_TRUE(loc.ok());
  ASSERT_TRUE(w->Flush().ok());
  ReadResult r = ReadAll(ArchiveFiles()[0].string());
  ASSERT_EQ(r.records.size(), 6u);
  const WarcRecord& revisit = r.records[4];
  EXPECT_EQ(revisit.Type(), "revisit");
  EXPECT_EQ(revisit.location.offset, loc->offset);
  EXPECT_EQ(revisit.block, "");
  EXPECT_EQ(FindHeader(revisit.headers, "Content-Length"), "0");
  EXPECT_EQ(FindHeader(revisit.headers, "WARC-Refers-To-Target-URI"), "https://example.gov/news/1");
  EXPECT_EQ(FindHeader(revisit.headers, "WARC-Refers-To-Date"), "2024-05-06T07:08:09Z");
  const WarcRecord& meta = r.records[5];
  EXPECT_EQ(meta.Type(), "metadata");
  EXPECT_EQ(FindHeader(meta.headers, "Content-Type"), "application/warc-fields");
  EXPECT_EQ(meta.TargetUri(), "https://example.gov/news/1");
  EXPECT_EQ(FindHeader(meta.headers, "WARC-Concurrent-To"), revisit.RecordId());
  EXPECT_EQ(meta.block,
            "http-status-line: HTTP/1.1 304 Not Modified\r\n"
            "http-header: ETag: \"v1\"\r\n"
            "http-header: Date: Tue, 07 May 2024 00:00:00 GMT\r\n");
}

// The archive names each page's source (Pressarc-Source), so that reindex
// needs no config to label documents; request records and records written
// without a source carry no such field.
TEST_F(WarcTest, ResponseRevisitAndResourceRecordsCarryTheirSourceName) {
  auto w = OpenWriter();
  ASSERT_TRUE(w);
  HttpExchange ex = Exchange("https://example.gov/news/1", "<p>x</p>");
  ex.source = "mfa-az";
  ASSERT_TRUE(w->WriteExchange(ex).ok());
  HttpExchange nm = Exchange(ex.url, "");
  nm.status_line = "HTTP/1.1 304 Not Modified";
  nm.source = "mfa-az";
  ASSERT_TRUE(w->WriteRevisit(nm, "2024-05-06T07:08:09Z", "").ok());
  ASSERT_TRUE(w->WriteResource("file:///a.html", "", "text/html", "<p>a</p>", "my-pages").ok());
  ASSERT_TRUE(w->WriteExchange(Exchange("https://example.gov/news/2", "<p>y</p>")).ok());
  ASSERT_TRUE(w->WriteResource("file:///b.html", "", "text/html", "<p>b</p>", "").ok());
  ASSERT_TRUE(w->Flush().ok());

  ReadResult r = ReadAll(ArchiveFiles()[0].string());
  EXPECT_TRUE(r.errors.empty());
  std::vector<std::string> got;
  for (const auto& rec : r.records) got.push_back(rec.Type() + "=" + rec.Source());
  EXPECT_EQ(got, (std::vector<std::string>{
                     "warcinfo=", "request=", "response=mfa-az", "request=", "revisit=mfa-az",
                     "metadata=", "resource=my-pages", "request=", "response=", "resource="}));
  EXPECT_EQ(FindHeader(r.records[2].headers, "Pressarc-Source"), "mfa-az");
}

TEST(WarcRecordSource, IgnoresValuesThatCannotBeASourceName) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"mfa-az", "mfa-az"},
      {"  mfa.gov.az\t", "mfa.gov.az"},
      {"", ""},
      {"   ", ""},
      {"my pages", "my pages"},
      {std::string(200, 'a'), std::string(200, 'a')},
      {std::string(201, 'a'), ""},
      {std::string("a") + '\x01' + "b", ""},
  };
  for (const auto& [value, want] : cases) {
    WarcRecord rec;
    rec.headers = {{"WARC-Type", "response"}, {"pressarc-source", value}};
    EXPECT_EQ(rec.Source(), want) << value;
  }
  EXPECT_EQ(WarcRecord{}.Source(), "");
}

TEST_F(WarcTest, BlockAndPayloadDigestsVerifyWhenRecomputed) {
  auto w = OpenWriter();
  ASSERT_TRUE(w);
  std::string body(5000, 'x');
  body += "\xc3\xa7\r\n\0tail";
  ASSERT_TRUE(w->WriteExchange(Exchange("https://example.gov/a", body)).ok());
  HttpExchange nm = Exchange("https://example.gov/a", "");
  nm.status_line = "HTTP/1.1 304 Not Modified";
  ASSERT_TRUE(w->WriteRevisit(nm, "2024-05-06T07:08:09Z", "").ok());
  ASSERT_TRUE(w->WriteResource("https://example.gov/r", "", "text/html", "<p>r</p>", "").ok());
  ReadResult r = ReadAll(ArchiveFiles()[0].string());
  ASSERT_EQ(r.records.size(), 7u);
  int payloads = 0;
  for (const auto& rec : r.records) {
    EXPECT_EQ(FindHeader(rec.headers, "WARC-Block-Digest"), WarcSha1(rec.block)) << rec.Type();
    std::string payload_digest = FindHeader(rec.headers, "WARC-Payload-Digest");
    if (rec.Type() == "response") {
      auto http = ParseHttpResponse(rec.block);
      ASSERT_TRUE(http.ok());
      EXPECT_EQ(payload_digest, WarcSha1(http->body));
      EXPECT_EQ(http->body, body);
      ++payloads;
    } else if (rec.Type() == "resource") {
      EXPECT_EQ(payload_digest, WarcSha1(rec.block));
      ++payloads;
    }
    EXPECT_TRUE(HasShape(rec.Date(), kDateShape)) << rec.Date();
  }
  EXPECT_EQ(payloads, 2);
}

TEST_F(WarcTest, StoredResponseHeadersAgreeWithTheStoredBody) {
  auto w = OpenWriter();
  ASSERT_TRUE(w);
  HttpExchange ex = Exchange("https://example.gov/b", "decoded body, longer than the wire form");
  ex.response_headers = {
      {"Content-Type", "text/html"}, {"Content-Length", "12"}, {"Transfer-Encoding", "chunked"}};
  ex.truncated = true;
  ASSERT_TRUE(w->WriteExchange(ex).ok());
  ReadResult r = ReadAll(ArchiveFiles()[0].string());
  ASSERT_EQ(r.records.size(), 3u);
  const WarcRecord& resp = r.records[2];
  EXPECT_EQ(FindHeader(resp.headers, "WARC-Truncated"), "length");
  auto http = ParseHttpResponse(resp.block);
  ASSERT_TRUE(http.ok());
  EXPECT_EQ(FindHeader(http->headers, "Content-Length"), std::to_string(ex.body.size()));
  EXPECT_EQ(FindHeader(http->headers, "X-Original-Content-Length"), "12");
  EXPECT_EQ(FindHeader(http->headers, "Transfer-Encoding"), "");
  EXPECT_EQ(FindHeader(http->headers, "X-Original-Transfer-Encoding"), "chunked");
  EXPECT_EQ(http->body, ex.body);
}

TEST_F(WarcTest, HeaderValuesCannotInjectLines) {
  auto w = OpenWriter();
  ASSERT_TRUE(w);
  HttpExchange ex = Exchange("https://example.gov/c\r\nWARC-Type: evil", "b");
  ex.fetch_time = "not a date";
  ASSERT_TRUE(w->WriteExchange(ex).ok());
  ReadResult r = ReadAll(ArchiveFiles()[0].string());
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_EQ(r.records[2].Type(), "response");
  EXPECT_TRUE(HasShape(r.records[2].Date(), kDateShape));
}

TEST_F(WarcTest, EachRecordIsOneGzipMemberAtItsOffset) {
  auto w = OpenWriter();
  ASSERT_TRUE(w);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(w->WriteExchange(Exchange("https://example.gov/" + std::to_string(i),
                                          std::string(100 * i, 'a' + i)))
                    .ok());
  }
  std::string raw = ReadFile(ArchiveFiles()[0]);
  ReadResult r = ReadAll(ArchiveFiles()[0].string());
  ASSERT_EQ(r.records.size(), 11u);
  for (std::size_t i = 0; i < r.records.size(); ++i) {
    std::size_t off = r.records[i].location.offset;
    std::size_t end = i + 1 < r.records.size() ? r.records[i + 1].location.offset : raw.size();
    std::size_t used = 0;
    std::string plain = GunzipOneMember(std::string_view(raw).substr(off), &used);
    EXPECT_EQ(used, end - off) << "record " << i;
    EXPECT_EQ(plain.substr(0, 10), "WARC/1.1\r\n");
    EXPECT_EQ(plain.size() - plain.find("\r\n\r\n") - 4, r.records[i].block.size() + 4);
  }
}

TEST_F(WarcTest, FilesRotateBySizeAndEachStartsWithWarcinfo) {
  auto w = OpenWriter(2000);
  ASSERT_TRUE(w);
  std::mt19937 rng(7);
  std::set<std::string> seen_files;
  for (int i = 0; i < 12; ++i) {
    std::string body;
    for (int j = 0; j < 800; ++j) body += static_cast<char>('a' + rng() % 26);
    auto loc = w->WriteExchange(Exchange("https://example.gov/" + std::to_string(i), body));
    ASSERT_TRUE(loc.ok());
    seen_files.insert(loc->file);
  }
  auto files = ArchiveFiles();
  EXPECT_GT(files.size(), 3u);
  EXPECT_EQ(seen_files.size(), files.size());
  for (const auto& f : files) {
    ReadResult r = ReadAll(f.string());
    ASSERT_FALSE(r.records.empty());
    EXPECT_EQ(r.records[0].Type(), "warcinfo") << f;
    EXPECT_EQ(FindHeader(r.records[0].headers, "WARC-Filename"), f.filename().string());
    EXPECT_TRUE(r.errors.empty());
    EXPECT_EQ(r.records.size() % 2, 1u);  // warcinfo + request/response pairs
  }
}

TEST_F(WarcTest, NewWriterNeverOverwritesAnExistingFile) {
  std::set<std::string> names;
  for (int i = 0; i < 3; ++i) {
    auto w = OpenWriter();
    ASSERT_TRUE(w);
    auto loc = w->WriteExchange(Exchange("https://example.gov/x", "x"));
    ASSERT_TRUE(loc.ok());
    names.insert(loc->file);
  }
  EXPECT_EQ(names.size(), 3u);
  for (const auto& f : ArchiveFiles()) EXPECT_EQ(ReadAll(f.string()).records.size(), 3u);
}

TEST_F(WarcTest, CleanCloseLeavesNoMarkerAndAPartialTailIsCutOnTheNextOpen) {
  {
    auto w = OpenWriter();
    ASSERT_TRUE(w);
    ASSERT_TRUE(w->WriteExchange(Exchange("https://example.gov/1", std::string(500, 'a'))).ok());
    auto files = ArchiveFiles();
    ASSERT_EQ(files.size(), 1u);
    EXPECT_TRUE(fs::exists(files[0].string() + ".open"));  // a marker while writing
  }
  EXPECT_FALSE(fs::exists(ArchiveFiles()[0].string() + ".open"));
  auto files = ArchiveFiles();
  ASSERT_EQ(files.size(), 1u);
  std::string good = ReadFile(files[0]);
  // As if killed in the middle of a record: marker left, half a member at the end.
  std::string partial = good.substr(good.size() / 2);
  WriteFile(files[0], good + partial.substr(0, partial.size() / 2));
  WriteFile(files[0].string() + ".open", "");
  // And a file killed before its first record was complete.
  fs::path empty = files[0].parent_path() / "pressarc-20000101000000-00077.warc.gz";
  WriteFile(empty, good.substr(0, 10));
  WriteFile(empty.string() + ".open", "");
  ASSERT_TRUE(ReadAll(files[0].string()).errors.size() > 0);

  auto w = OpenWriter();
  ASSERT_TRUE(w);
  EXPECT_EQ(ReadFile(files[0]), good);
  EXPECT_FALSE(fs::exists(files[0].string() + ".open"));
  EXPECT_FALSE(fs::exists(empty));
  EXPECT_FALSE(fs::exists(empty.string() + ".open"));
}

TEST_F(WarcTest, KillNineWhileWritingLeavesReadableFilesAfterTheNextOpen) {
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    WarcWriterOptions o;
    o.dir = (fs::path(dir_) / "archive").string();
    o.max_file_bytes = 200000;
    auto w = WarcWriter::Open(o);
    if (!w.ok()) ::_exit(3);
    std::string body(20000, 'x');
    for (int i = 0;; ++i) {
      body[i % body.size()] = static_cast<char>('a' + i % 26);
      (void)(*w)->WriteExchange(Exchange("https://example.gov/" + std::to_string(i), body));
    }
  }
  ::usleep(300 * 1000);
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  ASSERT_TRUE(OpenWriter());  // repairs what the killed writer left
  std::size_t records = 0;
  for (const auto& f : ArchiveFiles()) {
    EXPECT_FALSE(fs::exists(f.string() + ".open")) << f;
    ReadResult r = ReadAll(f.string());
    EXPECT_TRUE(r.errors.empty()) << f << ": " << r.errors[0];
    ASSERT_FALSE(r.records.empty()) << f;
    EXPECT_EQ(r.records[0].Type(), "warcinfo");
    records += r.records.size();
  }
  EXPECT_GT(records, 1u);
}

TEST_F(WarcTest, OpenFailsClearlyWhenTheDirectoryCannotBeMade) {
  WriteFile(fs::path(dir_) / "file", "x");
  WarcWriterOptions o;
  o.dir = (fs::path(dir_) / "file" / "archive").string();
  auto w = WarcWriter::Open(o);
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("archive"), std::string::npos);
}

TEST_F(WarcTest, ReaderReadsWgetWarcGzAndPlainWarc10) {
  for (const char* name : {"wget-small.warc.gz", "wget-small-1.0.warc"}) {
    std::string path = std::string(PRESSARC_FIXTURES_DIR) + "/warc/" + name;
    ReadResult r = ReadAll(path);
    EXPECT_TRUE(r.errors.empty()) << name << ": " << r.errors[0];
    ASSERT_EQ(r.records.size(), 10u) << name;
    EXPECT_EQ(r.records[0].version, "WARC/1.0");
    int responses = 0;
    for (const auto& rec : r.records) {
      EXPECT_EQ(FindHeader(rec.headers, "WARC-Block-Digest"), WarcSha1(rec.block));
      if (rec.Type() != "response") continue;
      ++responses;
      EXPECT_EQ(rec.TargetUri().substr(0, 22), "http://127.0.0.1:8731/");
      auto http = ParseHttpResponse(rec.block);
      ASSERT_TRUE(http.ok());
      EXPECT_EQ(http->status, 200);
      EXPECT_EQ(FindHeader(rec.headers, "WARC-Payload-Digest"), WarcSha1(http->body));
      auto again = ReadWarcRecordAt(path, rec.location.offset);
      ASSERT_TRUE(again.ok()) << again.status().message();
      EXPECT_EQ(again->RecordId(), rec.RecordId());
    }
    EXPECT_EQ(responses, 3);
  }
}

TEST_F(WarcTest, ReaderReadsWholeFileGzipAndFindsRecordsByStreamOffset) {
  std::string plain = ReadFile(std::string(PRESSARC_FIXTURES_DIR) + "/warc/wget-small-1.0.warc");
  std::string path = (fs::path(dir_) / "whole.warc.gz").string();
  WriteFile(path, Gzip(plain));
  ReadResult r = ReadAll(path);
  EXPECT_TRUE(r.errors.empty());
  ASSERT_EQ(r.records.size(), 10u);
  for (const auto& rec : r.records) {
    EXPECT_EQ(plain.substr(rec.location.offset, 8), "WARC/1.0");
    auto again = ReadWarcRecordAt(path, rec.location.offset);
    ASSERT_TRUE(again.ok()) << again.status().message();
    EXPECT_EQ(again->RecordId(), rec.RecordId());
  }
}

TEST_F(WarcTest, TruncatedFileGivesTheWholeRecordsThenAnError) {
  auto w = OpenWriter();
  ASSERT_TRUE(w);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(w->WriteExchange(
                     Exchange("https://example.gov/" + std::to_string(i), std::string(3000, 'q')))
                    .ok());
  }
  std::string raw = ReadFile(ArchiveFiles()[0]);
  std::string path = (fs::path(dir_) / "cut.warc.gz").string();
  for (std::size_t cut : {raw.size() - 10, raw.size() - 200}) {
    WriteFile(path, raw.substr(0, cut));
    ReadResult r = ReadAll(path);
    EXPECT_EQ(r.records.size(), 6u);
    EXPECT_FALSE(r.errors.empty());
  }
  // Plain file cut inside the last block.
  std::string plain = ReadFile(std::string(PRESSARC_FIXTURES_DIR) + "/warc/wget-small-1.0.warc");
  WriteFile(path, plain.substr(0, plain.size() - 300));
  ReadResult r = ReadAll(path);
  EXPECT_EQ(r.records.size(), 9u);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].find("truncated"), std::string::npos) << r.errors[0];
}

TEST_F(WarcTest, GarbageBetweenRecordsIsReportedAndSkipped) {
  auto w = OpenWriter();
  ASSERT_TRUE(w);
  std::vector<ArchiveLocation> locs;
  for (int i = 0; i < 3; ++i) {
    auto loc = w->WriteExchange(Exchange("https://example.gov/" + std::to_string(i), "body"));
    ASSERT_TRUE(loc.ok());
    locs.push_back(*loc);
  }
  std::string raw = ReadFile(ArchiveFiles()[0]);
  // Garbage before the second pair's request (the member before locs[1]).
  ReadResult clean = ReadAll(ArchiveFiles()[0].string());
  std::size_t insert_at = clean.records[3].location.offset;
  std::string path = (fs::path(dir_) / "garbage.warc.gz").string();
  WriteFile(path, raw.substr(0, insert_at) + "this is not gzip \x1f junk" + raw.substr(insert_at));
  ReadResult r = ReadAll(path);
  EXPECT_EQ(r.records.size(), 7u);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].find("not gzip"), std::string::npos) << r.errors[0];

  // Plain: garbage lines between records.
  std::string plain = ReadFile(std::string(PRESSARC_FIXTURES_DIR) + "/warc/wget-small-1.0.warc");
  std::size_t second = plain.find("WARC/1.0", 10);
  WriteFile(path, plain.substr(0, second) + "garbage\r\nWARC/9.9 nope\r\n" + plain.substr(second));
  r = ReadAll(path);
  EXPECT_EQ(r.records.size(), 10u);
  ASSERT_EQ(r.errors.size(), 2u);  // the garbage line, and the record of an unknown version
  EXPECT_NE(r.errors[1].find("unsupported WARC version \"WARC/9.9 nope\""), std::string::npos)
      << r.errors[1];
}

// Heritrix 1.x wrote WARC/0.17 and 0.18 (the ISO drafts), with the 1.0
// record layout; they are read like 1.0. Other versions are named in the
// error, and reading goes on at the next record.
TEST_F(WarcTest, ReadsDraftVersionsAndNamesAnUnsupportedOne) {
  auto record = [](const std::string& version, const std::string& id) {
    std::string block = "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<p>x</p>";
    return version + "\r\nWARC-Type: response\r\nWARC-Target-URI: http://example.org/\r\n" +
           "WARC-Date: 2008-04-30T20:48:25Z\r\nWARC-Record-ID: <urn:uuid:" + id + ">\r\n" +
           "Content-Type: application/http; msgtype=response\r\nContent-Length: " +
           std::to_string(block.size()) + "\r\n\r\n" + block + "\r\n\r\n";
  };
  struct Case {
    std::string version;
    bool readable;
  };
  const std::vector<Case> cases = {{"WARC/0.17", true},  {"WARC/0.18", true}, {"WARC/1.0", true},
                                   {"WARC/1.1", true},   {"WARC/0.9", false}, {"WARC/2.0", false},
                                   {"WARC/0.170", false}};
  for (const auto& c : cases) {
    std::string path = (fs::path(dir_) / "v.warc").string();
    WriteFile(path, record(c.version, "1") + record("WARC/1.0", "2"));
    ReadResult r = ReadAll(path);
    if (c.readable) {
      ASSERT_EQ(r.records.size(), 2u) << c.version;
      EXPECT_TRUE(r.errors.empty()) << c.version << ": " << r.errors[0];
      EXPECT_EQ(r.records[0].version, c.version);
      EXPECT_EQ(r.records[0].Type(), "response");
      EXPECT_EQ(r.records[0].TargetUri(), "http://example.org/");
    } else {
      ASSERT_EQ(r.records.size(), 1u) << c.version;
      EXPECT_EQ(r.records[0].RecordId(), "<urn:uuid:2>");
      ASSERT_EQ(r.errors.size(), 1u) << c.version;
      EXPECT_NE(r.errors[0].find("unsupported WARC version \"" + c.version + "\""),
                std::string::npos)
          << r.errors[0];
    }
  }
}

TEST_F(WarcTest, DamagedGzipMemberIsReportedAndReadingResumesAtTheNextMember) {
  auto w = OpenWriter();
  ASSERT_TRUE(w);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(w->WriteExchange(Exchange("https://example.gov/" + std::to_string(i),
                                          std::string(2000, 'a' + i)))
                    .ok());
  }
  std::string raw = ReadFile(ArchiveFiles()[0]);
  ReadResult clean = ReadAll(ArchiveFiles()[0].string());
  ASSERT_EQ(clean.records.size(), 7u);
  std::size_t victim = clean.records[4].location.offset;  // response #2
  for (std::size_t k = 20; k < 40; ++k) raw[victim + k] = static_cast<char>(raw[victim + k] ^ 0x5a);
  std::string path = (fs::path(dir_) / "damaged.warc.gz").string();
  WriteFile(path, raw);
  ReadResult r = ReadAll(path);
  EXPECT_FALSE(r.errors.empty());
  std::vector<std::string> ids;
  for (const auto& rec : r.records) ids.push_back(rec.RecordId());
  EXPECT_EQ(r.records.size(), 6u);
  EXPECT_EQ(r.records.back().RecordId(), clean.records.back().RecordId());
  EXPECT_EQ(std::count(ids.begin(), ids.end(), clean.records[4].RecordId()), 0);
}

TEST_F(WarcTest, HugeOrMissingContentLengthIsAnErrorNotACrash) {
  std::string path = (fs::path(dir_) / "bad.warc").string();
  std::string good =
      "WARC/1.1\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
      "WARC-Date: 2024-01-01T00:00:00Z\r\nContent-Length: 2\r\n\r\nok\r\n\r\n";
  std::string text =
      "WARC/1.1\r\nWARC-Type: resource\r\nContent-Length: 99999999999999\r\n\r\nxx\r\n\r\n"
      "WARC/1.1\r\nWARC-Type: resource\r\n\r\nyy\r\n\r\n"
      "WARC/1.1\r\nContent-Length: -5\r\n\r\n\r\n\r\n" +
      good;
  WriteFile(path, text);
  ReadResult r = ReadAll(path);
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.records[0].block, "ok");
  EXPECT_GE(r.errors.size(), 3u);
}

TEST_F(WarcTest, RandomBytesNeverCrashOrHang) {
  std::mt19937 rng(42);
  std::string base = ReadFile(std::string(PRESSARC_FIXTURES_DIR) + "/warc/wget-small.warc.gz");
  std::string plain = ReadFile(std::string(PRESSARC_FIXTURES_DIR) + "/warc/wget-small-1.0.warc");
  std::string path = (fs::path(dir_) / "fuzz.warc").string();
  for (int i = 0; i < 60; ++i) {
    std::string data = (i % 2 ? base : plain);
    int flips = 1 + static_cast<int>(rng() % 20);
    for (int f = 0; f < flips; ++f) data[rng() % data.size()] = static_cast<char>(rng());
    if (i % 5 == 0) data.resize(rng() % data.size());
    WriteFile(path, data);
    ReadResult r = ReadAll(path);
    EXPECT_LE(r.records.size(), 10u);
    if (!r.records.empty()) (void)ReadWarcRecordAt(path, r.records.back().location.offset);
  }
  WriteFile(path, "");
  EXPECT_TRUE(ReadAll(path).records.empty());
  EXPECT_FALSE(WarcReader::Open((fs::path(dir_) / "missing").string()).ok());
  EXPECT_FALSE(ReadWarcRecordAt(path, 12345).ok());
}

// ---- ParseHttpResponse ----

struct HttpCase {
  const char* name;
  std::string block;
  int status;
  std::string body;
  std::string content_type;
};

TEST(ParseHttpResponseTest, Table) {
  const HttpCase cases[] = {
      {"plain CRLF", "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>x</p>", 200, "<p>x</p>",
       "text/html"},
      {"LF only", "HTTP/1.1 404 Not Found\nContent-Type: text/plain\n\nnope", 404, "nope",
       "text/plain"},
      {"no reason phrase", "HTTP/1.1 200\r\nContent-Type: a/b\r\n\r\nz", 200, "z", "a/b"},
      {"HTTP/1.0", "HTTP/1.0 301 Moved Permanently\r\nLocation: /x\r\n\r\n", 301, "", ""},
      {"HTTP/2 as curl writes it", "HTTP/2 200 \r\ncontent-type: text/html\r\n\r\nh2", 200, "h2",
       "text/html"},
      {"chunked",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
       "chunked\r\n\r\n4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\n\r\n",
       200, "Wikipedia", ""},
      {"chunked truncated",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n10\r\npart", 200,
       "Wikipart", ""},
      {"chunked header but plain body",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n<html>", 200, "<html>", ""},
      {"folded header", "HTTP/1.1 200 OK\r\nContent-Type: text/html;\r\n charset=utf-8\r\n\r\nb",
       200, "b", "text/html; charset=utf-8"},
      {"head only, truncated", "HTTP/1.1 500 Internal Server Error\r\nContent-Type: x", 500, "",
       "x"},
      {"body keeps CRLFCRLF", "HTTP/1.1 200 OK\r\n\r\na\r\n\r\nb", 200, "a\r\n\r\nb", ""},
  };
  for (const auto& c : cases) {
    auto m = ParseHttpResponse(c.block);
    ASSERT_TRUE(m.ok()) << c.name << ": " << m.status().message();
    EXPECT_EQ(m->status, c.status) << c.name;
    EXPECT_EQ(m->body, c.body) << c.name;
    EXPECT_EQ(FindHeader(m->headers, "content-type"), c.content_type) << c.name;
  }
}

TEST(ParseHttpResponseTest, RejectsWhatIsNotAResponse) {
  for (std::string block : {"", "GET / HTTP/1.1\r\n\r\n", "HTTP/1.1 OK\r\n\r\n", "<html>",
                            "HTTP/1.1 2000 OK\r\n\r\n"}) {
    EXPECT_FALSE(ParseHttpResponse(block).ok()) << block;
  }
}

// ---- DecodeContentEncoding ----

TEST(DecodeContentEncodingTest, DecodesEveryCodingServersUse) {
  std::string text;
  for (int i = 0; i < 200; ++i) text += "Press release number " + std::to_string(i) + ". ";
  struct Case {
    const char* coding;
    std::string body;
  } cases[] = {
      {"gzip", Gzip(text)},
      {"x-gzip", Gzip(text)},
      {"GZIP", Gzip(text)},
      {"deflate", Compress(text, 15)},
      {"deflate", Compress(text, -15)},
      {"identity", text},
      {"", text},
      {"gzip, deflate", Compress(Gzip(text), 15)},
  };
  for (const auto& c : cases) {
    auto d = DecodeContentEncoding(c.body, c.coding, 1 << 20);
    ASSERT_TRUE(d.ok()) << c.coding << ": " << d.status().message();
    EXPECT_EQ(*d, text) << c.coding;
  }
  // Two gzip members one after the other.
  auto two = DecodeContentEncoding(Gzip("ab") + Gzip("cd"), "gzip", 100);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(*two, "abcd");
}

TEST(DecodeContentEncodingTest, GzipBombStopsAtTheLimit) {
  std::string zeros(50 << 20, '\0');
  std::string bomb = Gzip(zeros);
  EXPECT_LT(bomb.size(), 100000u);
  auto d = DecodeContentEncoding(bomb, "gzip", 1 << 20);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("limit"), std::string::npos);
}

std::string Brotli(const std::string& data, int quality = BROTLI_DEFAULT_QUALITY) {
  std::string out(BrotliEncoderMaxCompressedSize(data.size()) + 16, '\0');
  std::size_t size = out.size();
  EXPECT_TRUE(BrotliEncoderCompress(quality, BROTLI_DEFAULT_WINDOW, BROTLI_DEFAULT_MODE,
                                    data.size(), reinterpret_cast<const std::uint8_t*>(data.data()),
                                    &size, reinterpret_cast<std::uint8_t*>(out.data())));
  out.resize(size);
  return out;
}

TEST(DecodeContentEncodingTest, BrotliIsDecodedBoundedAndBestEffort) {
  std::string page = "<html><body><p>Azərbaycan Respublikası Xarici İşlər Nazirliyi</p>";
  for (int i = 0; i < 2000; ++i) page += "<p>Paragraph " + std::to_string(i) + "</p>";
  std::string br = Brotli(page);
  auto d = DecodeContentEncoding(br, "br", 1 << 20);
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(*d, page);
  // Listed codings are undone from the last: gzip applied after br.
  auto both = DecodeContentEncoding(Gzip(br), "br, gzip", 1 << 20);
  ASSERT_TRUE(both.ok()) << both.status().message();
  EXPECT_EQ(*both, page);
  // A bomb stops at the limit.
  std::string bomb = Brotli(std::string(50 << 20, 'a'), 1);
  EXPECT_LT(bomb.size(), 100000u);
  auto big = DecodeContentEncoding(bomb, "br", 1 << 20);
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.status().message().find("limit"), std::string::npos);
  // Cut short: what could be decoded; corrupt: an error.
  auto cut = DecodeContentEncoding(std::string_view(br).substr(0, br.size() / 2), "br", 1 << 20);
  ASSERT_TRUE(cut.ok());
  EXPECT_GT(cut->size(), 0u);
  EXPECT_EQ(page.compare(0, cut->size(), *cut), 0);
  EXPECT_FALSE(DecodeContentEncoding("\xff\xff\xff\xff not brotli", "br", 1000).ok());
}

TEST(DecodeContentEncodingTest, CorruptTruncatedAndUnknown) {
  EXPECT_FALSE(DecodeContentEncoding("not gzip at all", "gzip", 1000).ok());
  EXPECT_FALSE(DecodeContentEncoding("xx", "br", 1000).ok());
  EXPECT_FALSE(DecodeContentEncoding("xx", "zstd", 1000).ok());
  auto empty = DecodeContentEncoding("", "gzip", 1000);  // e.g. a 204 that says gzip
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "");
  std::mt19937 rng(3);
  std::string text;
  for (int i = 0; i < 100000; ++i) text += static_cast<char>('a' + rng() % 26);
  std::string gz = Gzip(text);
  auto cut = DecodeContentEncoding(std::string_view(gz).substr(0, gz.size() / 2), "gzip", 1 << 20);
  ASSERT_TRUE(cut.ok());  // best effort: what could be decoded
  EXPECT_GT(cut->size(), 1000u);
  EXPECT_EQ(text.substr(0, cut->size()), *cut);
}

// ---- the independent checker (warcio from npm) ----

TEST_F(WarcTest, IndependentWarcioCheckerAcceptsOurFiles) {
  std::string checker_dir = std::string(PRESSARC_SOURCE_DIR) + "/tests/warc-check";
  if (!fs::exists(checker_dir + "/node_modules/warcio") ||
      std::system("node --version >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "node or tests/warc-check/node_modules missing (scripts/test.sh installs them)";
  }
  auto w = OpenWriter(4000);
  ASSERT_TRUE(w);
  for (int i = 0; i < 6; ++i) {
    HttpExchange ex = Exchange("https://example.gov/n/" + std::to_string(i), std::string(900, 'p'));
    ex.truncated = i == 2;
    ex.source = i % 2 == 0 ? "mfa-az" : "";  // the extension field, on some records only
    ASSERT_TRUE(w->WriteExchange(ex).ok());
    HttpExchange nm = Exchange(ex.url, "");
    nm.status_line = "HTTP/1.1 304 Not Modified";
    nm.source = ex.source;
    ASSERT_TRUE(w->WriteRevisit(nm, "2024-05-06T07:08:09Z", "<urn:uuid:x>").ok());
  }
  ASSERT_TRUE(
      w->WriteResource("https://example.gov/imported", "", "text/html", "<p>r</p>", "local").ok());
  ASSERT_TRUE(w->Flush().ok());
  std::string cmd = "node " + checker_dir + "/check.mjs";
  for (const auto& f : ArchiveFiles()) cmd += " " + f.string();
  cmd += " > " + dir_ + "/check.out 2>&1";
  int rc = std::system(cmd.c_str());
  EXPECT_EQ(rc, 0) << ReadFile(dir_ + "/check.out");
  // And the checker is not a rubber stamp: a flipped byte is caught.
  std::string raw = ReadFile(ArchiveFiles()[0]);
  std::size_t used = 0;
  std::string first = GunzipOneMember(raw, &used);
  std::string rest = raw.substr(used);
  std::string second = GunzipOneMember(rest, &used);
  second[second.size() - 10] ^= 1;
  WriteFile(dir_ + "/bad.warc.gz", Gzip(first) + Gzip(second) + rest.substr(used));
  rc = std::system(
      ("node " + checker_dir + "/check.mjs " + dir_ + "/bad.warc.gz >/dev/null 2>&1").c_str());
  EXPECT_NE(rc, 0);
}

}  // namespace
}  // namespace pressarc
