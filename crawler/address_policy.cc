#include "crawler/address_policy.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <array>
#include <cctype>
#include <cstdint>
#include <cstring>

namespace pressarc {
namespace {

using V6 = std::array<std::uint8_t, 16>;

bool InNet(std::uint32_t a, std::uint32_t net, int bits) {
  std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
  return (a & mask) == (net & mask);
}

constexpr std::uint32_t Ip4(std::uint32_t a, std::uint32_t b, std::uint32_t c, std::uint32_t d) {
  return a << 24 | b << 16 | c << 8 | d;
}

AddressClass ClassifyV4(std::uint32_t a) {
  struct Net {
    std::uint32_t net;
    int bits;
    AddressClass cls;
  };
  static constexpr Net kNets[] = {
      {Ip4(0, 0, 0, 0), 8, AddressClass::kUnspecified},
      {Ip4(10, 0, 0, 0), 8, AddressClass::kPrivate},
      {Ip4(100, 64, 0, 0), 10, AddressClass::kShared},
      {Ip4(127, 0, 0, 0), 8, AddressClass::kLoopback},
      {Ip4(169, 254, 0, 0), 16, AddressClass::kLinkLocal},
      {Ip4(172, 16, 0, 0), 12, AddressClass::kPrivate},
      {Ip4(192, 0, 0, 0), 24, AddressClass::kReserved},
      {Ip4(192, 0, 2, 0), 24, AddressClass::kReserved},
      {Ip4(192, 168, 0, 0), 16, AddressClass::kPrivate},
      {Ip4(198, 18, 0, 0), 15, AddressClass::kReserved},
      {Ip4(198, 51, 100, 0), 24, AddressClass::kReserved},
      {Ip4(203, 0, 113, 0), 24, AddressClass::kReserved},
      {Ip4(224, 0, 0, 0), 4, AddressClass::kMulticast},
      {Ip4(240, 0, 0, 0), 4, AddressClass::kReserved},
  };
  for (const Net& n : kNets) {
    if (InNet(a, n.net, n.bits)) return n.cls;
  }
  return AddressClass::kPublic;
}

std::uint32_t V4At(const V6& b, int at) {
  return static_cast<std::uint32_t>(b[at]) << 24 | static_cast<std::uint32_t>(b[at + 1]) << 16 |
         static_cast<std::uint32_t>(b[at + 2]) << 8 | b[at + 3];
}

bool Prefix(const V6& b, std::initializer_list<std::uint8_t> head) {
  return std::equal(head.begin(), head.end(), b.begin());
}

// The IPv4 address an IPv6 address carries (mapped, NAT64, 6to4), or -1.
std::int64_t EmbeddedV4(const V6& b) {
  if (Prefix(b, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff})) return V4At(b, 12);
  if (Prefix(b, {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0})) return V4At(b, 12);
  if (Prefix(b, {0x20, 0x02})) return V4At(b, 2);
  return -1;
}

AddressClass ClassifyV6(const V6& b) {
  if (std::int64_t v4 = EmbeddedV4(b); v4 >= 0) {
    return ClassifyV4(static_cast<std::uint32_t>(v4));
  }
  if (Prefix(b, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})) {
    if (V4At(b, 12) == 0) return AddressClass::kUnspecified;
    if (V4At(b, 12) == 1) return AddressClass::kLoopback;
    return AddressClass::kReserved;  // deprecated IPv4-compatible ::a.b.c.d
  }
  if ((b[0] & 0xfe) == 0xfc) return AddressClass::kPrivate;                    // fc00::/7
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return AddressClass::kLinkLocal;  // fe80::/10
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return AddressClass::kPrivate;    // fec0::/10
  if (b[0] == 0xff) return AddressClass::kMulticast;                           // ff00::/8
  if (Prefix(b, {0x20, 0x01, 0x0d, 0xb8})) return AddressClass::kReserved;     // documentation
  if (Prefix(b, {0x01, 0, 0, 0, 0, 0, 0, 0})) return AddressClass::kReserved;  // 100::/64 discard
  return AddressClass::kPublic;
}

V6 BytesOf(const in6_addr& a) {
  V6 b;
  std::memcpy(b.data(), a.s6_addr, 16);
  return b;
}

std::string_view StripBrackets(std::string_view s) {
  if (s.size() >= 2 && s.front() == '[' && s.back() == ']') return s.substr(1, s.size() - 2);
  return s;
}

