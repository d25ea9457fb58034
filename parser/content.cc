// Main-content extraction: boilerplate marking, candidate scoring and text
// serialisation. The scoring follows Mozilla Readability (paragraph scores
// from length and commas propagated to ancestors, tag and class/id weights,
// link density, sibling merging, conditional cleaning), with changes taken
// from jusText/trafilatura and from pages it got wrong: a paragraph's score
// is scaled by its own link density; boilerplate classes and `hidden` never
// remove a container that holds most of the page's text; class and id are
// read as words (ClassWords), not substrings; <article> earns a bonus only
// when the page has one; a candidate with twice the text of the best-scored
// one wins (teaser boxes lose to the release); adjacent blocks of running
// text join the article, teasers with linked headings do not; lists and
// tables inside the article stay unless they are link lists. Every pass is
// linear in the node count (ancestor walks are bounded by the depth
// BoundHtml caps).
#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "config/ascii.h"
#include "parser/internal.h"

namespace pressarc::parser_internal {
namespace {

// Readability's unlikelyCandidates plus the blocks seen on ministry sites,
// matched as words of the class and id (ClassWords).
bool IsUnlikely(const ClassWords& w) {
  return w.Has({"ad",           "ai2html",    "banner",     "breadcrumb", "combx",
                "comment",      "community",  "cover-wrap", "disqus",     "extra",
                "footer",       "gdpr",       "header",     "legends",    "menu",
                "related",      "remark",     "replies",    "rss",        "shoutbox",
                "sidebar",      "skyscraper", "social",     "sponsor",    "supplemental",
                "ad-break",     "agegate",    "pagination", "pager",      "popup",
                "yom-remote",   "share",      "cookie",     "subscribe",  "newsletter",
                "promo",        "navbar",     "print",      "read-also",  "readalso",
                "see-also",     "other-news", "more-news",  "widget",     "ainsyndication",
                "consent",      "modal",      "overlay",    "skip-link",  "feedback",
                "phase-banner", "weather",    "currency",   "tags",       "author-box"});
}
// Blocks that are boilerplate even when their class also says "content"
// ("sidebar-content", "comments-main", "related-articles").
bool IsStronglyUnlikely(const ClassWords& w) {
  return w.Has({"sidebar", "comment", "related", "cookie", "breadcrumb", "newsletter", "subscribe",
                "disqus", "social", "share"});
}
bool IsMaybeCandidate(const ClassWords& w) {
  return w.Has({"and", "article", "body", "column", "content", "main", "shadow", "text", "entry",
                "post", "story", "description"});
}
int ClassWeight(const ClassWords& w) {
  if (w.empty()) return 0;
  int weight = 0;
  if (w.Has({"ad",         "hidden",    "banner",   "combx",    "comment", "com",        "contact",
             "footer",     "gdpr",      "masthead", "media",    "meta",    "outbrain",   "promo",
             "related",    "scroll",    "share",    "shoutbox", "sidebar", "skyscraper", "sponsor",
             "shopping",   "tags",      "widget",   "nav",      "menu",    "social",     "cookie",
             "breadcrumb", "subscribe", "caption"}))
    weight -= 25;
  if (w.Has({"article", "body", "content", "entry", "hentry", "main", "page", "post", "text",
             "blog", "story", "description", "news-in", "news-text", "news-paragraph"}))
    weight += 25;
  return weight;
}
int ClassWeight(std::string_view cls, std::string_view id) {
  return ClassWeight(ClassWords(cls, id));
}

// Code points of whitespace-collapsed text, and commas, without allocating.
void CountText(std::string_view s, std::size_t* chars, std::size_t* commas) {
  bool space = true;
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f') {
      if (!space) ++*chars;
      space = true;
      continue;
    }
    space = false;
    if ((c & 0xC0) != 0x80) ++*chars;
    if (c == ',') ++*commas;
  }
}

bool IsBlockish(GumboTag t) {
  return !IsInlineTag(t);
}

struct Stats {
  std::vector<int> text;   // chars in the subtree (not counting removed)
  std::vector<int> links;  // chars inside <a>
  std::vector<int> own;    // chars of text whose nearest block ancestor is this node
  std::vector<int> own_links;
  std::vector<int> own_commas;
  std::vector<int> p, img, li, input, embed, headings;
  std::vector<int> items;  // list items, terms, definitions and table cells
};

