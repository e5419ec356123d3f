// The dashboard's script: charts (Chart.js), the BPMN diagram with the
// heatmap overlay (bpmn-js viewer), drill-down to the cases behind a
// figure, and live refresh over the websocket. The page already carries
// every figure (server-rendered); this script keeps them current.
import NavigatedViewer from "bpmn-js/lib/NavigatedViewer";
import Chart from "chart.js/auto";

const root = document.getElementById("dashboard");
const prefix = root.dataset.prefix;
const procedure = root.dataset.procedure;
const msg = JSON.parse(document.getElementById("messages").textContent);
const t = (k) => msg[k] || k;
const query = location.search;

// duration mirrors the server's formatting (web/dashboard: duration).
function duration(seconds) {
  if (!(seconds > 0)) return `0 ${t("hours")}`;
  let days = Math.floor(seconds / 86400);
  let hours = Math.round((seconds % 86400) / 3600);
  if (hours === 24) { days += 1; hours = 0; }
  return days === 0 ? `${hours} ${t("hours")}` : `${days} ${t("days")} ${hours} ${t("hours")}`;
}

// figures maps the data-figure names of the page to their text.
function figures(r) {
  const f = {
    "cases.total": r.cases.total, "cases.active": r.cases.active, "cases.completed": r.cases.completed,
    "cases.duration": duration(r.cases.duration.mean),
    "term.late": r.term.late, "term.atRisk": r.term.atRisk, "term.onTime": r.term.onTime,
    "term.overdue": r.term.overdue, "term.suspended": r.term.suspended, "term.suspensionDays": r.term.suspensionDays,
  };
  const counts = {};
  for (const fl of r.flags || []) counts[fl.rule] = (counts[fl.rule] || 0) + 1;
  for (const rule of r.rules || []) f[`flag.${rule.id}`] = counts[rule.id] || 0;
  for (const a of r.activities || []) {
    f[`activity.${a.element}.runs`] = a.runs;
    f[`activity.${a.element}.rework`] = a.reworkRuns;
    f[`activity.${a.element}.mean`] = duration(a.duration.mean);
  }
  for (const d of r.documents || []) f[`document.${d.name}.mean`] = d.mean.toFixed(2);
  for (const o of r.offices || []) f[`office.${o.name}.open`] = o.open;
  for (const c of r.checklists || []) f[`checklist.${c.item}.no`] = c.no;
  return f;
}

function showFigures(r) {
  const f = figures(r);
  for (const el of root.querySelectorAll("[data-figure]")) {
    const v = f[el.dataset.figure];
    if (v !== undefined && el.textContent !== String(v)) el.textContent = String(v);
  }
}

// Charts.
let weeksChart, actsChart;
function drawCharts(r) {
  const weeks = r.weeks || [];
  const wdata = {
    labels: weeks.map((w) => w.week),
    datasets: [
      { label: t("week.started"), data: weeks.map((w) => w.started), borderColor: "#0066cc", backgroundColor: "#0066cc" },
      { label: t("week.completed"), data: weeks.map((w) => w.completed), borderColor: "#008758", backgroundColor: "#008758" },
      { label: t("week.backlog"), data: weeks.map((w) => w.backlog), borderColor: "#cc7a00", backgroundColor: "#cc7a00" },
    ],
  };
  const acts = r.activities || [];
  const adata = {
    labels: acts.map((a) => a.element),
    datasets: [{ label: `${t("mean")} (${t("hours")})`, data: acts.map((a) => +(a.duration.mean / 3600).toFixed(1)), backgroundColor: "#0066cc" }],
  };
  const common = { responsive: true, maintainAspectRatio: false, animation: false };
  if (weeksChart) { weeksChart.data = wdata; weeksChart.update(); } else {
    weeksChart = new Chart(document.getElementById("chart-weeks"), { type: "line", data: wdata, options: common });
  }
  if (actsChart) { actsChart.data = adata; actsChart.update(); } else {
    actsChart = new Chart(document.getElementById("chart-activities"), {
      type: "bar", data: adata,
      options: { ...common, onClick: (_, els) => { if (els.length) drill(`activity:${acts[els[0].index].element}`); } },
    });
  }
}

// The diagram and its heatmap: colour by mean duration or by frequency
// (heat-4 the maximum, heat-0…3 by ratio to it), a badge with the runs
// and the mean.
let viewer, painted = [], last = null;
let heatBy = "mean";
async function drawDiagram() {
  if (!procedure) return;
  const res = await fetch(`${prefix}/api/diagram${query}`);
  if (!res.ok) return;
  viewer = new NavigatedViewer({ container: "#diagram" });
  await viewer.importXML(await res.text());
  viewer.get("canvas").zoom("fit-viewport");
  viewer.get("eventBus").on("element.click", (e) => {
    if (e.element && e.element.type !== "bpmn:Process") drill(`activity:${e.element.id}`);
  });
}

