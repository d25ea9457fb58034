#include "search/shards.h"

#include <filesystem>

#include "indexer/indexer.h"

namespace pressarc::search::internal {

namespace {

namespace fs = std::filesystem;

std::string OneLine(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

}  // namespace

std::string ShardDbPath(const std::string& path) {
  std::error_code ec;
  const std::string stub = IndexPaths::Stub(path);
  return fs::exists(stub, ec) ? stub : path;
}

IndexSet::IndexSet(std::string data_dir, OpenOptions options)
    : data_dir_(std::move(data_dir)), options_(std::move(options)) {
  for (const auto& name : options_.shards) {
    Shard s;
    s.name = name;
    if (name.starts_with("tcp://")) {
      const std::string rest = name.substr(6);
      const std::size_t colon = rest.rfind(':');
      s.host = rest.substr(0, colon);
      if (s.host.size() > 2 && s.host.front() == '[' && s.host.back() == ']') {
        s.host = s.host.substr(1, s.host.size() - 2);  // [::1]
      }
      try {
        s.port = static_cast<unsigned>(std::stoul(rest.substr(colon + 1)));
      } catch (const std::exception&) {
        s.error = "not tcp://HOST:PORT";
      }
      if (colon == std::string::npos || s.port == 0 || s.port > 65535) {
        s.error = "not tcp://HOST:PORT";
      }
    } else {
      s.path = name;
    }
    shards_.push_back(std::move(s));
  }
}

Xapian::Database IndexSet::OpenShard(const Shard& shard) const {
  if (shard.path.empty()) {
    const auto ms = static_cast<useconds_t>(options_.shard_timeout_s * 1000);
    return Xapian::Remote::open(shard.host, shard.port, ms, ms);
  }
  std::error_code ec;
  if (!fs::exists(shard.path, ec)) {
    throw Xapian::DatabaseOpeningError("no such directory");
  }
  return Xapian::Database(ShardDbPath(shard.path));
}

Status IndexSet::Open() {
  std::error_code ec;
  const std::string stub = IndexPaths::Stub(data_dir_);
  db_ = Xapian::Database();
  spelling_ = Xapian::Database();
  parts_.clear();
  has_local_ = fs::exists(stub, ec);
  if (has_local_) {
    Xapian::Database local(stub);  // throws: the caller's to handle
    db_.add_database(local);
    spelling_.add_database(local);
    parts_.push_back({local, false});
  }
  bool any = has_local_;
  for (auto& shard : shards_) {
    if (shard.error) continue;
    try {
      Xapian::Database one = OpenShard(shard);
      db_.add_database(one);
      parts_.push_back({one, shard.path.empty()});
      if (!shard.path.empty()) spelling_.add_database(one);
      any = true;
    } catch (const Xapian::Error& e) {
      std::string why = e.get_type() + std::string(": ") + e.get_msg();
      if (const char* sys = e.get_error_string(); sys != nullptr && *sys != '\0') {
        why += std::string(" (") + sys + ")";  // e.g. Connection refused
      }
      shard.error = OneLine(why);
    }
  }
  if (std::any_of(parts_.begin(), parts_.end(), [](const Part& p) { return p.db.size() != 1; })) {
    parts_.clear();  // a stub naming several databases: no docid mapping
  }
  if (!any) {
    std::string why = "no index answered";
    for (const auto& w : warnings()) why += "; " + w;
    return Status::Runtime(why, "start the shard servers, or check [search] shards");
  }
  return Status::Ok();
}

bool IndexSet::has_remote() const {
  for (const auto& shard : shards_) {
    if (shard.path.empty() && !shard.error) return true;
  }
  return false;
}

std::vector<std::string> IndexSet::warnings() const {
  std::vector<std::string> out;
  for (const auto& shard : shards_) {
    if (shard.error) out.push_back("shard " + shard.name + ": " + *shard.error);
  }
  return out;
}

std::vector<std::string> IndexSet::down() const {
  std::vector<std::string> out;
  for (const auto& shard : shards_) {
    if (shard.error) out.push_back(shard.name);
  }
  return out;
}

}  // namespace pressarc::search::internal
