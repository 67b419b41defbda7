/**
 * The seal is a stored contract: identities deployed with a seal tag are verified later, by the
 * same or a newer gate, against the properties in a plan or state. A change to the payload or
 * its canonical form (a refactor, a "faster" serializer) would make every deployed identity fail
 * verification, so the v1 algorithm is pinned here byte for byte. A deliberate change is a new
 * SEAL_VERSION, with v1 still verified.
 */
import fc from "fast-check";
import { fixedClock } from "../../src/engine/clock";
import { canonicalJson } from "../../src/iam/policy";
import { renderIdentity } from "../../src/render/aws";
import { computeSeal, SEAL_VERSION, sealPayload } from "../../src/render/seal";
import { parseSpec } from "../../src/spec/identity";
import { specsOfEveryKind } from "../helpers";

describe("seal v1 is stable", () => {
  it("keeps the payload's canonical form: sorted keys at every depth, normalized policies, integer-like tag keys in string order", () => {
    const payload = sealPayload({
      principalType: "role",
      name: "n",
      path: "/",
      tags: { b: "2", a: "1", "10": "x", "9": "y", "nhi:seal": "ignored" },
      trustPolicy: '{"Statement":{"Effect":"Allow","Action":"STS:AssumeRole","Principal":{"Service":"ec2.amazonaws.com"}}}',
      permissionsBoundary: null,
      maxSessionDuration: 3600,
      policies: ['{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject","s3:GetObject"],"Resource":"*"}]}'],
    });
    expect(payload).toBe(
      '{"boundary":null,"maxSessionDuration":3600,"name":"n","path":"/","policies":["{\\"Statement\\":[{\\"Action\\":[\\"s3:getobject\\",\\"s3:putobject\\"],\\"Effect\\":\\"Allow\\",\\"Resource\\":[\\"*\\"]}],\\"Version\\":\\"2012-10-17\\"}"],"principalType":"role","tags":{"10":"x","9":"y","a":"1","b":"2"},"trust":{"Statement":[{"Action":["sts:assumerole"],"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com"]}}]},"v":"v1"}',
    );
    expect(SEAL_VERSION).toBe("v1");
  });

  it("gives the same seal for the same spec, rendering and clock as when v1 was released", () => {
    // The dates are fixed on purpose: the seal covers the recertification tags and the policy's expiry condition.
    const clock = fixedClock("2026-06-01T00:00:00Z");
    const seals = Object.fromEntries(specsOfEveryKind().map((s) => [s.name, renderIdentity(parseSpec(s, { clock })).principal.tags["nhi:seal"]]));
    expect(seals).toEqual({
      "payments-deployer": "v1:k9pztze4Wv81BA8CWXoSuenuqK5bNrMXEYYbu5hK_kI",
      "orders-lambda": "v1:9lHFtU3N9PtUXaM5LyNVKRY5kCXgPKK1rq6OY3QevWM",
      "reporting-reader": "v1:RbrW1atyYTi9DzZ2kvFPA-HGHkq4A7lnyew9s-YBJvY",
      "cart-pods": "v1:n-U2Bvgj4UZDQ-zIG6NPYkoVoikNBfXuN0ZO8U1_EII",
      "db-rotator": "v1:8ioWP_5kZZ4hGUl3F7NzcblKXZc72sv9TC8lD0ieKXE",
      "legacy-sftp-sync": "v1:iPQCeceoxWP0ca1P7ffR_DSzB2zrc8YN1Jyz7unWsu4",
      "gh-env-deployer": "v1:soVdCRPdl9VFWZt_a1BBBLPVQrDQn2sZZ5Amk43bCD4",
    });
    expect(computeSeal({ principalType: "user", name: "u", path: "/", tags: {}, trustPolicy: null, permissionsBoundary: null, maxSessionDuration: null, policies: [] })).toMatch(/^v1:[A-Za-z0-9_-]{43}$/);
  });
});

describe("the rendered JSON texts", () => {
  it("are the documents' JSON, and the seal covers exactly them", () => {
    const clock = fixedClock("2026-06-01T00:00:00Z");
    for (const input of specsOfEveryKind()) {
      const r = renderIdentity(parseSpec(input, { clock }));
      const p = r.principal;
      expect(r.policy.json).toBe(JSON.stringify(r.policy.document));
      expect(p.assumeRolePolicyJson).toBe(p.type === "role" ? JSON.stringify(p.assumeRolePolicy) : undefined);
      // The same seal from the objects: the texts are not a second source of truth.
      const fromObjects = computeSeal({
        principalType: p.type,
        name: p.name,
        path: p.path,
        tags: p.tags,
        trustPolicy: p.assumeRolePolicy ?? null,
        permissionsBoundary: p.permissionsBoundary,
        maxSessionDuration: p.maxSessionDuration ?? null,
        policies: [r.policy.document],
      });
      expect(fromObjects).toBe(p.tags["nhi:seal"]);
    }
  });
});

describe("seal payload fast paths", () => {
  it("write tags exactly as canonicalJson does, whatever the keys", () => {
    const key = fc.oneof(fc.string(), fc.constantFrom("0", "9", "10", "007", "4294967296", "nhi:owner", "__proto__", "constructor"), fc.nat().map(String));
    const value = fc.oneof({ weight: 5, arbitrary: fc.string() }, { weight: 1, arbitrary: fc.jsonValue() });
    fc.assert(
      fc.property(fc.dictionary(key, value), (raw) => {
        const tags = raw as Record<string, string>;
        const base = { principalType: "user" as const, name: "u", path: "/", trustPolicy: null, permissionsBoundary: null, maxSessionDuration: null, policies: [] };
        const payload = sealPayload({ ...base, tags });
        const kept: Record<string, string> = {};
        for (const k of Object.keys(tags).sort()) if (k !== "nhi:seal") kept[k] = tags[k];
        expect(payload).toContain(`"tags":${canonicalJson(kept)},`);
      }),
      { seed: 20261123, numRuns: 500 },
    );
  });
});
