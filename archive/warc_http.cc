// HTTP messages inside WARC blocks: ParseHttpResponse and
// DecodeContentEncoding. Both take untrusted bytes: best effort, bounded.
#include <brotli/decode.h>
#include <strings.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "archive/archive.h"
#include "config/ascii.h"

namespace pressarc {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// Where the head ends and the body starts: after the first empty line
// (CRLF CRLF or LF LF, mixed forms too). npos when there is none.
std::size_t BodyStart(std::string_view block) {
  std::size_t i = 0;
  while (i < block.size()) {
    std::size_t nl = block.find('\n', i);
    if (nl == std::string_view::npos) return std::string_view::npos;
    std::size_t next = nl + 1;
    if (next < block.size() && block[next] == '\n') return next + 1;
    if (next + 1 < block.size() && block[next] == '\r' && block[next + 1] == '\n') {
      return next + 2;
    }
    if (next == block.size()) return std::string_view::npos;
    i = next;
  }
  return std::string_view::npos;
}

// De-chunks a chunked body (RFC 9112 section 7.1). Best effort: a truncated
// body gives the chunks that are there. false when the body does not start
// like a chunked body at all.
bool Dechunk(std::string_view in, std::string* out) {
  out->clear();
  std::size_t i = 0;
  bool first = true;
  while (i < in.size()) {
    std::size_t nl = in.find('\n', i);
    std::string_view line = in.substr(i, nl == std::string_view::npos ? in.size() - i : nl - i);
    line = Trim(line.substr(0, std::min(line.find(';'), line.size())));
    std::uint64_t size = 0;
    std::size_t digits = 0;
    for (char c : line) {
      int v = (c >= '0' && c <= '9')   ? c - '0'
              : (c >= 'a' && c <= 'f') ? c - 'a' + 10
              : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                       : -1;
      if (v < 0 || digits >= 15) {
        digits = 0;
        break;
      }
      size = size * 16 + static_cast<std::uint64_t>(v);
      ++digits;
    }
    if (digits == 0) return !first;
    first = false;
    if (size == 0 || nl == std::string_view::npos) return true;
    std::size_t data = nl + 1;
    std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(size, in.size() - data));
    out->append(in.substr(data, take));
    i = data + take;
    if (i < in.size() && in[i] == '\r') ++i;
    if (i < in.size() && in[i] == '\n') ++i;
  }
  return true;
}

// Inflates `in` with the given zlib window bits; gzip may have several
// members. A stream cut short gives what was decoded (best effort).
Result<std::string> Inflate(std::string_view in, int window_bits, std::size_t max_bytes) {
  std::string out;
  std::size_t pos = 0;
  while (pos < in.size()) {
    z_stream zs{};
    if (inflateInit2(&zs, window_bits) != Z_OK) return Status::Runtime("cannot start inflate");
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data() + pos));
    zs.avail_in = static_cast<uInt>(std::min<std::size_t>(in.size() - pos, 1u << 30));
    int rc = Z_OK;
    char buf[1 << 16];
    while (rc == Z_OK) {
      zs.next_out = reinterpret_cast<Bytef*>(buf);
      zs.avail_out = sizeof buf;
      rc = inflate(&zs, Z_NO_FLUSH);
      std::size_t produced = sizeof buf - zs.avail_out;
      if (out.size() + produced > max_bytes) {
        inflateEnd(&zs);
        return Status::Runtime("decoded body is larger than the limit of " +
                               std::to_string(max_bytes) + " bytes");
      }
      out.append(buf, produced);
      if (rc == Z_BUF_ERROR && produced > 0) rc = Z_OK;
    }
    std::size_t consumed = zs.total_in;
    inflateEnd(&zs);
    if (rc == Z_STREAM_END) {
      pos += consumed;
      // Another gzip member may follow; anything else (padding) is ignored.
      if (window_bits < 16 || in.size() - pos < 2 || static_cast<unsigned char>(in[pos]) != 0x1f ||
          static_cast<unsigned char>(in[pos + 1]) != 0x8b) {
        break;
      }
      continue;
    }
    if (rc == Z_BUF_ERROR && !out.empty()) break;  // cut short: keep what is there
    return Status::Runtime(std::string("cannot decode body: ") +
                           (rc == Z_BUF_ERROR ? "unexpected end of data" : "corrupt data"));
  }
  return out;
}

