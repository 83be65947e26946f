// End-to-end test of chiso's web UI in Debian's headless Chromium (playwright-core).
// Usage: node test/e2e/e2e.mjs http://127.0.0.1:PORT [screenshot-dir]
// Fails on any request to a host other than the server's, on any console error or page error,
// and on a chart whose canvas stays blank.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";

const base = process.argv[2];
const shots = process.argv[3] || "test/e2e/screenshots";
if (!base) { console.error("usage: e2e.mjs BASE_URL [DIR]"); process.exit(2); }
mkdirSync(shots, { recursive: true });
const origin = new URL(base).origin;

const pages = [
  ["overview", "/"],
  ["overview-en", "/?lang=en&indicator=pci&year=2016"],
  ["profile", "/provinces/93"],
  ["compare", "/compare?provinces=93,92,94&indicator=pci"],
  ["embed-line", "/embed/line?indicator=pci&provinces=93&trend=true"],
  ["embed-map", "/embed/map?indicator=pci&year=2021"],
];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic"],
});
const problems = [];
let checked = 0;
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
  for (const [name, path] of pages) {
    const page = await context.newPage();
    page.on("console", (m) => { if (m.type() === "error") problems.push(`${path}: console error: ${m.text()}`); });
    page.on("pageerror", (e) => problems.push(`${path}: page error: ${e.message}`));
    const resp = await page.goto(base + path, { waitUntil: "networkidle" });
    if (!resp || resp.status() !== 200) problems.push(`${path}: status ${resp && resp.status()}`);
    const charts = await page.$$eval(".chart", (els) => els.map((el) => {
      const c = el.querySelector("canvas");
      if (!c) return { id: el.id, drawn: false, why: "no canvas" };
      const ctx = c.getContext("2d");
      const { data } = ctx.getImageData(0, 0, c.width, c.height);
      let ink = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) ink++;
      return { id: el.id, drawn: ink > 1000, why: `${ink} painted pixels of ${c.width}x${c.height}` };
    }));
    if (charts.length === 0) problems.push(`${path}: no chart`);
    for (const c of charts) {
      if (!c.drawn) problems.push(`${path}: chart ${c.id} not drawn (${c.why})`);
      checked++;
    }
    await page.screenshot({ path: `${shots}/${name}.png`, fullPage: name.startsWith("embed") ? false : true });
    await page.close();
  }
} finally {
  await browser.close();
}
if (problems.length) {
  console.error(problems.join("\n"));
  console.log(`0 passed, ${problems.length} failed`);
  process.exit(1);
}
console.log(`e2e: ${pages.length} pages, ${checked} charts drawn; screenshots in ${shots}`);