Stats ComputeStats(const Dom& dom) {
  int n = dom.size();
  Stats s;
  auto zero = std::vector<int>(static_cast<std::size_t>(n), 0);
  s.text = s.links = s.own = s.own_links = s.own_commas = zero;
  s.p = s.img = s.li = s.input = s.embed = s.headings = s.items = zero;
  auto at = [](std::vector<int>& v, int i) -> int& { return v[static_cast<std::size_t>(i)]; };
  // Own text: walk forward; the nearest block ancestor is tracked per node.
  std::vector<int> block(static_cast<std::size_t>(n), -1);
  std::vector<char> in_link(static_cast<std::size_t>(n), 0);
  for (int i = 0; i < n; ++i) {
    const Node& nd = dom[i];
    int par = nd.parent;
    if (nd.removed || (par >= 0 && at(block, par) == -2)) {
      // Inside a removed subtree: mark with -2 so descendants know.
      block[static_cast<std::size_t>(i)] = -2;
      continue;
    }
    if (nd.is_text) {
      std::size_t chars = 0, commas = 0;
      CountText(nd.text, &chars, &commas);
      at(s.text, i) = static_cast<int>(chars);
      int b = par >= 0 ? at(block, par) : -1;
      if (b < 0) b = par;
      if (b >= 0) {
        at(s.own, b) += static_cast<int>(chars);
        at(s.own_commas, b) += static_cast<int>(commas);
        if (par >= 0 && in_link[static_cast<std::size_t>(par)])
          at(s.own_links, b) += static_cast<int>(chars);
      }
      if (par >= 0 && in_link[static_cast<std::size_t>(par)])
        at(s.links, i) = static_cast<int>(chars);
      continue;
    }
    block[static_cast<std::size_t>(i)] = (IsBlockish(nd.tag) || par < 0) ? i : at(block, par);
    in_link[static_cast<std::size_t>(i)] =
        nd.tag == GUMBO_TAG_A || (par >= 0 && in_link[static_cast<std::size_t>(par)]);
    switch (nd.tag) {
      case GUMBO_TAG_P:
        at(s.p, i) = 1;
        break;
      case GUMBO_TAG_IMG:
        at(s.img, i) = 1;
        break;
      case GUMBO_TAG_LI:
        at(s.li, i) = 1;
        at(s.items, i) = 1;
        break;
      case GUMBO_TAG_DT:
      case GUMBO_TAG_DD:
      case GUMBO_TAG_TD:
      case GUMBO_TAG_TH:
        at(s.items, i) = 1;
        break;
      case GUMBO_TAG_INPUT:
      case GUMBO_TAG_SELECT:
      case GUMBO_TAG_TEXTAREA:
        at(s.input, i) = 1;
        break;
      case GUMBO_TAG_EMBED:
      case GUMBO_TAG_OBJECT:
      case GUMBO_TAG_IFRAME:
      case GUMBO_TAG_VIDEO:
        at(s.embed, i) = 1;
        break;
      case GUMBO_TAG_H1:
      case GUMBO_TAG_H2:
      case GUMBO_TAG_H3:
      case GUMBO_TAG_H4:
      case GUMBO_TAG_H5:
      case GUMBO_TAG_H6:
        at(s.headings, i) = 1;
        break;
      default:
        break;
    }
  }
  // Subtree sums, children before parents (reverse pre-order).
  for (int i = n - 1; i > 0; --i) {
    if (block[static_cast<std::size_t>(i)] == -2) continue;
    int par = dom[i].parent;
    if (par < 0) continue;
    for (auto* v :
         {&s.text, &s.links, &s.p, &s.img, &s.li, &s.input, &s.embed, &s.headings, &s.items})
      at(*v, par) += at(*v, i);
  }
  return s;
}

double LinkDensity(const Stats& s, int i) {
  int t = s.text[static_cast<std::size_t>(i)];
  return t > 0 ? static_cast<double>(s.links[static_cast<std::size_t>(i)]) / t : 0.0;
}

int FindBody(const Dom& dom) {
  for (int i = 0; i < dom.size() && i < 64; ++i)
    if (dom[i].tag == GUMBO_TAG_BODY) return i;
  return 0;
}

// ---- text serialisation ------------------------------------------------------

class TextBuilder {
 public:
  void Text(std::string_view s) { line_ += s; }
  void Space() { line_ += ' '; }
  void LineBreak() { FlushLine(); }
  void Paragraph() {
    FlushLine();
    if (!lines_.empty()) {
      std::string p;
      for (const auto& l : lines_) {
        if (!p.empty()) p += '\n';
        p += l;
      }
      paragraphs_.push_back(std::move(p));
      lines_.clear();
    }
  }
  std::vector<std::string>& paragraphs() {
    Paragraph();
    return paragraphs_;
  }

 private:
  void FlushLine() {
    std::string l = CollapseSpace(line_);
    line_.clear();
    if (!l.empty()) lines_.push_back(std::move(l));
  }
  std::string line_;
  std::vector<std::string> lines_;
  std::vector<std::string> paragraphs_;
};

