// The style sheet, compiled into the binary: readable on a phone and a
// desktop, light and dark, no web fonts, nothing fetched.
#include <string>
#include <string_view>

#include "web/pages.h"

namespace pressarc::web::internal {

namespace {

std::string BuildStyleSheet() {
  std::string css = R"css(:root{color-scheme:light dark;--fg:#1b1b1b;--muted:#5b5b5b;--bg:#fff;
--line:#ddd;--accent:#0b57a4;--mark:#ffe58a;--bar:#6b8fc7}
@media (prefers-color-scheme:dark){:root{--fg:#e8e8e8;--muted:#a8a8a8;--bg:#161616;--line:#333;
--accent:#8ab4f8;--mark:#6b5600;--bar:#5679b0}}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;
color:var(--fg);background:var(--bg)}
a{color:var(--accent)}
header{border-bottom:1px solid var(--line);padding:.6rem 1rem}
header .home{font-weight:700;text-decoration:none;margin-right:1rem}
form.search{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;margin-top:.4rem}
form.search input[type=search]{flex:1 1 16rem;min-width:0;font-size:1rem;padding:.4rem .5rem;
border:1px solid var(--muted);border-radius:4px;background:var(--bg);color:var(--fg)}
form.search button,form.search select{font-size:1rem;padding:.35rem .7rem}
main{max-width:60rem;margin:0 auto;padding:1rem}
.layout{display:grid;grid-template-columns:minmax(0,1fr) 14rem;gap:2rem}
@media (max-width:48rem){.layout{grid-template-columns:minmax(0,1fr)}}
.summary{color:var(--muted);margin:.2rem 0 1rem}
.hit{margin:0 0 1.4rem}
.hit h2{font-size:1.1rem;margin:0 0 .2rem;overflow-wrap:anywhere}
.meta{color:var(--muted);font-size:.9rem;margin:0;overflow-wrap:anywhere}
.snippet{margin:.3rem 0}
mark{background:var(--mark);color:inherit;font-weight:600;padding:0 .1em}
.linked{font-size:.9rem;margin:.1rem 0}
aside h2{font-size:1rem;margin:1rem 0 .3rem}
aside ul{list-style:none;padding:0;margin:0}
aside li{display:flex;justify-content:space-between;gap:.5rem}
aside .note{color:var(--muted);font-size:.8rem}
.count{color:var(--muted);font-variant-numeric:tabular-nums}
.filters a{margin-right:.6rem}
.pager{display:flex;gap:1rem;margin:1.5rem 0}
.histogram{display:flex;align-items:flex-end;gap:1px;height:4rem;border-bottom:1px solid var(--line);
margin:.3rem 0}
.histogram a,.histogram span{flex:1 1 0;display:block;min-width:1px}
.histogram a{background:var(--bar)}
.histogram-range{display:flex;justify-content:space-between;color:var(--muted);font-size:.8rem}
.suggestion{font-size:1.05rem}
.error{border-left:4px solid #c33;padding:.4rem .8rem}
article.full h1{font-size:1.5rem;line-height:1.3;overflow-wrap:anywhere}
article.full dl{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.1rem 1rem;
font-size:.95rem}
article.full dt{color:var(--muted)}
article.full dd{margin:0;overflow-wrap:anywhere}
.text p{max-width:40rem}
header nav{display:inline}
header nav a{margin-right:.8rem}
p.removed{border-left:4px solid #c33;padding:.3rem .8rem;font-weight:600}
span.removed{color:#c33;font-weight:600}
.versions{border-top:1px solid var(--line);margin-top:2rem}
.versions h2{font-size:1.2rem}
.versions h3{font-size:1rem;margin:1.2rem 0 .2rem}
.versions ol{padding-left:0;list-style:none}
.hunk{max-width:40rem;overflow-wrap:anywhere;border-left:3px solid var(--line);padding-left:.6rem}
del{text-decoration:line-through;background:rgba(200,40,40,.15);color:inherit}
ins{text-decoration:underline;background:rgba(40,150,60,.15);color:inherit}
del::before{content:"[-"}del::after{content:"-]"}
ins::before{content:"{+"}ins::after{content:"+}"}
del::before,del::after,ins::before,ins::after{font-weight:700;text-decoration:none}
form.changes{display:flex;flex-wrap:wrap;gap:.6rem;align-items:center;margin:.5rem 0 1rem}
.events{list-style:none;padding:0}
.event{margin:0 0 1.2rem}
.event h2{font-size:1.05rem;margin:.1rem 0;overflow-wrap:anywhere}
.kind{font-weight:600}
.excerpt{margin:.2rem 0;font-size:.95rem;overflow-wrap:anywhere}
)css";
  // Histogram bar heights in steps of 5%: bars need no inline style, which
  // the pages' Content-Security-Policy forbids.
  for (int step = 0; step <= 20; ++step) {
    css += ".h" + std::to_string(step) + "{height:" + std::to_string(step * 5) + "%}";
  }
  css += "\n";
  return css;
}

}  // namespace

std::string_view StyleSheet() {
  static const std::string css = BuildStyleSheet();
  return css;
}

}  // namespace pressarc::web::internal
