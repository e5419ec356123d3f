// The ZTL story in real Chromium, driven by playwright-core: an official
// watches the desk (live updates over the websocket), a citizen applies
// through the form flow, the official asks for integration, ten days pass
// (the Go test moves the server's clock), the citizen answers with an
// attachment, the official approves, the citizen sees the case concluded
// and downloads the permit. Prints a JSON report on stdout; the Go test
// asserts on it and checks history and term through the API.
//
// Usage: CHROMIUM=/usr/bin/chromium node story.mjs BASE_URL PDF_PATH
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

const [base, pdfPath] = process.argv.slice(2);
const report = { steps: [], errors: [], axe: [] };

// audit checks the page against WCAG 2.1 A and AA with axe-core.
async function audit(page, label) {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  report.axe.push({
    label, passes: r.passes.length,
    violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ' — ' + n.failureSummary) })),
  });
}
const step = (name, data = {}) => { report.steps.push({ name, ...data }); if (process.env.STORY_DEBUG) console.error(name, JSON.stringify(data)); };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM,
  args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking'],
});

async function login(user) {
  const ctx = await browser.newContext({ locale: 'it-IT' });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => report.errors.push(user + ': ' + e.message));
  page.on('console', (m) => { if (m.type() === 'error') report.errors.push(user + ' console: ' + m.text()); });
  await page.goto(base + '/login');
  await Promise.all([page.waitForNavigation(), page.click(`[data-login="${user}"]`)]);
  return page;
}

// tick checks a checkbox or radio by clicking its label, as a person does
// (Bootstrap Italia draws the control on the label).
async function tick(page, sel) {
  const id = await page.getAttribute(sel, 'id');
  await page.click(`label[for="${id}"]`);
  if (!(await page.isChecked(sel))) throw new Error('not checked: ' + sel);
}

async function next(page) {
  try {
    await Promise.all([page.waitForNavigation({ timeout: 10000 }), page.click('.procedo-actions button[name="_action"][value="next"]')]);
  } catch (e) {
    const errs = (await page.textContent('main')).replace(/\s+/g, ' ').slice(0, 1500);
    throw new Error('the step did not advance: ' + JSON.stringify(errs));
  }
}

