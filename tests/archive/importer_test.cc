// Tests of the import side of the archive (archive.h): SniffsAsHtml (WHATWG
// MIME Sniffing's HTML patterns), ArchiveImporter (what is archived, what is
// rejected, what is archived once) and the archive walk.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "archive/archive.h"
#include "tests/test_util.h"

namespace pressarc {
namespace {

namespace fs = std::filesystem;

// https://mimesniff.spec.whatwg.org/#identifying-a-resource-with-an-unknown-mime-type
TEST(SniffsAsHtml, FollowsTheWhatwgHtmlPatterns) {
  struct Case {
    std::string head;
    bool html;
  };
  const std::vector<Case> cases = {
      // Each pattern, any case, followed by a tag-terminating byte.
      {"<!DOCTYPE HTML>", true},
      {"<!doctype html><html>", true},
      {"<html lang=\"az\">", true},
      {"<HEAD>", true},
      {"<script src=x>", true},
      {"<iframe src=x>", true},
      {"<h1>Title</h1>", true},
      {"<div class=x>", true},
      {"<font face=x>", true},
      {"<table>", true},
      {"<a href=x>", true},
      {"<style>p{}</style>", true},
      {"<title>x</title>", true},
      {"<b>bold</b>", true},
      {"<body>", true},
      {"<br>", true},
      {"<p>text", true},
      {"<!-- comment --> <html>", true},
      // Leading whitespace (HT LF FF CR SP) is skipped; a UTF-8 BOM too (a departure).
      {" \t\r\n\x0C<html>", true},
      {"\xEF\xBB\xBF<!DOCTYPE html>", true},
      {"\xEF\xBB\xBF \n<p>x", true},
      // No tag-terminating byte after the pattern.
      {"<html", false},
      {"<htmlx>", false},
      {"<p\n>", false},
      {"<!--x-->", false},
      {"<pre>", false},
      {"<bdo>", false},
      // Other text, XML, leading text before the tag.
      {"Hello <html>", false},
      {"<?xml version=\"1.0\"?><rss>", false},
      {"", false},
      {"   ", false},
      {"{\"json\": 1}", false},
      // Binaries: ELF, gzip, a NUL after an HTML start.
      {std::string("\x7f"
                   "ELF\x02\x01\x01\0",
                   8),
       false},
      {std::string("\x1f\x8b\x08\0\0\0\0\0", 8), false},
      {std::string("<html>\0\x01\x02", 9), false},
      // ARC file header line.
      {"filedesc://x.arc 0.0.0.0 20060101000000 text/plain 76\n1 0 InternetArchive\n", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(SniffsAsHtml(c.head), c.html) << '"' << c.head << '"';
  }
  // Only the resource header (1445 bytes) is looked at.
  EXPECT_TRUE(SniffsAsHtml("<p>" + std::string(1500, 'x') + std::string(1, '\0')));
}

class ImporterTest : public ::testing::Test {
 protected:
  std::string In(const std::string& name, const std::string& content) {
    fs::create_directories(dir_.path() + "/in");
    std::string path = dir_.path() + "/in/" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  std::string ArchiveDir() const { return dir_.path() + "/archive"; }
  ImportOptions Options(const std::string& source = "") const {
    ImportOptions options;
    options.archive_dir = ArchiveDir();
    options.source = source;
    return options;
  }
  std::vector<std::string> Archived() const {
    auto files = ListArchiveFiles(ArchiveDir());
    return files.ok() ? *files : std::vector<std::string>{};
  }
  // Imports `path`; the types of the records it reported.
  Status Import(ArchiveImporter* importer, const std::string& path,
                std::vector<std::string>* types) {
    RecordVisitor visit;
    visit.record = [types](std::shared_ptr<const WarcRecord> r, const std::string&) {
      types->push_back(r->Type());
    };
    return importer->Import(path, visit);
  }

  testing::TempDir dir_;
};

TEST_F(ImporterTest, FilesThatAreNeitherWarcNorHtmlAreRejectedAndNotArchived) {
  ArchiveImporter importer(Options(), nullptr);
  struct Case {
    std::string name;
    std::string content;
    std::string message;
  };
  fs::create_directories(dir_.path() + "/in/folder");
  const std::vector<Case> cases = {
      {"elf",
       std::string("\x7f"
                   "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0",
                   16) +
           "<html>",
       "not a WARC or HTML file (skipped)"},
      {"random.bin", std::string("\x93\x11\xfe\x00\x42", 5) + std::string(3000, '\x9c'),
       "not a WARC or HTML file (skipped)"},
      {"notes.txt", "Just some text, with <p> later.\n", "not a WARC or HTML file (skipped)"},
      {"old.arc",
       "filedesc://x.arc 0.0.0.0 20060101000000 text/plain 76\n1 0 InternetArchive\nURL "
       "IP-address Archive-date Content-type Archive-length\n\n",
       "not a WARC or HTML file (skipped)"},
      {"empty.html", "", "not a WARC or HTML file (skipped)"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> types;
    Status st = Import(&importer, In(c.name, c.content), &types);
    EXPECT_FALSE(st.ok()) << c.name;
    EXPECT_EQ(st.message(), dir_.path() + "/in/" + c.name + ": " + c.message);
    EXPECT_TRUE(types.empty()) << c.name;
  }
  std::vector<std::string> types;
  Status st = Import(&importer, dir_.path() + "/in/folder", &types);
  EXPECT_EQ(st.message(), dir_.path() + "/in/folder: is a directory (skipped)");
  st = Import(&importer, dir_.path() + "/in/missing.html", &types);
  EXPECT_EQ(st.message(), dir_.path() + "/in/missing.html: no such file (skipped)");
  ASSERT_TRUE(importer.Flush().ok());
  EXPECT_TRUE(Archived().empty());
}

TEST_F(ImporterTest, HtmlFileIsArchivedAsAResourceRecord) {
  ArchiveImporter importer(Options("my-pages"), nullptr);
  std::vector<std::string> types;
  ASSERT_TRUE(Import(&importer,
                     In("page.txt",
                        "\xEF\xBB\xBF\n<!DOCTYPE html><html><head><link rel=canonical "
                        "href=\"https://example.gov/a\"></head><body><p>x</p>"),
                     &types)
                  .ok());
  ASSERT_TRUE(importer.Flush().ok());
  EXPECT_EQ(types, std::vector<std::string>{"resource"});
  ASSERT_EQ(Archived().size(), 1u);
  auto reader = WarcReader::Open(ArchiveDir() + "/" + Archived()[0]);
  ASSERT_TRUE(reader.ok());
  WarcRecord rec;
  Status err;
  ASSERT_TRUE((*reader)->Next(&rec, &err));  // warcinfo
  ASSERT_TRUE((*reader)->Next(&rec, &err));
  EXPECT_EQ(rec.Type(), "resource");
  EXPECT_EQ(rec.TargetUri(), "https://example.gov/a");
  EXPECT_EQ(rec.Source(), "my-pages");
}

// The record's URL is the page's canonical URL as ExtractArticle reads the
// whole page, wherever the link is (the importer parses only the head when
// the body cannot change it).
TEST_F(ImporterTest, HtmlRecordTakesTheCanonicalUrlAsTheWholePageGivesIt) {
  struct Case {
    std::string html;
    std::string url;  // "" = file://
  };
  const std::vector<Case> cases = {
      {"<html><head><link rel=canonical href=\"https://example.gov/head\"></head>"
       "<body><p>x</p></body></html>",
       "https://example.gov/head"},
      {"<html><head><title>t</title></head><body><link rel=\"canonical\" "
       "href=\"https://example.gov/body\"><p>x</p></body></html>",
       "https://example.gov/body"},
      {"<html><head><meta property=\"og:url\" content=\"https://example.gov/og\"></head>"
       "<BODY><p>x</p></BODY></html>",
       "https://example.gov/og"},
      {"<html><head><base href=\"https://example.gov/dir/\"></head><body>"
       "<link rel=canonical href=\"page\"></body></html>",
       "https://example.gov/dir/page"},
      {"<html><head><title>no canonical</title></head><body><p>x</p></body></html>", ""},
      {"<p>no head, no body tag <link rel=canonical href=\"https://example.gov/bare\">",
       "https://example.gov/bare"},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    ArchiveImporter importer(Options(), nullptr);
    std::vector<std::string> types;
    const std::string name = "page" + std::to_string(i) + ".html";
    ASSERT_TRUE(Import(&importer, In(name, cases[i].html), &types).ok()) << i;
    ASSERT_TRUE(importer.Flush().ok());
    const std::vector<std::string> files = Archived();
    ASSERT_FALSE(files.empty());
    auto reader = WarcReader::Open(ArchiveDir() + "/" + files.back());
    ASSERT_TRUE(reader.ok());
    WarcRecord rec;
    Status err;
    std::string last;
    while ((*reader)->Next(&rec, &err)) {
      if (rec.Type() == "resource") last = rec.TargetUri();
    }
    if (cases[i].url.empty()) {
      EXPECT_TRUE(last.starts_with("file://") && last.ends_with("/" + name)) << i << ": " << last;
    } else {
      EXPECT_EQ(last, cases[i].url) << i;
    }
  }
}

// A WARC file is keyed on its content: the same bytes under another name
// are not archived again (their records are still read, for the index).
TEST_F(ImporterTest, SameWarcUnderAnotherNameIsArchivedOnce) {
  std::ifstream in(std::string(PRESSARC_FIXTURES_DIR) + "/warc/wget-small.warc.gz",
                   std::ios::binary);
  std::string warc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(warc.empty());
  ArchiveImporter importer(Options(), nullptr);
  std::vector<std::string> first, second, third;
  ASSERT_TRUE(Import(&importer, In("crawl.warc.gz", warc), &first).ok());
  ASSERT_TRUE(Import(&importer, In("copy-of-crawl.warc.gz", warc), &second).ok());
  ASSERT_TRUE(Import(&importer, In("crawl.warc.gz", warc), &third).ok());
  EXPECT_EQ(first.size(), 10u);
  EXPECT_EQ(second, first);
  EXPECT_EQ(third, first);
  ASSERT_EQ(Archived().size(), 1u);
  EXPECT_TRUE(Archived()[0].ends_with("-crawl.warc.gz")) << Archived()[0];
  // Another content under a known name is archived beside it.
  ASSERT_TRUE(Import(&importer, In("crawl.warc.gz", warc + warc), &first).ok());
  EXPECT_EQ(Archived().size(), 2u);
}

TEST_F(ImporterTest, DraftVersionWarcsFromHeritrixOneAreImported) {
  ArchiveImporter importer(Options(), nullptr);
  for (const char* name : {"heritrix-0.17.warc.gz", "heritrix-0.18.warc.gz"}) {
    std::vector<std::string> types;
    std::vector<std::string> bad;
    RecordVisitor visit;
    visit.record = [&types](std::shared_ptr<const WarcRecord> r, const std::string&) {
      types.push_back(r->Type());
    };
    visit.bad = [&bad](const std::string& m) { bad.push_back(m); };
    Status st = importer.Import(std::string(PRESSARC_FIXTURES_DIR) + "/warc/" + name, visit);
    ASSERT_TRUE(st.ok()) << st.message();
    EXPECT_TRUE(bad.empty()) << bad[0];
    EXPECT_EQ(types, (std::vector<std::string>{"warcinfo", "response", "request", "metadata",
                                               "response", "request", "metadata"}))
        << name;
  }
  EXPECT_EQ(Archived().size(), 2u);
}

TEST_F(ImporterTest, ArchiveWalkReadsEveryWarcFileInNameOrder) {
  std::ifstream in(std::string(PRESSARC_FIXTURES_DIR) + "/warc/wget-small.warc.gz",
                   std::ios::binary);
  std::string warc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  fs::create_directories(ArchiveDir());
  for (const char* name : {"b.warc.gz", "a.warc", ".hidden.warc.gz", "notes.txt"}) {
    std::ofstream(ArchiveDir() + "/" + name, std::ios::binary) << warc;
  }
  auto files = ListArchiveFiles(ArchiveDir());
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(*files, (std::vector<std::string>{"a.warc", "b.warc.gz"}));
  std::vector<std::string> seen;
  RecordVisitor visit;
  visit.record = [&seen](std::shared_ptr<const WarcRecord>, const std::string& file) {
    if (seen.empty() || seen.back() != file) seen.push_back(file);
  };
  ASSERT_TRUE(ForEachArchiveRecord(ArchiveDir(), *files, visit).ok());
  EXPECT_EQ(seen, *files);
  EXPECT_FALSE(ForEachArchiveRecord(ArchiveDir(), {"gone.warc"}, visit).ok());
}

}  // namespace
}  // namespace pressarc