// Brotli ("br"), bounded like Inflate; a stream cut short gives what could
// be decoded.
Result<std::string> Unbrotli(std::string_view in, std::size_t max_bytes) {
  BrotliDecoderState* state = BrotliDecoderCreateInstance(nullptr, nullptr, nullptr);
  if (state == nullptr) return Status::Runtime("cannot start brotli decoding");
  std::string out;
  const auto* next_in = reinterpret_cast<const std::uint8_t*>(in.data());
  std::size_t avail_in = in.size();
  BrotliDecoderResult rc;
  char buf[65536];
  do {
    auto* next_out = reinterpret_cast<std::uint8_t*>(buf);
    std::size_t avail_out = sizeof buf;
    rc = BrotliDecoderDecompressStream(state, &avail_in, &next_in, &avail_out, &next_out, nullptr);
    std::size_t produced = sizeof buf - avail_out;
    if (out.size() + produced > max_bytes) {
      BrotliDecoderDestroyInstance(state);
      return Status::Runtime("decoded body is larger than the limit of " +
                             std::to_string(max_bytes) + " bytes");
    }
    out.append(buf, produced);
  } while (rc == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT);
  BrotliDecoderDestroyInstance(state);
  if (rc == BROTLI_DECODER_RESULT_SUCCESS) return out;
  if (rc == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT && !out.empty()) return out;  // cut short
  return Status::Runtime(rc == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT
                             ? "cannot decode body: unexpected end of data"
                             : "cannot decode body: corrupt brotli data");
}

Result<std::string> DecodeOne(std::string_view body, const std::string& coding,
                              std::size_t max_bytes) {
  if (coding.empty() || coding == "identity") return std::string(body);
  if (coding == "gzip" || coding == "x-gzip") return Inflate(body, 15 + 16, max_bytes);
  if (coding == "br") return Unbrotli(body, max_bytes);
  if (coding == "deflate") {
    // "deflate" is meant to be zlib-wrapped, but many servers send it raw.
    auto zlib = Inflate(body, 15, max_bytes);
    if (zlib.ok()) return zlib;
    if (zlib.status().message().find("limit") != std::string::npos) return zlib;
    return Inflate(body, -15, max_bytes);
  }
  return Status::Runtime("unsupported content encoding \"" + coding.substr(0, 40) + "\"");
}

}  // namespace

Result<HttpMessage> ParseHttpResponse(std::string_view block) {
  HttpMessage msg;
  std::size_t body_start = BodyStart(block);
  std::string_view head = block.substr(0, std::min(body_start, block.size()));
  std::size_t eol = head.find('\n');
  std::string_view first = Trim(head.substr(0, std::min(eol, head.size())));
  if (first.size() < 5 || ::strncasecmp(first.data(), "HTTP/", 5) != 0) {
    return Status::Runtime("not an HTTP response: \"" + std::string(first.substr(0, 40)) + "\"");
  }
  msg.start_line = std::string(first);
  // "HTTP/1.1 200 OK", "HTTP/1.0 404", "HTTP/2 200"
  std::size_t sp = first.find(' ');
  if (sp != std::string_view::npos) {
    std::string_view rest = Trim(first.substr(sp + 1));
    int code = 0;
    std::size_t n = 0;
    while (n < rest.size() && n < 3 && rest[n] >= '0' && rest[n] <= '9') {
      code = code * 10 + (rest[n] - '0');
      ++n;
    }
    if (n == 3 && (rest.size() == 3 || rest[3] == ' ' || rest[3] == '\t')) msg.status = code;
  }
  if (msg.status == 0) {
    return Status::Runtime("no status code in \"" + std::string(first.substr(0, 60)) + "\"");
  }
  std::size_t i = eol == std::string_view::npos ? head.size() : eol + 1;
  while (i < head.size()) {
    std::size_t nl = head.find('\n', i);
    std::string_view line = head.substr(i, (nl == std::string_view::npos ? head.size() : nl) - i);
    i = nl == std::string_view::npos ? head.size() : nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if ((line[0] == ' ' || line[0] == '\t') && !msg.headers.empty()) {
      msg.headers.back().second += " " + std::string(Trim(line));
      continue;
    }
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) continue;
    msg.headers.emplace_back(std::string(Trim(line.substr(0, colon))),
                             std::string(Trim(line.substr(colon + 1))));
  }
  if (body_start == std::string_view::npos) return msg;
  std::string_view body = block.substr(body_start);
  if (AsciiLower(FindHeader(msg.headers, "Transfer-Encoding")).find("chunked") !=
          std::string::npos &&
      Dechunk(body, &msg.body)) {
    return msg;
  }
  msg.body = std::string(body);
  return msg;
}

Result<std::string> DecodeContentEncoding(std::string_view body, std::string_view encoding,
                                          std::size_t max_bytes) {
  // Codings are listed in the order applied; undo them from the last.
  std::vector<std::string> codings;
  std::string_view rest = encoding;
  while (!rest.empty()) {
    std::size_t comma = rest.find(',');
    std::string coding = AsciiLower(Trim(rest.substr(0, std::min(comma, rest.size()))));
    if (!coding.empty()) codings.push_back(coding);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (codings.size() > 8) return Status::Runtime("too many content encodings");
  }
  std::string data(body);
  for (auto it = codings.rbegin(); it != codings.rend(); ++it) {
    auto decoded = DecodeOne(data, *it, max_bytes);
    if (!decoded.ok()) return decoded.status();
    data = std::move(*decoded);
  }
  return data;
}

}  // namespace pressarc
