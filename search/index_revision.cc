// IndexRevision: a cheap identity of the committed index that
// Searcher::Open would read now (search.h), from the stub files and the
// glass databases' version files.
#include <sys/stat.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "indexer/indexer.h"
#include "search/search.h"
#include "search/shards.h"

namespace pressarc::search {

namespace {

namespace fs = std::filesystem;

// "inode:mtime_ns:size" of `path`, "-" when it does not exist, nullopt when
// it cannot be told (any other error).
std::optional<std::string> FileIdentity(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::string("-");
    return std::nullopt;
  }
  return std::to_string(st.st_ino) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
         std::to_string(st.st_mtim.tv_nsec) + ":" + std::to_string(st.st_size);
}

// A glass database directory: its version file, which Xapian writes anew
// and renames over the old one on every commit. Not glass: no key.
std::optional<std::string> GlassRevision(const std::string& dir) {
  auto id = FileIdentity(dir + "/iamglass");
  if (!id || *id == "-") return std::nullopt;
  return id;
}

// A stub file: its text, and the revision of each database it names
// ("auto PATH" or "glass PATH", relative to the stub's folder, glass
// directories only). Anything else (a remote database, a nested stub, a
// single-file database) has no reliable key. No stub: "-".
std::optional<std::string> StubRevision(const std::string& stub) {
  std::ifstream in(stub, std::ios::binary);
  if (!in) {
    auto id = FileIdentity(stub);
    return id && *id == "-" ? id : std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::string key = text.str();
  std::istringstream lines(key);
  const fs::path base = fs::path(stub).parent_path();
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string kind, path;
    words >> kind;
    if (kind.empty() || kind.front() == '#') continue;
    std::getline(words >> std::ws, path);
    if ((kind != "auto" && kind != "glass") || path.empty()) return std::nullopt;
    const fs::path db = fs::path(path).is_absolute() ? fs::path(path) : base / path;
    auto revision = GlassRevision(db.string());
    if (!revision) return std::nullopt;
    key += "\n" + *revision;
  }
  return key;
}

// A directory shard, by the database IndexSet opens for it (ShardDbPath).
std::optional<std::string> DirectoryShardRevision(const std::string& path) {
  auto dir_id = FileIdentity(path);
  if (dir_id && *dir_id == "-") return dir_id;  // missing: left out, until it appears
  const std::string db = internal::ShardDbPath(path);
  return db == path ? GlassRevision(path) : StubRevision(db);
}

}  // namespace

std::optional<std::string> IndexRevision(const std::string& data_dir, const OpenOptions& options) {
  auto key = StubRevision(IndexPaths::Stub(data_dir));
  if (!key) return std::nullopt;
  for (const std::string& shard : options.shards) {
    if (shard.starts_with("tcp://")) return std::nullopt;  // nothing here tells its revision
    auto revision = DirectoryShardRevision(shard);
    if (!revision) return std::nullopt;
    *key += "\n\x1f" + shard + "\n" + *revision;
  }
  return key;
}

}  // namespace pressarc::search
