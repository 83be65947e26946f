// End-to-end test of chiso's web UI in Debian's headless Chromium (playwright-core).
// Usage: node test/e2e/e2e.mjs http://127.0.0.1:PORT [screenshot-dir]
// Every page, in Vietnamese and in English, at 390 and 1280 px wide, and every chart kind as an
// embed at 320×300, 460×460, 800×460 and 1200×800. It fails on:
// - any request to a host other than the server's, any console error or page error;
// - a chart whose canvas stays blank, or without an aria-label summary;
// - a page or embed wider than its window (scrollWidth > innerWidth);
// - in an embed, a chart title, legend or colour scale overlapping one another or the plot, or
//   reaching outside the chart;
// - a page or embed carrying words of the other language's interface (lists below; names of
//   sources, in the "Source" column and the source line, may stay as published).
// Screenshots of every page and embed at every size go to the screenshot directory.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";

const base = process.argv[2];
const shots = process.argv[3] || "test/e2e/out";
if (!base) { console.error("usage: e2e.mjs BASE_URL [DIR]"); process.exit(2); }
mkdirSync(shots, { recursive: true });
const origin = new URL(base).origin;

// Pages, each opened in both languages.
const pages = [
  ["overview", "/?indicator=pci"],
  ["overview-2016", "/?indicator=pci&year=2016"],
  ["overview-dti", "/?indicator=dti&year=2024"],
  ["overview-34", "/?indicator=pci&units=34"],
  ["profile", "/provinces/93"],
  ["profile-cantho34", "/provinces/Cần Thơ"],
  ["compare", "/compare?provinces=93,92,94&indicator=pci"],
  ["compare-grdp", "/compare?provinces=93,92,48,70&indicator=grdp_growth"],
  ["compare-empty", "/compare"],
  ["composite", "/composite"],
  ["composite-weights", "/composite?indicators=pci,grdp_per_capita,par_index&weights=2,1,1&year=2019"],
  ["not-found", "/no/such/page", 404],
];

// Every chart kind, as an embed.
const embeds = [
  ["line", "/embed/line?indicator=pci&provinces=93&trend=true"],
  ["ranking", "/embed/ranking?indicator=pci&year=2021&provinces=93"],
  ["bump", "/embed/bump?indicator=pci&provinces=93,92,94"],
  ["slope", "/embed/slope?indicator=pci&provinces=93,92"],
  ["radar", "/embed/radar"],
  ["scatter", "/embed/scatter?x=pci&y=papi"],
  ["heatmap", "/embed/heatmap?indicator=pci&provinces=93,92,94"],
  ["map", "/embed/map?indicator=pci&year=2023"],
  ["interval", "/embed/interval"],
];
const embedSizes = [[320, 300], [460, 460], [800, 460], [1200, 800]];

// Words of each language's interface that must not appear on a page of the other language.
const foreign = {
  vi: ["points", "a year", "published", "Mekong", "distance", "population", "from 2025", "Province", "Provinces", "Rank",
    "Source", "Year", "Value", "no data", "unverified", "Download", "Overview", "Compare", "Embed", "Data table",
    "standardized", "Euclidean", "insufficient", "National median", "Method change", "Trend", "Status", "Verified",
    "Latest", "Peers", "not found", "no such page", "expected", "million", "thousand", "persons", "Region"],
  en: ["điểm", "mỗi năm", "Tỉnh", "tỉnh", "Năm", "Nguồn", "Giá trị", "không có số liệu", "chưa kiểm chứng", "Trung vị",
    "Đổi phương pháp", "Xu hướng", "Thứ hạng", "Tải về", "Nhúng", "Bảng số liệu", "nghìn", "triệu", "người", "Đồng bằng",
    "không công bố", "So sánh", "Tổng quan", "suy từ", "trên"],
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic"],
});
const problems = [];
let checked = 0, opened = 0;

