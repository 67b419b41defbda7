output "identity" {
  description = "Everything provider::nhi::identity returned: principal, policy, credential, reminder, seal, access_expires_at."
  value       = local.identity
}

output "principal_type" {
  description = "role, or user for a static-key identity."
  value       = local.principal.type
}

output "name" {
  description = "Name of the role or user."
  value       = local.principal.name
}

output "arn" {
  description = "ARN of the role or user (known after apply)."
  value       = local.principal.type == "role" ? aws_iam_role.this[0].arn : aws_iam_user.this[0].arn
}

output "role_arn" {
  description = "ARN of the role; null for a user."
  value       = one(aws_iam_role.this[*].arn)
}

output "role_name" {
  description = "Name of the role; null for a user."
  value       = one(aws_iam_role.this[*].name)
}

output "user_arn" {
  description = "ARN of the user; null for a role."
  value       = one(aws_iam_user.this[*].arn)
}

output "user_name" {
  description = "Name of the user; null for a role."
  value       = one(aws_iam_user.this[*].name)
}

output "seal" {
  description = "The nhi:seal tag: what nhi-gate recomputes from the plan."
  value       = local.identity.seal
}

output "tags" {
  description = "The lifecycle tags the principal carries, the seal included."
  value       = local.principal.tags
}

output "policy_json" {
  description = "The principal's time-bound inline policy, as the policy resource carries it."
  value       = local.identity.policy.json
}

output "access_expires_at" {
  description = "When the policy's time-bound condition stops allowing access (recertification date plus grace period, or the emergency expiry)."
  value       = local.identity.access_expires_at
}

output "secret_arn" {
  description = "ARN of the Secrets Manager secret holding the credential; null when the credential needs none."
  value       = one(aws_secretsmanager_secret.this[*].arn)
}
