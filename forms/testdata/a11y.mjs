// Browser check of a form served by package forms/flow (run by
// forms/flow/browser_test.go): real Chromium through playwright-core,
// axe-core against WCAG 2.1 A and AA on every page, and completion of the
// whole application with the keyboard only (Tab, typing, arrows, Space,
// Enter). File inputs get their file through setInputFiles, the stand-in
// for the operating system's file dialog, which the keyboard drives but a
// headless browser does not have. It runs twice: with the enhancement
// script, and without it. Prints a JSON report on stdout.
import { readFileSync } from "node:fs";
import { chromium } from "playwright-core";
import { AxeBuilder } from "@axe-core/playwright";

const [url, planPath] = process.argv.slice(2);
const plan = JSON.parse(readFileSync(planPath, "utf8"));

// A hung page must fail the test with a message, not time it out.
setTimeout(() => {
  process.stderr.write("a11y.mjs: timed out\n");
  process.exit(3);
}, 200000).unref();

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--lang=it-IT"],
});

function fail(msg) {
  throw new Error(msg);
}

async function active(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el) return {};
    return {
      tag: el.tagName,
      type: el.type || "",
      name: el.name || "",
      value: el.value || "",
      id: el.id || "",
      checked: !!el.checked,
    };
  });
}

// tabTo presses Tab until the focused element satisfies pred.
async function tabTo(page, pred, what) {
  for (let i = 0; i < 400; i++) {
    await page.keyboard.press("Tab");
    const a = await active(page);
    if (pred(a)) return a;
  }
  fail(`cannot reach ${what} with Tab on ${page.url()}`);
}

async function pageId(page) {
  return page.evaluate(() => {
    const f = document.querySelector("form.procedo-form");
    return f ? f.getAttribute("data-page") : document.querySelector(".procedo-receipt-number") ? "receipt" : "";
  });
}

// press presses a submit button's key and waits for the next page, or,
// when the script's checks stop the post (clientCheck), for its error
// summary.
async function press(page, key, clientCheck = false) {
  const nav = page.waitForNavigation({ timeout: 20000 });
  await page.keyboard.press(key);
  if (clientCheck) {
    await Promise.race([nav, page.waitForSelector("#error-summary", { timeout: 20000 })]);
    nav.catch(() => {});
  } else {
    await nav;
  }
  await page.waitForLoadState("load");
}

async function fill(page, a, f) {
  switch (f.widget) {
    case "text":
    case "email":
    case "number":
    case "textarea":
      await page.keyboard.press("Control+A");
      await page.keyboard.press("Delete");
      await page.keyboard.type(f.value);
      break;
    case "date": {
      // The order of the day, month and year segments follows the
      // browser's locale: type gg/mm/aaaa, and if the field took it as
      // mm/gg/aaaa, go back into the field and retype.
      const [y, m, d] = f.value.split("-");
      await page.keyboard.type(dateOrder === "mdy" ? m + d + y : d + m + y);
      const got = await page.evaluate((name) => document.getElementsByName(name)[0].value, f.name);
      if (got !== f.value && dateOrder === "dmy") {
        dateOrder = "mdy";
        // Shift+Tab walks back through the three segments to the previous
        // field; Tab enters the date field again at its first segment.
        for (let k = 0; k < 3; k++) await page.keyboard.press("Shift+Tab");
        await page.keyboard.press("Tab");
        await page.keyboard.type(m + d + y);
      }
      break;
    }
    case "select":
      for (let i = 0; i < 30; i++) {
        if ((await active(page)).value === f.value) break;
        await page.keyboard.press("ArrowDown");
      }
      break;
    case "radio":
      for (let i = 0; i < 30; i++) {
        const now = await active(page);
        if (now.value === f.value) {
          if (!now.checked) await page.keyboard.press("Space");
          break;
        }
        await page.keyboard.press("ArrowDown");
      }
      break;
    case "checkbox":
      if (!a.checked) await page.keyboard.press("Space");
      break;
    case "file":
      await page.locator(`[name="${f.name}"]`).setInputFiles(f.file);
      break;
  }
  const now = await page.evaluate((name) => {
    const els = [...document.getElementsByName(name)];
    const el = els.find((e) => e.checked) || els[0];
    return el.type === "file" ? (el.files.length ? "file" : "") : el.type === "checkbox" ? String(el.checked) : el.value;
  }, f.name);
  const want = f.widget === "file" ? "file" : f.widget === "checkbox" ? "true" : f.widget === "number" ? f.value.replace(".", ",") : f.value;
  if (now !== want && !(f.widget === "number" && now === f.value)) fail(`${f.name}: typed ${JSON.stringify(want)}, the field holds ${JSON.stringify(now)}`);
}

