# Every credential and trust kind of a governed identity, from one module. The gate config is the
# file nhi-gate reads too:
#   terraform plan -var recertify_by=YYYY-MM-DD -out tfplan
#   terraform show -json tfplan > plan.json
#   nhi-gate plan plan.json -c nhi-governance.config.json

terraform {
  required_version = ">= 1.8.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
    nhi = {
      source  = "nhi.local/nhi-governance/nhi"
      version = ">= 0.1.0"
    }
  }
}

provider "aws" {
  region = var.region
}

locals {
  gate_config  = jsondecode(file("${path.module}/nhi-governance.config.json"))
  account      = "123456789012"
  github_oidc  = "arn:aws:iam::${local.account}:oidc-provider/token.actions.githubusercontent.com"
  artifacts    = "arn:aws:s3:::acme-payments-artifacts/*"
  owner        = "@acme/payments"
  cmdb         = "https://cmdb.example.com/ci/PAY-42"
  decommission = "when the payments API is decommissioned"
}

# federated, github-oidc trust on an exact ref.
module "ci_deployer" {
  source = "../.."

  name             = "payments-deployer"
  owner            = local.owner
  purpose          = "Deploys the payments API from GitHub Actions"
  environment      = "prod"
  system_of_record = local.cmdb
  retirement       = local.decommission
  workload         = "github-actions payments-api deploy job"
  access           = [{ actions = ["s3:PutObject", "s3:GetObject"], resources = [local.artifacts] }]
  trust            = { kind = "github-oidc", repository = "acme/payments-api", ref = "refs/heads/main", oidc_provider_arn = local.github_oidc }
  credential       = { kind = "federated" }
  recertify_by     = var.recertify_by
  gate_config      = local.gate_config
  now              = var.now
}

# federated, github-oidc trust on a deployment environment, with a recertification reminder.
module "infra_deployer" {
  source = "../.."

  name                     = "infra-deployer"
  owner                    = "@acme/platform"
  purpose                  = "Applies the infra repository from its production environment"
  environment              = "prod"
  system_of_record         = "https://cmdb.example.com/ci/PLAT-7"
  retirement               = "when the infra repository moves to another pipeline"
  workload                 = "github-actions infra apply job"
  access                   = [{ actions = ["sts:AssumeRole"], resources = ["arn:aws:iam::${local.account}:role/infra-apply"] }]
  trust                    = { kind = "github-oidc", repository = "acme/infra", environment = "production", oidc_provider_arn = local.github_oidc }
  credential               = { kind = "federated" }
  recertify_by             = var.recertify_by
  recertification_reminder = { sns_topic_arn = "arn:aws:sns:eu-west-1:${local.account}:nhi-recertification" }
  reminder_role_arn        = "arn:aws:iam::${local.account}:role/nhi-reminder-scheduler"
  gate_config              = local.gate_config
  now                      = var.now
}

# ephemeral, aws-service trust restricted to this account.
module "orders_lambda" {
  source = "../.."

  name             = "orders-lambda"
  owner            = local.owner
  purpose          = "Runs the orders Lambda function"
  environment      = "prod"
  system_of_record = local.cmdb
  retirement       = local.decommission
  workload         = "lambda orders-api"
  access = [{
    actions    = ["dynamodb:GetItem", "dynamodb:PutItem"]
    resources  = ["arn:aws:dynamodb:eu-west-1:${local.account}:table/orders"]
    conditions = { StringEquals = { "aws:RequestedRegion" = ["eu-west-1"] } }
  }]
  trust        = { kind = "aws-service", service = "lambda.amazonaws.com", source_account = local.account }
  credential   = { kind = "ephemeral", max_session_duration = "PT1H" }
  recertify_by = var.recertify_by
  gate_config  = local.gate_config
  now          = var.now
}

# ephemeral, aws-role trust for a third party with an external id.
module "reporting_reader" {
  source = "../.."

  name             = "reporting-reader"
  owner            = "@acme/data"
  purpose          = "Lets the reporting vendor read the exports bucket"
  environment      = "prod"
  system_of_record = "https://cmdb.example.com/ci/DATA-3"
  retirement       = "when the reporting contract ends"
  workload         = "vendor reporting export job"
  access           = [{ actions = ["s3:GetObject"], resources = ["arn:aws:s3:::acme-exports/*"] }]
  trust            = { kind = "aws-role", role_arn = "arn:aws:iam::210987654321:role/reporting", external_id = "acme-reporting-7731" }
  credential       = { kind = "ephemeral", max_session_duration = "PT2H" }
  recertify_by     = var.recertify_by
  gate_config      = local.gate_config
  now              = var.now
}

# federated, eks-pod-identity trust.
module "cart_pods" {
  source = "../.."

  name             = "cart-pods"
  owner            = "@acme/cart"
  purpose          = "Lets the cart API pods read the catalog table"
  environment      = "prod"
  system_of_record = "https://cmdb.example.com/ci/CART-1"
  retirement       = "when the cart API is decommissioned"
  workload         = "eks prod-eks cart/cart-api"
  access           = [{ actions = ["dynamodb:Query"], resources = ["arn:aws:dynamodb:eu-west-1:${local.account}:table/catalog"] }]
  trust            = { kind = "eks-pod-identity", cluster_name = "prod-eks", namespace = "cart", service_account = "cart-api" }
  credential       = { kind = "federated" }
  recertify_by     = var.recertify_by
  gate_config      = local.gate_config
  now              = var.now
}

# managed-secret: a Secrets Manager secret rotated by a Lambda function.
module "db_rotator" {
  source = "../.."

  name             = "db-rotator"
  owner            = "@acme/payments"
  purpose          = "Reads the payments database credentials from Secrets Manager"
  environment      = "staging"
  system_of_record = local.cmdb
  retirement       = local.decommission
  workload         = "ecs payments-worker"
  access           = [{ actions = ["rds-db:connect"], resources = ["arn:aws:rds-db:eu-west-1:${local.account}:dbuser:db-ABC/payments"] }]
  trust            = { kind = "aws-service", service = "ecs-tasks.amazonaws.com" }
  credential       = { kind = "managed-secret", rotation = "P30D", rotation_lambda_arn = "arn:aws:lambda:eu-west-1:${local.account}:function:rotate-db" }
  recertify_by     = var.recertify_by
  gate_config      = local.gate_config
  now              = var.now
}

# static-key: an IAM user whose one access key is rotated every 30 days and kept in Secrets Manager.
module "legacy_sftp" {
  source = "../.."

  name             = "legacy-sftp-sync"
  owner            = "@acme/integrations"
  purpose          = "Syncs files for a partner that cannot use federation"
  environment      = "prod"
  system_of_record = "https://cmdb.example.com/ci/INT-9"
  retirement       = "when the partner supports OIDC federation"
  workload         = "on-prem sftp sync cron"
  access           = [{ actions = ["s3:PutObject"], resources = ["arn:aws:s3:::acme-partner-drop/*"] }]
  credential       = { kind = "static-key", ttl = "P90D", rotation = "P30D" }
  recertify_by     = var.recertify_by
  gate_config      = local.gate_config
  now              = var.now
}
