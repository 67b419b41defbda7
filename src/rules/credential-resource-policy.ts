import { actionMatches } from "../iam/actions";
import { canonicalJson, NormalStatement, normalizePolicy } from "../iam/policy";
import { isUnknownAt } from "../engine/model";
import { cannotEvaluate, defineRule, fail, notApplicable, RuleFinding } from "./rule";
import { parseDocument, sample } from "./support";

/** Where each credential store keeps its resource policy. */
const RESOURCE_POLICY_FIELD: Record<string, string> = { aws_secretsmanager_secret: "policy", aws_secretsmanager_secret_policy: "policy" };

/** What reads the secret value. */
const READ_ACTIONS = ["secretsmanager:GetSecretValue", "secretsmanager:BatchGetSecretValue"];

/** Condition keys that confine "everyone" to an organisation, an account or named principals. */
const CONFINING = ["aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount", "aws:principalarn", "aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths", "aws:userid", "aws:username"];

const everyone = (st: NormalStatement) => st.Principal === "*" || (typeof st.Principal === "object" && (st.Principal.AWS ?? []).includes("*"));
const confined = (st: NormalStatement) => Object.values(st.Condition ?? {}).some((block) => Object.keys(block).some((k) => CONFINING.includes(k.toLowerCase())));

export const credentialResourcePolicy = defineRule({
  id: "NHI-GOV-023",
  title: "Credential store readable by everyone",
  severity: "critical",
  controls: { owasp: ["NHI2"], nistCsf: ["PR.DS-01", "PR.AA-05"] },
  rationale:
    "A secret's resource policy is a second door to the credential it holds: Principal \"*\" with secretsmanager:GetSecretValue lets any AWS principal that reaches the secret (any account, with a confused deputy or a leaked session) read it, whatever the identity's own policies say. The governed credential's own secret must have no resource policy at all (NHI-GOV-002); no secret may be open to everyone.",
  remediation:
    "Remove the statement, or name the exact principals (role ARNs) that read the secret, or confine it with aws:PrincipalOrgID / aws:PrincipalAccount / aws:PrincipalArn.",
  appliesTo: { types: Object.keys(RESOURCE_POLICY_FIELD) },
  check(r, ctx) {
    const field = RESOURCE_POLICY_FIELD[r.entry.id];
    if (isUnknownAt(r, field)) return fail(cannotEvaluate(field, "unknown until apply, and whatever it grants reads the secret"));
    const value = r.props[field];
    if (value === undefined || value === null || value === "") return notApplicable("no resource policy");
    const parsed = parseDocument(r, { field, value, unknown: false });
    if ("finding" in parsed) return fail(parsed.finding);
    if (r.entry.id === "aws_secretsmanager_secret") {
      // The read-back of a separate aws_secretsmanager_secret_policy in this evaluation: judged there.
      const c = canonicalJson(parsed.policy);
      const separate = ctx.graph.dependentsOf(r).filter((d) => d.entry.id === "aws_secretsmanager_secret_policy");
      if (separate.some((d) => { try { return canonicalJson(normalizePolicy(d.props.policy)) === c; } catch { return false; } })) return notApplicable("the policy of a separate aws_secretsmanager_secret_policy, judged there");
    }
    const findings: RuleFinding[] = [];
    parsed.policy.Statement.forEach((st, i) => {
      if (st.Effect !== "Allow" || !everyone(st) || confined(st)) return;
      const reads = st.NotAction ? READ_ACTIONS.filter((a) => !st.NotAction!.some((p) => actionMatches(p, a))) : READ_ACTIONS.filter((a) => (st.Action ?? []).some((p) => actionMatches(p, a)));
      if (!reads.length) return;
      findings.push({
        key: `Public::${st.Sid ?? `#${i}`}`,
        field,
        message: `${r.address} lets every AWS principal (Principal "*") read the secret (${sample(reads)}) in statement ${st.Sid ?? `#${i}`} of ${field}, with no condition confining it to an organisation, account or principal. Expected: only the identities that need it. Fix: name the reading role ARNs, or add aws:PrincipalOrgID / aws:PrincipalAccount`,
      });
    });
    return fail(...findings);
  },
});
