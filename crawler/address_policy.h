// Address policy: which addresses the crawler may connect to. Loopback,
// private, link-local, shared (CGNAT), unspecified, multicast and reserved
// addresses, IPv4 and IPv6 (and IPv4 addresses embedded in IPv6: mapped
// ::ffff:a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16), are refused unless the
// configuration names the address or the host literally (a source's start
// URL, or the host of an allow pattern such as '^http://127\.0\.0\.1:8080/').
// A named address is an exception only for URLs whose host is that address
// literal: "localhost" or any other name that resolves to 127.0.0.1 is
// refused even when 127.0.0.1 is named (a named host name is an exception
// for whatever it resolves to).
// The check is made on the address a name resolves to, just before the
// socket is opened (curl_client.cc), so DNS cannot lead the crawler inside.
//
// Internal to the crawler (tests include it directly). Pure functions; an
// AddressPolicy is immutable after construction and safe to share.
#pragma once

#include <sys/socket.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace pressarc {

enum class AddressClass {
  kPublic,
  kUnspecified,  // 0.0.0.0/8, ::
  kLoopback,     // 127/8, ::1
  kPrivate,      // 10/8, 172.16/12, 192.168/16, fc00::/7, fec0::/10
  kLinkLocal,    // 169.254/16 (cloud metadata 169.254.169.254), fe80::/10
  kShared,       // 100.64/10 (carrier-grade NAT)
  kMulticast,    // 224/4, ff00::/8
  kReserved,     // 240/4 and broadcast, other ::/96, 192.0.0/24, 198.18/15, documentation nets
  kInvalid,      // not an IPv4 or IPv6 address
};
// "public", "unspecified", "loopback", "private", "link-local",
// "shared (CGNAT)", "multicast", "reserved", "invalid".
const char* AddressClassName(AddressClass c);

// Classifies a socket address (AF_INET or AF_INET6; anything else kInvalid).
AddressClass ClassifyAddress(const sockaddr* addr);
// Classifies "10.0.0.1", "::1", "::ffff:10.0.0.1", "[fe80::1]"; kInvalid when
// the text is no address.
AddressClass ClassifyAddressText(std::string_view text);
// The canonical text of an address (inet_ntop; an embedded IPv4 address of a
// mapped form is given as a.b.c.d), "" for other families.
std::string AddressText(const sockaddr* addr);

class AddressPolicy {
 public:
  AddressPolicy() = default;  // only public addresses
  // Exceptions from the configuration: every host written literally after
  // "://" in a start URL or an allow pattern (regex escapes \. and \[ \]
  // undone; patterns whose host part is a regex construct name nothing).
  static AddressPolicy FromConfigText(const std::vector<std::string>& start_urls,
                                      const std::vector<std::string>& allow_patterns);
  void AllowAddress(std::string_view address);  // an address literal; ignored when invalid
  void AllowHost(std::string_view host);        // a host name (any case)

  // "" when `host` (the URL's host) may be reached at `addr`: a public
  // address, a named host, or a named address under its own literal; else
  // the reason, e.g. "address not allowed: 10.0.0.1 (private)".
  std::string Check(std::string_view host, const sockaddr* addr) const;

 private:
  std::set<std::string> addresses_;  // canonical text
  std::set<std::string> hosts_;      // lower case, no brackets
};

// The host written literally after the first "://" in a URL or a regex
// ("127.0.0.1", "::1", "example.org"), "" when none is (a regex construct).
std::string LiteralHost(std::string_view text);

}  // namespace pressarc
