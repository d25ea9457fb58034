// WARC: writing and reading Web ARChive files (ISO 28500, WARC/1.1).
//
// Writer: one gzip member per record; `warcinfo` first in each file;
// `request` + `response` pairs; `revisit` (profile server-not-modified) for
// 304s; WARC-Block-Digest and WARC-Payload-Digest (sha1, base32) that verify;
// WARC-Concurrent-To linking a request to its response; files named
// pressarc-YYYYMMDDhhmmss-NNNNN.warc.gz, rotated at a size; each record is
// flushed (fflush + fsync on Flush()) before its location is returned, so a
// crash never loses a record that the state database points to. While a
// file is being written an empty marker "<file>.open" stands beside it; a
// clean close removes it. Open() repairs the files whose marker a killed
// process left: it cuts them after their last complete gzip member (so no
// reader ever meets a partial record) and removes the marker.
//
// Extension field: pressarc writes `Pressarc-Source: NAME` on the response,
// revisit and resource records it archives for a source (the configured
// source a crawl fetched the page for, or the source an import assigned),
// so that the archive alone says which source each page belongs to. WARC
// 1.1 allows fields it does not define (readers ignore them); the name has no
// "WARC-" prefix, which the standard keeps for its own fields.
//
// Reader: WARC/1.0 and 1.1, gzip per record, whole-file gzip, or plain;
// reports each record with its file offset (the offset of its gzip member,
// or of "WARC/" when uncompressed). A damaged record is reported through
// Status and skipped; reading goes on at the next record when it can be
// found (never a crash, never an endless loop).
//
// Thread safety: a WarcWriter or WarcReader is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/status.h"

namespace pressarc {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive lookup; "" when absent.
std::string FindHeader(const HeaderList& headers, std::string_view name);

// The extension field naming a record's source (see above).
inline constexpr char kSourceField[] = "Pressarc-Source";

struct ArchiveLocation {
  std::string file;       // file name relative to the archive dir (or absolute for imports read in place)
  std::uint64_t offset = 0;
};

struct WarcRecord {
  std::string version;     // "WARC/1.1"
  HeaderList headers;      // WARC named fields, in order
  std::string block;       // the content block, exactly as stored
  ArchiveLocation location;

  std::string Type() const { return FindHeader(headers, "WARC-Type"); }
  std::string TargetUri() const;  // WARC-Target-URI without <> wrapping
  std::string Date() const { return FindHeader(headers, "WARC-Date"); }
  std::string RecordId() const { return FindHeader(headers, "WARC-Record-ID"); }
  // The Pressarc-Source field, trimmed; "" when absent or not a plausible
  // name (longer than 200 bytes, or holding control characters).
  std::string Source() const;
};

// An HTTP/1.x message as found in a request/response/revisit block.
struct HttpMessage {
  int status = 0;            // responses only
  std::string start_line;
  HeaderList headers;
  std::string body;          // de-chunked; still Content-Encoded if the headers say so
};
// Parses an HTTP response block; de-chunks a chunked body. Best effort: a
// truncated block gives what is there.
Result<HttpMessage> ParseHttpResponse(std::string_view block);
// Decodes gzip/deflate/brotli Content-Encoding of a body (identity passes
// through). `encoding` is the header value ("gzip", "x-gzip", "deflate" zlib
// or raw, "br", "identity", or a list such as "gzip, br"). An error when the
// output would exceed `max_bytes` (gzip and brotli bombs), for corrupt data and
// for unknown codings (e.g. "zstd"); a stream cut short gives what could be decoded.
Result<std::string> DecodeContentEncoding(std::string_view body, std::string_view encoding,
                                          std::size_t max_bytes);

// What the crawler hands to the writer for one exchange.
struct HttpExchange {
  std::string url;
  std::string method = "GET";
  std::string request_headers;   // raw, as sent: "GET /x HTTP/1.1\r\nHost: ...\r\n\r\n"
  std::string ip;                // WARC-IP-Address, "" when unknown
  std::string fetch_time;        // WARC-Date, "YYYY-MM-DDThh:mm:ssZ"
  int status = 0;
  std::string status_line;       // "HTTP/1.1 200 OK"
  HeaderList response_headers;   // as received, minus Transfer-Encoding / Content-Encoding when the body is stored decoded
                                 // (the writer sets Content-Length to body.size(), keeping a different received
                                 // value as X-Original-Content-Length, and renames any Transfer-Encoding to
                                 // X-Original-Transfer-Encoding: a stored body is never chunked)
  std::string body;              // entity body as stored
  bool truncated = false;        // WARC-Truncated: length
  std::string source;            // Pressarc-Source on the response/revisit, "" = none
};

struct WarcWriterOptions {
  std::string dir;                            // the archive directory; created if missing
  std::string prefix = "pressarc";
  std::uint64_t max_file_bytes = 1073741824;  // rotate after a file grows past this
  std::string software = "pressarc/0.1";      // for warcinfo
  std::string operator_info;                  // for warcinfo, optional
  int gzip_level = 6;                         // zlib level 1-9: 6 as wget and Heritrix; lower is faster
};

class WarcWriter {
 public:
  static Result<std::unique_ptr<WarcWriter>> Open(const WarcWriterOptions& options);
  virtual ~WarcWriter() = default;
  // Writes request + response; returns the response record's location.
  virtual Result<ArchiveLocation> WriteExchange(const HttpExchange& exchange) = 0;
  // Writes request + revisit (server-not-modified) for a 304, referring to the
  // original response (its URI and date).
  virtual Result<ArchiveLocation> WriteRevisit(const HttpExchange& exchange,
                                               const std::string& refers_to_date,
                                               const std::string& refers_to_record_id) = 0;
  // Writes a `resource` record (imports of plain HTML files); `source` goes
  // into Pressarc-Source ("" = no such field).
  virtual Result<ArchiveLocation> WriteResource(const std::string& url, const std::string& date,
                                                const std::string& content_type,
                                                const std::string& body,
                                                const std::string& source) = 0;
  // Everything written so far is on disk (fflush + fsync).
  virtual Status Flush() = 0;
};

class WarcReader {
 public:
  static Result<std::unique_ptr<WarcReader>> Open(const std::string& path);
  virtual ~WarcReader() = default;
  // Reads the next record into *record. Returns false at the end. A damaged
  // record sets *error (not ok) and is skipped; the caller may keep calling.
  // (When *error is set, the call returns true with an empty *record: report
  // the error and call again. Damage between records, e.g. garbage, comes as
  // such a call of its own before the next good record.)
  virtual bool Next(WarcRecord* record, Status* error) = 0;
};

// Reads the one record at `offset` of `path` (for `show` and replays).
// `offset` is what the writer or a WarcReader reported: a gzip member's
// offset, a plain file's byte offset, or (whole-file gzip) the record's
// position in the uncompressed stream.
Result<WarcRecord> ReadWarcRecordAt(const std::string& path, std::uint64_t offset);

}  // namespace pressarc
