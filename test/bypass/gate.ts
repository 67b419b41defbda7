/** Run nhi-gate as a pipeline runs it (the CLI's main, in process) and read its JSON report. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../src/cli/main";
import { Report } from "../../src/engine/report";
import { NOW } from "../helpers";

export interface GateRun {
  code: number;
  stderr: string;
  report?: Report;
}

/** `nhi-gate <args> --format json --now <NOW>`: exit code, stderr, and the report when there is one. */
export async function gate(args: string[], env: Record<string, string> = {}): Promise<GateRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main([...args, "--format", "json", "--now", NOW.toISOString()], { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s), isTTY: false }, env });
  const text = out.join("");
  return { code, stderr: err.join(""), report: text.trim().startsWith("{") ? (JSON.parse(text) as Report) : undefined };
}

/** A scratch directory for config files and plans. */
export function scratch(prefix = "nhi-bypass-"): { dir: string; write(name: string, content: string): string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    dir,
    write(name, content) {
      const p = path.join(dir, name);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, content);
      return p;
    },
  };
}