// visibleText is the page's text and its charts' words, less the names of sources.
async function visibleText(page) {
  return page.evaluate(() => {
    const skip = new Set();
    document.querySelectorAll("table").forEach((t) => {
      const heads = [...t.querySelectorAll("thead th")].map((th) => th.textContent.trim());
      const col = heads.findIndex((h) => h === "Source" || h === "Nguồn");
      if (col < 0) return;
      t.querySelectorAll("tbody tr").forEach((tr) => { if (tr.children[col]) skip.add(tr.children[col]); });
    });
    document.querySelectorAll(".source, [data-source]").forEach((el) => skip.add(el));
    // Text marked as in another language (the language switch, technical details) is said so.
    document.querySelectorAll("[lang]").forEach((el) => { if (el !== document.documentElement && el.lang !== document.documentElement.lang) skip.add(el); });
    const parts = [];
    const walk = (el) => {
      if (skip.has(el) || el.tagName === "SCRIPT" || el.tagName === "STYLE") return;
      for (const n of el.childNodes) {
        if (n.nodeType === 3) parts.push(n.textContent);
        else if (n.nodeType === 1) walk(n);
      }
    };
    walk(document.body);
    document.querySelectorAll("[aria-label],[title],[placeholder]").forEach((el) => {
      for (const a of ["aria-label", "title", "placeholder"]) if (el.getAttribute(a)) parts.push(el.getAttribute(a));
    });
    // The charts' words: titles, legends, axis names, labels and tooltips, not the source line.
    document.querySelectorAll("script[type='application/json']").forEach((s) => {
      const walkJSON = (v, key) => {
        if (typeof v === "string") { if (key !== "color" && !/^#|^rgb/.test(v)) parts.push(v); return; }
        if (Array.isArray(v)) { v.forEach((x) => walkJSON(x, key)); return; }
        if (v && typeof v === "object") for (const k of Object.keys(v)) walkJSON(v[k], k);
      };
      try { walkJSON(JSON.parse(s.textContent), ""); } catch (e) { parts.push("bad option JSON"); }
    });
    return parts.join("\n");
  });
}

function foreignWords(text, lang) {
  const found = [];
  for (const w of foreign[lang]) {
    const re = new RegExp(`(^|[^\\p{L}])${w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^\\p{L}])`, "u");
    if (re.test(text)) found.push(w);
  }
  return found;
}

// checkCharts: every chart drawn, with an aria-label.
async function checkCharts(page, path) {
  const charts = await page.$$eval(".chart", (els) => els.map((el) => {
    const c = el.querySelector("canvas");
    const label = el.getAttribute("aria-label") || "";
    if (!c) return { id: el.id, drawn: false, why: "no canvas", label };
    const ctx = c.getContext("2d");
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    let ink = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) ink++;
    return { id: el.id, drawn: ink > 1000, why: `${ink} painted pixels of ${c.width}x${c.height}`, label };
  }));
  for (const c of charts) {
    if (!c.drawn) problems.push(`${path}: chart ${c.id} not drawn (${c.why})`);
    if (c.label.length < 10) problems.push(`${path}: chart ${c.id} has no aria-label summary (${JSON.stringify(c.label)})`);
    checked++;
  }
  return charts.length;
}

// chartBoxes returns the boxes of an embed's title, legends, visual maps and plot, in pixels of
// the chart element, from ECharts' own layout.
async function chartBoxes(page) {
  return page.evaluate(() => {
    const el = document.querySelector(".chart");
    if (!el) return { error: "no chart element" };
    const chart = window.echarts && window.echarts.getInstanceByDom(el);
    if (!chart) return { error: "no chart instance" };
    const out = { width: chart.getWidth(), height: chart.getHeight(), boxes: [] };
    for (const view of chart._componentsViews || []) {
      const model = view.__model;
      if (!model || !view.group) continue;
      const type = model.mainType;
      if (!["title", "legend", "visualMap"].includes(type)) continue;
      if (model.get("show") === false || view.group.ignore) continue;
      const r = view.group.getBoundingRect().clone();
      r.applyTransform(view.group.getComputedTransform());
      // A scrolling legend shows its items through a window of its own width.
      if (type === "legend" && model.get("type") === "scroll" && +model.get("width") > 0 && r.width > +model.get("width")) {
        r.width = +model.get("width");
      }
      if (r.width > 0 && r.height > 0) out.boxes.push({ type, x: r.x, y: r.y, w: r.width, h: r.height });
    }
    const model = chart.getModel();
    model.eachComponent("grid", (g) => {
      const cs = g.coordinateSystem;
      if (!cs) return;
      const axesShown = cs.getCartesians().some((c) => c.getAxes().some((a) => a.model.get("show") !== false));
      const r = cs.getRect();
      if (axesShown) out.boxes.push({ type: "plot", x: r.x, y: r.y, w: r.width, h: r.height });
    });
    model.eachComponent("radar", (rd) => {
      const cs = rd.coordinateSystem;
      if (cs) out.boxes.push({ type: "plot", x: cs.cx - cs.r, y: cs.cy - cs.r, w: 2 * cs.r, h: 2 * cs.r });
    });
    // The tile map draws on hidden axes: its plot is the tiles' extent.
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity, half = 0;
    model.eachSeries((s) => {
      if (s.subType !== "scatter" || s.get("symbol") !== "rect") return;
      half = Math.max(half, (+s.get("symbolSize") || 0) / 2);
      const data = s.getData();
      data.each((i) => {
        const p = data.getItemLayout(i);
        if (!p) return;
        x0 = Math.min(x0, p[0]); y0 = Math.min(y0, p[1]); x1 = Math.max(x1, p[0]); y1 = Math.max(y1, p[1]);
      });
    });
    if (x1 >= x0) out.boxes.push({ type: "plot", x: x0 - half, y: y0 - half, w: x1 - x0 + 2 * half, h: y1 - y0 + 2 * half });
    return out;
  });
}

// access returns the controls without an accessible name and the texts whose contrast with
// their background is below WCAG AA (4.5:1, or 3:1 for large text).
async function access(page) {
  return page.evaluate(() => {
    const out = { unnamed: [], contrast: [] };
    for (const el of document.querySelectorAll("input:not([type=hidden]), select, textarea, button")) {
      const named = (el.labels && el.labels.length) || el.getAttribute("aria-label") || el.getAttribute("title") ||
        (el.tagName === "BUTTON" && el.textContent.trim());
      if (!named) out.unnamed.push(`${el.tagName.toLowerCase()}[name=${el.name}]`);
    }
    const rgb = (s) => { const m = s.match(/[\d.]+/g); return m ? m.map(Number) : [0, 0, 0, 1]; };
    const lum = ([r, g, b]) => {
      const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c.length < 4 || c[3] > 0.5) return c;
      }
      return [255, 255, 255];
    };
    const seen = new Set();
    for (const el of document.querySelectorAll("body *")) {
      if (![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
      const st = getComputedStyle(el);
      if (st.visibility === "hidden" || st.display === "none" || el.closest(".visually-hidden") || el.disabled) continue;
      const fg = rgb(st.color), bg = background(el);
      const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
      const ratio = (a + 0.05) / (b + 0.05);
      const size = parseFloat(st.fontSize), bold = +st.fontWeight >= 700;
      const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
      const key = `${st.color} on ${bg.join(",")}`;
      if (ratio < need && !seen.has(key)) {
        seen.add(key);
        out.contrast.push(`${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 30)}" ${key} ${ratio.toFixed(2)}:1`);
      }
    }
    return out;
  });
}

function overlap(a, b) {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return w > 1 && h > 1;
}

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (new URL(url).origin !== origin) {
      problems.push(`request to another host: ${url}`);
      return route.abort();
    }
    return route.continue();
  });
  const open = async (path, width, height) => {
    const page = await context.newPage();
    await page.setViewportSize({ width, height });
    page.on("console", (m) => { if (m.type() === "error" && !/status of 404/.test(m.text())) problems.push(`${path}: console error: ${m.text()}`); });
    page.on("pageerror", (e) => problems.push(`${path}: page error: ${e.message}`));
    const resp = await page.goto(base + path, { waitUntil: "load" });
    opened++;
    return { page, resp };
  };
  const fits = async (page, where) => {
    const m = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, iw: window.innerWidth }));
    if (m.sw > m.iw) {
      const wide = await page.evaluate(() => [...document.querySelectorAll("body *")]
        .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1 && !el.closest(".table-wrap"))
        .slice(0, 3).map((el) => `${el.tagName.toLowerCase()}${el.className ? "." + String(el.className).split(" ")[0] : ""}`));
      problems.push(`${where}: ${m.sw} px wide in a ${m.iw} px window (${wide.join(", ")})`);
    }
  };

  for (const [name, path, status = 200] of pages) {
    for (const lang of ["vi", "en"]) {
      const url = path + (path.includes("?") ? "&" : "?") + "lang=" + lang;
      for (const width of [390, 1280]) {
        const { page, resp } = await open(url, width, 900);
        const where = `${url} at ${width}px`;
        if (!resp || resp.status() !== status) problems.push(`${where}: status ${resp && resp.status()}, want ${status}`);
        const html = await page.evaluate(() => document.documentElement.lang);
        if (html !== lang) problems.push(`${where}: <html lang=${html}>`);
        if (width === 1280) {
          const n = await checkCharts(page, url);
          if (n === 0 && !/compare-empty|not-found/.test(name)) problems.push(`${url}: no chart`);
          const bad = foreignWords(await visibleText(page), lang);
          if (bad.length) problems.push(`${url}: words of the other language: ${bad.join(", ")}`);
          if (!(await page.$("form[action='/go'] input[name=q]"))) problems.push(`${url}: no province picker`);
          const a = await access(page);
          if (a.unnamed.length) problems.push(`${url}: controls without a name: ${a.unnamed.join(", ")}`);
          if (a.contrast.length) problems.push(`${url}: contrast below WCAG AA: ${a.contrast.join("; ")}`);
        }
        await fits(page, where);
        await page.screenshot({ path: `${shots}/${name}-${lang}-${width}.png`, fullPage: true });
        await page.close();
      }
    }
  }

  // The province picker by keyboard alone: Tab to it, type a name without accents, Enter.
  {
    const { page } = await open("/?lang=en", 1280, 900);
    let reached = false;
    for (let i = 0; i < 30 && !reached; i++) {
      await page.keyboard.press("Tab");
      reached = await page.evaluate(() => document.activeElement && document.activeElement.id === "picker-q");
    }
    if (!reached) problems.push("keyboard: Tab never reaches the province picker");
    else {
      await page.keyboard.type("can tho");
      await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.keyboard.press("Enter")]);
      const title = await page.title();
      if (!/Can Tho/.test(title) || !/\/provinces\//.test(page.url())) problems.push(`keyboard: the picker led to ${page.url()} (${title})`);
    }
    await page.screenshot({ path: `${shots}/keyboard-picker.png` });
    await page.close();
  }

  for (const [kind, path] of embeds) {
    for (const lang of ["vi", "en"]) {
      const url = path + (path.includes("?") ? "&" : "?") + "lang=" + lang;
      for (const [w, h] of embedSizes) {
        const { page, resp } = await open(url, w, h);
        const where = `${url} at ${w}×${h}`;
        if (!resp || resp.status() !== 200) problems.push(`${where}: status ${resp && resp.status()}`);
        if (w === 800) {
          await checkCharts(page, url);
          const bad = foreignWords(await visibleText(page), lang);
          if (bad.length) problems.push(`${url}: words of the other language: ${bad.join(", ")}`);
        }
        await fits(page, where);
        const m = await page.evaluate(() => ({ sh: document.documentElement.scrollHeight, ih: window.innerHeight }));
        if (m.sh > m.ih + 1) problems.push(`${where}: ${m.sh} px tall in a ${m.ih} px window`);
        const b = await chartBoxes(page);
        if (b.error) problems.push(`${where}: ${b.error}`);
        else {
          const boxes = b.boxes;
          for (const x of boxes) {
            if (x.x < -1 || x.y < -1 || x.x + x.w > b.width + 1 || x.y + x.h > b.height + 1) {
              problems.push(`${where}: ${x.type} reaches outside the chart (${Math.round(x.x)},${Math.round(x.y)} ${Math.round(x.w)}×${Math.round(x.h)} in ${b.width}×${b.height})`);
            }
          }
          for (let i = 0; i < boxes.length; i++) {
            for (let j = i + 1; j < boxes.length; j++) {
              if (overlap(boxes[i], boxes[j])) problems.push(`${where}: ${boxes[i].type} overlaps ${boxes[j].type}`);
            }
          }
        }
        await page.screenshot({ path: `${shots}/embed-${kind}-${lang}-${w}x${h}.png` });
        await page.close();
      }
    }
  }
} finally {
  await browser.close();
}
if (problems.length) {
  console.error(problems.join("\n"));
  console.log(`0 passed, ${problems.length} failed`);
  process.exit(1);
}
console.log(`e2e: ${opened} page views, ${checked} charts drawn; screenshots in ${shots}`);
