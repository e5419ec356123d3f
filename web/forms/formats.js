// Checks of the Italian formats, the same as package forms/format on the
// server (which stays the authority: these only spare a round trip).

const OMOCODIA = "LMNPQRSTUV";
const MONTHS = "ABCDEHLMPRST";
const ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function norm(s, dashes) {
  return s.replace(dashes ? /[\s-]/g : /\s/g, "").toUpperCase();
}

export function partitaIVA(s) {
  let p = norm(s, false);
  if (p.length === 13 && p.startsWith("IT")) p = p.slice(2);
  if (!/^\d{11}$/.test(p) || p === "00000000000") return false;
  let sum = 0;
  for (let i = 0; i < 11; i++) {
    let d = p.charCodeAt(i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export function codiceFiscale(s) {
  const cf = norm(s, false);
  if (cf.length === 11) return partitaIVA(cf);
  if (!/^[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$/.test(cf)) return false;
  const plain = cf.split("");
  for (const p of [6, 7, 9, 10, 12, 13, 14]) {
    const k = OMOCODIA.indexOf(plain[p]);
    if (k >= 0) plain[p] = String(k);
  }
  const month = MONTHS.indexOf(plain[8]);
  if (month < 0) return false;
  let day = Number(plain[9] + plain[10]);
  if (day > 40) day -= 40;
  if (day < 1 || day > DAYS[month]) return false;
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const c = cf.charCodeAt(i);
    const v = c >= 65 ? c - 65 : c - 48;
    sum += i % 2 === 0 ? ODD[v] : v;
  }
  return cf.charCodeAt(15) === 65 + (sum % 26);
}

const IBAN_LENGTHS = {
  AD: 24, AT: 20, BE: 16, BG: 22, CH: 21, CY: 28, CZ: 24, DE: 22, DK: 18, EE: 20, ES: 24, FI: 18,
  FR: 27, GB: 22, GI: 23, GR: 27, HR: 21, HU: 28, IE: 22, IS: 26, IT: 27, LI: 21, LT: 20, LU: 20,
  LV: 21, MC: 27, MT: 31, NL: 18, NO: 15, PL: 28, PT: 25, RO: 24, SE: 24, SI: 19, SK: 24, SM: 27, VA: 22,
};

export function iban(s) {
  const v = norm(s, false);
  if (v.length < 4 || IBAN_LENGTHS[v.slice(0, 2)] !== v.length) return false;
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(v)) return false;
  if ((v.startsWith("IT") || v.startsWith("SM")) && !/^.{4}[A-Z]\d{10}/.test(v)) return false;
  const r = v.slice(4) + v.slice(0, 4);
  let rem = 0;
  for (const ch of r) {
    const c = ch.charCodeAt(0);
    rem = c >= 65 ? (rem * 100 + (c - 55)) % 97 : (rem * 10 + (c - 48)) % 97;
  }
  return rem === 1;
}

export function cap(s) {
  return /^\d{5}$/.test(s) && s >= "00010" && s <= "98168";
}

export function targa(s) {
  const p = norm(s, true);
  const L = "[ABCDEFGHJKLMNPRSTVWXYZ]";
  return new RegExp(`^${L}{2}\\d{3}(${L}{2}|\\d{2})$`).test(p);
}

export function telefono(s) {
  if (!/^\+?[\d][\d .\-/]*$/.test(s) && !/^\+[\d .\-/]+$/.test(s)) return false;
  const plus = s.startsWith("+");
  let d = s.replace(/\D/g, "");
  if (plus && d.startsWith("39")) d = d.slice(2);
  else if (!plus && d.startsWith("0039") && d.length > 4) d = d.slice(4);
  else if (plus) return d.length >= 8 && d.length <= 15 && d[0] !== "0";
  if (d.startsWith("0")) return d.length >= 6 && d.length <= 11;
  if (d.startsWith("3")) return d.length >= 9 && d.length <= 10;
  return false;
}

export function email(s) {
  const m = /^[^\s@<>()[\]\\,;:"]+@([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)$/.exec(s);
  if (!m) return false;
  return m[1].split(".").every((l) => l.length > 0 && l.length <= 63 && !l.startsWith("-") && !l.endsWith("-"));
}

export function date(s) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(s + "T12:00:00Z");
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

export const checks = {
  "codice-fiscale": codiceFiscale,
  "partita-iva": partitaIVA,
  iban,
  cap,
  targa,
  telefono,
  email,
  pec: email,
  date,
};
