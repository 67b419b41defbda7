import { Inventory, InventoryRecord } from "../engine/inventory";

export const INVENTORY_FORMATS = ["table", "json", "csv", "markdown"] as const;
export type InventoryFormat = (typeof INVENTORY_FORMATS)[number];

const COLUMNS: [keyof InventoryRecord, string][] = [
  ["address", "identity"],
  ["kind", "kind"],
  ["owner", "owner"],
  ["purpose", "purpose"],
  ["environment", "env"],
  ["credential", "credential"],
  ["ttl", "ttl"],
  ["rotation", "rotation"],
  ["recertifyBy", "recertify by"],
  ["governed", "governed"],
];

const SECTIONS: [keyof Omit<Inventory, "evaluatedAt" | "identities">, string][] = [
  ["overdueRecertifications", "Overdue recertifications"],
  ["credentialsPastTtl", "Credentials past their TTL"],
  ["withoutOwner", "Identities without an owner"],
  ["orphanedCredentials", "Orphaned credentials"],
];

// Control characters from inputs never reach a terminal or a file.
const clean = (v: unknown) => String(v ?? "").replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ");

function table(rows: InventoryRecord[]): string {
  if (!rows.length) return "  (none)\n";
  const cells = rows.map((r) => COLUMNS.map(([k]) => clean(r[k]) || "-"));
  // The identity (address or URN) is never cut: its end names the resource. Other columns stop at 48.
  const widths = COLUMNS.map(([, h], i) => Math.min(i === 0 ? Infinity : 48, Math.max(h.length, ...cells.map((c) => c[i].length))));
  const fit = (s: string, w: number) => (s.length > w ? `${s.slice(0, w - 1)}…` : s.padEnd(w));
  const line = (c: string[]) => c.map((s, i) => fit(s, widths[i])).join("  ").trimEnd();
  return [line(COLUMNS.map(([, h]) => h)), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n") + "\n";
}

function formatTable(inv: Inventory): string {
  let out = `Non-human identity inventory (${inv.identities.length} identities, evaluated at ${inv.evaluatedAt})\n\n${table(inv.identities)}`;
  for (const [key, title] of SECTIONS) out += `\n${title} (${inv[key].length})\n${table(inv[key])}`;
  return out;
}

/** RFC 4180 quoting, and a leading quote on cells a spreadsheet would run as a formula. */
function csvCell(v: unknown): string {
  let s = clean(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function formatCsv(inv: Inventory): string {
  const sectionsOf = (r: InventoryRecord) => SECTIONS.filter(([k]) => inv[k].includes(r)).map(([k]) => k);
  const header = [...COLUMNS.map(([k]) => k), "principal", "type", "action", "source", "sections"].join(",");
  const rows = inv.identities.map((r) => [...COLUMNS.map(([k]) => r[k]), r.principal, r.type, r.action, r.source, sectionsOf(r).join(" ")].map(csvCell).join(","));
  return [header, ...rows].join("\n") + "\n";
}

const md = (v: unknown) => clean(v).replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/@/g, "@\u200b") || "-";

function mdTable(rows: InventoryRecord[]): string {
  if (!rows.length) return "_none_\n";
  return [`| ${COLUMNS.map(([, h]) => h).join(" | ")} |`, `|${COLUMNS.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${COLUMNS.map(([k]) => md(r[k])).join(" | ")} |`)].join("\n") + "\n";
}

function formatMarkdown(inv: Inventory): string {
  let out = `## Non-human identity inventory\n\n${inv.identities.length} identities, evaluated at ${inv.evaluatedAt}.\n\n${mdTable(inv.identities)}`;
  for (const [key, title] of SECTIONS) out += `\n### ${title} (${inv[key].length})\n\n${mdTable(inv[key])}`;
  return out;
}

export function formatInventory(inv: Inventory, format: InventoryFormat): string {
  switch (format) {
    case "table":
      return formatTable(inv);
    case "json":
      return JSON.stringify(inv, null, 2) + "\n";
    case "csv":
      return formatCsv(inv);
    case "markdown":
      return formatMarkdown(inv);
  }
}