let dateOrder = "dmy";
const report = { runs: [] };
const modes = process.env.A11Y_MODES ? process.env.A11Y_MODES.split(",").map((m) => m === "js") : [true, false];
const log = (...a) => process.env.A11Y_DEBUG && process.stderr.write(a.join(" ") + "\n");
for (const js of modes) {
  // "JavaScript off" serves an empty enhancement script: the page works
  // as it does for a browser without JavaScript, while axe (which runs as
  // a script itself) can still audit it.
  const context = await browser.newContext({ locale: "it-IT" });
  if (!js) {
    await context.route("**/forms.js", (route) => route.fulfill({ status: 200, contentType: "text/javascript", body: "" }));
  }
  const page = await context.newPage();
  const run = { js, pages: [], receipt: "", errors: [] };
  report.runs.push(run);
  page.on("pageerror", (e) => run.errors.push(String(e)));
  page.on("console", (m) => {
    // A page sent back with errors answers 422 by design; Chromium logs
    // every 4xx document as a failed resource.
    if (m.type() === "error" && !m.text().includes("status of 422")) run.errors.push(m.text());
  });
  const audit = async (label) => {
    log("audit", js ? "js" : "nojs", label);
    const r = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    run.pages.push({
      label,
      passes: r.passes.length,
      violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " — " + n.failureSummary) })),
    });
  };

  await page.goto(url);
  await audit("privacy");
  await tabTo(page, (a) => a.id === "privacy-accept", "the privacy checkbox");
  await page.keyboard.press("Space");
  await tabTo(page, (a) => a.tag === "BUTTON" && a.value === "next", "the next button");
  await press(page, "Enter");

  for (const [i, step] of plan.steps.entries()) {
    if ((await pageId(page)) !== step.page) fail(`expected ${step.page}, at ${await pageId(page)}`);
    await audit(step.page);
    if (i === 0) {
      // Send the empty step: errors inline and in the summary.
      await tabTo(page, (a) => a.tag === "BUTTON" && a.value === "next", "the next button");
      await press(page, "Enter", js);
      if (!(await page.$("#error-summary"))) fail("no error summary after sending an empty step");
      await audit(step.page + " with errors");
      await page.focus("body");
    }
    for (const add of step.adds) {
      await page.evaluate(() => document.activeElement && document.activeElement.blur());
      await tabTo(page, (a) => a.tag === "BUTTON" && a.value === add, add);
      await press(page, "Enter");
    }
    await page.evaluate(() => document.activeElement && document.activeElement.blur());
    const todo = new Map(step.fields.map((f) => [f.name, f]));
    for (let n = 0; n < 400 && todo.size > 0; n++) {
      await page.keyboard.press("Tab");
      const a = await active(page);
      const f = todo.get(a.name);
      if (!f) continue;
      await fill(page, a, f);
      todo.delete(a.name);
    }
    if (todo.size > 0) fail(`${step.page}: fields not reachable with Tab: ${[...todo.keys()].join(", ")}`);
    await tabTo(page, (a) => a.tag === "BUTTON" && a.value === "next", "the next button");
    await press(page, "Enter");
    const at = await pageId(page);
    const next = i + 1 < plan.steps.length ? plan.steps[i + 1].page : "summary";
    if (at !== next) {
      const errs = await page.evaluate(() => (document.getElementById("error-summary") || {}).innerText || "");
      fail(`after ${step.page} expected ${next}, at ${at}: ${errs}`);
    }
  }
  await audit("summary");
  await tabTo(page, (a) => a.tag === "BUTTON" && a.value === "submit", "the submit button");
  await press(page, "Enter");
  if ((await pageId(page)) !== "receipt") fail("no receipt after submit");
  await audit("receipt");
  run.receipt = (await page.textContent(".procedo-receipt-number")).trim();
  await context.close();
}
await browser.close();
process.stdout.write(JSON.stringify(report, null, 2));
