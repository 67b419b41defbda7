import type { GovernedIdentityArgs } from "../../constructs/pulumi";
import { BOUNDARY, inDays, specsOfEveryKind, validSpec } from "../helpers";

export const SNS_TOPIC = "arn:aws:sns:eu-west-1:123456789012:nhi-recertification";
export const SCHEDULER_ROLE = "arn:aws:iam::123456789012:role/nhi-reminder-scheduler";

/** The gate config the component and the engine share in these tests. */
export const CONFIG = { accessGracePeriodDays: 7, defaultPermissionsBoundary: BOUNDARY };

/**
 * Every configuration the component renders differently: one per credential and trust kind
 * (test/helpers specsOfEveryKind), plus reminder (role and user), emergency and the default
 * boundary from the gate config.
 */
export function configurations(): { label: string; args: GovernedIdentityArgs }[] {
  const kinds = specsOfEveryKind().map((s) => ({
    label: `${s.credential.kind}/${s.trust?.kind ?? "no trust"}${s.trust && "environment" in s.trust && s.trust.environment ? " (environment)" : ""}`,
    args: { ...(s as GovernedIdentityArgs), config: CONFIG },
  }));
  const reminder = { recertificationReminder: { snsTopicArn: SNS_TOPIC, daysBefore: 10 } };
  return [
    ...kinds,
    { label: "federated + reminder", args: { ...(validSpec({ name: "reminded-deployer", ...reminder }) as GovernedIdentityArgs), reminderRoleArn: SCHEDULER_ROLE, config: CONFIG } },
    {
      label: "static-key + reminder",
      args: {
        ...(validSpec({ name: "reminded-sync", credential: { kind: "static-key", ttl: "P60D", rotation: "P7D" }, trust: undefined, ...reminder }) as GovernedIdentityArgs),
        reminderRoleArn: SCHEDULER_ROLE,
        config: CONFIG,
      },
    },
    {
      label: "managed-secret + emergency",
      args: {
        ...(validSpec({
          name: "breakglass-db",
          credential: { kind: "managed-secret", rotation: "P1D", rotationLambdaArn: "arn:aws:lambda:eu-west-1:123456789012:function:rotate-db" },
          trust: { kind: "aws-role", roleArn: "arn:aws:iam::123456789012:role/incident-responder" },
          emergency: { expires: inDays(2), ticket: "INC-4711" },
        }) as GovernedIdentityArgs),
        config: CONFIG,
      },
    },
    { label: "default boundary from config", args: { ...(validSpec({ name: "boundary-from-config", permissionsBoundary: undefined }) as GovernedIdentityArgs), config: CONFIG } },
  ];
}
