import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { VERSION } from "../version";

/*
 * How a team installs the Terraform provider (terraform-provider/): a zip per platform holding
 * a launcher and the bundled provider, laid out as
 *   - a filesystem mirror, which is also a static network mirror when served over HTTPS
 *     (HOST/NAMESPACE/TYPE/terraform-provider-nhi_VERSION_OS_ARCH.zip, index.json, VERSION.json:
 *     the layout `terraform providers mirror` writes), or
 *   - release assets for a private registry (the zips, terraform-provider-nhi_VERSION_SHA256SUMS,
 *     terraform-provider-nhi_VERSION_manifest.json with the protocol versions).
 *
 * The executable is a launcher that requires Node.js >= 20 on the runner: a POSIX shell script
 * named terraform-provider-nhi_vVERSION that runs the provider bundled beside it
 * (nhi-governance/: this package's compiled provider and engine, and the runtime dependencies it
 * loads). Not a single executable application: the zip is the same JavaScript for every
 * platform and carries no Node binary, so the platforms are the POSIX ones (no Windows).
 */

/** The provider's source address: the module's required_providers pins it. The hostname is a name only: it is never contacted. */
export const PROVIDER_SOURCE = { hostname: "nhi.local", namespace: "nhi-governance", type: "nhi" } as const;
export const PROVIDER_ADDRESS = `${PROVIDER_SOURCE.hostname}/${PROVIDER_SOURCE.namespace}/${PROVIDER_SOURCE.type}`;
export const PLATFORMS = ["linux_amd64", "linux_arm64", "darwin_amd64", "darwin_arm64", "freebsd_amd64"] as const;
export const PROTOCOL_VERSIONS = ["6.0"];

/** The compiled module the provider starts from (bin/terraform-provider-nhi.js requires it). */
export const PROVIDER_ENTRY = "dist/terraform-provider/main.js";

const BUILTINS = new Set(require("node:module").builtinModules as string[]);
const REQUIRE = /\brequire\(\s*(["'])([^"'\n]+)\1\s*\)/g;

/** `@scope/name/deep/path` -> `@scope/name`; `name/deep` -> `name`. */
const packageOf = (specifier: string) => (specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]);

/**
 * The packages the provider loads at run time, found by following the literal require calls
 * of the compiled JavaScript from PROVIDER_ENTRY (relative ones within `compiled`, a map
 * from package-relative paths to file contents): what the bundle must carry, derived from the
 * code rather than kept by hand (a hand-kept list went stale when the engine gained a
 * dependency). A relative require that resolves to no compiled file is an error.
 */
export function providerRuntimeDependencies(compiled: Map<string, Uint8Array>, entry = PROVIDER_ENTRY): string[] {
  const deps = new Set<string>();
  const seen = new Set<string>();
  const resolve = (from: string, spec: string): string | undefined => {
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
    return [base, `${base}.js`, `${base}/index.js`].find((c) => compiled.has(c));
  };
  const stack = [entry];
  while (stack.length) {
    const file = stack.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = Buffer.from(compiled.get(file) as Uint8Array).toString("utf8");
    for (const m of text.matchAll(REQUIRE)) {
      const spec = m[2];
      if (spec.startsWith(".")) {
        const target = resolve(file, spec);
        if (target === undefined) {
          if (spec.endsWith(".json")) continue; // package.json and data files are read, not compiled
          throw new LayoutError(`${file} requires ${spec}, which is not among the compiled sources`);
        }
        stack.push(target);
      } else if (!spec.startsWith("node:") && !BUILTINS.has(spec) && !BUILTINS.has(spec.split("/")[0])) deps.add(packageOf(spec));
    }
  }
  if (!seen.size || !compiled.has(entry)) throw new LayoutError(`the compiled provider ${entry} is missing`);
  return [...deps].sort();
}

/** A fixed time for every zip entry: the same package version gives byte-identical zips (and hashes). */
const ZIP_TIME = new Date("2020-01-01T00:00:00Z");

export class LayoutError extends Error {}

export const zipName = (platform: string, version = VERSION) => `terraform-provider-${PROVIDER_SOURCE.type}_${version}_${platform}.zip`;
export const executableName = (version = VERSION) => `terraform-provider-${PROVIDER_SOURCE.type}_v${version}`;

/** The package root: the nearest directory up from here whose package.json is nhi-governance's. */
export function packageRoot(from: string = __dirname): string {
  for (let dir = from; ; ) {
    const pj = path.join(dir, "package.json");
    if (fs.existsSync(pj)) {
      try {
        if (JSON.parse(fs.readFileSync(pj, "utf8")).name === "nhi-governance") return dir;
      } catch {
        // not ours
      }
    }
    const up = path.dirname(dir);
    if (up === dir) throw new LayoutError(`cannot find the nhi-governance package root above ${from}`);
    dir = up;
  }
}

type Entry = { data: Uint8Array; mode: number };

function launcher(version: string): string {
  return `#!/bin/sh
# terraform-provider-nhi ${version}: the nhi-governance Terraform provider (plugin protocol 6).
# A launcher: it runs the provider bundled beside it (nhi-governance/) with Node.js >= 20 from
# PATH, or the node binary named by NHI_NODE.
node=\${NHI_NODE:-node}
if ! command -v "$node" >/dev/null 2>&1; then
  echo "terraform-provider-nhi: Node.js >= 20 is required to run this provider: put node on PATH or set NHI_NODE" >&2
  exit 1
fi
dir=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
exec "$node" "$dir/nhi-governance/bin/terraform-provider-nhi.js" "$@"
`;
}

function walk(dir: string, keep: (rel: string, isDir: boolean) => boolean, rel = ""): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (!keep(r, e.isDirectory())) continue;
    if (e.isDirectory()) out.push(...walk(dir, keep, r));
    else if (e.isFile()) out.push(r);
  }
  return out;
}

