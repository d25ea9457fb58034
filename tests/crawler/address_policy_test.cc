// The address policy's range table, as pure functions: every refused range,
// its boundaries, IPv6 and the IPv4-in-IPv6 forms, and the configuration's
// literal exceptions. No traffic.
#include "crawler/address_policy.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <cstring>

namespace pressarc {
namespace {

struct ClassCase {
  const char* address;
  AddressClass expected;
};

TEST(AddressPolicyTest, ClassifiesEveryRangeAndItsBoundaries) {
  const ClassCase cases[] = {
      {"0.0.0.0", AddressClass::kUnspecified},
      {"0.255.255.255", AddressClass::kUnspecified},
      {"1.0.0.0", AddressClass::kPublic},
      {"9.255.255.255", AddressClass::kPublic},
      {"10.0.0.0", AddressClass::kPrivate},
      {"10.0.0.1", AddressClass::kPrivate},
      {"10.255.255.255", AddressClass::kPrivate},
      {"11.0.0.0", AddressClass::kPublic},
      {"100.63.255.255", AddressClass::kPublic},
      {"100.64.0.0", AddressClass::kShared},
      {"100.127.255.255", AddressClass::kShared},
      {"100.128.0.0", AddressClass::kPublic},
      {"126.255.255.255", AddressClass::kPublic},
      {"127.0.0.1", AddressClass::kLoopback},
      {"127.0.0.2", AddressClass::kLoopback},
      {"127.255.255.255", AddressClass::kLoopback},
      {"128.0.0.0", AddressClass::kPublic},
      {"169.253.255.255", AddressClass::kPublic},
      {"169.254.0.0", AddressClass::kLinkLocal},
      {"169.254.169.254", AddressClass::kLinkLocal},
      {"169.254.255.255", AddressClass::kLinkLocal},
      {"169.255.0.0", AddressClass::kPublic},
      {"172.15.255.255", AddressClass::kPublic},
      {"172.16.0.0", AddressClass::kPrivate},
      {"172.31.255.255", AddressClass::kPrivate},
      {"172.32.0.0", AddressClass::kPublic},
      {"192.0.0.1", AddressClass::kReserved},
      {"192.0.2.1", AddressClass::kReserved},
      {"192.167.255.255", AddressClass::kPublic},
      {"192.168.0.0", AddressClass::kPrivate},
      {"192.168.255.255", AddressClass::kPrivate},
      {"192.169.0.0", AddressClass::kPublic},
      {"198.18.0.1", AddressClass::kReserved},
      {"198.19.255.255", AddressClass::kReserved},
      {"198.20.0.0", AddressClass::kPublic},
      {"203.0.113.7", AddressClass::kReserved},
      {"8.8.8.8", AddressClass::kPublic},
      {"223.255.255.255", AddressClass::kPublic},
      {"224.0.0.0", AddressClass::kMulticast},
      {"239.255.255.255", AddressClass::kMulticast},
      {"240.0.0.0", AddressClass::kReserved},
      {"255.255.255.255", AddressClass::kReserved},
      // IPv6
      {"::", AddressClass::kUnspecified},
      {"::1", AddressClass::kLoopback},
      {"[::1]", AddressClass::kLoopback},
      {"::2", AddressClass::kReserved},
      {"fbff:ffff::1", AddressClass::kPublic},
      {"fc00::", AddressClass::kPrivate},
      {"fd12:3456::1", AddressClass::kPrivate},
      {"fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", AddressClass::kPrivate},
      {"fe00::1", AddressClass::kPublic},
      {"fe7f:ffff::1", AddressClass::kPublic},
      {"fe80::", AddressClass::kLinkLocal},
      {"fe80::1", AddressClass::kLinkLocal},
      {"febf:ffff::1", AddressClass::kLinkLocal},
      {"fec0::1", AddressClass::kPrivate},
      {"ff02::1", AddressClass::kMulticast},
      {"2001:db8::1", AddressClass::kReserved},
      {"2a00:1450:4001::200e", AddressClass::kPublic},
      // IPv4 inside IPv6: mapped, NAT64, 6to4
      {"::ffff:127.0.0.1", AddressClass::kLoopback},
      {"::ffff:10.0.0.1", AddressClass::kPrivate},
      {"::ffff:169.254.169.254", AddressClass::kLinkLocal},
      {"::ffff:a9fe:a9fe", AddressClass::kLinkLocal},
      {"::ffff:192.168.1.1", AddressClass::kPrivate},
      {"::ffff:100.64.0.1", AddressClass::kShared},
      {"::ffff:0.0.0.0", AddressClass::kUnspecified},
      {"::ffff:8.8.8.8", AddressClass::kPublic},
      {"64:ff9b::10.1.2.3", AddressClass::kPrivate},
      {"64:ff9b::8.8.8.8", AddressClass::kPublic},
      {"2002:7f00:1::", AddressClass::kLoopback},
      {"2002:0808:0808::", AddressClass::kPublic},
      // not addresses
      {"", AddressClass::kInvalid},
      {"localhost", AddressClass::kInvalid},
      {"10.0.0", AddressClass::kInvalid},
      {"256.0.0.1", AddressClass::kInvalid},
      {"::ffff:10.0.0.1.5", AddressClass::kInvalid},
  };
  for (const ClassCase& c : cases) {
    EXPECT_EQ(AddressClassName(ClassifyAddressText(c.address)), AddressClassName(c.expected))
        << c.address;
  }
}

sockaddr_storage Parse(const char* text) {
  sockaddr_storage s;
  std::memset(&s, 0, sizeof(s));
  auto* v4 = reinterpret_cast<sockaddr_in*>(&s);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&s);
  if (inet_pton(AF_INET, text, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
  } else {
    EXPECT_EQ(inet_pton(AF_INET6, text, &v6->sin6_addr), 1) << text;
    v6->sin6_family = AF_INET6;
  }
  return s;
}

std::string Check(const AddressPolicy& policy, const char* host, const char* address) {
  sockaddr_storage s = Parse(address);
  return policy.Check(host, reinterpret_cast<const sockaddr*>(&s));
}

TEST(AddressPolicyTest, DefaultPolicyRefusesAllButPublicWithAReason) {
  AddressPolicy policy;
  EXPECT_EQ(Check(policy, "example.org", "93.184.216.34"), "");
  EXPECT_EQ(Check(policy, "example.org", "2a00:1450:4001::200e"), "");
  EXPECT_EQ(Check(policy, "intranet", "10.0.0.1"), "address not allowed: 10.0.0.1 (private)");
  EXPECT_EQ(Check(policy, "metadata", "169.254.169.254"),
            "address not allowed: 169.254.169.254 (link-local)");
  EXPECT_EQ(Check(policy, "x", "::ffff:10.0.0.1"), "address not allowed: 10.0.0.1 (private)");
  EXPECT_EQ(Check(policy, "x", "::1"), "address not allowed: ::1 (loopback)");
  EXPECT_EQ(Check(policy, "x", "fe80::1"), "address not allowed: fe80::1 (link-local)");
  EXPECT_EQ(Check(policy, "x", "100.64.0.1"), "address not allowed: 100.64.0.1 (shared (CGNAT))");
  EXPECT_EQ(Check(policy, "x", "0.0.0.0"), "address not allowed: 0.0.0.0 (unspecified)");
  EXPECT_EQ(Check(policy, "x", "224.0.0.1"), "address not allowed: 224.0.0.1 (multicast)");
  sockaddr unix_addr{};
  unix_addr.sa_family = AF_UNIX;
  EXPECT_NE(policy.Check("x", &unix_addr), "");
  EXPECT_NE(policy.Check("x", nullptr), "");
}

TEST(AddressPolicyTest, LiteralHostReadsUrlsAndRegexes) {
  const std::pair<const char*, const char*> cases[] = {
      {"http://127.0.0.1:8080/", "127.0.0.1"},
      {"^http://127\\.0\\.0\\.1:18081/", "127.0.0.1"},
      {"^https?://Intranet\\.Example\\.org/news/", "intranet.example.org"},
      {"https://localhost/", "localhost"},
      {"http://[::1]:8080/", "::1"},
      {"^http://\\[fd00::5\\]:80/", "fd00::5"},
      {"^https?://(www\\.)?example\\.org/", ""},
      {"^https?://[^/]+/", ""},
      {"^http://10\\.\\d+\\.0\\.1/", ""},
      {"^http://example\\.org.*", ""},
      {"no scheme here", ""},
      {"http://", ""},
  };
  for (const auto& [text, host] : cases) EXPECT_EQ(LiteralHost(text), host) << text;
}

TEST(AddressPolicyTest, ConfigNamesAddressesAndHostsAsExceptions) {
  AddressPolicy policy = AddressPolicy::FromConfigText(
      {"http://127.0.0.1:18081/", "https://intranet.example.org/"},
      {"^http://10\\.1\\.2\\.3:8080/", "^http://\\[fd00::5\\]/", "^https?://(www\\.)?x\\.org/"});
  EXPECT_EQ(Check(policy, "127.0.0.1", "127.0.0.1"), "");
  EXPECT_EQ(Check(policy, "::ffff:127.0.0.1", "::ffff:127.0.0.1"), "");  // its mapped form
  EXPECT_EQ(Check(policy, "10.1.2.3", "10.1.2.3"), "");
  EXPECT_EQ(Check(policy, "fd00::5", "fd00::5"), "");
  EXPECT_EQ(Check(policy, "INTRANET.example.org", "192.168.7.7"), "");  // the host is named
  EXPECT_EQ(Check(policy, "127.0.0.2", "127.0.0.2"), "address not allowed: 127.0.0.2 (loopback)");
  EXPECT_EQ(Check(policy, "10.1.2.4", "10.1.2.4"), "address not allowed: 10.1.2.4 (private)");
  EXPECT_EQ(Check(policy, "www.x.org", "169.254.169.254"),
            "address not allowed: 169.254.169.254 (link-local)");
  EXPECT_EQ(Check(policy, "other.example.org", "192.168.7.7"),
            "address not allowed: 192.168.7.7 (private)");
}

TEST(AddressPolicyTest, NamedAddressIsRefusedUnderANameThatResolvesToIt) {
  AddressPolicy policy = AddressPolicy::FromConfigText({"http://127.0.0.1:18081/"}, {});
  EXPECT_EQ(Check(policy, "127.0.0.1", "127.0.0.1"), "");
  EXPECT_EQ(Check(policy, "localhost", "127.0.0.1"), "address not allowed: 127.0.0.1 (loopback)");
  EXPECT_EQ(Check(policy, "rebind.example.org", "::ffff:127.0.0.1"),
            "address not allowed: 127.0.0.1 (loopback)");
  EXPECT_EQ(Check(policy, "localhost", "::1"), "address not allowed: ::1 (loopback)");
}

}  // namespace
}  // namespace pressarc
