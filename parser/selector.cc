// A small CSS selector engine over the flat Gumbo DOM: the subset that
// per-source hints need (see Selector in internal.h). Matching runs right to
// left; a selector list has at most 16 selectors of at most 8 compounds each,
// so the cost per node is bounded by the nesting depth that BoundHtml caps.
#include <string>
#include <string_view>
#include <vector>

#include "config/ascii.h"
#include "parser/internal.h"

namespace pressarc::parser_internal {
namespace {

enum class AttrOp { kExists, kEquals, kContains, kPrefix, kSuffix, kWord };

struct AttrTest {
  std::string name;
  AttrOp op = AttrOp::kExists;
  std::string value;
};

struct Compound {
  std::string tag;  // "" = any
  std::vector<std::string> classes;
  std::string id;
  std::vector<AttrTest> attrs;
  bool child_of_previous = false;  // '>' between this and the previous compound
};

using Complex = std::vector<Compound>;

bool IsIdentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || static_cast<unsigned char>(c) >= 0x80;
}
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}
class SelectorParser {
 public:
  explicit SelectorParser(std::string_view s) : s_(s) {}

  bool Parse(std::vector<Complex>* out) {
    while (true) {
      Complex complex;
      if (!ParseComplex(&complex)) return false;
      out->push_back(std::move(complex));
      SkipSpace();
      if (pos_ >= s_.size()) return out->size() <= 16;
      if (s_[pos_] != ',') return false;
      ++pos_;
    }
  }

