/**
 * Identities as teams write them by hand, in HCL: the input of the adoption tests that need a
 * plan written by the real Terraform. A GitHub Actions deployer (exact OIDC trust, an inline
 * policy, an AWS managed policy), a Lambda role (source-account condition, a customer managed
 * policy with a condition, the AWS managed basic execution role, a boundary), a reporting role
 * trusted by a whole other account (left for a person), and an IAM user with an access key.
 */
export const OIDC_PROVIDER = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";

export const SCENARIO_HCL = `
resource "aws_iam_role" "deployer" {
  name                 = "payments-ci-deployer"
  path                 = "/ci/"
  description          = "Deploys payments from GitHub Actions"
  max_session_duration = 3600
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = "${OIDC_PROVIDER}" }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"
          "token.actions.githubusercontent.com:sub" = "repo:acme/payments-api:ref:refs/heads/main"
        }
      }
    }]
  })
  tags = { Owner = "@acme/payments", CostCenter = "cc-42" }
}

resource "aws_iam_role_policy" "deployer_lambda" {
  name = "deploy-lambda"
  role = aws_iam_role.deployer.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "DeployFunction"
      Effect   = "Allow"
      Action   = ["lambda:UpdateFunctionCode", "lambda:GetFunction"]
      Resource = "arn:aws:lambda:eu-west-1:123456789012:function:payments-api"
    }]
  })
}

resource "aws_iam_role_policy_attachment" "deployer_readonly" {
  role       = aws_iam_role.deployer.name
  policy_arn = "arn:aws:iam::aws:policy/AWSCloudFormationReadOnlyAccess"
}

resource "aws_iam_role" "orders" {
  name                 = "orders-lambda"
  permissions_boundary = "arn:aws:iam::123456789012:policy/nhi-boundary"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = "123456789012" } }
    }]
  })
  tags = { team = "orders", Environment = "prod" }
}

resource "aws_iam_policy" "orders_table" {
  name = "orders-table"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = ["dynamodb:GetItem", "dynamodb:PutItem"]
      Resource  = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders"
      Condition = { Bool = { "aws:SecureTransport" = true } }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "orders_table" {
  role       = aws_iam_role.orders.name
  policy_arn = aws_iam_policy.orders_table.arn
}

resource "aws_iam_role_policy_attachment" "orders_logs" {
  role       = aws_iam_role.orders.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
}

resource "aws_iam_role" "reporting" {
  name = "reporting-reader"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::210987654321:root" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy" "reporting" {
  name   = "read-reports"
  role   = aws_iam_role.reporting.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] })
}

resource "aws_iam_user" "sftp" {
  name = "legacy-sftp"
  tags = { owner = "data-team" }
}

resource "aws_iam_user_policy" "sftp" {
  name   = "sftp-bucket"
  user   = aws_iam_user.sftp.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject"], Resource = "arn:aws:s3:::acme-sftp/*" }] })
}

resource "aws_iam_access_key" "sftp" {
  user = aws_iam_user.sftp.name
}
`;
