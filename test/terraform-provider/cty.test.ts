import { CtyType, decodeValue, encodeValue, impliedType, isWhollyKnown, parseType, plain, Typed, UNKNOWN } from "../../terraform-provider/cty";

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");
const bytes = (u: Uint8Array) => Buffer.from(u).toString("hex");

describe("cty values in msgpack, as Terraform's plugin protocol carries them", () => {
  test("primitives, null and unknown, byte for byte", () => {
    expect(bytes(encodeValue("hi", "string"))).toBe("a26869");
    expect(bytes(encodeValue(3600, "number"))).toBe("cd0e10");
    expect(bytes(encodeValue(1.5, "number"))).toBe("cb3ff8000000000000");
    expect(bytes(encodeValue(true, "bool"))).toBe("c3");
    expect(bytes(encodeValue(null, "string"))).toBe("c0");
    // Unknown: the msgpack extension with type code 0.
    expect(encodeValue(UNKNOWN, "string")[0]).toBe(0xc7);
    expect(encodeValue(UNKNOWN, "string")[2]).toBe(0x00);
  });

  test("reads go-cty's unknowns: ext 0 in any length, and ext 12 (an unknown with refinements)", () => {
    expect(decodeValue(hex("d4 00 00"), "string")).toBe(UNKNOWN);
    expect(decodeValue(hex("c7 00 00"), "number")).toBe(UNKNOWN);
    expect(decodeValue(hex("c7 03 0c 81 01 c3"), "string")).toBe(UNKNOWN);
    expect(decodeValue(hex("92 a1 61 d4 00 00"), ["list", "string"])).toEqual(["a", UNKNOWN]);
    expect(() => decodeValue(hex("d4 05 00"), "string")).toThrow(/unexpected msgpack extension type 5/);
  });

  test("a dynamic value travels as [type JSON bytes, value]; untyped null and unknown as themselves", () => {
    // go-cty: [bin "\"string\"", "hi"]
    const wire = hex(`92 c4 08 ${Buffer.from('"string"').toString("hex")} a2 68 69`);
    const v = decodeValue(wire, "dynamic");
    expect(v).toEqual(new Typed("string", "hi"));
    expect(bytes(encodeValue(v, "dynamic"))).toBe(bytes(wire));
    expect(decodeValue(hex("c0"), "dynamic")).toBeNull();
    expect(decodeValue(hex("d4 00 00"), "dynamic")).toBe(UNKNOWN);
    expect(bytes(encodeValue(null, "dynamic"))).toBe("c0");
  });

  test("objects: attributes sorted, missing ones read as null, unknown ones refused; maps, lists, sets, tuples", () => {
    const t: CtyType = ["object", { b: "number", a: ["list", "string"], m: ["map", "bool"], s: ["set", "string"], t: ["tuple", ["string", "number"]] }];
    const v = { b: 1, a: ["x", "y"], m: { on: true }, s: ["z"], t: ["q", 2] };
    const enc = encodeValue(v, t);
    // fixmap of 5, first key "a"
    expect(bytes(enc).slice(0, 6)).toBe("85a161");
    expect(decodeValue(enc, t)).toEqual(v);
    expect(decodeValue(encodeValue({ b: 2 }, ["object", { b: "number" }]), t)).toEqual({ b: 2, a: null, m: null, s: null, t: null });
    expect(() => decodeValue(encodeValue({ zz: 1 }, ["object", { zz: "number" }]), t)).toThrow(/unsupported attribute "zz"/);
    expect(() => encodeValue({ zz: 1 }, t)).toThrow(/not in the type/);
  });

  test("an HCL object literal in a dynamic slot: nested objects, tuples, null attributes", () => {
    const spec = { name: "x", access: [{ actions: ["s3:GetObject"], sid: null }], trust: { kind: "aws-service", service: "lambda.amazonaws.com" } };
    const typed = new Typed(impliedType(spec), spec);
    const back = decodeValue(encodeValue(typed, "dynamic"), "dynamic");
    expect(back).toBeInstanceOf(Typed);
    expect(plain(back)).toEqual(spec);
    expect((back as Typed).type).toEqual(["object", { access: ["tuple", [["object", { actions: ["tuple", ["string"]], sid: "dynamic" }]]], name: "string", trust: ["object", { kind: "string", service: "string" }] }]);
  });

  test("type JSON: every kind, optional attributes, and a clear error for anything else", () => {
    expect(parseType(["object", { a: "string" }, ["a"]])).toEqual(["object", { a: "string" }, ["a"]]);
    expect(parseType(["map", ["list", "number"]])).toEqual(["map", ["list", "number"]]);
    expect(() => parseType(["capsule", "x"])).toThrow(/unsupported cty type/);
  });

  test("isWhollyKnown looks inside", () => {
    expect(isWhollyKnown({ a: [1, { b: "x" }] })).toBe(true);
    expect(isWhollyKnown({ a: [1, { b: UNKNOWN }] })).toBe(false);
    expect(isWhollyKnown(new Typed("string", UNKNOWN))).toBe(false);
  });

  test("numbers Terraform sends as text (beyond float64) are read; big integers too", () => {
    expect(decodeValue(hex("a3 31 2e 35"), "number")).toBe(1.5);
    expect(decodeValue(encodeValue(2 ** 40, "number"), "number")).toBe(2 ** 40);
    expect(() => decodeValue(hex("a1 78"), "number")).toThrow(/expected a number/);
  });
});
