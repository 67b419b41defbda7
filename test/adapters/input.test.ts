import fc from "fast-check";
import { isUtf8 } from "node:buffer";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { firstInvalidUtf8, InputError, readData, readJson, readText } from "../../src/adapters/input";
import { terraformPrune } from "../../src/adapters/prune";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-input-"));
const write = (name: string, content: Buffer | string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
};
const JSON_TEXT = '{"format_version":"1.2","x":"é"}';

describe("reading input files", () => {
  it.each([
    ["utf8", Buffer.from(JSON_TEXT, "utf8")],
    ["utf8-bom", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON_TEXT, "utf8")])],
    ["utf16le", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON_TEXT, "utf16le")])],
    ["utf16be", Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(JSON_TEXT, "utf16le").swap16()])],
  ])("decodes %s", (encoding, bytes) => {
    const { input, value } = readJson(write(`${encoding}.json`, bytes));
    expect(input.encoding).toBe(encoding);
    expect(value).toEqual({ format_version: "1.2", x: "é" });
  });

  it("decodes UTF-16LE without a byte-order mark", () => {
    expect(readJson(write("nobom16.json", Buffer.from(JSON_TEXT, "utf16le"))).value).toEqual({ format_version: "1.2", x: "é" });
  });

  it.each([
    ["empty.json", "", "empty.json: empty file, expected JSON"],
    ["blank.json", "  \n", "blank.json: empty file (only whitespace), expected JSON"],
    ["truncated.json", '{"format_version": "1.2", "resource_', "truncated.json: unexpected end of JSON (truncated file?) at byte offset 36"],
    ["syntax.json", '{"a": 1,, "b": 2}', "syntax.json: invalid JSON syntax at byte offset 8"],
    ["multibyte.json", '{"é": x}', "multibyte.json: invalid JSON syntax at byte offset 7"],
  ])("%s: one line naming the file, with the byte offset", (name, content, message) => {
    const p = write(name, content);
    expect(() => readJson(p)).toThrow(new InputError(message.replace(name, p)));
  });

  it("counts the byte offset in the file, BOM and UTF-16 included", () => {
    const p = write("bad16.json", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"a": x}', "utf16le")]));
    expect(() => readJson(p)).toThrow(`${p}: invalid JSON syntax at byte offset 14`);
    const bom8 = write("bad8bom.json", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a": x}')]));
    expect(() => readJson(bom8)).toThrow(`${bom8}: invalid JSON syntax at byte offset 9`);
    const be = write("bad16be.json", Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('{"a": x}', "utf16le").swap16()]));
    expect(() => readJson(be)).toThrow(`${be}: invalid JSON syntax at byte offset 14`);
    const noBom = write("bad16nobom.json", Buffer.from('{"a": x}', "utf16le"));
    expect(() => readJson(noBom)).toThrow(`${noBom}: invalid JSON syntax at byte offset 12`);
  });

  it("never quotes the input in a syntax error", () => {
    const p = write("secret.json", '{"password": "hunter2-very-secret" oops}');
    try {
      readJson(p);
      throw new Error("no error");
    } catch (e) {
      expect((e as Error).message).not.toContain("hunter2");
      expect((e as Error).message).not.toContain("\n");
    }
  });

  it("names a directory, a missing file and the size limit", () => {
    expect(() => readText(dir)).toThrow(`${dir}: is a directory, expected a file`);
    expect(() => readText(path.join(dir, "nope.json"))).toThrow(`${path.join(dir, "nope.json")}: no such file`);
    const p = write("big.json", "[" + "1,".repeat(100) + "1]");
    expect(() => readText(p, { maxBytes: 100 })).toThrow(`${p}: 203 bytes, over the input size limit of 100 bytes (raise it with --max-input-size)`);
  });

  it("parses deeply nested JSON without a stack overflow, or fails with one line", () => {
    const p = write("deep.json", "[".repeat(100000) + "]".repeat(100000));
    let result: unknown;
    try {
      result = readJson(p).value;
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as Error).message).toBe(`${p}: JSON nested too deeply to parse`);
    }
    if (result !== undefined) expect(Array.isArray(result)).toBe(true);
  });

  it("reads YAML and reports YAML syntax errors with the byte offset", () => {
    expect(readData(write("c.yaml", "failOn: medium\napprovedModuleSources:\n  - app.terraform.io/acme/x/aws\n"))).toEqual({ failOn: "medium", approvedModuleSources: ["app.terraform.io/acme/x/aws"] });
    const p = write("bad.yaml", "failOn: [medium\n");
    expect(() => readData(p)).toThrow(new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: invalid YAML \\([A-Z_]+\\) at byte offset \\d+$`));
  });
});

describe("malformed UTF-8 is an input error, never U+FFFD", () => {
  const notUtf8 = (p: string, offset: number) => `${p}: not valid UTF-8 at byte offset ${offset}; Terraform, CDKTF and Pulumi write UTF-8 (or UTF-16 with a byte-order mark): the file is corrupt or was re-encoded`;
  // A plan whose resource_changes key lost a byte: decoded leniently, it read as a plan with no changes.
  const plan = (key: Buffer) => Buffer.concat([Buffer.from('{"format_version":"1.2","'), key, Buffer.from('":[{"address":"aws_iam_role.r","mode":"managed","type":"aws_iam_role","change":{"actions":["create"]}}]}')]);
  const flipped = plan(Buffer.concat([Buffer.from([0x80]), Buffer.from("esource_changes")]));

  it.each([
    ["a stray continuation byte", flipped, 25],
    ["a cut-off sequence at the end", Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xe2, 0x82])]), 6],
    ["an overlong form", Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]), 6],
    ["a UTF-16 surrogate", Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]), 6],
    ["a code point above U+10FFFF", Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xf4, 0x90, 0x80, 0x80]), Buffer.from('"}')]), 6],
  ])("%s: the same error on the fast and the streaming path, with the byte offset", (_, bytes, offset) => {
    const p = write(`bad-utf8-${offset}-${bytes.length}.json`, bytes);
    expect(() => readJson(p)).toThrow(new InputError(notUtf8(p, offset)));
    for (const chunkBytes of [1, 2, 3, 7, 4096]) expect(() => readJson(p, { streamAbove: 0, prune: terraformPrune, chunkBytes })).toThrow(new InputError(notUtf8(p, offset)));
  });

  it("counts the byte-order mark in the offset", () => {
    const p = write("bad-utf8-bom.json", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), flipped]));
    expect(() => readJson(p)).toThrow(notUtf8(p, 28));
    expect(() => readJson(p, { streamAbove: 0, chunkBytes: 5 })).toThrow(notUtf8(p, 28));
  });

  it("reads well-formed multi-byte text split across chunks", () => {
    const text = JSON.stringify({ k: "é€😀 ok", "🔑": ["ü"] });
    const p = write("good-utf8.json", text);
    for (const chunkBytes of [1, 2, 3, 5]) expect(readJson(p, { streamAbove: 0, chunkBytes }).value).toEqual(JSON.parse(text));
  });

  it("YAML and JSON side files (config, exemptions) are checked too", () => {
    const p = write("bad.yaml", Buffer.concat([Buffer.from("failOn: "), Buffer.from([0xff]), Buffer.from("high\n")]));
    expect(() => readData(p)).toThrow(new InputError(notUtf8(p, 8)));
  });

  it("firstInvalidUtf8 agrees with isUtf8, and everything before the offset is well-formed", () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 24 }),
      // Mostly well-formed text with one byte changed: the interesting cases.
      fc.tuple(fc.string({ unit: "grapheme", maxLength: 12 }), fc.nat(), fc.integer({ min: 0, max: 255 })).map(([t, at, b]) => {
        const buf = Buffer.from(t);
        if (buf.length) buf[at % buf.length] = b;
        return new Uint8Array(buf);
      }),
    );
    fc.assert(
      fc.property(bytes, (b) => {
        const at = firstInvalidUtf8(b);
        expect(at === -1).toBe(isUtf8(b));
        if (at >= 0) expect(isUtf8(b.subarray(0, at))).toBe(true);
      }),
      { seed: 20260601, numRuns: 2000 },
    );
  });
});