// Parses an address literal into `storage`; false when it is none.
bool ParseAddress(std::string_view text, sockaddr_storage* storage) {
  std::string s(StripBrackets(text));
  std::memset(storage, 0, sizeof(*storage));
  auto* v4 = reinterpret_cast<sockaddr_in*>(storage);
  if (inet_pton(AF_INET, s.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    return true;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(storage);
  if (inet_pton(AF_INET6, s.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    return true;
  }
  return false;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool HostChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

// A bracketed IPv6 host at `s` ("[::1]" or "\[::1\]"), unescaped, or "".
std::string BracketedHost(std::string_view s) {
  std::string out;
  std::size_t i = s.front() == '\\' ? 2 : 1;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == ']' || (c == '\\' && i + 1 < s.size() && s[i + 1] == ']')) return out;
    if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') return "";
    out += c;
  }
  return "";
}

}  // namespace

const char* AddressClassName(AddressClass c) {
  switch (c) {
    case AddressClass::kPublic:
      return "public";
    case AddressClass::kUnspecified:
      return "unspecified";
    case AddressClass::kLoopback:
      return "loopback";
    case AddressClass::kPrivate:
      return "private";
    case AddressClass::kLinkLocal:
      return "link-local";
    case AddressClass::kShared:
      return "shared (CGNAT)";
    case AddressClass::kMulticast:
      return "multicast";
    case AddressClass::kReserved:
      return "reserved";
    case AddressClass::kInvalid:
      return "invalid";
  }
  return "invalid";
}

AddressClass ClassifyAddress(const sockaddr* addr) {
  if (addr == nullptr) return AddressClass::kInvalid;
  if (addr->sa_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(addr);
    return ClassifyV4(ntohl(v4->sin_addr.s_addr));
  }
  if (addr->sa_family == AF_INET6) {
    return ClassifyV6(BytesOf(reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr));
  }
  return AddressClass::kInvalid;
}

AddressClass ClassifyAddressText(std::string_view text) {
  sockaddr_storage storage;
  if (!ParseAddress(text, &storage)) return AddressClass::kInvalid;
  return ClassifyAddress(reinterpret_cast<const sockaddr*>(&storage));
}

std::string AddressText(const sockaddr* addr) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (addr == nullptr) return "";
  if (addr->sa_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(addr);
    return inet_ntop(AF_INET, &v4->sin_addr, buf, sizeof(buf)) ? buf : "";
  }
  if (addr->sa_family != AF_INET6) return "";
  const auto* v6 = reinterpret_cast<const sockaddr_in6*>(addr);
  V6 b = BytesOf(v6->sin6_addr);
  if (Prefix(b, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff})) {
    in_addr v4;
    std::memcpy(&v4, b.data() + 12, 4);
    return inet_ntop(AF_INET, &v4, buf, sizeof(buf)) ? buf : "";
  }
  return inet_ntop(AF_INET6, &v6->sin6_addr, buf, sizeof(buf)) ? buf : "";
}

std::string LiteralHost(std::string_view text) {
  std::size_t p = text.find("://");
  if (p == std::string_view::npos) return "";
  std::string_view s = text.substr(p + 3);
  if (s.empty()) return "";
  if (s.front() == '[' || (s.size() > 1 && s[0] == '\\' && s[1] == '[')) return BracketedHost(s);
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '/' || c == ':' || c == '$') break;
    if (c == '\\' && i + 1 < s.size() && (s[i + 1] == '.' || s[i + 1] == '-')) {
      out += s[++i];
      continue;
    }
    if (!HostChar(c)) return "";  // a regex construct: no literal host
    out += c;
  }
  return Lower(out);
}

AddressPolicy AddressPolicy::FromConfigText(const std::vector<std::string>& start_urls,
                                            const std::vector<std::string>& allow_patterns) {
  AddressPolicy policy;
  for (const auto* list : {&start_urls, &allow_patterns}) {
    for (const std::string& text : *list) {
      std::string host = LiteralHost(text);
      if (host.empty()) continue;
      if (ClassifyAddressText(host) != AddressClass::kInvalid) {
        policy.AllowAddress(host);
      } else {
        policy.AllowHost(host);
      }
    }
  }
  return policy;
}

namespace {

// The canonical text of a host that is an address literal ("" for a name).
std::string LiteralAddressText(std::string_view host) {
  sockaddr_storage storage;
  if (!ParseAddress(host, &storage)) return "";
  return AddressText(reinterpret_cast<const sockaddr*>(&storage));
}

}  // namespace

void AddressPolicy::AllowAddress(std::string_view address) {
  sockaddr_storage storage;
  if (!ParseAddress(address, &storage)) return;
  addresses_.insert(AddressText(reinterpret_cast<const sockaddr*>(&storage)));
}

void AddressPolicy::AllowHost(std::string_view host) {
  if (!host.empty()) hosts_.insert(Lower(StripBrackets(host)));
}

std::string AddressPolicy::Check(std::string_view host, const sockaddr* addr) const {
  AddressClass cls = ClassifyAddress(addr);
  if (cls == AddressClass::kPublic) return "";
  std::string text = AddressText(addr);
  if (cls != AddressClass::kInvalid) {
    if (hosts_.count(Lower(StripBrackets(host)))) return "";
    // A named address is reached only under its own literal: a name that
    // resolves to it ("localhost", a DNS record pointing inside) is not.
    if (addresses_.count(text) && LiteralAddressText(host) == text) return "";
  }
  return "address not allowed: " + (text.empty() ? std::string("?") : text) + " (" +
         AddressClassName(cls) + ")";
}

}  // namespace pressarc
