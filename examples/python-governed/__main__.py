"""Governed non-human identities from Python, through the nhi-governance component provider.

Set up once (see docs/provider.md):

    pulumi package add ../../provider      # generates sdks/nhi-governance, adds it to requirements.txt
    pulumi preview --policy-pack ../../policy-packs/nhi-governance

Spec fields are plain values (they are sealed and checked by the policy pack at preview), so
ARNs are built from known names, not from other resources' outputs. Only `reminder_role_arn`
may be an output.
"""

import datetime

import pulumi
import pulumi_nhi_governance as nhi

config = pulumi.Config()
account_id = config.get("accountId") or "123456789012"
region = config.get("region") or "eu-west-1"
boundary = f"arn:aws:iam::{account_id}:policy/nhi-boundary"
# Within the gate config's recertification window (180 days by default). In your program write
# the date you commit to ("2027-04-30") and move it when you recertify; computed here so that the
# example never goes stale (a date computed at deploy time would never fall due).
recertify_by = (datetime.date.today() + datetime.timedelta(days=90)).isoformat()

# The gate configuration: use the same one as the policy pack (nhi-governance.config.json).
gate_config = nhi.aws.GateConfigArgs(
    default_permissions_boundary=boundary,
    access_grace_period_days=14,
)

# A GitHub Actions deployer: a role federated through the account's OIDC provider, one repository
# and branch, no stored secret.
deployer = nhi.aws.GovernedIdentity(
    "payments-deployer",
    name="payments-deployer",
    owner="@acme/payments",
    purpose="Deploys the payments API from GitHub Actions",
    environment="prod",
    system_of_record="https://cmdb.example.com/ci/PAY-42",
    retirement="when the payments API is decommissioned",
    workload="github-actions payments-api deploy job",
    access=[
        nhi.aws.StatementArgs(
            actions=["s3:PutObject"],
            resources=["arn:aws:s3:::acme-payments-artifacts/*"],
        ),
    ],
    trust=nhi.aws.TrustArgs(
        kind=nhi.aws.TrustKind.GITHUB_OIDC,
        repository="acme/payments-api",
        ref="refs/heads/main",
        oidc_provider_arn=f"arn:aws:iam::{account_id}:oidc-provider/token.actions.githubusercontent.com",
    ),
    credential=nhi.aws.CredentialArgs(kind=nhi.aws.CredentialKind.FEDERATED),
    recertify_by=recertify_by,
    config=gate_config,
)

# A Lambda function's role: assumed by the Lambda service from this account only, with a
# database secret that a rotation Lambda rotates every 30 days.
reporter = nhi.aws.GovernedIdentity(
    "payments-reporter",
    name="payments-reporter",
    owner="@acme/payments",
    purpose="Nightly settlement report from the payments database",
    environment="prod",
    system_of_record="https://cmdb.example.com/ci/PAY-43",
    retirement="2027-12-31",
    workload="lambda payments-settlement-report",
    access=[
        nhi.aws.StatementArgs(
            actions=["dynamodb:Query", "dynamodb:GetItem"],
            resources=[f"arn:aws:dynamodb:{region}:{account_id}:table/payments-settlements"],
            conditions={"StringEquals": {"aws:RequestedRegion": region}},
        ),
    ],
    trust=nhi.aws.TrustArgs(
        kind=nhi.aws.TrustKind.AWS_SERVICE,
        service="lambda.amazonaws.com",
        source_account=account_id,
    ),
    credential=nhi.aws.CredentialArgs(
        kind=nhi.aws.CredentialKind.MANAGED_SECRET,
        rotation="P30D",
        rotation_lambda_arn=f"arn:aws:lambda:{region}:{account_id}:function:rotate-payments-db",
    ),
    recertify_by=recertify_by,
    config=gate_config,
)

pulumi.export("deployerRoleArn", deployer.role_arn)
pulumi.export("reporterRoleArn", reporter.role_arn)
pulumi.export("reporterSecretArn", reporter.secret_arn)
pulumi.export("deployerSeal", deployer.seal)