void Serialize(const Dom& dom, int root, const std::vector<char>& skip, TextBuilder* b) {
  std::vector<std::pair<int, bool>> open;  // (end, is block)
  int end = dom[root].end;
  for (int j = root; j < end;) {
    while (!open.empty() && open.back().first <= j) {
      if (open.back().second) b->Paragraph();
      open.pop_back();
    }
    const Node& n = dom[j];
    if (n.removed || skip[static_cast<std::size_t>(j)]) {
      b->Space();
      j = n.end;
      continue;
    }
    if (n.is_text) {
      b->Text(n.text);
      ++j;
      continue;
    }
    switch (n.tag) {
      case GUMBO_TAG_BR:
        b->LineBreak();
        break;
      case GUMBO_TAG_TD:
      case GUMBO_TAG_TH:
        b->Space();
        break;
      case GUMBO_TAG_SCRIPT:
      case GUMBO_TAG_STYLE:
      case GUMBO_TAG_TEMPLATE:
      case GUMBO_TAG_HEAD:
      case GUMBO_TAG_TITLE:
        j = n.end;
        continue;
      default:
        break;
    }
    bool block = IsBlockish(n.tag) && n.tag != GUMBO_TAG_BR && n.tag != GUMBO_TAG_TD &&
                 n.tag != GUMBO_TAG_TH && n.tag != GUMBO_TAG_IMG;
    if (block) b->Paragraph();
    if (n.end > j + 1) open.emplace_back(n.end, block);
    ++j;
  }
  b->Paragraph();
}

// ---- Readability-style scoring ----------------------------------------------

struct Scorer {
  const Dom& dom;
  const Stats& st;
  std::vector<double> score;
  std::vector<char> has_score;

  bool one_article = true;  // at most one <article>: the tag marks the article

  Scorer(const Dom& d, const Stats& s)
      : dom(d),
        st(s),
        score(static_cast<std::size_t>(d.size()), 0.0),
        has_score(static_cast<std::size_t>(d.size()), 0) {
    int articles = 0;
    for (int i = 0; i < d.size(); ++i)
      if (d[i].tag == GUMBO_TAG_ARTICLE && !d[i].removed) ++articles;
    one_article = articles <= 1;
  }

  void Init(int i) {
    if (has_score[static_cast<std::size_t>(i)]) return;
    has_score[static_cast<std::size_t>(i)] = 1;
    double base = 0;
    switch (dom[i].tag) {
      case GUMBO_TAG_DIV:
      case GUMBO_TAG_ARTICLE:
      case GUMBO_TAG_MAIN:
      case GUMBO_TAG_SECTION:
        base = 5;
        break;
      case GUMBO_TAG_PRE:
      case GUMBO_TAG_TD:
      case GUMBO_TAG_BLOCKQUOTE:
        base = 3;
        break;
      case GUMBO_TAG_ADDRESS:
      case GUMBO_TAG_OL:
      case GUMBO_TAG_UL:
      case GUMBO_TAG_DL:
      case GUMBO_TAG_DD:
      case GUMBO_TAG_DT:
      case GUMBO_TAG_LI:
      case GUMBO_TAG_FORM:
        base = -3;
        break;
      case GUMBO_TAG_H1:
      case GUMBO_TAG_H2:
      case GUMBO_TAG_H3:
      case GUMBO_TAG_H4:
      case GUMBO_TAG_H5:
      case GUMBO_TAG_H6:
      case GUMBO_TAG_TH:
        base = -5;
        break;
      default:
        break;
    }
    if (dom[i].tag == GUMBO_TAG_ARTICLE && one_article) base += 10;
    if (dom.Attr(i, "itemprop") == "articleBody") base += 30;
    base += ClassWeight(dom.Attr(i, "class"), dom.Attr(i, "id"));
    score[static_cast<std::size_t>(i)] = base;
  }

  int Run(int body) {
    for (int i = body; i < dom[body].end; ++i) {
      const Node& n = dom[i];
      if (n.removed) {
        i = n.end - 1;
        continue;
      }
      if (n.is_text) continue;
      int own = st.own[static_cast<std::size_t>(i)];
      if (own < 25) continue;
      if (n.tag == GUMBO_TAG_A || n.tag == GUMBO_TAG_BODY) continue;
      double link = static_cast<double>(st.own_links[static_cast<std::size_t>(i)]) / own;
      double s = 1 + st.own_commas[static_cast<std::size_t>(i)] + std::min(own / 100, 3);
      s *= (1.0 - link);
      if (n.tag == GUMBO_TAG_LI || n.tag == GUMBO_TAG_DD || n.tag == GUMBO_TAG_DT) s *= 0.5;
      int level = 0;
      for (int p = n.parent; p >= 0 && level < 5; p = dom[p].parent, ++level) {
        if (dom[p].tag == GUMBO_TAG_HTML) break;
        Init(p);
        double div = level == 0 ? 1 : level == 1 ? 2 : level * 3;
        score[static_cast<std::size_t>(p)] += s / div;
      }
    }
    int top = -1;
    double best = 0;
    for (int i = 0; i < dom.size(); ++i) {
      if (!has_score[static_cast<std::size_t>(i)]) continue;
      double f = score[static_cast<std::size_t>(i)] * (1.0 - LinkDensity(st, i));
      score[static_cast<std::size_t>(i)] = f;
      if (top < 0 || f > best) {
        best = f;
        top = i;
      }
    }
    return top;
  }
  double Score(int i) const {
    return has_score[static_cast<std::size_t>(i)] ? score[static_cast<std::size_t>(i)] : 0.0;
  }
};