function newestTs(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  return Math.max(0, ...walk(dir, (r, isDir) => (isDir ? !["node_modules", "dist"].includes(path.basename(r)) : r.endsWith(".ts"))).map((r) => fs.statSync(path.join(dir, r)).mtimeMs));
}

/**
 * The compiled provider and engine: dist/ when it is built and not older than the sources (an
 * installed package ships dist/ only), else, in a development checkout, the sources transpiled
 * here (TypeScript, no type check), so a stale build is never packaged.
 */
export function compiledSources(root: string, note: (s: string) => void): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const dirs = ["src", "terraform-provider"];
  const built = path.join(root, "dist", "terraform-provider", "main.js");
  const builtAt = fs.existsSync(built) ? fs.statSync(built).mtimeMs : -1;
  const fresh = builtAt >= 0 && dirs.every((d) => newestTs(path.join(root, d)) <= builtAt);
  if (fresh) {
    for (const d of dirs) {
      const base = path.join(root, "dist", d);
      for (const r of walk(base, (rel, isDir) => isDir || rel.endsWith(".js"))) out.set(`dist/${d}/${r}`, fs.readFileSync(path.join(base, r)));
    }
    return out;
  }
  let ts: typeof import("typescript");
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    ts = require("typescript");
  } catch {
    throw new LayoutError(`${built} is missing or older than the sources, and TypeScript is not installed to compile them: run npm run build`);
  }
  note("dist/ is missing or stale: packaging the TypeScript sources, transpiled");
  for (const d of dirs) {
    const base = path.join(root, d);
    for (const r of walk(base, (rel, isDir) => (isDir ? !["node_modules", "dist"].includes(path.basename(rel)) : rel.endsWith(".ts") && !rel.endsWith(".d.ts") && !rel.endsWith(".test.ts")))) {
      const source = fs.readFileSync(path.join(base, r), "utf8");
      const js = ts.transpileModule(source, {
        fileName: r,
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, resolveJsonModule: true, sourceMap: false },
      }).outputText;
      out.set(`dist/${d}/${r.replace(/\.ts$/, ".js")}`, Buffer.from(js));
    }
  }
  return out;
}