try {
  // The official opens the desk first and keeps it open.
  const desk = await login('monza.laura.verdi');
  await desk.goto(base + '/desk');
  await desk.waitForSelector('body[data-live="on"]', { timeout: 10000 });
  step('desk live');
  await audit(desk, 'desk (empty)');

  // The citizen applies.
  const citizen = await login('monza.mario.rossi');
  await citizen.goto(base + '/portal/servizi/ztl-access');
  await Promise.all([citizen.waitForNavigation(), citizen.click('text=Presenta la domanda')]);
  await tick(citizen, 'input[name="_privacy"]');
  await next(citizen);
  await citizen.fill('[name="$/richiedente/nome"]', 'Mario');
  await citizen.fill('[name="$/richiedente/cognome"]', 'Rossi');
  await citizen.fill('[name="$/richiedente/codice_fiscale"]', 'RSSMRA85T10A562S');
  await citizen.fill('[name="$/richiedente/email"]', 'mario.rossi@example.it');
  await tick(citizen, `[name="$/motivo"][value='"residente"']`);
  await next(citizen);
  await citizen.fill('[name="$/veicolo/targa"]', 'AB 123 CD');
  await citizen.selectOption('[name="$/veicolo/alimentazione"]', '"benzina"');
  await citizen.setInputFiles('[name="$/carta_circolazione"]', pdfPath);
  await tick(citizen, '[name="$/veridicita"]');
  await next(citizen);
  await Promise.all([citizen.waitForNavigation(), citizen.click('.procedo-actions button[name="_action"][value="submit"]')]);
  const receipt = await citizen.textContent('main');
  const number = (receipt.match(/20\d\d\/\d{6}/) || [''])[0];
  step('filed', { number });
  await citizen.goto(base + '/portal/pratiche');
  await audit(citizen, 'le mie pratiche');
  const caseId = await citizen.getAttribute(`tr:has-text("${number}")`, 'data-case');
  step('my cases', { caseId });

  // The desk updates by itself: the new task appears without a reload.
  const row = `tr[data-case="${caseId}"]`;
  await desk.waitForSelector(row, { timeout: 15000 });
  await audit(desk, 'desk task list');
  step('task arrived live', { refreshed: (await desk.getAttribute('#tasks', 'data-refreshed')) !== null });
  await Promise.all([desk.waitForNavigation(), desk.click(`${row} [data-claim]`)]);
  await desk.goto(base + '/desk/casi/' + caseId);
  const current = await desk.getAttribute('svg.bpmn-diagram g.current', 'data-element');
  await audit(desk, 'desk case page');
  step('diagram', { current });
  await tick(desk, `[name="$/esito/decisione"][value='"integrazione"']`);
  await desk.fill('[name="$/esito/motivazione"]', 'Allegare il contratto di locazione');
  await tick(desk, '[name="$/checklist/identita_verificata"]');
  await tick(desk, '[name="$/checklist/nessun_conflitto"]');
  await Promise.all([desk.waitForNavigation(), desk.click('[data-complete]')]);
  step('integration asked');

  // Ten days pass (the Go test moves the server's clock).
  const adv = await fetch(base + '/_test/advance?days=10', { method: 'POST' });
  step('clock advanced', { status: adv.status });

  // Sessions expired with the clock: log in again.
  const citizen2 = await login('monza.mario.rossi');
  await citizen2.goto(base + '/portal/pratiche/' + caseId);
  const request = await citizen2.textContent('#integrazione + p, section[aria-labelledby="integrazione"]');
  const term = await citizen2.textContent('[data-term]');
  step('citizen sees the request', { request, term });
  await audit(citizen2, 'citizen case page with the integration form');
  await citizen2.fill('[name="$/integrazione/risposta"]', 'Allego il contratto');
  await citizen2.setInputFiles('[name="$/integrazione/allegato"]', pdfPath);
  await Promise.all([citizen2.waitForNavigation(), citizen2.click('text=Invia l\'integrazione')]);
  step('integration sent', { flash: await citizen2.textContent('[role="status"]') });

  const desk2 = await login('monza.laura.verdi');
  await desk2.goto(base + '/desk');
  await desk2.waitForSelector(row, { timeout: 15000 });
  await Promise.all([desk2.waitForNavigation(), desk2.click(`${row} [data-claim]`)]);
  await desk2.goto(base + '/desk/casi/' + caseId);
  await tick(desk2, `[name="$/esito/decisione"][value='"accolta"']`);
  await desk2.fill('[name="$/esito/motivazione"]', 'Requisiti verificati');
  await tick(desk2, '[name="$/checklist/identita_verificata"]');
  await tick(desk2, '[name="$/checklist/requisiti_verificati"]');
  await tick(desk2, '[name="$/checklist/nessun_conflitto"]');
  await Promise.all([desk2.waitForNavigation(), desk2.click('[data-complete]')]);
  step('approved');

  // The permit is issued by a job: the citizen reloads until concluded.
  let status = '';
  for (let i = 0; i < 100 && status !== 'completed'; i++) {
    await citizen2.goto(base + '/portal/pratiche/' + caseId);
    status = await citizen2.getAttribute('[data-status]', 'data-status');
    if (status !== 'completed') await citizen2.waitForTimeout(100);
  }
  const phase = await citizen2.textContent('[data-phase]');
  const permit = await citizen2.request.get(base + '/portal/pratiche/' + caseId + '/documenti/permesso/1');
  const body = await permit.body();
  step('concluded', { status, phase, permitStatus: permit.status(), permitType: permit.headers()['content-type'], permitPDF: body.subarray(0, 5).toString() === '%PDF-' });
  report.caseId = caseId;
  report.number = number;
} catch (e) {
  report.errors.push(String(e && e.stack || e));
} finally {
  await browser.close();
  console.log(JSON.stringify(report));
}