// Children (element) of a node.
std::vector<int> Children(const Dom& dom, int i) {
  std::vector<int> out;
  for (int j = i + 1; j < dom[i].end; j = dom[j].end) out.push_back(j);
  return out;
}

// A view or visit counter's text: a number, with at most a short label
// ("1 235", "Views: 1235", "Просмотров: 1235").
bool LooksLikeCount(std::string_view text) {
  if (text.size() > 48) return false;
  std::size_t digits = 0, letters = 0;
  for (unsigned char c : text) {
    if (c >= '0' && c <= '9')
      ++digits;
    else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80)
      ++letters;
  }
  return digits > 0 && letters <= 24;
}

// A view or visit counter ("1235", "Views: 1 242"): it changes on every
// request, so it must go before anything is scored or cleaned, or the text
// (and the blocks kept around it) would differ from one fetch to the next.
bool IsCounter(const Dom& dom, int i, int chars) {
  if (chars > 48) return false;
  std::string_view cls = dom.Attr(i, "class");
  std::string_view id = dom.Attr(i, "id");
  if (cls.empty() && id.empty()) return false;
  return ClassWords(cls, id).Has({"views", "view-count", "views-count", "viewcount", "counter",
                                  "hits", "hit-count", "pageviews", "visits", "read-count",
                                  "reads-count"}) &&
         LooksLikeCount(dom.Text(i, true, 64));
}

// Readability's _cleanConditionally for one node.
// Bylines, datelines, share and tag rows inside the article: short blocks
// whose class or id says what they are.
bool IsMetaBlock(const Dom& dom, const Stats& st, int i) {
  if (st.text[static_cast<std::size_t>(i)] > 250) return false;
  ClassWords w(dom.Attr(i, "class"), dom.Attr(i, "id"));
  if (dom.Attr(i, "rel") == "author") return true;
  if (w.empty()) return false;
  return w.Has({"byline",     "author",       "dateline",  "timestamp",  "posted-on",
                "published",  "article-date", "post-date", "entry-date", "post-meta",
                "entry-meta", "article-meta", "share",     "social",     "tags",
                "related",    "newsletter",   "subscribe", "promo",      "advert",
                "sponsor",    "print",        "comments"}) ||
         (st.text[static_cast<std::size_t>(i)] <= 80 &&
          w.Has({"date", "time", "meta", "info", "tarix"}) &&
          !FindTextDate(dom.Text(i, true, 512)).empty());
}

// A short block of mostly links ("See also: …", a row of tag links).
bool IsLinkBlock(const Dom& dom, const Stats& st, int i) {
  auto at = [&st, i](const std::vector<int>& v) { return v[static_cast<std::size_t>(i)]; };
  switch (dom[i].tag) {
    case GUMBO_TAG_LI:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TH:
      return false;  // an item: its list decides (ShouldCleanList)
    default:
      break;
  }
  int own = at(st.own);
  if (own == 0 || at(st.text) > 200) return false;
  return at(st.own_links) * 10 > own * 6;
}

// Author boxes and disclaimers (longer than a byline).
bool IsBioBlock(const Dom& dom, const Stats& st, int i) {
  if (st.text[static_cast<std::size_t>(i)] > 800) return false;
  return ClassWords(dom.Attr(i, "class"), dom.Attr(i, "id"))
      .Has({"author-bio", "authorbio", "bio", "author-info", "about-author", "author-box",
            "disclaimer", "credit", "copyright", "signup", "sign-up", "newsletter",
            "inline-promo"});
}

// Lists, definition lists and tables inside the article are content unless
// their class says otherwise or they are lists of links.
bool ShouldCleanList(const Dom& dom, const Stats& st, int i) {
  int weight = ClassWeight(dom.Attr(i, "class"), dom.Attr(i, "id"));
  double ld = LinkDensity(st, i);
  if (weight < 0 || ld > 0.5) return true;
  int input = st.input[static_cast<std::size_t>(i)], embed = st.embed[static_cast<std::size_t>(i)];
  return input > 0 || embed > 1;
}

