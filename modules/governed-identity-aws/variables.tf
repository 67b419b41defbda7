# One variable per field of the governed identity spec (GovernedIdentitySpec, snake_case), then
# the function's options. Validation is the function's: an invalid spec fails the plan with
# every bad field named.

variable "name" {
  description = "IAM role (or user) name."
  type        = string
}

variable "owner" {
  description = "The team or person accountable for this identity (@acme/payments, team-payments)."
  type        = string
}

variable "purpose" {
  description = "What the identity is for, in words (at least 10 characters)."
  type        = string
}

variable "environment" {
  description = "Deployment environment, from the gate config's environments."
  type        = string
}

variable "system_of_record" {
  description = "Where the identity is recorded: a ticket, CMDB id or URL."
  type        = string
}

variable "retirement" {
  description = "When the identity is retired: a condition or a date."
  type        = string
}

variable "workload" {
  description = "What runs as this identity (a service, pipeline or job)."
  type        = string
}

variable "access" {
  description = "The IAM statements the identity may use; each gets the time-bound condition. Condition values are lists (a one-element list is the same as a single value)."
  type = list(object({
    sid        = optional(string)
    effect     = optional(string)
    actions    = list(string)
    resources  = list(string)
    conditions = optional(map(map(list(string))))
  }))
}

variable "permissions_boundary" {
  description = "Permissions boundary ARN; the gate config's default_permissions_boundary applies when null."
  type        = string
  default     = null
}

variable "trust" {
  description = "Who may use the identity: kind github-oidc (repository, ref or environment, oidc_provider_arn, or account to pick the OIDC provider the gate config names for that account), aws-service (service, source_account), aws-role (role_arn, external_id) or eks-pod-identity (cluster_name, namespace, service_account). Null only for static-key credentials."
  type = object({
    kind              = string
    repository        = optional(string)
    ref               = optional(string)
    environment       = optional(string)
    oidc_provider_arn = optional(string)
    account           = optional(string)
    service           = optional(string)
    source_account    = optional(string)
    role_arn          = optional(string)
    external_id       = optional(string)
    cluster_name      = optional(string)
    namespace         = optional(string)
    service_account   = optional(string)
  })
  default = null
}

variable "credential" {
  description = "How the identity authenticates, most preferred first: federated, ephemeral (max_session_duration), managed-secret (rotation, rotation_lambda_arn), static-key (ttl, rotation). Durations are ISO 8601 (PT1H, P30D)."
  type = object({
    kind                 = string
    max_session_duration = optional(string)
    rotation             = optional(string)
    rotation_lambda_arn  = optional(string)
    ttl                  = optional(string)
  })
}

variable "recertify_by" {
  description = "The date (YYYY-MM-DD) by which the owner must recertify the identity; access lapses after it plus the gate config's grace period."
  type        = string
}

variable "emergency" {
  description = "Break-glass identity: a short life (expires, YYYY-MM-DD) and a ticket."
  type = object({
    expires = string
    ticket  = string
  })
  default = null
}

variable "recertification_reminder" {
  description = "Notify the owner days_before (default 14) the recertification date, through EventBridge Scheduler to this SNS topic. Needs reminder_role_arn."
  type = object({
    sns_topic_arn = string
    days_before   = optional(number)
  })
  default = null
}

variable "path" {
  description = "IAM path (default /nhi/)."
  type        = string
  default     = null
}

variable "tags" {
  description = "Other tags the principal carries beside the nhi:* lifecycle tags (cost allocation, team); sealed like them. nhi:* keys are refused."
  type        = map(string)
  default     = null
}

# The function's options, beside the spec.

variable "gate_config" {
  description = "The gate config the spec is validated against, as nhi-gate reads it: jsondecode(file(\"nhi-governance.config.json\")) or yamldecode(...). Terraform calls provider functions on an unconfigured provider, so it is passed here. Null: the default gate config."
  type        = any
  default     = null
}

variable "now" {
  description = "The instant dates are judged at (RFC 3339); default plantimestamp(), which Terraform keeps the same from plan to apply. Also moves the static key's rotation window."
  type        = string
  default     = null
}

variable "reminder_role_arn" {
  description = "Role EventBridge Scheduler assumes to publish the recertification reminder to SNS (needs sns:Publish on the topic). Required with recertification_reminder; not created here, since it would be an ungoverned identity."
  type        = string
  default     = null
}
