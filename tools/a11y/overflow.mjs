// Horizontal overflow of the generated HTML on a phone, in Debian's headless Chromium.
// Usage: node tools/a11y/overflow.mjs [--width 390] FILE.html...
// Prints one JSON line per file: the page's scroll width and every element that sticks out of
// the viewport or scrolls sideways inside it (a table in its wrapper). Exits 1 if any does.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const args = process.argv.slice(2);
let width = 390;
if (args[0] === "--width") {
  width = Number(args[1]);
  args.splice(0, 2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
let failures = 0;
for (const file of args) {
  const page = await browser.newPage({ viewport: { width, height: 844 }, deviceScaleFactor: 1 });
  await page.goto(pathToFileURL(resolve(file)).href);
  const result = await page.evaluate((viewport) => {
    const describe = (el) => {
      const id = el.id ? `#${el.id}` : "";
      const cls = typeof el.className === "string" && el.className
        ? `.${el.className.trim().split(/\s+/).join(".")}` : "";
      return `${el.tagName.toLowerCase()}${id}${cls}`;
    };
    // A reader may open every data table under a chart: measure them open.
    for (const details of document.querySelectorAll("details")) details.open = true;
    const offending = new Set();
    for (const el of document.body.querySelectorAll("*")) {
      // An SVG's parts have no CSS box of their own: the <svg> element stands for them.
      if (el instanceof SVGElement && el.tagName.toLowerCase() !== "svg") continue;
      const style = getComputedStyle(el);
      if (style.display === "none" || style.display === "inline") continue;
      if (style.position === "absolute" || style.position === "fixed") continue;
      const box = el.getBoundingClientRect();
      // A box wider than the screen, or content wider than its box (a long URL, a table
      // scrolling sideways in its wrapper).
      if ((box.width > 0 && box.right > viewport + 0.5) || el.scrollWidth > el.clientWidth + 1) {
        offending.add(el);
      }
    }
    // The innermost ones say why (a parent is wide because of its child), a table once.
    const innermost = [...offending]
      .filter((el) => ![...offending].some((other) => other !== el && el.contains(other)))
      .map((el) => el.closest("table") || el);
    const offenders = [...new Set(innermost)]
      .map((el) => ({ element: describe(el), right: Math.round(el.getBoundingClientRect().right),
                      scrollWidth: el.scrollWidth, clientWidth: el.clientWidth,
                      text: (el.textContent || "").trim().slice(0, 80) }));
    return { scrollWidth: document.documentElement.scrollWidth, offenders };
  }, width);
  const ok = result.scrollWidth <= width && result.offenders.length === 0;
  if (!ok) failures += 1;
  console.log(JSON.stringify({ file, width, scrollWidth: result.scrollWidth,
                               offenders: result.offenders.slice(0, 20), count: result.offenders.length }));
  await page.close();
}
await browser.close();
process.exit(failures ? 1 : 0);