bool IsListTag(GumboTag t) {
  return t == GUMBO_TAG_UL || t == GUMBO_TAG_OL || t == GUMBO_TAG_DL || t == GUMBO_TAG_TABLE;
}

bool ShouldClean(const Dom& dom, const Stats& st, const Scorer& sc, int i) {
  if (IsMetaBlock(dom, st, i) || IsBioBlock(dom, st, i)) return true;
  GumboTag t = dom[i].tag;
  if (IsListTag(t)) return ShouldCleanList(dom, st, i);
  if (t != GUMBO_TAG_FORM && t != GUMBO_TAG_FIELDSET && t != GUMBO_TAG_DIV &&
      t != GUMBO_TAG_SECTION && t != GUMBO_TAG_ASIDE)
    return false;
  auto at = [](const std::vector<int>& v, int k) { return v[static_cast<std::size_t>(k)]; };
  int weight = ClassWeight(dom.Attr(i, "class"), dom.Attr(i, "id"));
  if (weight + sc.Score(i) < 0) return true;
  std::size_t commas = 0, chars = 0;
  std::string text = dom.Text(i, true, 1 << 16);
  CountText(text, &chars, &commas);
  if (commas >= 10) return false;
  int p = at(st.p, i), img = at(st.img, i), li = at(st.li, i) - 100, input = at(st.input, i);
  int embed = at(st.embed, i);
  // A wrapper of a list or table ("table-responsive") is judged as the list.
  bool holds_items = at(st.items, i) > 0;
  double ld = LinkDensity(st, i);
  int len = static_cast<int>(chars);
  if (img > 1 && p > 0 && static_cast<double>(p) / img < 0.5) return true;
  if (li > p) return true;
  if (input > p / 3) return true;
  if (!holds_items && len < 25 && (img == 0 || img > 2) && at(st.headings, i) == 0) return true;
  if (weight < 25 && ld > (holds_items ? 0.5 : 0.2)) return true;
  if (weight >= 25 && ld > 0.5) return true;
  if ((embed == 1 && len < 75) || embed > 1) return true;
  return false;
}

bool IsTrailer(const std::string& p) {
  if (p.size() > 400) return false;
  static const char* kStarts[] = {"Reporting by",
                                  "(Reporting by",
                                  "Additional reporting by",
                                  "Editing by",
                                  "(Editing by",
                                  "Associated Press writer",
                                  "Follow @",
                                  "Follow us",
                                  "Have a tip?",
                                  "Sign up",
                                  "Subscribe to",
                                  "If you enjoyed this article",
                                  "Want more",
                                  "Disclaimer:",
                                  "Copyright ",
                                  "©",
                                  "All rights reserved",
                                  "Click here"};
  for (const char* s : kStarts)
    if (p.rfind(s, 0) == 0) return true;
  return false;
}

}  // namespace

