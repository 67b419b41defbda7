/**
 * Known AWS IAM privilege-escalation paths, as data: the one list NHI-GOV-021 reads. Each path
 * is a set of actions that, granted together to one principal (across all its policies), let it
 * raise its own privileges or take over another identity, even when every action is named
 * exactly (the wildcard forms are NHI-GOV-005's). Keep it maintained: add a path with the
 * source that documents it; a test checks every entry is well formed and names real actions.
 *
 * Sources:
 * - RHINO1: Rhino Security Labs, "AWS IAM Privilege Escalation – Methods and Mitigation"
 *   (Spencer Gietzen), methods 1-21.
 * - RHINO2: Rhino Security Labs, "AWS IAM Privilege Escalation – Methods and Mitigation – Part 2".
 * - PATHFINDING: Datadog Security Labs, pathfinding.cloud (catalogue of AWS IAM privilege
 *   escalation paths).
 * - IAMVULN: Bishop Fox, iam-vulnerable (one deliberately vulnerable role per path).
 * - PMAPPER: NCC Group, Principal Mapper (PMapper) escalation edges.
 */

export const ESCALATION_SOURCES = {
  RHINO1: "https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/",
  RHINO2: "https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation-part-2/",
  PATHFINDING: "https://pathfinding.cloud/",
  IAMVULN: "https://github.com/BishopFox/iam-vulnerable",
  PMAPPER: "https://github.com/nccgroup/PMapper",
} as const;

export type EscalationSource = keyof typeof ESCALATION_SOURCES;

export interface EscalationStep {
  /** One concrete action, as AWS spells it. */
  action: string;
  /**
   * Which grants of the action count:
   * - `any` (default): on any resource.
   * - `privileged-role`: on a role that is more than the principal should reach: `*` or a
   *   wildcard role pattern, a role in another account, or an admin role (in the evaluation with
   *   admin-level access, or named like one).
   * - `every-resource`: on `*`, or an ARN pattern whose resource name is all wildcard (every
   *   function, every instance): the existing resources of others included.
   */
  on?: "any" | "privileged-role" | "every-resource";
}

export interface EscalationPath {
  /** Stable id, the granular key of the finding: `NHI-GOV-021[Escalation::<id>]`. */
  id: string;
  steps: EscalationStep[];
  /** What an attacker holding the principal's credentials does with it. */
  description: string;
  severity: "critical" | "high" | "medium";
  sources: EscalationSource[];
  /**
   * Condition keys that, on the statement granting a step, confine it enough that it no longer
   * escalates (`iam:PolicyARN` on an attach action names the policies that may be attached).
   */
  mitigatedBy?: string[];
  /** The step's resource may be the principal itself (`${aws:username}`): self-service, not escalation. */
  selfServiceOk?: boolean;
}

const one = (action: string, on?: EscalationStep["on"]): EscalationStep[] => [{ action, ...(on ? { on } : {}) }];
const passRole: EscalationStep = { action: "iam:PassRole", on: "privileged-role" };

