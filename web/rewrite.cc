// The archived original, made safe to show: Gumbo parses it, and the tree is
// written back with every reference rewritten or removed (web.h).
#include <gumbo.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parser/parser.h"
#include "web/web.h"

namespace pressarc::web {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && Lower(s.substr(0, prefix.size())) == prefix;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
  return s;
}

// Elements dropped with everything in them: they run code, embed other
// documents, or make the browser connect.
bool IsDroppedElement(std::string_view name) {
  static constexpr std::string_view kDropped[] = {
      "script",       "noscript",    "iframe",  "frame",    "frameset",      "object",
      "embed",        "applet",      "base",    "template", "noembed",       "noframes",
      "portal",       "fencedframe", "animate", "set",      "animatemotion", "animatetransform",
      "animatecolor", "discard",     "handler", "listener", "param",         "track"};
  const std::string lower = Lower(name);
  return std::find(std::begin(kDropped), std::end(kDropped), lower) != std::end(kDropped);
}

// Attributes dropped wherever they are: they fetch, navigate or run code.
bool IsDroppedAttribute(std::string_view name) {
  static constexpr std::string_view kDropped[] = {
      "srcset",     "imagesrcset",   "ping",    "integrity", "nonce",      "formaction", "action",
      "background", "poster",        "lowsrc",  "dynsrc",    "longdesc",   "codebase",   "archive",
      "manifest",   "profile",       "classid", "target",    "http-equiv", "srcdoc",     "data",
      "cite",       "attributename", "values",  "from",      "to",         "by"};
  if (name.size() >= 2 && (name[0] == 'o' || name[0] == 'O') &&
      (name[1] == 'n' || name[1] == 'N')) {
    return true;  // event handlers
  }
  const std::string lower = Lower(name);
  return std::find(std::begin(kDropped), std::end(kDropped), lower) != std::end(kDropped);
}

bool IsUrlAttribute(std::string_view name) {
  const std::string lower = Lower(name);
  return lower == "href" || lower == "src" || lower == "xlink:href" || lower == "usemap";
}

bool IsVoidElement(std::string_view name) {
  static constexpr std::string_view kVoid[] = {"area",  "base",   "br",    "col",  "embed",
                                               "hr",    "img",    "input", "link", "meta",
                                               "param", "source", "track", "wbr",  "keygen"};
  return std::find(std::begin(kVoid), std::end(kVoid), name) != std::end(kVoid);
}

bool IsSafeName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':' ||
           c == '.';
  });
}

std::string ElementName(const GumboNode* node) {
  const GumboElement& e = node->v.element;
  if (e.tag != GUMBO_TAG_UNKNOWN) {
    std::string name = gumbo_normalized_tagname(e.tag);
    if (e.tag_namespace == GUMBO_NAMESPACE_SVG) {
      GumboStringPiece piece = e.original_tag;
      gumbo_tag_from_original_text(&piece);
      if (const char* svg = gumbo_normalize_svg_tagname(&piece)) name = svg;
    }
    return name;
  }
  GumboStringPiece piece = e.original_tag;
  gumbo_tag_from_original_text(&piece);
  std::string name(piece.data ? piece.data : "", piece.data ? piece.length : 0);
  return e.tag_namespace == GUMBO_NAMESPACE_HTML ? Lower(name) : name;
}

void AppendEscaped(std::string_view text, bool attribute, std::string* out) {
  for (char c : text) {
    switch (c) {
      case '&':
        *out += "&amp;";
        break;
      case '<':
        *out += "&lt;";
        break;
      case '>':
        *out += "&gt;";
        break;
      case '"':
        if (attribute) {
          *out += "&quot;";
          break;
        }
        [[fallthrough]];
      default:
        if (c != '\0') *out += c;
    }
  }
}

class Rewriter {
 public:
  Rewriter(const std::string& page_url, const ReplayResolver& resolve)
      : page_url_(page_url), resolve_(resolve) {}

  std::string Run(const GumboOutput* output) {
    if (output->document->v.document.has_doctype) out_ += "<!DOCTYPE html>\n";
    Write(output->root);
    return std::move(out_);
  }

 private:
  struct Frame {
    const GumboNode* node;
    unsigned next_child;
    std::string close;  // the end tag to write after the children
  };

