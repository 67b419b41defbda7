import type * as Sarif from "sarif";
import * as path from "node:path";
import { Finding } from "../engine/report";
import { NIST_CSF, OWASP_NHI } from "../rules/rule";
import { Severity } from "../spec/config";
import { allRuleMeta, Formatter } from "./context";

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
export const OWASP_TAXONOMY = "OWASP-NHI-Top-10";
export const NIST_TAXONOMY = "NIST-CSF";

const LEVEL: Record<Severity, Sarif.ReportingConfiguration.level> = { critical: "error", high: "error", medium: "warning", low: "note", info: "note" };
/** GitHub code scanning reads `security-severity` (0.0-10.0) to rank alerts. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0", info: "1.0" };

/** A file path as a URI reference (relative paths stay relative). */
export function toUri(file: string): string {
  return file
    .split(/[\\/]/)
    .map((s) => encodeURIComponent(s))
    .join("/");
}

/** SARIF 2.1.0: rules with help and the OWASP NHI and NIST CSF mappings as taxonomies. */
/** `%SRCROOT%`: the base of artifact URIs made relative to the run's working directory. */
export const SRCROOT = "%SRCROOT%";

/** An absolute path inside `baseDir` as a relative URI; undefined when it is not inside. */
function relativeTo(baseDir: string | undefined, file: string): string | undefined {
  if (!baseDir || !path.isAbsolute(file)) return undefined;
  const rel = path.relative(baseDir, file);
  if (rel === "" || rel.startsWith("..") || path.isAbsolute(rel)) return undefined;
  return toUri(rel);
}

/** `file:///...` for a directory, with the trailing slash SARIF requires of a base URI. */
function dirUri(dir: string): string {
  const posix = dir.split(path.sep).join("/");
  return `file://${posix.startsWith("/") ? "" : "/"}${posix.split("/").map((s) => (/^[A-Za-z]:$/.test(s) ? s : encodeURIComponent(s))).join("/").replace(/\/?$/, "/")}`;
}

