// End-to-end walk of the designer in real Chromium, started by
// TestDesignerInChromium (e2e_test.go) with the server's URL and the files
// to import in the environment. It prints one JSON line of measurements at
// the end; any failed expectation throws and exits non-zero.
import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";

const env = process.env;
const base = env.DESIGNER_URL;
const step = (s) => console.error("e2e: " + s);

const browser = await chromium.launch({
  executablePath: env.CHROMIUM,
  args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
const answers = [];
const errors = [];
page.on("dialog", (d) => d.accept(answers.length ? answers.shift() : ""));
page.on("pageerror", (e) => errors.push(e.message));
page.setDefaultTimeout(15000);

function expect(cond, what) {
  if (!cond) throw new Error("expected: " + what);
}

const lintMarker = (id, sev = "error") => `.djs-element[data-element-id="${id}"].procedo-lint-${sev}`;

try {
  await page.goto(base + "/designer/");

  step("create a bundle");
  answers.push("Permesso ZTL");
  await page.click("#new");
  await page.waitForSelector('.djs-element[data-element-id="Avvio"]');

  const paletteTitle = await page.getAttribute('.djs-palette .entry[data-action="create.task"]', "aria-label");
  expect(paletteTitle === "Crea attività", "the palette speaks Italian, got " + paletteTitle);

  step("import a BPMN file");
  await page.setInputFiles("#import-file", env.START_BPMN);
  await page.waitForSelector('.djs-element[data-element-id="Domanda"]');

  step("import a broken file: the parser's error with its line, the diagram kept");
  await page.setInputFiles("#import-file", env.BROKEN_BPMN);
  await page.waitForSelector("#import-errors li");
  const importError = await page.textContent("#import-errors");
  expect(/broken\.bpmn:\d+:\d+:/.test(importError), "import error with file:line:col, got " + importError);
  expect(await page.isVisible('.djs-element[data-element-id="Domanda"]'), "the diagram is kept after a broken import");

  step("add a task from the palette and make it a user task");
  const box = await page.locator("#canvas").boundingBox();
  const entry = await page.locator('.djs-palette .entry[data-action="create.task"]').boundingBox();
  await page.mouse.move(entry.x + entry.width / 2, entry.y + entry.height / 2);
  await page.mouse.down();
  const a = await page.locator('.djs-element[data-element-id="Domanda"]').boundingBox();
  const z = await page.locator('.djs-element[data-element-id="Fine"]').boundingBox();
  const dropX = (a.x + z.x + z.width) / 2, dropY = a.y + 180;
  await page.mouse.move(dropX - 20, dropY, { steps: 10 });
  await page.mouse.move(dropX, dropY, { steps: 5 });
  await page.mouse.up();
  // the new task opens its label for editing: name it
  await page.waitForSelector(".djs-direct-editing-content");
  await page.keyboard.type("Istruttoria");
  await page.mouse.click(box.x + box.width - 150, box.y + 40);
  await page.waitForSelector(".djs-direct-editing-parent", { state: "hidden" });
  const taskID = await page.waitForFunction(() => {
    const t = window.procedo.modeler.get("elementRegistry").filter((e) => e.type === "bpmn:Task")[0];
    return t && t.id;
  }).then((h) => h.jsonValue());
  const select = (id) => page.evaluate((id) => { const m = window.procedo.modeler; m.get("selection").select(m.get("elementRegistry").get(id)); }, id);
  await select(taskID);
  await page.click('.djs-context-pad .entry[data-action="replace"]');
  await page.click('.djs-popup [data-id="replace-with-user-task"]');
  const userTask = await page.waitForFunction(() => {
    const t = window.procedo.modeler.get("elementRegistry").filter((e) => e.type === "bpmn:UserTask")[0];
    return t && t.id;
  }).then((h) => h.jsonValue());

  step("connect it by dragging");
  async function connect(from, to) {
    await select(from);
    const c = await page.locator('.djs-context-pad .entry[data-action="connect"]').boundingBox();
    const t = await page.locator(`.djs-element[data-element-id="${to}"]`).boundingBox();
    await page.mouse.move(c.x + c.width / 2, c.y + c.height / 2);
    await page.mouse.down();
    await page.mouse.move(t.x + t.width / 2 - 5, t.y + t.height / 2, { steps: 10 });
    await page.mouse.move(t.x + t.width / 2, t.y + t.height / 2, { steps: 3 });
    await page.mouse.up();
  }
  await connect("Domanda", userTask);
  await connect(userTask, "Fine");
  await page.waitForFunction((id) => {
    const e = window.procedo.modeler.get("elementRegistry").get(id);
    return e && e.incoming.length === 1 && e.outgoing.length === 1;
  }, userTask);

  step("a lint marker appears on the user task (no office, no form)");
  await page.waitForSelector(lintMarker(userTask));
  await page.click(`.lint-item[data-element="${userTask}"]`);
  const selected = await page.evaluate(() => window.procedo.modeler.get("selection").get().map((e) => e.id));
  expect(selected.length === 1 && selected[0] === userTask, "clicking a problem selects its element, got " + selected);

  step("design a 3-field form and see the preview update");
  await page.click("#tab-forms");
  answers.push("domanda");
  await page.click("#form-new");
  const fields = [
    { name: "nome", label: "Nome e cognome", type: "string" },
    { name: "eta", label: "Età del richiedente", type: "integer" },
    { name: "email", label: "Indirizzo email", type: "email" },
  ];
  for (const [i, f] of fields.entries()) {
    await page.click("#field-add");
    await page.fill(`#field-${i}-name`, f.name);
    await page.press(`#field-${i}-name`, "Tab");
    await page.selectOption(`#field-${i}-type`, f.type);
    await page.fill(`#field-${i}-label`, f.label);
  }
  await page.check("#field-0-required");
  const preview = page.frameLocator("#form-preview");
  for (const f of fields) await preview.locator(`label:has-text("${f.label}")`).first().waitFor();
  await page.fill("#field-1-label", "Età anagrafica");
  await preview.locator('label:has-text("Età anagrafica")').first().waitFor();
  step("raw JSON editing is validated as you type");
  await page.click("details.raw summary");
  const rawSchema = await page.inputValue("#raw-schema");
  await page.fill("#raw-schema", rawSchema.replace('"type": "object"', '"type": "object",,'));
  await page.waitForFunction(() => /Riga \d+, colonna \d+/.test(document.querySelector("#raw-schema-status").textContent));
  await page.fill("#raw-schema", rawSchema);
  await page.waitForFunction(() => document.querySelector("#raw-schema-status").classList.contains("valid"));

  step("set the office and the form in the properties panel; the marker disappears");
  await page.click("#tab-diagram");
  await select(userTask);
  await page.click('[data-group-id="group-procedo"] .bio-properties-panel-group-header');
  await page.fill("#bio-properties-panel-procedo-offices", "Polizia Locale");
  await page.fill("#bio-properties-panel-procedo-form", "domanda");
  await page.waitForFunction((id) => window.procedo.modeler.get("elementRegistry").get(id).businessObject.get("procedo:form") === "domanda", userTask);
  await page.waitForSelector(lintMarker(userTask), { state: "detached" });

  step("a CEL condition on a sequence flow is written with language=cel");
  const flow = await page.evaluate((id) => window.procedo.modeler.get("elementRegistry").get(id).outgoing[0].id, userTask);
  await select(flow);
  await page.click('[data-group-id="group-procedo-condition"] .bio-properties-panel-group-header');
  await page.fill("#bio-properties-panel-procedo-condition", "domanda.eta >= 18");
  const xmlHas = (re) => page.waitForFunction(async (src) => {
    const { xml } = await window.procedo.modeler.saveXML();
    return new RegExp(src).test(xml);
  }, re.source);
  await xmlHas(/<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" language="cel">domanda\.eta &gt;= 18<\/bpmn:conditionExpression>/);
  await page.fill("#bio-properties-panel-procedo-condition", "");
  await page.waitForFunction(async () => !/conditionExpression/.test((await window.procedo.modeler.saveXML()).xml));
  await page.locator("#bio-properties-panel-procedo-condition").blur();
  await select(userTask);
  await page.waitForSelector("#bio-properties-panel-procedo-offices");

  step("a dropped websocket reconnects and the edits made meanwhile are linted");
  const drop = await fetch(base + "/test/drop-sockets").then((r) => r.text());
  expect(Number(drop) >= 1, "a socket to drop, got " + drop);
  await page.waitForSelector("#conn.off");
  await page.fill("#bio-properties-panel-procedo-offices", "");
  await page.waitForSelector("#conn.on");
  await page.waitForSelector(lintMarker(userTask));
  await page.fill("#bio-properties-panel-procedo-offices", "Polizia Locale, Ambiente");
  await page.waitForSelector(lintMarker(userTask), { state: "detached" });

  step("save");
  answers.push("attività di istruttoria e modulo");
  await page.click("#save");
  await page.waitForSelector(".notice.ok");
  expect((await page.textContent("#notice")).includes("revisione 2"), "saved revision 2: " + (await page.textContent("#notice")));

  step("a second analyst saving the same revision gets a conflict and loses nothing");
  const second = await browser.newPage();
  second.on("dialog", (d) => d.accept("modifica concorrente"));
  await second.goto(page.url());
  await second.waitForSelector(`.djs-element[data-element-id="${userTask}"]`);
  await select(userTask);
  await page.fill("#bio-properties-panel-procedo-sla", "P5D");
  answers.push("SLA di 5 giorni");
  await page.click("#save");
  await page.waitForFunction(() => document.querySelector("#notice").textContent.includes("revisione 3"));
  await second.evaluate(() => { const m = window.procedo.modeler; m.get("selection").select(m.get("elementRegistry").get("Domanda")); });
  await second.click('[data-group-id="group-procedo"] .bio-properties-panel-group-header');
  await second.fill("#bio-properties-panel-procedo-phase", "Domanda ricevuta");
  await second.waitForFunction(() => window.procedo.state.dirty);
  await second.click("#save");
  await second.waitForSelector(".notice.error #save-anyway");
  const conflict = await second.textContent("#notice");
  expect(conflict.includes("revisione 3"), "conflict names the head revision: " + conflict);
  await second.click("#save-anyway");
  await second.waitForFunction(() => document.querySelector("#notice").textContent.includes("revisione 4"));
  await second.close();

  step("reload and find the work saved");
  await page.reload();
  await page.waitForSelector(`.djs-element[data-element-id="${userTask}"]`);
  const saved = await page.evaluate(async (id) => {
    const bo = window.procedo.modeler.get("elementRegistry").get(id).businessObject;
    return { offices: bo.get("procedo:offices"), form: bo.get("procedo:form"), sla: bo.get("procedo:sla"),
      phase: window.procedo.modeler.get("elementRegistry").get("Domanda").businessObject.get("procedo:phase"),
      forms: Object.keys(window.procedo.state.files) };
  }, userTask);
  expect(saved.offices === "Polizia Locale, Ambiente" && saved.form === "domanda" && saved.sla === undefined && saved.phase === "Domanda ricevuta",
    "saved attributes, got " + JSON.stringify(saved));
  // the head is the second analyst's save on top of revision 3, which
  // still holds the first analyst's SLA: nothing was lost
  const rev3 = await page.evaluate(async () => {
    const id = location.hash.slice(1);
    const r = await fetch(`/designer/api/bundles/${id}/revisions/3`).then((r) => r.json());
    return r.files["process.bpmn"];
  });
  expect(rev3.includes('procedo:sla="P5D"'), "revision 3 keeps the SLA");
  expect(saved.forms.includes("forms/domanda.schema.json") && saved.forms.includes("forms/domanda.ui.json"), "saved form files, got " + saved.forms);

  step("versions: list and compare");
  await page.click("#tab-versions");
  await page.waitForSelector('tr[data-rev="4"]');
  await page.selectOption("#cmp-a", "1");
  await page.selectOption("#cmp-b", "4");
  await page.click("#cmp-go");
  await page.waitForSelector(`#diff code:text-is("${userTask}")`);
  await page.click("#tab-diagram");

  step("the Go tab shows what procedo gen writes");
  await page.click("#tab-go");
  await page.waitForFunction(() => /Code generated by procedo/.test(document.querySelector("#go-source").textContent));
  const goFiles = await page.$$eval("#go-file option", (os) => os.map((o) => o.value));
  expect(goFiles.some((f) => f.endsWith("/process.go")), "generated process.go, got " + goFiles);

  step("simulate to the end");
  await page.click("#tab-simulate");
  const applicant = { nome: "Mario Rossi", eta: 40, email: "mario.rossi@example.org" };
  await page.fill("#sim-vars", JSON.stringify(applicant));
  await page.click("#sim-start");
  await page.waitForSelector(`.sim-token[data-element="${userTask}"]`);
  const before = await page.evaluate(() => window.procedo.simulation.now);
  await page.fill("#sim-days", "3");
  await page.click("#sim-advance");
  await page.waitForFunction((b) => window.procedo.simulation.now !== b, before);
  const days = await page.evaluate((b) => (new Date(window.procedo.simulation.now) - new Date(b)) / 86400000, before);
  expect(days === 3, "the simulated clock moved 3 days, got " + days);
  await page.fill(".sim-payload", JSON.stringify(applicant));
  await page.click(`.sim-complete[data-element="${userTask}"]`);
  await page.waitForSelector('#sim-status[data-status="completed"]');
  const path = await page.evaluate(() => window.procedo.simulation.trace.filter((e) => e.type === "element-entered").map((e) => e.element));
  expect(JSON.stringify(path) === JSON.stringify(["Domanda", userTask, "Fine"]), "simulated path, got " + path);
  await page.click("#tab-diagram");

  step("the bpmn.io watermark is fully visible");
  const wm = await page.locator("#canvas .bjs-powered-by").boundingBox();
  const vp = page.viewportSize();
  expect(wm && wm.x >= 0 && wm.y >= 0 && wm.x + wm.width <= vp.width && wm.y + wm.height <= vp.height, "watermark inside the viewport: " + JSON.stringify(wm));
  const onTop = await page.evaluate(() => {
    const w = document.querySelector("#canvas .bjs-powered-by");
    const r = w.getBoundingClientRect();
    return [[0.1, 0.1], [0.5, 0.5], [0.9, 0.9]].every(([fx, fy]) => w.contains(document.elementFromPoint(r.left + r.width * fx, r.top + r.height * fy)));
  });
  expect(onTop, "nothing covers the watermark");

  step("deploy");
  await page.waitForSelector("#deploy:not([hidden])");
  await page.click("#deploy");
  await page.waitForFunction(() => document.querySelector("#notice").textContent.includes("pubblicata"));

  step("lint round trip of C.8.0 over the websocket, from the browser");
  const c80 = readFileSync(env.C80_BPMN, "utf8");
  const trips = await page.evaluate(async ({ xml, n }) => {
    const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/designer/ws");
    await new Promise((ok, ko) => { ws.onopen = ok; ws.onerror = ko; });
    const out = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const ans = await new Promise((ok) => { ws.onmessage = (ev) => ok(JSON.parse(ev.data)); ws.send(JSON.stringify({ type: "lint", seq: i, files: { "process.bpmn": xml } })); });
      out.push({ ms: performance.now() - t0, serverMicros: ans.micros, diagnostics: ans.diagnostics.length });
    }
    ws.close();
    return out;
  }, { xml: c80, n: 20 });
  expect(trips.length === 20 && trips.every((t) => t.serverMicros > 0), "20 lint answers");

  step("a call activity's mappings become procedo:input extension elements");
  const call = await page.evaluate(() => {
    const m = window.procedo.modeler;
    const shape = m.get("elementFactory").createShape({ type: "bpmn:CallActivity" });
    const s = m.get("modeling").createShape(shape, { x: 300, y: 80 }, m.get("canvas").getRootElement());
    m.get("selection").select(s);
    return s.id;
  });
  await page.waitForSelector("#bio-properties-panel-procedo-input", { state: "attached" });
  if (!(await page.isVisible("#bio-properties-panel-procedo-input"))) {
    await page.click('[data-group-id="group-procedo"] .bio-properties-panel-group-header');
  }
  await page.fill("#bio-properties-panel-procedo-input", "targa = domanda.targa\nmaggiorenne = domanda.eta >= 18");
  await page.waitForFunction(async (id) => {
    const { xml } = await window.procedo.modeler.saveXML();
    return xml.includes('<procedo:input source="domanda.targa" target="targa" />') && xml.includes('<procedo:input source="domanda.eta &gt;= 18" target="maggiorenne" />') && xml.includes(id);
  }, call);

  expect(errors.length === 0, "no page errors, got " + errors.join("; "));
  console.log(JSON.stringify({ c80Bytes: c80.length, trips, editorTrips: await page.evaluate(() => window.procedo.lintRoundTrips) }));
} catch (e) {
  await page.screenshot({ path: env.SCREENSHOT }).catch(() => {});
  console.error("e2e failed:", e.message, "page errors:", errors.join("; "));
  await browser.close();
  process.exit(1);
}
await browser.close();
