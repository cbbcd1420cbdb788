// Accessibility audit of the generated HTML: axe-core in Debian's headless Chromium.
// Usage: node tools/a11y/audit.mjs [--screenshots DIR] FILE.html...
// Prints every violation as JSON lines; exits 1 if any is serious or critical.
import { createRequire } from "node:module";
import { readFileSync, mkdirSync } from "node:fs";
import { basename, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const args = process.argv.slice(2);
let shots = null;
if (args[0] === "--screenshots") {
  shots = args[1];
  args.splice(0, 2);
  mkdirSync(shots, { recursive: true });
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
let serious = 0;
for (const file of args) {
  for (const [label, viewport] of [["desktop", { width: 1280, height: 900 }],
                                   ["phone", { width: 390, height: 844 }]]) {
    const page = await browser.newPage({ viewport });
    // The page must be self-contained: anything it asks from the network is a finding.
    const external = [];
    page.on("request", (req) => { if (!req.url().startsWith("file:") &&
      !req.url().startsWith("data:")) external.push(req.url()); });
    await page.goto(pathToFileURL(resolve(file)).href);
    if (shots) {
      await page.screenshot({ path: `${shots}/${basename(file, ".html")}-${label}.png` });
    }
    if (label !== "desktop") { await page.close(); continue; }
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(async () => await window.axe.run(document, {
      resultTypes: ["violations"],
    }));
    for (const v of result.violations) {
      if (v.impact === "serious" || v.impact === "critical") serious += 1;
      console.log(JSON.stringify({ file, id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.length, example: v.nodes[0]?.target }));
    }
    for (const url of external) {
      serious += 1;
      console.log(JSON.stringify({ file, id: "external-request", impact: "serious", url }));
    }
    await page.close();
  }
}
await browser.close();
console.log(JSON.stringify({ summary: true, files: args.length, serious_or_critical: serious }));
process.exit(serious ? 1 : 0);