  // Depth-first without recursion: a deep tree cannot exhaust the stack.
  void Write(const GumboNode* root) {
    std::vector<Frame> stack;
    Open(root, &stack);
    while (!stack.empty()) {
      Frame& top = stack.back();
      const GumboVector& children = top.node->v.element.children;
      if (top.next_child < children.length) {
        const auto* child = static_cast<const GumboNode*>(children.data[top.next_child++]);
        Open(child, &stack);
        continue;
      }
      out_ += top.close;
      stack.pop_back();
    }
  }

  // Writes a node's start (or the whole node when it has no children to
  // visit) and pushes elements whose children follow.
  void Open(const GumboNode* node, std::vector<Frame>* stack) {
    switch (node->type) {
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_WHITESPACE:
      case GUMBO_NODE_CDATA:
        WriteText(node);
        return;
      case GUMBO_NODE_COMMENT:
      case GUMBO_NODE_DOCUMENT:
        return;
      case GUMBO_NODE_ELEMENT:
      case GUMBO_NODE_TEMPLATE:
        break;
    }
    std::string name = ElementName(node);
    if (IsDroppedElement(name) || !IsSafeName(name)) return;
    if (name == "xmp" || name == "plaintext" || name == "listing") name = "pre";
    if (name == "meta" && !KeepMeta(node)) return;
    if (name == "link" && !KeepLink(node)) return;
    out_ += '<';
    out_ += name;
    WriteAttributes(node, name);
    out_ += '>';
    if (name == "head") out_ += "<meta charset=\"utf-8\">";
    if (IsVoidElement(name)) return;
    stack->push_back(Frame{node, 0, "</" + name + ">"});
  }

  void WriteText(const GumboNode* node) {
    std::string_view text = node->v.text.text;
    const GumboNode* parent = node->parent;
    if (parent != nullptr && parent->type == GUMBO_NODE_ELEMENT &&
        parent->v.element.tag == GUMBO_TAG_STYLE) {
      std::string css = RewriteCss(text, page_url_, resolve_);
      // Raw text: nothing in it may end the element.
      for (std::size_t p = css.find("</"); p != std::string::npos; p = css.find("</", p)) {
        css.replace(p, 2, "<\\/");
      }
      out_ += css;
      return;
    }
    AppendEscaped(text, false, &out_);
  }

  // <meta> that only describes (name=, property=, itemprop=) stays;
  // http-equiv (refresh, Link, Set-Cookie, CSP) and charset go (ours is added).
  static bool KeepMeta(const GumboNode* node) {
    const GumboVector& attrs = node->v.element.attributes;
    for (unsigned i = 0; i < attrs.length; ++i) {
      const auto* a = static_cast<const GumboAttribute*>(attrs.data[i]);
      const std::string name = Lower(a->name);
      if (name == "http-equiv" || name == "charset") return false;
    }
    return true;
  }

  // Only a style sheet the archive holds is kept; every hint that makes a
  // browser connect (preconnect, dns-prefetch, prefetch, preload,
  // prerender, modulepreload), icons and manifests go.
  bool KeepLink(const GumboNode* node) {
    const GumboAttribute* rel = gumbo_get_attribute(&node->v.element.attributes, "rel");
    const GumboAttribute* href = gumbo_get_attribute(&node->v.element.attributes, "href");
    if (rel == nullptr || href == nullptr || Lower(Trim(rel->value)) != "stylesheet") return false;
    return Resolve(href->value).has_value();
  }

  std::optional<std::string> Resolve(std::string_view value) {
    if (lookups_ == 0) return std::nullopt;
    std::string url = ResolveUrl(page_url_, Trim(value));
    if (url.empty()) return std::nullopt;
    --lookups_;
    return resolve_(url);
  }