/** Where Node would load package `name` from, starting at `from` (node_modules up the tree; the path as found, links not resolved). */
function findPackage(name: string, from: string): string | undefined {
  for (let dir = from; ; ) {
    const candidate = path.join(dir, "node_modules", name);
    if (fs.existsSync(path.join(candidate, "package.json"))) return candidate;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/**
 * The runtime dependencies' package directories, placed in the bundle where Node finds them
 * from nhi-governance/: a package under the root's own node_modules keeps its place there; one
 * in a node_modules above the root (npm hoists the dependencies of an installed package beside
 * it) keeps its place relative to that node_modules, under the bundle's top-level node_modules
 * (a sibling of nhi-governance/, as it was a sibling of the package). Dependencies are looked
 * up from where each package was found, as Node does with npm's and yarn's layouts; pnpm's
 * isolated layout is not supported (a dependency it hides is reported missing).
 */
function dependencyFiles(packageDir: string, dependencies: string[]): Map<string, Uint8Array> {
  const root = path.resolve(packageDir);
  const out = new Map<string, Uint8Array>();
  const placed = new Map<string, string>();
  const bases: string[] = [];
  for (let dir = path.dirname(root); ; dir = path.dirname(dir)) {
    bases.push(path.join(dir, "node_modules"));
    if (path.dirname(dir) === dir) break;
  }
  const placement = (dir: string, name: string): string => {
    if (dir.startsWith(`${root}${path.sep}`)) return `nhi-governance/${path.relative(root, dir).split(path.sep).join("/")}`;
    const base = bases.find((b) => dir.startsWith(`${b}${path.sep}`));
    if (!base) throw new LayoutError(`runtime dependency ${name} was found at ${dir}, outside any node_modules above the package: cannot place it in the bundle`);
    return `node_modules/${path.relative(base, dir).split(path.sep).join("/")}`;
  };
  const visit = (name: string, from: string, optional: boolean) => {
    const dir = findPackage(name, from);
    if (!dir) {
      if (optional) return;
      throw new LayoutError(`runtime dependency ${name} (needed from ${path.relative(root, from) || "the package"}) is not installed where Node finds it: run npm install`);
    }
    if (placed.has(dir)) return;
    const rel = placement(dir, name);
    if ([...placed.values()].includes(rel)) throw new LayoutError(`two copies of ${name} would land at ${rel} in the bundle`);
    placed.set(dir, rel);
    for (const r of walk(dir, (p, isDir) => (isDir ? path.basename(p) !== "node_modules" : !/\.(d\.[cm]?ts|map|md|markdown)$/i.test(p)))) {
      out.set(`${rel}/${r}`, fs.readFileSync(path.join(dir, r)));
    }
    const pj = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
    for (const dep of Object.keys(pj.dependencies ?? {})) visit(dep, dir, false);
    for (const dep of Object.keys(pj.optionalDependencies ?? {})) visit(dep, dir, true);
  };
  for (const dep of dependencies) visit(dep, root, false);
  return out;
}

/** The files of the provider zip (the same for every platform). */
export function bundleEntries(root: string = packageRoot(), note: (s: string) => void = () => undefined): Map<string, Entry> {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version: string; license?: string };
  const version = pkg.version;
  const entries = new Map<string, Entry>();
  const file = (rel: string, data: Uint8Array | string, mode = 0o644) => entries.set(rel, { data: typeof data === "string" ? Buffer.from(data) : data, mode });
  file(executableName(version), launcher(version), 0o755);
  file("nhi-governance/package.json", `${JSON.stringify({ name: "nhi-governance", version, license: pkg.license, private: true, description: "The nhi-governance Terraform provider, bundled (see docs/terraform-provider.md)" }, null, 2)}\n`);
  for (const f of ["terraform-provider-nhi.js", "newest-source.js"]) file(`nhi-governance/bin/${f}`, fs.readFileSync(path.join(root, "bin", f)), f.startsWith("terraform") ? 0o755 : 0o644);
  const compiled = compiledSources(root, note);
  for (const [rel, data] of compiled) file(`nhi-governance/${rel}`, data);
  for (const [rel, data] of dependencyFiles(root, providerRuntimeDependencies(compiled))) file(rel, data);
  if (fs.existsSync(path.join(root, "LICENSE"))) file("nhi-governance/LICENSE", fs.readFileSync(path.join(root, "LICENSE")));
  return entries;
}

export function zipBundle(entries: Map<string, Entry>): Uint8Array {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { zipSync } = require("fflate") as typeof import("fflate");
  const files: Record<string, [Uint8Array, { attrs: number; os: number; mtime: Date; level: 6 }]> = {};
  for (const rel of [...entries.keys()].sort()) {
    const e = entries.get(rel) as Entry;
    // Unix "version made by" and the file mode in the external attributes: Terraform keeps the
    // launcher's executable bit when it unpacks the zip.
    files[rel] = [e.data, { attrs: ((0o100000 | e.mode) << 16) >>> 0, os: 3, mtime: ZIP_TIME, level: 6 }];
  }
  return zipSync(files);
}

const sha256 = (data: Uint8Array) => crypto.createHash("sha256").update(data).digest("hex");

export interface LayoutResult {
  files: string[];
  version: string;
}

function platformsOf(platforms: string[] | undefined): string[] {
  const list = platforms?.length ? platforms : [...PLATFORMS];
  for (const p of list) {
    if (!(PLATFORMS as readonly string[]).includes(p)) {
      throw new LayoutError(`--platform ${p.slice(0, 40)}: expected one of ${PLATFORMS.join(", ")} (the launcher is a POSIX shell script: no Windows)`);
    }
  }
  return [...new Set(list)];
}

function readJsonIfAny(file: string): Record<string, unknown> | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch {
    throw new LayoutError(`${file}: not valid JSON; remove it or the directory before writing the mirror`);
  }
}

