// Atom 1.0 (RFC 4287) documents and atomic file replacement.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include "search/watch.h"

namespace pressarc::search {

namespace {

// The code point at text[*i] (advancing *i), or -1 for a malformed sequence
// (then *i moves one byte on).
long NextCodePoint(std::string_view text, std::size_t* i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = b(*i);
  std::size_t len = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xE  ? 3
                    : (c >> 3) == 0x1E ? 4
                                       : 0;
  if (len == 0 || *i + len > text.size()) {
    ++*i;
    return -1;
  }
  long cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
  for (std::size_t k = 1; k < len; ++k) {
    if ((b(*i + k) & 0xC0) != 0x80) {
      ++*i;
      return -1;
    }
    cp = (cp << 6) | (b(*i + k) & 0x3F);
  }
  static constexpr long kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++*i;
    return -1;
  }
  *i += len;
  return cp;
}

// XML 1.0's Char production.
bool IsXmlChar(long cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
         (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

// Text or attribute content: escaped, with what XML cannot carry removed.
std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t start = i;
    const long cp = NextCodePoint(text, &i);
    if (cp < 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      continue;
    }
    if (!IsXmlChar(cp)) continue;
    switch (cp) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        out.append(text.substr(start, i - start));
    }
  }
  return out;
}

void Element(std::string* out, std::string_view indent, std::string_view name,
             std::string_view text) {
  out->append(indent).append("<").append(name).append(">");
  out->append(Escape(text));
  out->append("</").append(name).append(">\n");
}

void Entry(std::string* out, const AtomEntry& e) {
  *out += "  <entry>\n";
  Element(out, "    ", "id", e.id);
  *out += "    <title type=\"text\">" + Escape(e.title) + "</title>\n";
  if (!e.link.empty()) {
    *out += "    <link rel=\"alternate\" type=\"text/html\" href=\"" + Escape(e.link) + "\"/>\n";
  }
  if (!e.published.empty()) Element(out, "    ", "published", e.published);
  Element(out, "    ", "updated", e.updated);
  if (!e.author.empty()) {
    *out += "    <author>\n";
    Element(out, "      ", "name", e.author);
    *out += "    </author>\n";
  }
  for (const auto& c : e.categories) {
    if (!c.empty()) *out += "    <category term=\"" + Escape(c) + "\"/>\n";
  }
  *out += "    <summary type=\"text\">" + Escape(e.summary) + "</summary>\n";
  *out += "  </entry>\n";
}

bool Digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return false;
  for (std::size_t k = pos; k < pos + n; ++k) {
    if (s[k] < '0' || s[k] > '9') return false;
  }
  return true;
}

}  // namespace

std::string AtomFeed(const AtomFeedInfo& feed, const std::vector<AtomEntry>& entries) {
  std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
  out += "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n";
  Element(&out, "  ", "id", feed.id);
  out += "  <title type=\"text\">" + Escape(feed.title) + "</title>\n";
  if (!feed.subtitle.empty()) {
    out += "  <subtitle type=\"text\">" + Escape(feed.subtitle) + "</subtitle>\n";
  }
  Element(&out, "  ", "updated", feed.updated);
  if (!feed.self_link.empty()) {
    out += "  <link rel=\"self\" type=\"application/atom+xml\" href=\"" + Escape(feed.self_link) +
           "\"/>\n";
  }
  out += "  <author>\n";
  Element(&out, "    ", "name", feed.author.empty() ? "pressarc" : feed.author);
  out += "  </author>\n";
  out += "  <generator>pressarc</generator>\n";
  for (const auto& e : entries) Entry(&out, e);
  out += "</feed>\n";
  return out;
}

std::string AtomDate(std::string_view p) {
  // YYYY-MM-DD
  if (!Digits(p, 0, 4) || p.size() < 10 || p[4] != '-' || !Digits(p, 5, 2) || p[7] != '-' ||
      !Digits(p, 8, 2)) {
    return "";
  }
  const std::string day(p.substr(0, 10));
  if (p.size() == 10) return day + "T00:00:00Z";
  if ((p[10] != 'T' && p[10] != ' ') || !Digits(p, 11, 2) || p.size() < 16 || p[13] != ':' ||
      !Digits(p, 14, 2)) {
    return day + "T00:00:00Z";
  }
  std::string time(p.substr(11, 5));
  std::size_t k = 16;
  if (k + 3 <= p.size() && p[k] == ':' && Digits(p, k + 1, 2)) {
    time += std::string(p.substr(k, 3));
    k += 3;
    while (k < p.size() && (p[k] == '.' || (p[k] >= '0' && p[k] <= '9'))) ++k;  // fraction dropped
  } else {
    time += ":00";
  }
  std::string_view zone = p.substr(k);
  if (zone == "Z" || zone == "z") return day + "T" + time + "Z";
  if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && Digits(zone, 1, 2) &&
      zone[3] == ':' && Digits(zone, 4, 2)) {
    return day + "T" + time + std::string(zone);
  }
  if (zone.size() == 5 && (zone[0] == '+' || zone[0] == '-') && Digits(zone, 1, 4)) {
    return day + "T" + time + std::string(zone.substr(0, 3)) + ":" + std::string(zone.substr(3));
  }
  return day + "T" + time + "Z";
}

Status WriteFileAtomically(const std::string& path, std::string_view bytes) {
  namespace fs = std::filesystem;
  const std::string tmp = path + ".tmp";
  // A full disk is Status::DiskFull(path); the temporary file is removed.
  const auto fail = [&](const std::string& what, int err) {
    return WriteFailure(err, path, "cannot " + what + " " + path + ": " + std::strerror(err));
  };
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return fail("write", errno);
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : ENOSPC;
      ::close(fd);
      ::unlink(tmp.c_str());
      return fail("write", err);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return fail("sync", err);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return fail("replace", err);
  }
  std::string dir = fs::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::Ok();
}

}  // namespace pressarc::search
