// The browser test of `pressarc serve`: Debian's headless Chromium, driven by
// puppeteer-core, with JavaScript off, does what a person does — types a
// query, submits it, follows a facet, opens an article and its archived
// original, and a hostile page's; filters the change log and opens an
// edited article's versions — and checks what is on screen. Every
// request the browser attempts is watched: none may leave the server's
// origin. A screenshot of each page is saved in OUTDIR.
//
// usage: node serve.mjs BASE_URL OUTDIR
// Exit 0 when every check passes, 1 otherwise (each failure on its own line).
import fs from "node:fs";
import path from "node:path";
import puppeteer from "puppeteer-core";

const [base, outDir] = process.argv.slice(2);
if (!base || !outDir) {
  console.error("usage: node serve.mjs BASE_URL OUTDIR");
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });
const origin = new URL(base).origin;
const failures = [];
const check = (ok, what) => {
  if (!ok) failures.push(what);
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
};

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox", // runs as root in CI containers
    // Even if the code under test were wrong, nothing may leave loopback.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--no-proxy-server",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-domain-reliability",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
  ],
});

const outside = [];
let dialogs = 0;
async function newPage(width, height) {
  const page = await browser.newPage();
  await page.setJavaScriptEnabled(false);
  await page.setViewport({ width, height });
  page.on("request", (r) => {
    const u = r.url();
    if (!u.startsWith(origin + "/") && !u.startsWith("data:")) outside.push(u);
  });
  page.on("dialog", async (d) => {
    dialogs++;
    await d.dismiss();
  });
  return page;
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(outDir, name), fullPage: true });
}

async function clickAndWait(page, selector) {
  const [response] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
  return response;
}

try {
  const page = await newPage(1200, 900);

  // The front page: a query box, nothing else needed.
  let response = await page.goto(base + "/");
  check(response.status() === 200, "front page answers 200");
  check((await page.$eval("html", (e) => e.lang)) === "en", "<html lang=en>");
  await shot(page, "home.png");

  // Type a query and submit the form (no JavaScript: a plain GET).
  await page.type('input[name="q"]', "Lavrov");
  response = await clickAndWait(page, 'button[type="submit"]');
  check(response.status() === 200, "search answers 200");
  check(new URL(page.url()).searchParams.get("q") === "Lavrov", "the query is in the URL");
  const hits = await page.$$eval("article.hit", (a) => a.map((e) => e.getAttribute("lang")));
  check(hits.length > 0, `results are shown (${hits.length})`);
  check(hits.every((l) => /^(az|en|ru)$/.test(l || "")), "every result has a lang attribute");
  check((await page.$$("article.hit mark")).length > 0, "matches are highlighted");
  check((await page.$$(".histogram a")).length > 0, "matches per month are drawn");
  await shot(page, "search.png");

  // Follow a facet: the filter is added, results remain.
  const before = hits.length;
  response = await clickAndWait(page, "aside ul li a");
  const url = new URL(page.url());
  check(url.searchParams.get("q") === "Lavrov", "the facet keeps the query");
  check(
    url.searchParams.has("source") || url.searchParams.has("lang") || url.searchParams.has("from"),
    "the facet adds a filter",
  );
  const filtered = (await page.$$("article.hit")).length;
  check(filtered > 0 && filtered <= before, `the filtered page has results (${filtered})`);
  check((await page.$$(".filters a")).length > 0, "the filter is shown and can be removed");
  await shot(page, "facet.png");

  // The same search at phone width: nothing wider than the screen.
  const phone = await newPage(390, 844);
  await phone.goto(base + "/?q=Lavrov");
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth);
  check(overflow <= 392, `the phone layout fits the screen (${overflow}px wide)`);
  await shot(phone, "search-phone.png");
  await phone.close();

  // Open the first result, then its archived original.
  response = await clickAndWait(page, "article.hit h2 a");
  check(response.status() === 200, "the article page answers 200");
  const title = await page.$eval("article.full h1", (e) => e.textContent.trim());
  check(title.length > 0, `the article page shows its title (${title.slice(0, 40)})`);
  check((await page.$$("article.full .text p")).length > 0, "the article page shows its text");
  await shot(page, "article.png");
  response = await clickAndWait(page, 'a[href^="/archive/"]');
  check(response.status() === 200, "the archived original answers 200");
  const csp = response.headers()["content-security-policy"] || "";
  check(csp.includes("sandbox") && csp.includes("default-src 'none'"), "the original is sandboxed");
  await shot(page, "original.png");

  // A hostile page (script in the title, live-web references everywhere).
  response = await page.goto(base + "/?q=zanzibarquux");
  const hostile = await page.$$eval("article.hit h2 a", (a) => a.map((e) => e.textContent));
  check(hostile.length === 1, "the hostile page is found");
  check(
    hostile.length === 1 && hostile[0].includes("<script>alert(1)</script>"),
    "its title is shown as text, not run",
  );
  check((await page.$$("article.hit img")).length === 0, "no element was injected");
  await shot(page, "hostile-search.png");
  if (hostile.length === 1) {
    await clickAndWait(page, "article.hit h2 a");
    await shot(page, "hostile-article.png");
    response = await clickAndWait(page, 'a[href^="/archive/"]');
    check(response.status() === 200, "the hostile original answers 200");
    await new Promise((r) => setTimeout(r, 1500)); // time for any refresh or prefetch to fire
    check(new URL(page.url()).origin === origin, "the hostile original did not navigate away");
    await shot(page, "hostile-original.png");
  }
  // The change log, from the header, and an edited article's versions.
  await page.goto(base + "/");
  response = await clickAndWait(page, 'header nav a[href="/changes"]');
  check(response.status() === 200, "the change log answers 200");
  check((await page.$$("li.event")).length > 0, "the change log lists events");
  await shot(page, "changes.png");
  await page.click('form.changes input[name="kind"][value="edited"]');
  response = await clickAndWait(page, "form.changes button");
  check(new URL(page.url()).search === "?since=&source=&kind=edited", `the filter is in the URL (${page.url()})`);
  const kinds = await page.$$eval("li.event .kind", (k) => k.map((e) => e.textContent));
  check(kinds.length > 0 && kinds.every((k) => k === "edited"), `only edited events (${kinds})`);
  const edited = await page.$("li.event .kind-edited");
  check(edited !== null, "the change log has an edited event");
  if (edited !== null) {
    response = await clickAndWait(page, 'li.event:has(.kind-edited) h2 a');
    check(response.status() === 200, "the edited article answers 200");
    const del = await page.$$eval("section.versions del", (d) => d.map((e) => e.textContent));
    const ins = await page.$$eval("section.versions ins", (d) => d.map((e) => e.textContent));
    check(del.includes("25") && ins.includes("26"), `the diff marks 25 → 26 (${del} / ${ins})`);
    const marker = await page.$eval("section.versions .hunk ins", (e) =>
      getComputedStyle(e, "::before").content);
    check(marker.includes("{+"), `insertions carry a visible marker without colour (${marker})`);
    const versions = await page.$("#versions");
    if (versions) await versions.scrollIntoView();
    await shot(page, "versions.png");
  }
  check(dialogs === 0, "no dialog was opened");
} catch (e) {
  failures.push(`exception: ${e.stack || e}`);
  console.log(`FAIL exception: ${e.stack || e}`);
} finally {
  await browser.close();
}

check(outside.length === 0, `no request left ${origin} (${outside.length}: ${outside.slice(0, 5).join(" ")})`);
if (failures.length) {
  console.log(`${failures.length} check(s) failed`);
  process.exit(1);
}
console.log("all browser checks passed");
