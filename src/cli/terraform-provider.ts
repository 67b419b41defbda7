import * as path from "node:path";
import { Command } from "commander";
import { EXIT, UsageError } from "./errors";
import type { Io } from "./run";

/*
 * `nhi-gate terraform-provider mirror|release|config`: write the layout a team installs the
 * Terraform provider from, and print the lines they write. The layout code (fflate, the
 * bundle walk) is loaded only when one of these runs: registering costs nothing at CLI start.
 */

const collect = (v: string, prev: string[]) => [...prev, ...v.split(",").map((s) => s.trim()).filter(Boolean)];

type Layout = typeof import("./terraform-provider-layout");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const layout = (): Layout => require("./terraform-provider-layout") as Layout;

async function guarded(fn: () => void): Promise<number> {
  const { LayoutError } = layout();
  try {
    fn();
    return EXIT.pass;
  } catch (e) {
    if (e instanceof LayoutError) throw new UsageError(e.message);
    const err = e as NodeJS.ErrnoException;
    if (err.code && err.path) throw new UsageError(`${err.path}: ${err.code === "EACCES" ? "permission denied" : err.message}`);
    throw e;
  }
}

/** Register `terraform-provider` on the nhi-gate program; `start` receives the command's result. */
export function registerTerraformProvider(program: Command, io: Io, start: (p: Promise<number>) => void): void {
  const configure = (c: Command) => c.exitOverride().configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s), outputError: () => undefined });
  const tp = configure(
    program
      .command("terraform-provider")
      .description("write the Terraform provider (provider::nhi::identity, for modules/governed-identity-aws) as a filesystem/network mirror or as release assets, and print the .terraformrc and required_providers lines; the provider runs with Node.js >= 20 on the runner"),
  );
  const note = (s: string) => io.stderr.write(`nhi-gate: ${s}\n`);
  configure(
    tp
      .command("mirror")
      .description("write a filesystem mirror (also a static network mirror when served over HTTPS): <dir>/nhi.local/nhi-governance/nhi/*.zip, index.json, <version>.json")
      .argument("<dir>")
      .option("-p, --platform <os_arch>", "platform to write (repeatable or comma-separated; default all: linux_amd64, linux_arm64, darwin_amd64, darwin_arm64, freebsd_amd64)", collect, [])
      .action((dir: string, opts: { platform: string[] }) =>
        start(
          guarded(() => {
            const target = path.resolve(dir);
            const r = layout().writeMirror(target, { platforms: opts.platform, note });
            io.stderr.write(`nhi-gate: wrote ${r.files.length} files of terraform-provider-nhi ${r.version} under ${target}\n`);
            io.stdout.write(layout().configLines({ mirror: target, version: r.version }));
          }),
        ),
      ),
  );
  configure(
    tp
      .command("release")
      .description("write release assets for a private registry: terraform-provider-nhi_<version>_<os>_<arch>.zip, _SHA256SUMS, _manifest.json (sign SHA256SUMS with your registry's GPG key)")
      .argument("<dir>")
      .option("-p, --platform <os_arch>", "platform to write (repeatable or comma-separated; default all)", collect, [])
      .action((dir: string, opts: { platform: string[] }) =>
        start(
          guarded(() => {
            const target = path.resolve(dir);
            const r = layout().writeRelease(target, { platforms: opts.platform, note });
            io.stdout.write(`${r.files.map((f) => path.relative(process.cwd(), f) || f).join("\n")}\n`);
          }),
        ),
      ),
  );
  configure(
    tp
      .command("config")
      .description("print the .terraformrc and required_providers lines for a filesystem mirror directory or a network mirror URL")
      .option("--mirror <dir>", "filesystem mirror directory")
      .option("--network-mirror <url>", "network mirror base URL (https://...)")
      .action((opts: { mirror?: string; networkMirror?: string }) =>
        start(
          guarded(() => {
            if (opts.mirror && opts.networkMirror) throw new UsageError("give --mirror or --network-mirror, not both");
            if (opts.networkMirror && !/^https:\/\//.test(opts.networkMirror)) throw new UsageError(`--network-mirror ${opts.networkMirror.slice(0, 60)}: expected an https:// URL (Terraform requires HTTPS for network mirrors)`);
            io.stdout.write(layout().configLines({ mirror: opts.mirror ? path.resolve(opts.mirror) : undefined, networkMirror: opts.networkMirror }));
          }),
        ),
      ),
  );
}
