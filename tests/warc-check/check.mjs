// pressarc's independent WARC checker, built on warcio.js (npm "warcio"),
// sharing no code with the C++ writer. Exit 0 when every file is good, 1 on
// any problem (each printed on its own line), 2 on a usage error.
//
// usage: node check.mjs [--allow-unpaired] FILE.warc[.gz] ...
//
// For every record: version line WARC/1.0 or 1.1; the mandatory fields
// (WARC-Record-ID as <scheme:...>, WARC-Date as UTC W3C-ISO8601,
// WARC-Type, Content-Length) and no repeated field except
// WARC-Concurrent-To; block length == Content-Length; WARC-Block-Digest and
// WARC-Payload-Digest recomputed (sha1/sha256/sha512/md5, Base32 or hex;
// the payload of application/http is the entity body, de-chunked when the
// stored head says chunked); WARC-Target-URI where the spec requires it.
// For HTTP responses: the stored head agrees with the stored body
// (Content-Length equals the body unless chunked or WARC-Truncated; a
// Content-Encoding of gzip has a gzip body).
// Per file: the first record is warcinfo; every response and revisit has a
// request linked by WARC-Concurrent-To (either direction; skipped with
// --allow-unpaired, for files made by tools that do not pair); revisits carry
// WARC-Profile (and, for server-not-modified, WARC-Refers-To-Target-URI and
// WARC-Refers-To-Date); a .gz file has one gzip member per record and
// nothing after the last one; a plain file has only CRLFs after it.
import fs from "node:fs";
import zlib from "node:zlib";
import crypto from "node:crypto";
import { WARCParser } from "warcio";

