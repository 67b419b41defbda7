import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { GateConfigSchema } from "../../src/spec/config";
import { ExemptionsFileSchema } from "../../src/spec/exemptions";
import { clock } from "../helpers";
import { main } from "../../src/cli/main";

const root = path.resolve(__dirname, "../..");
const dir = path.join(root, "examples/pipelines");
const read = (f: string) => fs.readFileSync(path.join(dir, f), "utf8");

/** Every `nhi-gate ...` command line in a workflow's run/script steps, as argument lists. */
function gateCommands(doc: unknown): string[][] {
  const out: string[][] = [];
  const walk = (v: unknown) => {
    if (typeof v === "string") {
      const folded = v.replace(/\s+/g, " ");
      const m = /nhi-gate (.*)$/.exec(folded);
      if (m) out.push(m[1].trim().split(" "));
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") Object.values(v).forEach(walk);
  };
  walk(doc);
  return out;
}

async function help(command: string): Promise<string> {
  let text = "";
  const io = { stdout: { write: (s: string) => ((text += s), true) }, stderr: { write: (s: string) => ((text += s), true) }, env: {} };
  await main([command, "--help"], io as never);
  return text;
}

describe("examples/pipelines", () => {
  it.each(["github-actions.yml", "gitlab-ci.yml"])("%s parses and names only real nhi-gate commands and flags", async (file) => {
    const doc = parse(read(file));
    const commands = gateCommands(doc);
    expect(commands.length).toBeGreaterThan(0);
    for (const [command, ...args] of commands) {
      expect(["plan", "state", "synth"]).toContain(command);
      const usage = await help(command);
      for (const flag of args.filter((a) => a.startsWith("--"))) expect([flag, usage.includes(flag)]).toEqual([flag, true]);
      // Formats named exist.
      args.forEach((a, i) => {
        if (a === "--format") expect(["text", "json", "sarif", "junit", "markdown"]).toContain(args[i + 1]);
      });
    }
  });

  it("the GitHub workflow uploads the SARIF file the gate writes, and previews with the pack that exists here", () => {
    const doc = parse(read("github-actions.yml"));
    const steps = doc.jobs.terraform.steps as Record<string, unknown>[];
    const gateStep = steps.find((s) => typeof s.run === "string" && (s.run as string).includes("nhi-gate"));
    const upload = steps.find((s) => s.uses === "github/codeql-action/upload-sarif@v3") as { with: { sarif_file: string } };
    expect(upload.with.sarif_file.endsWith(/--output (\S+\.sarif)/.exec(String(gateStep?.run))?.[1] ?? "none")).toBe(true);
    const pulumi = (doc.jobs.pulumi.steps as { uses?: string; with?: { policyPacks: string } }[]).find((s) => s.uses === "pulumi/actions@v6") as { with: { policyPacks: string } };
    const packPath = pulumi.with.policyPacks.replace("node_modules/nhi-governance/", "");
    expect(fs.existsSync(path.join(root, packPath, "PulumiPolicy.yaml"))).toBe(true);
  });

  it("the GitLab job reports JUnit from the file the gate writes", () => {
    const doc = parse(read("gitlab-ci.yml"));
    const job = doc["nhi-gate"];
    const written = /--output (\S+\.xml)/.exec(job.script.join(" "))?.[1];
    expect(job.artifacts.reports.junit).toBe(`infra/${written}`);
  });

  it("the starter config and exemptions are valid", () => {
    expect(() => GateConfigSchema.parse(JSON.parse(read("nhi-governance.config.json")))).not.toThrow();
    // Empty, so that it never starts failing a pipeline when a date passes...
    expect(ExemptionsFileSchema.parse(parse(read("nhi-exemptions.yaml")))).toEqual([]);
    // ...and its commented entry, uncommented with an expiry relative to the clock, is a valid exemption, on any day.
    const entry = read("nhi-exemptions.yaml")
      .split("\n")
      .filter((l) => /^#  /.test(l))
      .map((l) => l.slice(1))
      .join("\n");
    for (const now of [clock.now(), new Date(clock.now().getTime() + 400 * 86_400_000)]) {
      const expires = new Date(now.getTime() + 14 * 86_400_000).toISOString().slice(0, 10);
      const parsed = ExemptionsFileSchema.parse(parse(`exemptions:\n${entry.replace("YYYY-MM-DD", expires)}`));
      expect(parsed).toEqual([expect.objectContaining({ rule: "NHI-GOV-001", ticket: "DATA-1207", expires })]);
    }
  });
});
