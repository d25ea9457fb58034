// Status::DiskFull and the helpers that recognise a full disk (config/status.h).
#include "config/status.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <string>

namespace pressarc {
namespace {

TEST(DiskFullStatus, IsARuntimeFailureNamingThePath) {
  Status s = Status::DiskFull("/data/archive/a.warc.gz");
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(s.disk_full());
  EXPECT_EQ(s.exit_code(), 1);
  EXPECT_EQ(s.message(), "disk full writing /data/archive/a.warc.gz");
  EXPECT_EQ(s.hint(), "");
  EXPECT_FALSE(Status::Runtime("disk full writing x").disk_full());
}

TEST(DiskFullStatus, WriteFailureMapsOnlyNoSpaceErrnos) {
  struct Case {
    int err;
    bool full;
  };
  for (const Case& c : {Case{ENOSPC, true}, Case{EDQUOT, true}, Case{EIO, false},
                        Case{EACCES, false}, Case{0, false}}) {
    Status s = WriteFailure(c.err, "/d/f", "cannot write /d/f");
    EXPECT_EQ(s.disk_full(), c.full) << c.err;
    EXPECT_EQ(s.message(), c.full ? "disk full writing /d/f" : "cannot write /d/f") << c.err;
  }
}

TEST(DiskFullStatus, RecognisesTheNoSpaceTextInLibraryErrors) {
  struct Case {
    const char* text;
    bool full;
  };
  for (const Case& c :
       {Case{"DatabaseError: Error writing block 45 (No space left on device)", true},
        Case{"DatabaseError: Error writing block 3 (Disk quota exceeded)", true},
        Case{"DatabaseCorruptError: Bad checksum", false}, Case{"", false}}) {
    EXPECT_EQ(MentionsNoSpace(c.text), c.full) << c.text;
  }
}

}  // namespace
}  // namespace pressarc