export const formatSarif: Formatter = (report, ctx = {}) => {
  const artifactLocation = (file: string): Sarif.ArtifactLocation => {
    const rel = relativeTo(ctx.baseDir, file);
    return rel ? { uri: rel, uriBaseId: SRCROOT } : { uri: toUri(file) };
  };
  const usesBase = report.sources.some((s) => relativeTo(ctx.baseDir, s) !== undefined);
  const metas = allRuleMeta();
  const owaspIds = Object.keys(OWASP_NHI) as (keyof typeof OWASP_NHI)[];
  const nistIds = Object.keys(NIST_CSF) as (keyof typeof NIST_CSF)[];
  const ruleIndex = new Map(metas.map((m, i) => [m.id, i]));
  const rules: Sarif.ReportingDescriptor[] = metas.map((m) => ({
    id: m.id,
    name: m.title.replace(/[^A-Za-z0-9]+(.)?/g, (_, ch: string | undefined) => (ch ? ch.toUpperCase() : "")).replace(/^./, (s) => s.toUpperCase()),
    shortDescription: { text: m.title },
    fullDescription: { text: m.rationale },
    help: { text: `${m.remediation}\n\nControls: OWASP ${m.controls.owasp.join(", ")}; NIST CSF ${m.controls.nistCsf.join(", ")}.`, markdown: `**Fix:** ${m.remediation}\n\n**Why:** ${m.rationale}\n\n**Controls:** OWASP ${m.controls.owasp.join(", ")} · NIST CSF ${m.controls.nistCsf.join(", ")}` },
    defaultConfiguration: { level: LEVEL[m.severity] },
    properties: { tags: ["security", "non-human-identity", ...m.controls.owasp, ...m.controls.nistCsf], severity: m.severity, "security-severity": SECURITY_SEVERITY[m.severity], precision: "high" },
    relationships: [
      ...m.controls.owasp.map((id) => ({ target: { id, index: owaspIds.indexOf(id), toolComponent: { name: OWASP_TAXONOMY, index: 0 } }, kinds: ["relevant"] })),
      ...m.controls.nistCsf.map((id) => ({ target: { id, index: nistIds.indexOf(id), toolComponent: { name: NIST_TAXONOMY, index: 1 } }, kinds: ["relevant"] })),
    ],
  }));
  const resources = new Map(report.resources.map((r) => [r.address, r]));
  const artifacts: Sarif.Artifact[] = report.sources.map((s) => ({ location: { ...artifactLocation(s), ...(s === "stdin" ? { description: { text: "the input was read from standard input" } } : {}) } }));
  const result = (f: Finding): Sarif.Result => {
    const r = resources.get(f.address);
    const file = r?.origin.file ?? report.sources[0];
    const location: Sarif.Location = {
      logicalLocations: [{ fullyQualifiedName: f.address, name: /[^.[\]]+(?:\[[^\]]*\])?$/.exec(f.address)?.[0] ?? f.address, kind: "resource" }],
    };
    // GitHub code scanning rejects a whole upload when a result has no physical location, so
    // input read from standard input is named `stdin` too (the artifact says so).
    if (file) {
      const idx = report.sources.indexOf(file);
      location.physicalLocation = { artifactLocation: { ...artifactLocation(file), ...(idx >= 0 ? { index: idx } : {}) } };
    }
    const res: Sarif.Result = {
      ruleId: f.ruleId,
      ruleIndex: ruleIndex.get(f.ruleId),
      level: LEVEL[f.severity],
      message: { text: f.message },
      locations: [location],
      partialFingerprints: { findingId: f.findingId, "nhiFinding/v1": `${f.findingId}@${f.address}` },
      properties: {
        findingId: f.findingId,
        severity: f.severity,
        address: f.address,
        resourceType: f.resourceType,
        ...(f.field ? { field: f.field } : {}),
        ...(f.parts ? { parts: f.parts } : {}),
        ...(r?.origin.constructPath ? { constructPath: r.origin.constructPath } : {}),
        ...(r?.origin.module ? { module: r.origin.module.address, ...(r.origin.module.source ? { moduleSource: r.origin.module.source } : {}) } : {}),
      },
    };
    if (res.ruleIndex === undefined) delete res.ruleIndex;
    if (f.exemptedBy) {
      res.suppressions = [
        {
          kind: "external",
          status: "accepted",
          justification: `${f.exemptedBy.baseline ? "baseline " : ""}${f.exemptedBy.ticket} (owner ${f.exemptedBy.owner}, until ${f.exemptedBy.expires}): ${f.exemptedBy.reason}`,
          ...(f.exemptedBy.baseline ? { properties: { baseline: true } } : {}),
        },
      ];
    }
    return res;
  };
  const log: Sarif.Log = {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "nhi-gate",
            fullName: "nhi-governance plan gate",
            informationUri: "https://github.com/nhi-governance/nhi-governance",
            version: report.tool.version,
            semanticVersion: report.tool.version,
            rules,
            supportedTaxonomies: [
              { name: OWASP_TAXONOMY, index: 0 },
              { name: NIST_TAXONOMY, index: 1 },
            ],
          },
          // The data packages the findings were judged with (the AWS managed policy documents).
          ...(report.tool.data?.length
            ? { extensions: report.tool.data.map((d) => ({ name: d.package, version: d.version, informationUri: `https://www.npmjs.com/package/${d.package}`, properties: { license: d.license, used: d.used } })) }
            : {}),
        },
        taxonomies: [
          {
            name: OWASP_TAXONOMY,
            organization: "OWASP",
            version: "2025",
            informationUri: "https://owasp.org/www-project-non-human-identities-top-10/",
            shortDescription: { text: "OWASP Non-Human Identities Top 10 (2025)" },
            taxa: owaspIds.map((id) => ({ id, name: OWASP_NHI[id], shortDescription: { text: OWASP_NHI[id] } })),
          },
          {
            name: NIST_TAXONOMY,
            organization: "NIST",
            version: "2.0",
            informationUri: "https://www.nist.gov/cyberframework",
            shortDescription: { text: "NIST Cybersecurity Framework 2.0" },
            taxa: nistIds.map((id) => ({ id, name: id, shortDescription: { text: NIST_CSF[id] } })),
          },
        ],
        ...(usesBase && ctx.baseDir ? { originalUriBaseIds: { [SRCROOT]: { uri: dirUri(ctx.baseDir), description: { text: "the directory nhi-gate ran in" } } } } : {}),
        artifacts,
        invocations: [{ executionSuccessful: true, endTimeUtc: report.evaluatedAt, properties: { passed: report.passed, failOn: report.failOn } }],
        results: report.findings.map(result),
        properties: { summary: report.summary },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
};