int MarkBoilerplate(Dom& dom, const std::vector<int>& strip_nodes, bool class_patterns) {
  int n = dom.size();
  if (n == 0) return 0;
  // Raw text sizes protect big containers from class-based removal.
  std::vector<int> raw(static_cast<std::size_t>(n), 0);
  for (int i = n - 1; i >= 0; --i) {
    if (dom[i].is_text) {
      std::size_t chars = 0, commas = 0;
      CountText(dom[i].text, &chars, &commas);
      raw[static_cast<std::size_t>(i)] += static_cast<int>(chars);
    } else if (dom[i].tag == GUMBO_TAG_SCRIPT || dom[i].tag == GUMBO_TAG_STYLE) {
      raw[static_cast<std::size_t>(i)] = 0;
    }
    if (dom[i].parent >= 0)
      raw[static_cast<std::size_t>(dom[i].parent)] += raw[static_cast<std::size_t>(i)];
  }
  int body = FindBody(dom);
  double body_len = raw[static_cast<std::size_t>(body)];
  auto big = [&](int i) {
    return body_len > 300 && raw[static_cast<std::size_t>(i)] > 0.5 * body_len;
  };
  int marked = 0;
  for (int i = 0; i < n; ++i) {
    Node& nd = dom[i];
    if (nd.is_text) continue;
    bool remove = false;
    switch (nd.tag) {
      case GUMBO_TAG_SCRIPT:
      case GUMBO_TAG_STYLE:
      case GUMBO_TAG_NOSCRIPT:
      case GUMBO_TAG_IFRAME:
      case GUMBO_TAG_INS:
      case GUMBO_TAG_TEMPLATE:
      case GUMBO_TAG_SVG:
      case GUMBO_TAG_CANVAS:
      case GUMBO_TAG_BUTTON:
      case GUMBO_TAG_SELECT:
      case GUMBO_TAG_INPUT:
      case GUMBO_TAG_TEXTAREA:
      case GUMBO_TAG_OBJECT:
      case GUMBO_TAG_EMBED:
      case GUMBO_TAG_MAP:
      case GUMBO_TAG_HEAD:
      case GUMBO_TAG_APPLET:
      case GUMBO_TAG_FRAMESET:
      case GUMBO_TAG_MATH:
        remove = true;
        break;
      case GUMBO_TAG_NAV:
      case GUMBO_TAG_ASIDE:
      case GUMBO_TAG_FOOTER:
      case GUMBO_TAG_HEADER:
      case GUMBO_TAG_FORM:
      case GUMBO_TAG_MENU:
        remove = !big(i);
        break;
      default:
        break;
    }
    if (!remove && nd.tag != GUMBO_TAG_BODY && nd.tag != GUMBO_TAG_HTML) {
      std::string_view cls = dom.Attr(i, "class");
      std::string_view id = dom.Attr(i, "id");
      std::string role = AsciiLower(dom.Attr(i, "role"));
      std::string style = AsciiLower(dom.Attr(i, "style"));
      style.erase(std::remove(style.begin(), style.end(), ' '), style.end());
      if (dom.HasAttr(i, "hidden") || style.find("display:none") != std::string::npos ||
          style.find("visibility:hidden") != std::string::npos) {
        // Streaming renderers hold the body in <div hidden id="S:0"> until a
        // script moves it: a hidden block with most of the text is the page.
        remove = !big(i);
      } else if (IsCounter(dom, i, raw[static_cast<std::size_t>(i)])) {
        remove = true;
      } else if (id == "fb-root" ||
                 ((cls.substr(0, 3) == "fb-" || cls.find(" fb-") != std::string_view::npos) &&
                  raw[static_cast<std::size_t>(i)] < 200)) {  // fb-like, fb-comments widgets
        remove = true;
      } else if (class_patterns && !big(i)) {
        if (role == "dialog" || role == "alertdialog" || role == "navigation" || role == "banner" ||
            role == "contentinfo" || role == "complementary" || role == "search" ||
            role == "menu" || role == "menubar" || dom.Attr(i, "aria-modal") == "true") {
          remove = true;
        } else if (!cls.empty() || !id.empty()) {
          ClassWords words(cls, id);
          if (IsUnlikely(words) && (!IsMaybeCandidate(words) || IsStronglyUnlikely(words)) &&
              nd.tag != GUMBO_TAG_A && nd.tag != GUMBO_TAG_ARTICLE && nd.tag != GUMBO_TAG_MAIN &&
              dom.Attr(i, "itemprop") != "articleBody")
            remove = true;
        }
      }
    }
    if (remove) {
      nd.removed = true;
      ++marked;
      i = nd.end - 1;  // descendants are covered
    }
  }
  for (int i : strip_nodes) {
    if (i >= 0 && i < n && !dom[i].removed) {
      dom[i].removed = true;
      ++marked;
    }
  }
  return marked;
}

