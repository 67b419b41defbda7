# A governed AWS non-human identity. All logic lives in provider::nhi::identity (the renderer
# the nhi-governance CDKTF construct and Pulumi component use): this file only creates what the
# function returns, so the plan passes `nhi-gate plan` by its nhi:seal.

locals {
  spec = {
    name                     = var.name
    owner                    = var.owner
    purpose                  = var.purpose
    environment              = var.environment
    system_of_record         = var.system_of_record
    retirement               = var.retirement
    workload                 = var.workload
    access                   = var.access
    permissions_boundary     = var.permissions_boundary
    trust                    = var.trust
    credential               = var.credential
    recertify_by             = var.recertify_by
    emergency                = var.emergency
    recertification_reminder = var.recertification_reminder
    path                     = var.path
    tags                     = var.tags
  }

  identity = provider::nhi::identity(local.spec, {
    config            = var.gate_config
    now               = coalesce(var.now, plantimestamp())
    reminder_role_arn = var.reminder_role_arn
  })

  principal  = local.identity.principal
  credential = local.identity.credential
  reminder   = local.identity.reminder
}

resource "aws_iam_role" "this" {
  count = local.principal.type == "role" ? 1 : 0

  name                 = local.principal.name
  path                 = local.principal.path
  assume_role_policy   = local.principal.assume_role_policy
  permissions_boundary = local.principal.permissions_boundary
  max_session_duration = local.principal.max_session_duration
  tags                 = local.principal.tags
}

resource "aws_iam_role_policy" "this" {
  count = local.principal.type == "role" ? 1 : 0

  name   = local.identity.policy.name
  role   = aws_iam_role.this[0].name
  policy = local.identity.policy.json
}

resource "aws_iam_user" "this" {
  count = local.principal.type == "user" ? 1 : 0

  name                 = local.principal.name
  path                 = local.principal.path
  permissions_boundary = local.principal.permissions_boundary
  tags                 = local.principal.tags
}

resource "aws_iam_user_policy" "this" {
  count = local.principal.type == "user" ? 1 : 0

  name   = local.identity.policy.name
  user   = aws_iam_user.this[0].name
  policy = local.identity.policy.json
}

# managed-secret and static-key credentials live in Secrets Manager.
resource "aws_secretsmanager_secret" "this" {
  count = local.credential.secret_name != null ? 1 : 0

  name = local.credential.secret_name
  tags = local.principal.tags
}

resource "aws_secretsmanager_secret_rotation" "this" {
  count = local.credential.type == "managed-secret" ? 1 : 0

  secret_id           = aws_secretsmanager_secret.this[0].id
  rotation_lambda_arn = local.credential.rotation_lambda_arn

  rotation_rules {
    automatically_after_days = local.credential.rotation_days
  }
}

# static-key: the key is replaced when the function's rotation window moves on (every
# rotation_days, staggered per identity), through Terraform's built-in terraform_data: no time
# provider needed. As with time_rotating, a rotation happens at the first plan/apply in a new
# window; a stack nobody applies keeps its key (the gate's TTL rules report that).
resource "terraform_data" "key_rotation" {
  count = local.credential.type == "access-key" ? 1 : 0

  triggers_replace = local.credential.rotation_window
}

resource "aws_iam_access_key" "this" {
  count = local.credential.type == "access-key" ? 1 : 0

  user = aws_iam_user.this[0].name

  lifecycle {
    # The new key exists, and is in the secret, before the old one is deleted.
    create_before_destroy = true
    replace_triggered_by  = [terraform_data.key_rotation[count.index]]
  }
}

# The key goes straight to Secrets Manager, never to an output; it is in Terraform state, so
# keep state encrypted and access-controlled.
resource "aws_secretsmanager_secret_version" "this" {
  count = local.credential.type == "access-key" ? 1 : 0

  secret_id = aws_secretsmanager_secret.this[0].id
  secret_string = jsonencode({
    access_key_id     = aws_iam_access_key.this[0].id
    secret_access_key = aws_iam_access_key.this[0].secret
  })
}

resource "aws_scheduler_schedule" "recertification_reminder" {
  count = local.reminder != null ? 1 : 0

  name                         = local.reminder.name
  schedule_expression          = local.reminder.schedule_expression
  schedule_expression_timezone = "UTC"

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = local.reminder.sns_topic_arn
    role_arn = local.reminder.role_arn
    input    = local.reminder.message
  }
}