/**
 * A filesystem mirror, which is also a static network mirror: the packed layout plus the
 * network mirror protocol's index.json and VERSION.json (Terraform ignores those when it reads
 * the directory as a filesystem mirror). Versions already in index.json are kept.
 */
export function writeMirror(dir: string, options: { platforms?: string[]; root?: string; note?: (s: string) => void } = {}): LayoutResult {
  const root = options.root ?? packageRoot();
  const version = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).version as string;
  const platforms = platformsOf(options.platforms);
  const zip = zipBundle(bundleEntries(root, options.note));
  const hash = sha256(zip);
  const base = path.join(dir, PROVIDER_SOURCE.hostname, PROVIDER_SOURCE.namespace, PROVIDER_SOURCE.type);
  fs.mkdirSync(base, { recursive: true });
  const files: string[] = [];
  const archives: Record<string, { url: string; hashes: string[] }> = {};
  for (const p of platforms) {
    const name = zipName(p, version);
    fs.writeFileSync(path.join(base, name), zip);
    files.push(path.join(base, name));
    archives[p] = { url: name, hashes: [`zh:${hash}`] };
  }
  const versionFile = path.join(base, `${version}.json`);
  const prior = readJsonIfAny(versionFile) as { archives?: Record<string, unknown> } | undefined;
  fs.writeFileSync(versionFile, `${JSON.stringify({ archives: { ...(prior?.archives ?? {}), ...archives } }, null, 2)}\n`);
  const indexFile = path.join(base, "index.json");
  const index = (readJsonIfAny(indexFile) as { versions?: Record<string, object> } | undefined) ?? {};
  fs.writeFileSync(indexFile, `${JSON.stringify({ versions: { ...(index.versions ?? {}), [version]: {} } }, null, 2)}\n`);
  files.push(versionFile, indexFile);
  return { files, version };
}

/** Release assets for a private registry: zips, SHA256SUMS, and the registry manifest. */
export function writeRelease(dir: string, options: { platforms?: string[]; root?: string; note?: (s: string) => void } = {}): LayoutResult {
  const root = options.root ?? packageRoot();
  const version = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).version as string;
  const platforms = platformsOf(options.platforms);
  const zip = zipBundle(bundleEntries(root, options.note));
  fs.mkdirSync(dir, { recursive: true });
  const sums: [string, string][] = [];
  const files: string[] = [];
  for (const p of platforms) {
    const name = zipName(p, version);
    fs.writeFileSync(path.join(dir, name), zip);
    sums.push([sha256(zip), name]);
    files.push(path.join(dir, name));
  }
  const manifestName = `terraform-provider-${PROVIDER_SOURCE.type}_${version}_manifest.json`;
  const manifest = `${JSON.stringify({ version: 1, metadata: { protocol_versions: PROTOCOL_VERSIONS } }, null, 2)}\n`;
  fs.writeFileSync(path.join(dir, manifestName), manifest);
  sums.push([sha256(Buffer.from(manifest)), manifestName]);
  const sumsName = `terraform-provider-${PROVIDER_SOURCE.type}_${version}_SHA256SUMS`;
  fs.writeFileSync(path.join(dir, sumsName), sums.sort((a, b) => a[1].localeCompare(b[1])).map(([h, n]) => `${h}  ${n}\n`).join(""));
  files.push(path.join(dir, manifestName), path.join(dir, sumsName));
  return { files, version };
}

/** The lines a user writes: the CLI config for the mirror, and required_providers. */
export function configLines(options: { mirror?: string; networkMirror?: string; version?: string }): string {
  const version = options.version ?? VERSION;
  const [major, minor] = version.split(".");
  const install = options.networkMirror
    ? `  network_mirror {\n    url     = ${JSON.stringify(options.networkMirror.endsWith("/") ? options.networkMirror : `${options.networkMirror}/`)}\n    include = ["${PROVIDER_ADDRESS}"]\n  }`
    : `  filesystem_mirror {\n    path    = ${JSON.stringify(options.mirror ?? "/path/to/mirror")}\n    include = ["${PROVIDER_ADDRESS}"]\n  }`;
  return `# ~/.terraformrc (or the file TF_CLI_CONFIG_FILE names): where Terraform installs the provider from
provider_installation {
${install}
  direct {
    exclude = ["${PROVIDER_ADDRESS}"]
  }
}

# In the root module (modules/governed-identity-aws declares the same):
terraform {
  required_providers {
    nhi = {
      source  = "${PROVIDER_ADDRESS}"
      version = "~> ${major}.${minor}"
    }
  }
}

# The runner needs Node.js >= 20 on PATH (or NHI_NODE): the provider is a launcher, not a native binary.
`;
}
