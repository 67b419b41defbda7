import { spawnSync, SpawnSyncReturns } from "node:child_process";
import * as path from "node:path";

/** The consumer project the global setup installed, and the package as it was installed there. */
export const project = () => {
  const p = process.env.NHI_CONSUMER_PROJECT;
  if (!p) throw new Error("NHI_CONSUMER_PROJECT is not set: run the consumer suite with npm run test:package (its global setup installs the project)");
  return p;
};
export const installed = () => path.join(project(), "node_modules", "nhi-governance");
/** The checkout that was packed (for files a user has beside the package: a plan of their own). */
export const source = () => process.env.NHI_PACKAGE_SOURCE ?? path.resolve(__dirname, "../..");

export interface Ran {
  code: number;
  out: string;
  err: string;
}

/** Run a command in the consumer project, as a user in that directory would. */
export function sh(cmd: string, args: string[], opts: { cwd?: string; env?: Record<string, string>; input?: string; timeout?: number } = {}): Ran {
  const r: SpawnSyncReturns<string> = spawnSync(cmd, args, {
    cwd: opts.cwd ?? project(),
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", npm_config_update_notifier: "false", ...opts.env },
    input: opts.input,
    timeout: opts.timeout ?? 240_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? (r.signal ? 128 : 2), out: r.stdout ?? "", err: `${r.stderr ?? ""}${r.error ? String(r.error) : ""}` };
}

export const tsc = (args: string[]) => sh(process.execPath, [path.join(project(), "node_modules", "typescript", "bin", "tsc"), ...args]);

/** Diagnostics by file (relative to the project) from tsc's plain output. */
export function diagnosticsByFile(output: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let last = "(project)";
  for (const line of output.split("\n")) {
    const m = /^([^\s(][^(]*)\((\d+),(\d+)\): (error|warning) (TS\d+: .*)$/.exec(line);
    if (m) {
      last = m[1];
      out.set(last, [...(out.get(last) ?? []), `${m[2]}:${m[3]} ${m[5]}`]);
    } else if (line.trim() && /^\s/.test(line)) {
      const l = out.get(last);
      if (l) l[l.length - 1] += ` ${line.trim()}`;
    } else if (/error TS\d+/.test(line)) out.set("(project)", [...(out.get("(project)") ?? []), line]);
  }
  return out;
}