namespace {

// Several near-best candidates under one ancestor: the ancestor is the
// article (Readability's alternative candidates).
int CommonAncestorOfTops(const Dom& dom, const Scorer& sc, int top, int body) {
  std::vector<int> tops;
  for (int i = 0; i < dom.size(); ++i)
    if (sc.has_score[static_cast<std::size_t>(i)] && i != top &&
        sc.Score(i) >= 0.75 * sc.Score(top))
      tops.push_back(i);
  std::sort(tops.begin(), tops.end(), [&sc](int x, int y) { return sc.Score(x) > sc.Score(y); });
  if (tops.size() > 4) tops.resize(4);
  if (tops.size() < 3) return top;
  for (int p = dom[top].parent; p >= 0 && p != body && dom[p].tag != GUMBO_TAG_HTML;
       p = dom[p].parent) {
    int containing = 0;
    for (int t : tops) containing += dom.IsAncestor(p, t) ? 1 : 0;
    if (containing >= 3) return p;
  }
  return top;
}

int ProseChars(const Stats& st, int i) {
  return st.text[static_cast<std::size_t>(i)] - st.links[static_cast<std::size_t>(i)];
}

// Candidates are compared by their text, not only by tag and class bonuses:
// a teaser box (<article class="post"> of another item) loses to an unrelated
// candidate with at least twice its text outside links and few links.
int PreferMoreText(const Dom& dom, const Stats& st, const Scorer& sc, int top, int body) {
  int best = top;
  int best_chars = ProseChars(st, top);
  for (int i = 0; i < dom.size(); ++i) {
    if (!sc.has_score[static_cast<std::size_t>(i)] || i == body || dom[i].tag == GUMBO_TAG_HTML ||
        dom.IsAncestor(i, top) || dom.IsAncestor(top, i))
      continue;
    int chars = ProseChars(st, i);
    if (chars >= 2 * best_chars && chars >= 2 * ProseChars(st, top) && LinkDensity(st, i) < 0.2 &&
        sc.Score(i) > 0) {
      best = i;
      best_chars = chars;
    }
  }
  return best;
}

// Climbs while the parent scores at least as well (Readability).
int ClimbByScore(const Dom& dom, const Scorer& sc, int top, int body) {
  double last = sc.Score(top);
  const double threshold = last / 3;
  for (int p = dom[top].parent; p >= 0 && p != body && dom[p].tag != GUMBO_TAG_HTML;
       p = dom[p].parent) {
    if (!sc.has_score[static_cast<std::size_t>(p)]) continue;
    double ps = sc.Score(p);
    if (ps < threshold) break;
    if (ps > last) return p;
    last = ps;
  }
  return top;
}

int ChooseTop(const Dom& dom, const Stats& st, const Scorer& sc, int top, int body) {
  top = CommonAncestorOfTops(dom, sc, top, body);
  // A candidate chosen by its text is not traded back for a score.
  int by_text = PreferMoreText(dom, st, sc, top, body);
  top = by_text != top ? by_text : ClimbByScore(dom, sc, top, body);
  // An only child adds nothing: use its parent.
  while (dom[top].parent >= 0 && dom[top].parent != body &&
         Children(dom, dom[top].parent).size() == 1)
    top = dom[top].parent;
  return top;
}

// A block of running text: long enough, few links, ending like a sentence
// or made of paragraphs.
bool IsProseBlock(const Dom& dom, const Stats& st, int i, int min_chars) {
  int len = st.text[static_cast<std::size_t>(i)];
  if (len <= 0 || LinkDensity(st, i) >= 0.25) return false;
  if (len > min_chars) return true;
  std::string t = dom.Text(i, true, 4096);
  return dom[i].tag == GUMBO_TAG_P && LinkDensity(st, i) == 0 &&
         (t.find(". ") != std::string::npos || (!t.empty() && t.back() == '.'));
}

// Teasers of other items: a heading that is a link ("<h3><a href=…>").
bool HasLinkedHeading(const Dom& dom, const Stats& st, int i) {
  if (st.headings[static_cast<std::size_t>(i)] == 0) return false;
  for (int j = i; j < dom[i].end; ++j) {
    GumboTag t = dom[j].tag;
    if (t >= GUMBO_TAG_H1 && t <= GUMBO_TAG_H6 && !dom[j].is_text && !dom[j].removed &&
        LinkDensity(st, j) > 0.5)
      return true;
  }
  return false;
}

// The top candidate and the siblings that belong to the article: those that
// score well, those that share its class, and adjacent blocks of running text
// (a release split into several boxes).
std::vector<int> ArticleRoots(const Dom& dom, const Stats& st, const Scorer& sc, int top,
                              int body) {
  int parent = dom[top].parent;
  if (parent < 0 || top == body) return {top};
  std::vector<int> roots;
  double threshold = std::max(10.0, sc.Score(top) * 0.2);
  std::string_view top_class = dom.Attr(top, "class");
  for (int c : Children(dom, parent)) {
    if (dom[c].removed) continue;
    bool append = c == top;
    if (!append && !dom[c].is_text && !HasLinkedHeading(dom, st, c)) {
      double bonus =
          (!top_class.empty() && dom.Attr(c, "class") == top_class) ? sc.Score(top) * 0.2 : 0;
      if (sc.has_score[static_cast<std::size_t>(c)] && sc.Score(c) + bonus >= threshold)
        append = true;
      else if (dom[c].tag == GUMBO_TAG_P)
        append = IsProseBlock(dom, st, c, 80);
      else if (!IsInlineTag(dom[c].tag) && st.p[static_cast<std::size_t>(c)] > 0)
        append = IsProseBlock(dom, st, c, 80) && st.headings[static_cast<std::size_t>(c)] == 0;
    }
    if (append) roots.push_back(c);
  }
  return roots;
}

// Readability's conditional cleaning inside the chosen roots.
void CleanRoots(const Dom& dom, const Stats& st, const Scorer& sc, const std::vector<int>& roots,
                std::vector<char>* skip) {
  for (int root : roots) {
    for (int i = root + 1; i < dom[root].end; ++i) {
      if (dom[i].removed) {
        i = dom[i].end - 1;
        continue;
      }
      if (dom[i].is_text) continue;
      if (ShouldClean(dom, st, sc, i) || IsLinkBlock(dom, st, i)) {
        (*skip)[static_cast<std::size_t>(i)] = 1;
        i = dom[i].end - 1;
      }
    }
  }
}

}  // namespace