function paintHeatmap(r) {
  if (!viewer) return;
  const canvas = viewer.get("canvas");
  const overlays = viewer.get("overlays");
  const registry = viewer.get("elementRegistry");
  for (const [id, cls] of painted) canvas.removeMarker(id, cls);
  painted = [];
  overlays.remove({ type: "heat" });
  const heat = (r.heatmap || []).filter((h) => registry.get(h.element));
  const value = (h) => (heatBy === "runs" ? h.runs : h.mean);
  const max = Math.max(0, ...heat.map(value));
  for (const h of heat) {
    // heat-4 marks the maximum alone; the others take four steps of
    // their ratio to it.
    const v = value(h);
    const level = max <= 0 ? 0 : v === max ? 4 : Math.min(3, Math.floor((v / max) * 4));
    const cls = `heat-${level}`;
    canvas.addMarker(h.element, cls);
    painted.push([h.element, cls]);
    const badge = document.createElement("div");
    badge.className = "heat-badge";
    badge.dataset.element = h.element;
    badge.textContent = `${h.runs}× · ${duration(h.mean)}`;
    overlays.add(h.element, "heat", { position: { bottom: -4, right: 0 }, html: badge });
  }
  root.dataset.heatPainted = String(heat.length);
  root.dataset.heatBy = heatBy;
}

// drillLabel names the figure behind a drill key for people.
function drillLabel(key) {
  const i = key.indexOf(":");
  if (i < 0) return t(`drill.${key}`);
  const kind = key.slice(0, i), arg = key.slice(i + 1);
  const what = {
    flag: () => `${t(`rule.${arg}`)} (${arg})`,
    status: () => t(`status.${arg}`),
    term: () => t(`term.${arg}`),
  }[kind];
  return `${t(`drill.${kind}`)}: ${what ? what() : arg}`;
}

// Drill-down: the cases behind a figure.
async function drill(key) {
  const sep = query ? "&" : "?";
  const res = await fetch(`${prefix}/api/cases${query}${sep}key=${encodeURIComponent(key)}`);
  if (!res.ok) return;
  const d = await res.json();
  const section = document.getElementById("drill");
  section.dataset.key = key;
  document.getElementById("drill-key").textContent = drillLabel(key);
  document.getElementById("drill-total").textContent = String(d.total);
  const rows = document.getElementById("drill-rows");
  rows.replaceChildren();
  const fmt = (s) => (s ? new Date(s).toLocaleString("it-IT", { timeZone: "Europe/Rome" }) : "");
  for (const c of d.cases) {
    const tr = document.createElement("tr");
    for (const v of [c.id, c.businessKey || "", t(`status.${c.status}`), fmt(c.started), fmt(c.ended)]) {
      const td = document.createElement("td");
      td.textContent = v;
      tr.append(td);
    }
    rows.append(tr);
  }
  const flags = document.getElementById("drill-flags");
  flags.replaceChildren();
  for (const f of d.flags || []) {
    const li = document.createElement("li");
    li.textContent = `${f.businessKey || f.case}: ${f.reason}`;
    flags.append(li);
  }
  section.hidden = false;
  section.scrollIntoView({ block: "nearest" });
}

root.addEventListener("click", (e) => {
  const el = e.target.closest("[data-drill]");
  if (el) drill(el.dataset.drill);
});
for (const sel of document.querySelectorAll("#filters select")) {
  sel.addEventListener("change", () => { if (sel.id === "f-procedure") document.getElementById("f-version").value = ""; });
}

for (const radio of document.querySelectorAll('#heat-mode input[name="heat"]')) {
  radio.addEventListener("change", () => {
    heatBy = radio.value;
    if (last) paintHeatmap(last);
  });
}

function update(r) {
  last = r;
  showFigures(r);
  drawCharts(r);
  paintHeatmap(r);
  document.getElementById("live-status").textContent =
    `${t("live")} · ${t("updated")} ${new Date().toLocaleTimeString("it-IT", { timeZone: "Europe/Rome" })}`;
  root.dataset.updates = String((+root.dataset.updates || 0) + 1);
}

function live() {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(`${proto}//${location.host}${prefix}/ws${query}`);
  ws.onmessage = (e) => update(JSON.parse(e.data));
  ws.onclose = () => setTimeout(live, 5000);
}

(async () => {
  await drawDiagram();
  live(); // the first message carries the current report
})();
