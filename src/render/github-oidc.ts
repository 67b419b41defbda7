import { GateConfig, GITHUB_OIDC_PROVIDER_ARN } from "../spec/config";

/*
 * Which GitHub OIDC provider a github-oidc trust policy names. The spec may give it
 * (`trust.oidcProviderArn`); otherwise the gate config supplies it, set once per account by the
 * platform team. The renderer writes the chosen ARN as a literal into the trust policy (so the
 * seal is verifiable at plan time); spec validation calls the same function, so a spec is
 * accepted exactly when the renderer can decide.
 */

/** The parts of a github-oidc trust and its spec this choice reads. */
export interface GithubOidcChoiceInput {
  oidcProviderArn?: string;
  /** The AWS account the role lives in (selects from `githubOidcProviderArns`). */
  account?: string;
  /** The spec's environment (its one account in `environmentAccounts` selects too). */
  environment?: string;
}

export type GithubOidcChoice =
  | { arn: string; from: "spec" | "account" | "default" }
  /** Why no ARN can be chosen: the field to blame and a message (`expected ...; fix: ...`). */
  | { arn?: undefined; field: "oidcProviderArn" | "account"; message: string };

/** The account id in an OIDC provider ARN. */
export function accountOfOidcProvider(arn: string): string | undefined {
  return GITHUB_OIDC_PROVIDER_ARN.exec(arn)?.[1] ?? /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(arn)?.[1];
}

/**
 * Choose the OIDC provider ARN: the spec's own, else the config's entry for the role's account
 * (`trust.account`, or the single account `environmentAccounts` lists for the environment), else
 * `defaultGithubOidcProviderArn` when it is in that account (or no account is known). An OIDC
 * provider is per account and a role can only trust one in its own account, so a known account
 * never falls back to another account's provider.
 */
/** The gate config fields the choice reads. */
export type GithubOidcConfig = Pick<GateConfig, "environmentAccounts" | "githubOidcProviderArns" | "defaultGithubOidcProviderArn">;

export function chooseGithubOidcProvider(t: GithubOidcChoiceInput, config: GithubOidcConfig): GithubOidcChoice {
  if (t.oidcProviderArn !== undefined) {
    const inArn = accountOfOidcProvider(t.oidcProviderArn);
    if (t.account !== undefined && inArn !== undefined && inArn !== t.account) {
      return { field: "account", message: `expected the account of trust.oidcProviderArn (${inArn}); fix: correct trust.account or trust.oidcProviderArn, or drop one of them` };
    }
    return { arn: t.oidcProviderArn, from: "spec" };
  }
  const envAccounts = t.environment !== undefined ? config.environmentAccounts[t.environment] : undefined;
  const account = t.account ?? (envAccounts?.length === 1 ? envAccounts[0] : undefined);
  const byAccount = config.githubOidcProviderArns;
  const fallback = config.defaultGithubOidcProviderArn;
  if (account !== undefined) {
    const arn = Object.hasOwn(byAccount, account) ? byAccount[account] : undefined;
    if (arn) return { arn, from: "account" };
    if (fallback && accountOfOidcProvider(fallback) === account) return { arn: fallback, from: "default" };
    const whence = t.account !== undefined ? "trust.account" : `the one account environmentAccounts lists for environment ${t.environment}`;
    return {
      field: "oidcProviderArn",
      message: `expected the ARN of the GitHub OIDC provider in account ${account} (${whence}); the gate config has none for that account; fix: add "${account}" to githubOidcProviderArns in the gate config, or set trust.oidcProviderArn`,
    };
  }
  if (fallback) return { arn: fallback, from: "default" };
  const known = Object.keys(byAccount).sort();
  if (known.length) {
    return {
      field: "account",
      message: `expected trust.account, the AWS account the role lives in, to choose its GitHub OIDC provider from the gate config's githubOidcProviderArns (${known.join(", ")}); fix: set trust.account, or trust.oidcProviderArn`,
    };
  }
  return {
    field: "oidcProviderArn",
    message:
      "expected the ARN of the account's GitHub OIDC provider (arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com); fix: set trust.oidcProviderArn, or defaultGithubOidcProviderArn / githubOidcProviderArns in the gate config",
  };
}