ContentResult ExtractContent(Dom& dom, const std::vector<int>& forced_roots,
                             std::string_view title) {
  ContentResult r;
  if (dom.size() == 0) return r;
  Stats st = ComputeStats(dom);
  Scorer sc(dom, st);
  std::vector<char> skip(static_cast<std::size_t>(dom.size()), 0);
  int body = FindBody(dom);

  if (!forced_roots.empty()) {
    for (int i : forced_roots) {
      bool nested = false;
      for (int j : r.roots) nested |= dom.IsAncestor(j, i);
      if (!nested) r.roots.push_back(i);
    }
    r.top = r.roots.front();
  } else {
    int top = sc.Run(body);
    top = top < 0 ? body : ChooseTop(dom, st, sc, top, body);
    r.top = top;
    r.roots = ArticleRoots(dom, st, sc, top, body);
    CleanRoots(dom, st, sc, r.roots, &skip);
  }

  TextBuilder b;
  for (int root : r.roots) {
    Serialize(dom, root, skip, &b);
    r.raw_chars += static_cast<std::size_t>(st.text[static_cast<std::size_t>(root)]);
    r.link_chars += static_cast<std::size_t>(st.links[static_cast<std::size_t>(root)]);
  }
  std::vector<std::string>& paras = b.paragraphs();
  // The heading repeated at the top of the body is not body text.
  std::string t = CollapseSpace(title);
  std::string out;
  // Trailing credits and calls to action after the article proper.
  std::size_t last = paras.size();
  while (last > 1 && paras.size() - last < 3 && IsTrailer(paras[last - 1])) --last;
  paras.resize(last);
  for (std::size_t k = 0; k < paras.size(); ++k) {
    if (!t.empty() && k < 3 && paras[k] == t) continue;
    if (!out.empty()) out += "\n\n";
    out += paras[k];
    ++r.paragraphs;
  }
  r.text = std::move(out);
  r.text_chars = Utf8Length(r.text);
  return r;
}

namespace {

// Elements whose text is never the page's text, even as a last resort.
bool IsNeverText(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_HEAD:
    case GUMBO_TAG_TITLE:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_SELECT:
    case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_SVG:
    case GUMBO_TAG_MATH:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_OBJECT:
      return true;
    default:
      return false;
  }
}

}  // namespace

ContentResult FallbackContent(const Dom& dom) {
  ContentResult r;
  int n = dom.size();
  if (n == 0) return r;
  // Text outside links and boilerplate per subtree (children before parents).
  std::vector<int> prose(static_cast<std::size_t>(n), 0);
  std::vector<char> in_link(static_cast<std::size_t>(n), 0);
  for (int i = 0; i < n; ++i) {
    int par = dom[i].parent;
    in_link[static_cast<std::size_t>(i)] =
        dom[i].tag == GUMBO_TAG_A || (par >= 0 && in_link[static_cast<std::size_t>(par)]);
  }
  for (int i = n - 1; i >= 0; --i) {
    if (dom[i].removed || (!dom[i].is_text && IsNeverText(dom[i].tag))) {
      prose[static_cast<std::size_t>(i)] = 0;
    } else if (dom[i].is_text && !in_link[static_cast<std::size_t>(i)]) {
      std::size_t chars = 0, commas = 0;
      CountText(dom[i].text, &chars, &commas);
      prose[static_cast<std::size_t>(i)] = static_cast<int>(chars);
    }
    if (dom[i].parent >= 0)
      prose[static_cast<std::size_t>(dom[i].parent)] += prose[static_cast<std::size_t>(i)];
  }
  // The smallest block holding most of that text: down from the body while
  // one child holds four fifths of it.
  int top = FindBody(dom);
  const int total = prose[static_cast<std::size_t>(top)];
  for (bool deeper = total > 0; deeper;) {
    deeper = false;
    for (int c : Children(dom, top)) {
      if (!dom[c].is_text && prose[static_cast<std::size_t>(c)] * 5 >= total * 4) {
        top = c;
        deeper = true;
        break;
      }
    }
  }
  TextBuilder b;
  if (total > 0) Serialize(dom, top, std::vector<char>(static_cast<std::size_t>(n), 0), &b);
  for (const std::string& p : b.paragraphs()) {
    if (!r.text.empty()) r.text += "\n\n";
    r.text += p;
    ++r.paragraphs;
  }
  r.top = top;
  r.roots = {top};
  r.text_chars = Utf8Length(r.text);
  return r;
}

}  // namespace pressarc::parser_internal
