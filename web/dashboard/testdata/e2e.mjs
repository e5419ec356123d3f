// Browser check of the dashboard (run by web/dashboard/browser_test.go):
// real Chromium through playwright-core. It opens the page, waits for the
// live report and the heatmap, and prints on stdout one JSON line with
// every figure shown, the heat level of each element, and the rows of a
// drill-down. Then it reads a number on stdin — the total of cases after
// the test added some — and waits until the page shows it without a
// reload (live refresh over the websocket), printing a second line.
import { chromium } from "playwright-core";
import { AxeBuilder } from "@axe-core/playwright";
import { createInterface } from "node:readline";

const [url] = process.argv.slice(2);

setTimeout(() => {
  process.stderr.write("e2e.mjs: timed out\n");
  process.exit(3);
}, 100000).unref();

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--lang=it-IT"],
});
const errors = [];
try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  // Failed loads are reported by URL below (the console message has none).
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) errors.push(`console: ${m.text()}`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400 && !r.url().endsWith("/favicon.ico")) errors.push(`${r.status()} ${r.url()}`);
  });
  await page.goto(url);
  await page.waitForSelector("main[data-updates]", { timeout: 30000 });
  await page.waitForSelector("main[data-heat-painted]", { timeout: 30000 });

  const shown = await page.evaluate(() => {
    const figures = {};
    for (const el of document.querySelectorAll("[data-figure]")) figures[el.dataset.figure] = el.textContent.trim();
    const heat = {};
    for (const g of document.querySelectorAll(".djs-element[data-element-id]")) {
      const m = [...g.classList].find((c) => c.startsWith("heat-"));
      if (!m) continue;
      const shape = g.querySelector(".djs-visual > :first-child");
      heat[g.dataset.elementId] = { level: m, fill: shape ? getComputedStyle(shape).fill : "" };
    }
    const badges = {};
    for (const b of document.querySelectorAll(".heat-badge")) badges[b.dataset.element] = b.textContent;
    const watermark = document.querySelector(".bjs-powered-by");
    const charts = [...document.querySelectorAll("canvas")].map((c) => c.width > 0 && c.height > 0);
    return { figures, heat, badges, watermark: !!watermark && watermark.offsetParent !== null, charts };
  });

  // The heatmap by frequency instead.
  await page.click('label[for="heat-runs"]'); // Bootstrap Italia styles the label over the radio
  await page.waitForSelector('main[data-heat-by="runs"]');
  shown.hotByRuns = await page.evaluate(() => [...document.querySelectorAll(".djs-element.heat-4")].map((g) => g.dataset.elementId));

  // WCAG 2.1 A and AA, as the citizen forms are checked.
  const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  shown.axe = axe.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));

  // Drill-down from the red flag RF01 figure.
  await page.click('[data-drill="flag:RF01"]');
  await page.waitForSelector("#drill:not([hidden])");
  await page.waitForFunction(() => document.getElementById("drill").dataset.key === "flag:RF01");
  shown.drill = await page.evaluate(() => ({
    label: document.getElementById("drill-key").textContent,
    total: document.getElementById("drill-total").textContent,
    rows: [...document.querySelectorAll("#drill-rows tr")].map((tr) => tr.firstChild.textContent),
    reasons: [...document.querySelectorAll("#drill-flags li")].map((li) => li.textContent),
  }));
  shown.errors = errors;
  process.stdout.write(JSON.stringify(shown) + "\n");

  const rl = createInterface({ input: process.stdin });
  const line = await new Promise((resolve) => rl.once("line", resolve));
  rl.close();
  await page.waitForFunction((want) => document.querySelector('[data-figure="cases.total"]').textContent === want, line.trim(), { timeout: 30000 });
  const live = await page.evaluate(() => document.querySelector('[data-figure="cases.total"]').textContent);
  process.stdout.write(JSON.stringify({ liveTotal: live, errors }) + "\n");
} finally {
  await browser.close();
}