 private:
  void SkipSpace() {
    while (pos_ < s_.size() && IsSpace(s_[pos_])) ++pos_;
  }
  std::string Ident() {
    std::size_t start = pos_;
    while (pos_ < s_.size() && IsIdentChar(s_[pos_])) ++pos_;
    return std::string(s_.substr(start, pos_ - start));
  }
  bool ParseComplex(Complex* complex) {
    SkipSpace();
    bool child = false;
    while (true) {
      Compound c;
      if (!ParseCompound(&c)) return false;
      c.child_of_previous = child;
      complex->push_back(std::move(c));
      if (complex->size() > 8) return false;
      std::size_t before = pos_;
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] == ',') return true;
      child = false;
      if (s_[pos_] == '>') {
        child = true;
        ++pos_;
        SkipSpace();
      } else if (pos_ == before) {
        return false;  // no combinator between compounds
      }
    }
  }
  bool ParseCompound(Compound* c) {
    bool any = false;
    if (pos_ < s_.size() && s_[pos_] == '*') {
      ++pos_;
      any = true;
    } else if (pos_ < s_.size() && IsIdentChar(s_[pos_])) {
      c->tag = AsciiLower(Ident());
      any = true;
    }
    while (pos_ < s_.size()) {
      char ch = s_[pos_];
      if (ch == '.' || ch == '#') {
        ++pos_;
        std::string name = Ident();
        if (name.empty()) return false;
        if (ch == '.')
          c->classes.push_back(name);
        else
          c->id = name;
      } else if (ch == '[') {
        ++pos_;
        if (!ParseAttr(c)) return false;
      } else {
        break;
      }
      any = true;
    }
    return any;
  }
  bool ParseAttr(Compound* c) {
    SkipSpace();
    AttrTest t;
    t.name = AsciiLower(Ident());
    if (t.name.empty()) return false;
    SkipSpace();
    if (pos_ >= s_.size()) return false;
    if (s_[pos_] == ']') {
      ++pos_;
      c->attrs.push_back(std::move(t));
      return true;
    }
    char op = s_[pos_];
    if (op == '=') {
      t.op = AttrOp::kEquals;
      ++pos_;
    } else if ((op == '*' || op == '^' || op == '$' || op == '~') && pos_ + 1 < s_.size() &&
               s_[pos_ + 1] == '=') {
      t.op = op == '*'   ? AttrOp::kContains
             : op == '^' ? AttrOp::kPrefix
             : op == '$' ? AttrOp::kSuffix
                         : AttrOp::kWord;
      pos_ += 2;
    } else {
      return false;
    }
    SkipSpace();
    if (pos_ < s_.size() && (s_[pos_] == '"' || s_[pos_] == '\'')) {
      char q = s_[pos_++];
      std::size_t end = s_.find(q, pos_);
      if (end == std::string_view::npos) return false;
      t.value = std::string(s_.substr(pos_, end - pos_));
      pos_ = end + 1;
    } else {
      t.value = Ident();
      if (t.value.empty()) return false;
    }
    SkipSpace();
    if (pos_ >= s_.size() || s_[pos_] != ']') return false;
    ++pos_;
    c->attrs.push_back(std::move(t));
    return true;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

bool HasWord(std::string_view list, std::string_view word) {
  std::size_t i = 0;
  while (i < list.size()) {
    while (i < list.size() && IsSpace(list[i])) ++i;
    std::size_t start = i;
    while (i < list.size() && !IsSpace(list[i])) ++i;
    if (i > start && list.substr(start, i - start) == word) return true;
  }
  return false;
}

bool MatchCompound(const Dom& dom, int i, const Compound& c) {
  const Node& n = dom[i];
  if (n.is_text) return false;
  if (!c.tag.empty() && dom.TagName(i) != c.tag) return false;
  if (!c.id.empty() && dom.Attr(i, "id") != c.id) return false;
  if (!c.classes.empty()) {
    std::string_view cls = dom.Attr(i, "class");
    for (const auto& k : c.classes)
      if (!HasWord(cls, k)) return false;
  }
  for (const auto& t : c.attrs) {
    if (!dom.HasAttr(i, t.name.c_str())) return false;
    std::string_view v = dom.Attr(i, t.name.c_str());
    switch (t.op) {
      case AttrOp::kExists:
        break;
      case AttrOp::kEquals:
        if (v != t.value) return false;
        break;
      case AttrOp::kContains:
        if (t.value.empty() || v.find(t.value) == std::string_view::npos) return false;
        break;
      case AttrOp::kPrefix:
        if (t.value.empty() || v.substr(0, t.value.size()) != t.value) return false;
        break;
      case AttrOp::kSuffix:
        if (t.value.empty() || v.size() < t.value.size() ||
            v.substr(v.size() - t.value.size()) != t.value)
          return false;
        break;
      case AttrOp::kWord:
        if (!HasWord(v, t.value)) return false;
        break;
    }
  }
  return true;
}

// Does compound k (and everything left of it) match with node i as compound k?
bool MatchFrom(const Dom& dom, int i, const Complex& cx, int k) {
  if (!MatchCompound(dom, i, cx[static_cast<std::size_t>(k)])) return false;
  if (k == 0) return true;
  if (cx[static_cast<std::size_t>(k)].child_of_previous) {
    int p = dom[i].parent;
    return p >= 0 && MatchFrom(dom, p, cx, k - 1);
  }
  for (int p = dom[i].parent; p >= 0; p = dom[p].parent)
    if (MatchFrom(dom, p, cx, k - 1)) return true;
  return false;
}

}  // namespace

struct Selector::Impl {
  std::vector<Complex> list;
  bool valid = false;
};

Selector::Selector(std::string_view text) : impl_(std::make_unique<Impl>()) {
  if (text.size() > 1024) return;
  SelectorParser parser(text);
  impl_->valid = parser.Parse(&impl_->list);
  if (!impl_->valid) impl_->list.clear();
}
Selector::~Selector() = default;
Selector::Selector(Selector&&) noexcept = default;
Selector& Selector::operator=(Selector&&) noexcept = default;

bool Selector::valid() const {
  return impl_->valid;
}

bool Selector::Matches(const Dom& dom, int i) const {
  for (const Complex& cx : impl_->list)
    if (MatchFrom(dom, i, cx, static_cast<int>(cx.size()) - 1)) return true;
  return false;
}

std::vector<int> Selector::MatchAll(const Dom& dom) const {
  std::vector<int> out;
  if (!impl_->valid) return out;
  for (int i = 0; i < dom.size(); ++i)
    if (!dom[i].is_text && Matches(dom, i)) out.push_back(i);
  return out;
}

}  // namespace pressarc::parser_internal