  void WriteAttributes(const GumboNode* node, const std::string& element) {
    const GumboVector& attrs = node->v.element.attributes;
    for (unsigned i = 0; i < attrs.length; ++i) {
      const auto* a = static_cast<const GumboAttribute*>(attrs.data[i]);
      std::string name = a->name;
      if (a->attr_namespace == GUMBO_ATTR_NAMESPACE_XLINK) name = "xlink:" + name;
      if (!IsSafeName(name) || IsDroppedAttribute(name)) continue;
      std::string value = a->value;
      if (IsUrlAttribute(name)) {
        auto rewritten = RewriteReference(element, Lower(name), value);
        if (!rewritten) continue;
        value = std::move(*rewritten);
      } else if (Lower(name) == "style" || Lower(value).find("url(") != std::string::npos) {
        // Style, and presentation attributes that take url() (SVG fill, filter, mask...).
        value = RewriteCss(value, page_url_, resolve_);
        if (value.empty()) continue;
      }
      out_ += ' ';
      out_ += name;
      out_ += "=\"";
      AppendEscaped(value, true, &out_);
      out_ += '"';
    }
  }

  // A reference: in-page fragments stay, data: images stay, a URL the
  // archive holds goes to its replay; anything else is removed.
  std::optional<std::string> RewriteReference(const std::string& element, const std::string& attr,
                                              const std::string& value) {
    const std::string_view v = Trim(value);
    if (v.starts_with("#")) return std::string(v);
    if (attr == "usemap") return std::nullopt;
    if (attr == "src" && StartsWithNoCase(v, "data:image/") &&
        (element == "img" || element == "source" || element == "input")) {
      return std::string(v);
    }
    return Resolve(v);
  }

  const std::string& page_url_;
  const ReplayResolver& resolve_;
  std::size_t lookups_ = 2000;
  std::string out_;
};

// The end of a CSS url( ... ) starting at `open` (just past "url("): the
// index past its ")" (or the end).
std::size_t UrlEnd(std::string_view css, std::size_t open) {
  std::size_t i = open;
  while (i < css.size() && css[i] != ')') {
    if (css[i] == '"' || css[i] == '\'') {
      const std::size_t close = css.find(css[i], i + 1);
      i = close == std::string_view::npos ? css.size() : close + 1;
      continue;
    }
    ++i;
  }
  return std::min(css.size(), i + 1);
}

std::string_view Unquote(std::string_view s) {
  s = Trim(s);
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) {
    s = s.substr(1, s.size() - 2);
  }
  return s;
}

}  // namespace

std::string RewriteCss(std::string_view css, const std::string& page_url,
                       const ReplayResolver& resolve) {
  // An escape can spell url( or @import so that no search below finds it.
  if (css.find('\\') != std::string_view::npos) return "";
  const std::string lower = Lower(css);
  std::string out;
  out.reserve(css.size());
  std::size_t i = 0;
  std::size_t budget = 200;  // references looked up per sheet
  while (i < css.size()) {
    const std::size_t url = lower.find("url(", i);
    const std::size_t import = lower.find("@import", i);
    const std::size_t set = lower.find("image-set(", i);
    const std::size_t next = std::min({url, import, set});
    if (next == std::string::npos) {
      out.append(css.substr(i));
      break;
    }
    out.append(css.substr(i, next - i));
    if (next == import) {
      out += "@x-blocked-import";  // an unknown at-rule: ignored
      i = next + 7;
    } else if (next == set) {
      out += "x-blocked-image-set(";  // an unknown function: the declaration is ignored
      i = next + 10;
    } else {
      const std::size_t end = UrlEnd(css, next + 4);
      std::string_view target = Unquote(css.substr(next + 4, end - next - 5));
      std::optional<std::string> local;
      if (StartsWithNoCase(target, "data:")) {
        local = std::string(target);
      } else if (budget > 0) {
        --budget;
        std::string absolute = ResolveUrl(page_url, target);
        if (!absolute.empty()) local = resolve(absolute);
      }
      std::string safe = local ? *local : "data:,";
      // Quoted, with nothing that could end the string.
      safe.erase(std::remove_if(safe.begin(), safe.end(),
                                [](char c) { return c == '"' || c == '\n' || c == '\r'; }),
                 safe.end());
      out += "url(\"" + safe + "\")";
      i = end;
    }
  }
  return out;
}

std::string RewriteArchivedHtml(std::string_view utf8_html, const std::string& page_url,
                                const ReplayResolver& resolve) {
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0;  // we do not read them
  GumboOutput* output = gumbo_parse_with_options(&options, utf8_html.data(), utf8_html.size());
  std::string html = Rewriter(page_url, resolve).Run(output);
  gumbo_destroy_output(&options, output);
  return html;
}

}  // namespace pressarc::web