const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
function base32(buf) {
  let bits = 0, val = 0, out = "";
  for (const b of buf) {
    val = ((val << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) { out += B32[(val >>> (bits - 5)) & 31]; bits -= 5; }
  }
  if (bits > 0) out += B32[(val << (5 - bits)) & 31];
  return out;
}

// null when `label` ("alg:value") is the digest of `data`, else the problem.
function digestProblem(label, data) {
  const m = /^([A-Za-z0-9-]+):(.+)$/.exec(label || "");
  if (!m) return `malformed digest "${label}"`;
  const alg = m[1].toLowerCase().replace("-", "");
  const want = m[2].trim().replace(/=+$/, "");
  if (!["sha1", "sha256", "sha512", "md5"].includes(alg)) return null; // cannot verify: not an error
  const d = crypto.createHash(alg).update(data).digest();
  if (want.toUpperCase() === base32(d) || want.toLowerCase() === d.toString("hex")) return null;
  return `digest mismatch: header ${label}, computed ${alg}:${base32(d)}`;
}

// RFC 9112 chunked body -> payload; null when not well formed.
function dechunk(buf) {
  const parts = [];
  let i = 0;
  for (;;) {
    const eol = buf.indexOf("\r\n", i);
    if (eol < 0) return null;
    const size = parseInt(buf.subarray(i, eol).toString("latin1").split(";")[0].trim(), 16);
    if (Number.isNaN(size)) return null;
    if (size === 0) return Buffer.concat(parts);
    parts.push(buf.subarray(eol + 2, eol + 2 + size));
    i = eol + 2 + size + 2;
  }
}

// Splits an HTTP message block into its head (lines) and body.
function splitHttp(block) {
  const crlf = block.indexOf("\r\n\r\n"), lf = block.indexOf("\n\n");
  let sep, len;
  if (crlf >= 0 && (lf < 0 || crlf < lf)) { sep = crlf; len = 4; } else if (lf >= 0) { sep = lf; len = 2; } else return null;
  const lines = block.subarray(0, sep).toString("latin1").split(/\r?\n/);
  const headers = new Map();
  for (const line of lines.slice(1)) {
    const c = line.indexOf(":");
    if (c > 0) headers.set(line.slice(0, c).trim().toLowerCase(), line.slice(c + 1).trim());
  }
  return { start: lines[0], headers, body: block.subarray(sep + len) };
}

const DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const RID = /^<[A-Za-z][A-Za-z0-9+.-]*:[^\s<>]+>$/;
const NEEDS_URI = new Set(["response", "resource", "request", "revisit", "conversion", "continuation"]);
const NOT_MODIFIED = /\/revisit\/server-not-modified$/;
const ids = (v) => (v || "").split(/[\s,]+/).filter(Boolean);

async function check(file, allowUnpaired) {
  const errs = [];
  let raw;
  try { raw = fs.readFileSync(file); } catch (x) { console.log(`ERROR ${file}: cannot read: ${x.message}`); return false; }
  const gz = raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b;
  const origWarn = console.warn;
  console.warn = (...a) => errs.push(`${file}: warcio: ${a.join(" ")}`); // warcio only warns on some damage
  const parser = new WARCParser(fs.createReadStream(file), { parseHttp: false });
  const records = []; // {n, type, id, concurrent: [], where}
  let n = 0, lastEnd = 0;
  try {
    for await (const rec of parser) {
      n++;
      const h = rec.warcHeaders.headers, get = (k) => h.get(k), type = get("WARC-Type");
      const block = Buffer.from(await rec.readFully(false));
      const where = `${file} record #${n} (offset ${parser.offset}, ${type || "?"})`;
      const e = (msg) => errs.push(`${where}: ${msg}`);
      if (!/^WARC\/1\.[01]$/.test(rec.warcHeaders.statusline)) e(`bad version line "${rec.warcHeaders.statusline}"`);
      for (const k of ["WARC-Record-ID", "Content-Length", "WARC-Date", "WARC-Type"]) if (!get(k)) e(`missing ${k}`);
      if (get("WARC-Record-ID") && !RID.test(get("WARC-Record-ID"))) e(`bad WARC-Record-ID ${get("WARC-Record-ID")}`);
      if (get("WARC-Date") && !DATE.test(get("WARC-Date"))) e(`bad WARC-Date ${get("WARC-Date")}`);
      if (block.length !== Number(get("Content-Length"))) e(`block is ${block.length} bytes, Content-Length says ${get("Content-Length")}`);
      if (NEEDS_URI.has(type) && !rec.warcTargetURI) e("missing WARC-Target-URI");
      if (type === "warcinfo" && get("WARC-Target-URI")) e("warcinfo has a WARC-Target-URI");
      if (get("WARC-Block-Digest")) { const p = digestProblem(get("WARC-Block-Digest"), block); if (p) e("block " + p); }

      const isHttp = /^application\/http/i.test(get("Content-Type") || "");
      const msg = isHttp ? splitHttp(block) : null;
      if (isHttp && !msg && block.length) e("application/http block without a complete HTTP head");
      if (get("WARC-Payload-Digest") && type !== "revisit") {
        let payload = msg ? msg.body : isHttp ? Buffer.alloc(0) : block;
        let p = digestProblem(get("WARC-Payload-Digest"), payload);
        if (p && msg && /chunked/i.test(msg.headers.get("transfer-encoding") || "")) {
          const d = dechunk(payload);
          if (d && !digestProblem(get("WARC-Payload-Digest"), d)) p = null;
        }
        if (p) e("payload " + p);
      }
      if (type === "response" && msg && /^HTTP\//.test(msg.start)) {
        const te = msg.headers.get("transfer-encoding") || "", cl = msg.headers.get("content-length");
        if (!/chunked/i.test(te) && cl !== undefined && !get("WARC-Truncated") && Number(cl) !== msg.body.length)
          e(`stored HTTP head says Content-Length ${cl} but the stored body has ${msg.body.length} bytes`);
        const ce = (msg.headers.get("content-encoding") || "").toLowerCase();
        if (/^(x-)?gzip$/.test(ce) && msg.body.length >= 2 && !(msg.body[0] === 0x1f && msg.body[1] === 0x8b))
          e("stored HTTP head says Content-Encoding gzip but the stored body is not gzip");
      }
      if (type === "revisit") {
        const profile = get("WARC-Profile");
        if (!profile) e("revisit without WARC-Profile");
        else if (NOT_MODIFIED.test(profile)) {
          if (!get("WARC-Refers-To-Target-URI")) e("server-not-modified revisit without WARC-Refers-To-Target-URI");
          if (!get("WARC-Refers-To-Date")) e("server-not-modified revisit without WARC-Refers-To-Date");
          else if (!DATE.test(get("WARC-Refers-To-Date"))) e(`bad WARC-Refers-To-Date ${get("WARC-Refers-To-Date")}`);
        }
      }
      if (n === 1 && type !== "warcinfo") e("the first record is not warcinfo");
      records.push({ n, type, id: get("WARC-Record-ID"), concurrent: ids(get("WARC-Concurrent-To")), where });

      lastEnd = parser.offset + parser.recordLength;
      if (gz) { // record-at-time compression: [offset, offset+length) is one gzip member holding exactly this record
        const member = raw.subarray(parser.offset, lastEnd);
        let plain = null;
        try { plain = zlib.gunzipSync(member); } catch (x) { e(`not a complete gzip member (${x.code || x.message})`); }
        if (plain) {
          const hdrEnd = plain.indexOf("\r\n\r\n") + 4;
          if (!(member[0] === 0x1f && member[1] === 0x8b) || plain.length !== hdrEnd + block.length + 4)
            e(`gzip member holds ${plain.length} bytes, one record needs ${hdrEnd + block.length + 4} (not one record per member)`);
        }
      }
    }
  } catch (x) {
    errs.push(`${file}: cannot parse after record #${n}: ${x.message}`);
  }
  console.warn = origWarn;
  if (n === 0) errs.push(`${file}: no WARC records`);
  const tail = raw.subarray(lastEnd);
  if (n > 0 && (gz ? tail.length !== 0 : !/^(\r\n)*$/.test(tail.toString("latin1"))))
    errs.push(`${file}: ${tail.length} bytes after record #${n} are not a complete record (truncated file or trailing garbage)`);

  if (!allowUnpaired) {
    const byId = new Map(records.map((r) => [r.id, r]));
    for (const r of records) {
      if (r.type !== "response" && r.type !== "revisit") continue;
      const linked = records.some((q) => q.type === "request" &&
        (q.concurrent.includes(r.id) || r.concurrent.includes(q.id)));
      if (!linked) errs.push(`${r.where}: no request record linked to it by WARC-Concurrent-To`);
      for (const c of r.concurrent) if (!byId.has(c)) errs.push(`${r.where}: WARC-Concurrent-To ${c} is not in this file`);
    }
  }
  for (const x of errs) console.log("ERROR " + x);
  console.log(`${errs.length ? "FAIL" : "OK"} ${file}: ${n} records, ${errs.length} problems`);
  return errs.length === 0;
}

const args = process.argv.slice(2);
const allowUnpaired = args.includes("--allow-unpaired");
const files = args.filter((a) => a !== "--allow-unpaired");
if (!files.length || files.some((f) => f.startsWith("--"))) {
  console.error("usage: node check.mjs [--allow-unpaired] FILE.warc[.gz] ...");
  process.exit(2);
}
let ok = true;
for (const f of files) ok = (await check(f, allowUnpaired)) && ok;
process.exit(ok ? 0 : 1);
