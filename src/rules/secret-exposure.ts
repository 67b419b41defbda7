import { IdentityResource, isUnknownAt } from "../engine/model";
import { ResourceGraph } from "../engine/graph";
import { cannotEvaluate, defineRule, fail, notApplicable, RuleFinding } from "./rule";
import { CATALOG } from "../catalog";

/** Where a copied secret is managed rather than exposed: secret stores with their own access control and rotation. */
const SECRET_STORES = ["aws_secretsmanager_secret_version"];

/** Every catalogued type with secret attributes: each copy of one of them is judged. */
const SECRET_BEARING_TYPES = CATALOG.filter((e) => e.secretAttributes?.length).map((e) => e.id);
/** Credentials whose secret Terraform keeps in state in plain text unless pgp_key encrypts it. */
const PLAINTEXT_IN_STATE = ["aws_iam_access_key", "aws_iam_user_login_profile"];

/** Resources whose configuration references one of the secret attributes of `r`. */
function consumersOf(r: IdentityResource, graph: ResourceGraph): { consumer: IdentityResource; field: string }[] {
  const attrs = r.entry.secretAttributes ?? [];
  const out: { consumer: IdentityResource; field: string }[] = [];
  const seen = new Set<string>();
  for (const { from, field, ref } of graph.referencesTo(r)) {
    const rest = ref.slice(r.address.length).replace(/^\[[^\]]*\]/, "");
    if (!attrs.some((a) => rest === `.${a}` || rest.startsWith(`.${a}.`))) continue;
    const key = `${from.address}|${field}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ consumer: from, field });
    }
  }
  return out;
}

/**
 * A state (`terraform show -json` of state, or a plan's prior state) has no configuration
 * references: there, a secret store whose stored value contains the key's secret holds it.
 * The values are compared, never printed.
 */
function storesHoldingValue(r: IdentityResource, graph: ResourceGraph): IdentityResource[] {
  const secret = r.props.secret;
  if (typeof secret !== "string" || secret.length < 16) return [];
  return graph.resources.filter((x) => SECRET_STORES.includes(x.entry.id) && typeof x.props.secret_string === "string" && x.props.secret_string.includes(secret));
}

export const secretExposure = defineRule({
  id: "NHI-GOV-014",
  title: "Credential secret exposed in state or copied out",
  severity: "high",
  controls: { owasp: ["NHI2"], nistCsf: ["PR.DS-01", "PR.AA-01"] },
  rationale:
    "Terraform keeps an access key's secret and a login profile's password in state in plain text unless pgp_key encrypts them; whoever can read state (CI logs, backends, laptops) holds the credential. Copying the secret into other resources (CI variables, parameters) spreads it further. Pulumi encrypts secret outputs in its state, so the state part applies to Terraform and CDKTF.",
  remediation:
    "Prefer credentials without secrets (federated, ephemeral). For a static key, let GovernedIdentity hand it to Secrets Manager (the managed-secret path), or set pgp_key; never copy it into outputs or other resources.",
  appliesTo: { types: SECRET_BEARING_TYPES },
  check(r, ctx) {
    if (r.origin.source.startsWith("pulumi")) return notApplicable("Pulumi encrypts secret outputs in its state");
    if (r.origin.discovered) return notApplicable("read from the account: no IaC state of it is in this evaluation");
    const findings: RuleFinding[] = [];
    const consumers = consumersOf(r, ctx.graph);
    for (const c of consumers) {
      if (SECRET_STORES.includes(c.consumer.entry.id)) continue;
      findings.push({
        key: `Copy::${c.consumer.address}`,
        message: `the secret of ${r.address} is copied into ${c.consumer.address} (${c.field}); expected it kept in a secret store only. Fix: let workloads read it from Secrets Manager, or move to a federated credential`,
      });
    }
    // Consumers outside the identity model (any resource type, data sources, module inputs, root outputs), from the configuration.
    for (const c of r.secretConsumers ?? []) {
      const what = c.attribute === "*" ? `the whole ${r.address} object (its secret included)` : `${r.address}.${c.attribute}`;
      const where =
        c.type === "output"
          ? `root output ${c.field}: terraform output prints it and the state's outputs keep it`
          : c.type === "module"
            ? `module input ${c.address}.${c.field}: what the module does with it is not in the plan`
            : `${c.address} (${c.type}, ${c.field}), which keeps a copy outside the credential's secret store`;
      findings.push({
        key: `Copy::${c.address}`,
        message: `${what} is copied into ${where}. Expected: the secret kept in Secrets Manager only (GovernedIdentity's static-key credential), read there by the workload. Fix: remove the copy, or move to a federated credential`,
      });
    }
    if (!PLAINTEXT_IN_STATE.includes(r.entry.id)) return fail(...findings);
    if (isUnknownAt(r, "pgp_key")) return fail(...findings, cannotEvaluate("pgp_key"));
    const encrypted = typeof r.props.pgp_key === "string" && r.props.pgp_key.trim() !== "";
    const stored = consumers.some((c) => SECRET_STORES.includes(c.consumer.entry.id)) || storesHoldingValue(r, ctx.graph).length > 0;
    if (!encrypted && !stored) {
      findings.push({
        key: "Secret::plaintext-state",
        field: "pgp_key",
        message: `${r.address} has no pgp_key and its secret is not handed to Secrets Manager: the secret sits in Terraform state in plain text, and reaching the workload means reading it from state or outputs. Expected: pgp_key, or the secret stored by GovernedIdentity's static-key credential. Fix: use a federated or ephemeral credential, or declare it through GovernedIdentity`,
      });
    }
    return fail(...findings);
  },
});
