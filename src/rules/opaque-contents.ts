import { defineRule, fail, pass } from "./rule";

export const opaqueContents = defineRule({
  id: "NHI-GOV-030",
  title: "Identities inside a resource cannot be evaluated",
  severity: "high",
  controls: { owasp: ["NHI6", "NHI5"], nistCsf: ["PR.PS-01", "PR.AA-05"] },
  rationale:
    "Some resources create or widen identities through contents the gate must read first: a CloudFormation template (roles, users, keys, policies), a Cloud Control resource's desired state, a GCP IAM policy's bindings, a `dynamic` block. When those contents are only reachable by URL, rewritten at deploy time (a Transform, a nested stack), or unknown until apply, what they create cannot be judged, and a gate that passed them would pass an administrator role unseen.",
  remediation:
    "Make the contents readable at plan time: inline the CloudFormation template (template_body, TemplateBody) without Transforms, give desired_state and policy_data from literal values, replace a dynamic block over unknown values with literal blocks; better, create the identities with GovernedIdentity. Exempt the finding with a ticket while that is done.",
  appliesTo: { kinds: ["principal", "credential", "grant", "trust-anchor", "container"] },
  check(r) {
    if (!r.opaque?.length) return pass();
    return fail(...r.opaque.map((o) => ({ key: o.key, field: o.field, message: `${r.address}: ${o.message}` })));
  },
});
