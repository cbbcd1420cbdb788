// How the HTML charts read in headless Chromium: for each viewport width and each chart, the
// smallest rendered text size, the fonts its text asks for, the chart's width against the
// page's, and (with --screenshots DIR) a picture of every figure.
// Usage: node tests/integration/chart_legibility.mjs [--screenshots DIR] FILE.html WIDTH...
// Prints one JSON line per file, width and chart. playwright-core comes from tools/a11y.
import { createRequire } from "node:module";
import { mkdirSync } from "node:fs";
import { basename, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(new URL("../../tools/a11y/package.json", import.meta.url));
const { chromium } = require("playwright-core");

const args = process.argv.slice(2);
let shots = null;
if (args[0] === "--screenshots") {
  shots = args[1];
  args.splice(0, 2);
  mkdirSync(shots, { recursive: true });
}
const [file, ...widths] = args;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
for (const width of widths.map(Number)) {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  await page.goto(pathToFileURL(resolve(file)).href);
  const charts = await page.evaluate(() => [...document.querySelectorAll("figure .chart svg")]
    .map((svg) => {
      const texts = [...svg.querySelectorAll("text")];
      // Rendered size of a text = its font size in user units times the SVG's scale.
      const sizes = texts.map((t) => parseFloat(getComputedStyle(t).fontSize) *
                                     Math.abs(t.getScreenCTM().a || t.getScreenCTM().b));
      const box = svg.getBoundingClientRect();
      return {
        id: svg.closest("figure").id,
        texts: texts.length,
        min_text_px: Math.min(...sizes),
        font_families: [...new Set(texts.map((t) => getComputedStyle(t).fontFamily))],
        page_font: getComputedStyle(document.body).fontFamily,
        chart_right: box.right,
        page_width: document.documentElement.scrollWidth,
        viewport: window.innerWidth,
      };
    }));
  for (const chart of charts) {
    console.log(JSON.stringify({ file: basename(file), width, ...chart }));
    if (shots) {
      await page.locator(`#${chart.id}`).screenshot({
        path: `${shots}/${chart.id}-${width}.png` });
    }
  }
  await page.close();
}
await browser.close();
