/**
 * bin/code-cache.js, the V8 code cache nhi-gate runs its bundle through: used only for the file
 * it was made from, remade when V8 refuses it, never an error or another result when the
 * directory cannot be written, and kept only where others cannot write.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const root = path.resolve(__dirname, "../..");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const codeCache = require(path.join(root, "bin", "code-cache.js")) as {
  cacheDir(root: string, env?: Record<string, string | undefined>): string | undefined;
  cacheFile(dir: string, buf: Buffer): string;
  crc32(buf: Buffer): number;
  crc32Js(buf: Buffer): number;
  safeOwnDir(dir: string, uid: number | undefined, parents?: boolean): boolean;
};
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-code-cache-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A module like the bundle: exports main; prints what it computed. */
const moduleText = (answer: number) => `"use strict";\nexports.main = () => ${answer} + [1, 2, 3].map((x) => x * 2).reduce((a, b) => a + b, 0);\n`;

/** Load `file` through the cache in `dir` in a fresh process, as the bin does; the cache is written at exit. */
function load(file: string, dir: string) {
  const script = `
    const { requireCached } = require(${JSON.stringify(path.join(root, "bin", "code-cache.js"))});
    const stats = {};
    const m = requireCached(${JSON.stringify(file)}, ${JSON.stringify(dir)}, stats);
    process.stdout.write(JSON.stringify({ result: m.main(), cache: stats.cache }));
    process.exitCode = 3;`;
  const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
  return { code: r.status, stderr: r.stderr, ...(r.stdout ? JSON.parse(r.stdout) : {}) };
}
const caches = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".v8cache")) : []);

describe("the code cache", () => {
  it("is made by the first run and used by the next, keyed by Node version, architecture, length and CRC-32", () => {
    const file = path.join(tmp, "a.js");
    fs.writeFileSync(file, moduleText(1));
    const dir = path.join(tmp, "cache-a");
    expect(load(file, dir)).toEqual({ code: 3, stderr: "", result: 13, cache: "miss" });
    const [made] = caches(dir);
    expect(made).toBe(path.basename(codeCache.cacheFile(dir, fs.readFileSync(file))));
    expect(made).toMatch(new RegExp(`^nhi-gate-${process.version.replace(/\./g, "\\.")}-${process.arch}-[0-9a-z]+-[0-9a-f]{8}\\.v8cache$`));
    expect(fs.readdirSync(dir)).toEqual([made]); // no temporary file left
    expect(load(file, dir)).toEqual({ code: 3, stderr: "", result: 13, cache: "hit" });
    // CRC-32 (the check value of "123456789"), and the fallback for Node < 20.15 (no zlib.crc32) gives the same.
    expect(codeCache.crc32(Buffer.from("123456789"))).toBe(0xcbf43926);
    const bytes = fs.readFileSync(path.join(root, "bin", "code-cache.js"));
    expect(codeCache.crc32Js(bytes)).toBe(codeCache.crc32(bytes));
    expect(codeCache.crc32Js(Buffer.from("123456789"))).toBe(0xcbf43926);
  });

  it("is not used for a changed file of the same length (V8 checks only the length): a new cache replaces the old", () => {
    const file = path.join(tmp, "b.js");
    const dir = path.join(tmp, "cache-b");
    fs.writeFileSync(file, moduleText(1));
    expect(load(file, dir).cache).toBe("miss");
    const before = caches(dir);
    fs.writeFileSync(file, moduleText(7)); // same length, other code
    expect(fs.statSync(file).size).toBe(Buffer.byteLength(moduleText(1)));
    expect(load(file, dir)).toMatchObject({ result: 19, cache: "miss" });
    const after = caches(dir);
    expect(after).toHaveLength(1);
    expect(after).not.toEqual(before);
    expect(load(file, dir)).toMatchObject({ result: 19, cache: "hit" });
  });

  it("a cache V8 refuses (corrupt, or from another V8) is remade, and the run is unchanged", () => {
    const file = path.join(tmp, "c.js");
    const dir = path.join(tmp, "cache-c");
    fs.writeFileSync(file, moduleText(2));
    load(file, dir);
    const cachePath = path.join(dir, caches(dir)[0]);
    const size = fs.statSync(cachePath).size;
    fs.writeFileSync(cachePath, Buffer.alloc(size, 0x5a));
    expect(load(file, dir)).toEqual({ code: 3, stderr: "", result: 14, cache: "rejected" });
    expect(fs.readFileSync(cachePath).equals(Buffer.alloc(size, 0x5a))).toBe(false);
    expect(load(file, dir).cache).toBe("hit");
  });

  it("a directory that cannot be made or written is no error: same result, same exit code, nothing on stderr", () => {
    const file = path.join(tmp, "d.js");
    fs.writeFileSync(file, moduleText(3));
    const blocker = path.join(tmp, "a-file");
    fs.writeFileSync(blocker, "not a directory");
    const dir = path.join(blocker, "cache"); // ENOTDIR, even for root
    expect(load(file, dir)).toEqual({ code: 3, stderr: "", result: 15, cache: "miss" });
    expect(load(file, dir)).toEqual({ code: 3, stderr: "", result: 15, cache: "miss" });
  });

  it("lives in node_modules/.cache/nhi-governance of the installing project or of the checkout; NHI_GATE_CODE_CACHE names another or turns it off", () => {
    const project = path.join(tmp, "project");
    const installed = path.join(project, "node_modules", "nhi-governance");
    fs.mkdirSync(installed, { recursive: true });
    expect(codeCache.cacheDir(installed, {})).toBe(path.join(project, "node_modules", ".cache", "nhi-governance"));
    expect(codeCache.cacheDir(root, {})).toBe(path.join(root, "node_modules", ".cache", "nhi-governance"));
    const named = path.join(tmp, "named", "cache");
    expect(codeCache.cacheDir(installed, { NHI_GATE_CODE_CACHE: named })).toBe(named);
    expect(fs.statSync(named).isDirectory()).toBe(true);
    if (process.getuid) {
      fs.chmodSync(named, 0o777); // a directory others can write to is not used: the cached code would run as this user
      expect(codeCache.cacheDir(installed, { NHI_GATE_CODE_CACHE: named })).toBeUndefined();
    }
    for (const off of ["off", "0", "false"]) expect(codeCache.cacheDir(installed, { NHI_GATE_CODE_CACHE: off })).toBeUndefined();
  });

  it("elsewhere, a directory of the user's own in the temporary directory, used only when nobody else can write to it", () => {
    const loose = path.join(tmp, "no-node-modules");
    fs.mkdirSync(loose);
    const uid = process.getuid?.();
    const dir = codeCache.cacheDir(loose, {});
    expect(dir).toBe(path.join(os.tmpdir(), `nhi-governance-${uid ?? os.userInfo().username}`));
    if (uid === undefined) return;
    expect((fs.statSync(dir as string).mode & 0o777).toString(8)).toBe("700");
    const shared = path.join(tmp, "shared");
    fs.mkdirSync(shared);
    fs.chmodSync(shared, 0o777);
    expect(codeCache.safeOwnDir(shared, uid)).toBe(false);
    fs.chmodSync(shared, 0o700);
    expect(codeCache.safeOwnDir(shared, uid)).toBe(true);
    expect(codeCache.safeOwnDir(shared, uid + 1)).toBe(false); // someone else's
    fs.symlinkSync(shared, path.join(tmp, "link"));
    expect(codeCache.safeOwnDir(path.join(tmp, "link"), uid)).toBe(false);
  });
});