export const ESCALATION_PATHS: readonly EscalationPath[] = [
  { id: "iam:CreatePolicyVersion", steps: one("iam:CreatePolicyVersion"), severity: "critical", sources: ["RHINO1", "PATHFINDING", "IAMVULN"], description: "writes a new default version of a customer managed policy it is attached to, granting itself anything" },
  { id: "iam:SetDefaultPolicyVersion", steps: one("iam:SetDefaultPolicyVersion"), severity: "critical", sources: ["RHINO1", "PATHFINDING", "IAMVULN"], description: "switches a managed policy to an older, wider version" },
  { id: "iam:CreateAccessKey", steps: one("iam:CreateAccessKey"), severity: "critical", sources: ["RHINO1", "PATHFINDING", "IAMVULN"], selfServiceOk: true, description: "creates access keys for other IAM users and acts as them" },
  { id: "iam:CreateLoginProfile", steps: one("iam:CreateLoginProfile"), severity: "critical", sources: ["RHINO1", "IAMVULN"], selfServiceOk: true, description: "gives another IAM user a console password and signs in as them" },
  { id: "iam:UpdateLoginProfile", steps: one("iam:UpdateLoginProfile"), severity: "critical", sources: ["RHINO1", "IAMVULN"], selfServiceOk: true, description: "resets another IAM user's console password and signs in as them" },
  { id: "iam:AttachUserPolicy", steps: one("iam:AttachUserPolicy"), severity: "critical", sources: ["RHINO1", "PATHFINDING", "IAMVULN"], mitigatedBy: ["iam:PolicyARN"], description: "attaches any managed policy (AdministratorAccess) to a user, itself included" },
  { id: "iam:AttachGroupPolicy", steps: one("iam:AttachGroupPolicy"), severity: "critical", sources: ["RHINO1", "IAMVULN"], mitigatedBy: ["iam:PolicyARN"], description: "attaches any managed policy to a group its users are in" },
  { id: "iam:AttachRolePolicy", steps: one("iam:AttachRolePolicy"), severity: "critical", sources: ["RHINO1", "PATHFINDING", "IAMVULN"], mitigatedBy: ["iam:PolicyARN"], description: "attaches any managed policy (AdministratorAccess) to a role, itself included" },
  { id: "iam:PutUserPolicy", steps: one("iam:PutUserPolicy"), severity: "critical", sources: ["RHINO1", "PATHFINDING", "IAMVULN"], description: "writes an inline policy granting anything onto a user, itself included" },
  { id: "iam:PutGroupPolicy", steps: one("iam:PutGroupPolicy"), severity: "critical", sources: ["RHINO1", "IAMVULN"], description: "writes an inline policy granting anything onto a group" },
  { id: "iam:PutRolePolicy", steps: one("iam:PutRolePolicy"), severity: "critical", sources: ["RHINO1", "PATHFINDING", "IAMVULN"], description: "writes an inline policy granting anything onto a role, itself included" },
  { id: "iam:AddUserToGroup", steps: one("iam:AddUserToGroup"), severity: "critical", sources: ["RHINO1", "IAMVULN"], description: "adds a user to a more privileged group" },
  { id: "iam:UpdateAssumeRolePolicy", steps: one("iam:UpdateAssumeRolePolicy"), severity: "critical", sources: ["RHINO1", "PATHFINDING", "IAMVULN"], description: "rewrites a role's trust policy so that it (or an outside account) can assume the role" },
  { id: "iam:DeleteRolePermissionsBoundary", steps: one("iam:DeleteRolePermissionsBoundary"), severity: "critical", sources: ["PATHFINDING", "PMAPPER"], description: "removes the permissions boundary that confines a role" },
  { id: "iam:PutRolePermissionsBoundary", steps: one("iam:PutRolePermissionsBoundary"), severity: "critical", sources: ["PATHFINDING", "PMAPPER"], mitigatedBy: ["iam:PermissionsBoundary"], description: "replaces a role's permissions boundary with a wider one" },
  { id: "iam:DeleteUserPermissionsBoundary", steps: one("iam:DeleteUserPermissionsBoundary"), severity: "critical", sources: ["PATHFINDING", "PMAPPER"], description: "removes the permissions boundary that confines a user" },
  { id: "iam:PutUserPermissionsBoundary", steps: one("iam:PutUserPermissionsBoundary"), severity: "critical", sources: ["PATHFINDING", "PMAPPER"], mitigatedBy: ["iam:PermissionsBoundary"], description: "replaces a user's permissions boundary with a wider one" },
  { id: "sts:AssumeRole", steps: one("sts:AssumeRole", "privileged-role"), severity: "high", sources: ["PMAPPER", "PATHFINDING"], description: "assumes an admin role, a role in another account, or any role a wildcard matches" },
  { id: "iam:PassRole", steps: [passRole], severity: "high", sources: ["RHINO1", "PATHFINDING"], mitigatedBy: ["iam:PassedToService"], description: "hands an admin role, a role in another account, or any role a wildcard matches to an AWS service that then runs code as it (the first half of every PassRole path)" },
  { id: "iam:PassRole+ec2:RunInstances", steps: [passRole, { action: "ec2:RunInstances" }], severity: "critical", sources: ["RHINO1", "PATHFINDING", "IAMVULN"], description: "starts an EC2 instance with the passed role and reads its credentials from the instance" },
  { id: "iam:PassRole+lambda:CreateFunction+lambda:InvokeFunction", steps: [passRole, { action: "lambda:CreateFunction" }, { action: "lambda:InvokeFunction" }], severity: "critical", sources: ["RHINO1", "PATHFINDING", "IAMVULN"], description: "creates a Lambda function with the passed role and runs its own code as that role" },
  { id: "iam:PassRole+lambda:CreateFunction+lambda:CreateEventSourceMapping", steps: [passRole, { action: "lambda:CreateFunction" }, { action: "lambda:CreateEventSourceMapping" }], severity: "critical", sources: ["RHINO1", "IAMVULN"], description: "creates a Lambda function with the passed role, triggered by an event source it controls" },
  { id: "iam:PassRole+lambda:UpdateFunctionConfiguration", steps: [passRole, { action: "lambda:UpdateFunctionConfiguration" }], severity: "critical", sources: ["PATHFINDING", "PMAPPER"], description: "gives an existing Lambda function the passed role (then its code, or a layer, runs as that role)" },
  { id: "lambda:UpdateFunctionCode", steps: one("lambda:UpdateFunctionCode", "every-resource"), severity: "high", sources: ["RHINO1", "IAMVULN"], description: "replaces the code of every Lambda function, privileged ones included, and runs as their roles" },
  { id: "iam:PassRole+glue:CreateDevEndpoint", steps: [passRole, { action: "glue:CreateDevEndpoint" }], severity: "critical", sources: ["RHINO1", "IAMVULN"], description: "creates a Glue development endpoint with the passed role and logs in to it" },
  { id: "glue:UpdateDevEndpoint", steps: one("glue:UpdateDevEndpoint"), severity: "high", sources: ["RHINO1", "IAMVULN"], description: "adds its SSH key to an existing Glue development endpoint and uses the endpoint's role" },
  { id: "iam:PassRole+cloudformation:CreateStack", steps: [passRole, { action: "cloudformation:CreateStack" }], severity: "critical", sources: ["RHINO1", "PATHFINDING", "IAMVULN"], description: "creates a CloudFormation stack that runs as the passed role and creates whatever the role may" },
  { id: "iam:PassRole+datapipeline:CreatePipeline+datapipeline:PutPipelineDefinition", steps: [passRole, { action: "datapipeline:CreatePipeline" }, { action: "datapipeline:PutPipelineDefinition" }], severity: "critical", sources: ["RHINO1", "IAMVULN"], description: "creates a Data Pipeline that runs its commands as the passed role" },
  { id: "iam:PassRole+codebuild:CreateProject+codebuild:StartBuild", steps: [passRole, { action: "codebuild:CreateProject" }, { action: "codebuild:StartBuild" }], severity: "critical", sources: ["RHINO2", "PATHFINDING", "IAMVULN"], description: "creates a CodeBuild project with the passed role and runs a build spec of its own" },
  { id: "iam:PassRole+sagemaker:CreateNotebookInstance+sagemaker:CreatePresignedNotebookInstanceUrl", steps: [passRole, { action: "sagemaker:CreateNotebookInstance" }, { action: "sagemaker:CreatePresignedNotebookInstanceUrl" }], severity: "critical", sources: ["RHINO2", "PATHFINDING", "IAMVULN"], description: "creates a SageMaker notebook with the passed role and opens a shell in it" },
  { id: "sagemaker:CreatePresignedNotebookInstanceUrl", steps: one("sagemaker:CreatePresignedNotebookInstanceUrl", "every-resource"), severity: "high", sources: ["RHINO2", "IAMVULN"], description: "opens a shell in every existing SageMaker notebook and uses its role" },
  { id: "iam:PassRole+ecs:RegisterTaskDefinition+ecs:RunTask", steps: [passRole, { action: "ecs:RegisterTaskDefinition" }, { action: "ecs:RunTask" }], severity: "critical", sources: ["PATHFINDING", "PMAPPER"], description: "registers an ECS task with the passed role and runs its own container as that role" },
  { id: "ssm:SendCommand", steps: one("ssm:SendCommand", "every-resource"), severity: "high", sources: ["PATHFINDING", "PMAPPER"], description: "runs commands on every managed EC2 instance and takes their instance roles' credentials" },
  { id: "ssm:StartSession", steps: one("ssm:StartSession", "every-resource"), severity: "high", sources: ["PATHFINDING", "PMAPPER"], description: "opens a shell on every managed EC2 instance and takes their instance roles' credentials" },
];

/** Role names that are admin by convention (AWS Organizations' default cross-account role included). */
export const ADMIN_ROLE_NAME = /(^|[-_./])(admin|administrator|administratoraccess|organizationaccountaccessrole|poweruser|root)([-_./]|$)/i;
