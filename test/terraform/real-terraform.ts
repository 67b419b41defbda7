import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * Real plans from the real Terraform, offline: Terraform on PATH, hashicorp/aws from the
 * machine's filesystem mirror (no `direct` block, so Terraform never tries the network), fake
 * credentials and `-refresh=false`, so `plan` never calls AWS. Tests that need it use
 * `describeWithTerraform`, which skips with a message naming what is missing.
 *
 *   NHI_TF_MIRROR   the filesystem mirror (default /opt/tf-plugins)
 *   NHI_TERRAFORM   the terraform binary (default: terraform on PATH)
 */
export const TF_MIRROR = process.env.NHI_TF_MIRROR ?? "/opt/tf-plugins";
export const TERRAFORM = process.env.NHI_TERRAFORM ?? "terraform";
export const AWS_PROVIDER_VERSION = "5.100.0";

let skipReason: string | undefined | null = null;

/** Why real-Terraform tests cannot run here, or undefined when they can. */
export function terraformSkipReason(): string | undefined {
  if (skipReason !== null) return skipReason;
  const v = spawnSync(TERRAFORM, ["version", "-json"], { encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
  if (v.error || v.status !== 0) skipReason = `terraform not found (${TERRAFORM}); install Terraform >= 1.8 to run these tests`;
  else if (!fs.existsSync(path.join(TF_MIRROR, "registry.terraform.io", "hashicorp", "aws", AWS_PROVIDER_VERSION)))
    skipReason = `no filesystem mirror of hashicorp/aws ${AWS_PROVIDER_VERSION} under ${TF_MIRROR} (set NHI_TF_MIRROR)`;
  else skipReason = undefined;
  return skipReason;
}

/** `describe` when Terraform and the mirror are here; otherwise `describe.skip`, saying why once. */
export function describeWithTerraform(name: string, fn: () => void): void {
  const why = terraformSkipReason();
  if (why) {
    // eslint-disable-next-line no-console
    console.warn(`skipping "${name}": ${why}`);
    describe.skip(name, fn);
  } else describe(name, fn);
}

/** The `terraform` and `provider "aws"` blocks for an offline plan, as HCL. */
export function awsProviderHcl(region = "eu-west-1"): string {
  return `terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "${AWS_PROVIDER_VERSION}" }
  }
}
${awsProviderBlock(region)}`;
}

/**
 * The `provider "aws"` block alone: fake credentials, no calls to AWS before the plan. Without a
 * region (an override file for a configuration that sets its own), none is written.
 */
export function awsProviderBlock(region: string | undefined = "eu-west-1"): string {
  return `provider "aws" {
${region ? `  region                      = "${region}"
` : ""}  access_key                  = "AKIAIOSFODNN7EXAMPLE"
  secret_key                  = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}
`;
}

/** A CLI config that installs only from the mirror; `extra` is appended (dev_overrides, another mirror). */
export function cliConfig(extra = "", mirrors: { path: string; include: string[] }[] = []): string {
  const all = [{ path: TF_MIRROR, include: ["registry.terraform.io/hashicorp/aws"] }, ...mirrors];
  return `provider_installation {
${all.map((m) => `  filesystem_mirror {\n    path    = ${JSON.stringify(m.path)}\n    include = ${JSON.stringify(m.include)}\n  }`).join("\n")}
}
disable_checkpoint = true
${extra}`;
}

export interface TerraformRun {
  dir: string;
  env: NodeJS.ProcessEnv;
  /** Run terraform with these arguments in `dir`; throws with its output when it exits non-zero (unless `allowFailure`). */
  run(args: string[], options?: { allowFailure?: boolean }): { status: number; stdout: string; stderr: string };
}

/**
 * A working directory with these files (relative paths to contents) and an environment that
 * keeps Terraform offline. `cliConfigText` replaces the default CLI config.
 */
export function terraformDir(files: Record<string, string>, options: { cliConfigText?: string; env?: NodeJS.ProcessEnv } = {}): TerraformRun {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nhi-tf-"));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  const rc = path.join(dir, ".terraformrc");
  fs.writeFileSync(rc, options.cliConfigText ?? cliConfig());
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TF_CLI_CONFIG_FILE: rc,
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    CHECKPOINT_DISABLE: "1",
    TF_PLUGIN_CACHE_DIR: "",
    AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
    AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    AWS_EC2_METADATA_DISABLED: "true",
    ...options.env,
  };
  return {
    dir,
    env,
    run(args, runOptions = {}) {
      const r = spawnSync(TERRAFORM, [...args], { cwd: dir, env, encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
      const status = r.status ?? -1;
      if (status !== 0 && !runOptions.allowFailure) throw new Error(`terraform ${args.join(" ")} exited ${status} in ${dir}:\n${r.stdout}\n${r.stderr}`);
      return { status, stdout: r.stdout, stderr: r.stderr };
    },
  };
}

/**
 * `terraform init` + `plan -refresh=false -out` + `show -json` on these files: the plan JSON as
 * Terraform writes it, and where it is. `files` usually includes awsProviderHcl() in some .tf.
 */
export function terraformPlan(files: Record<string, string>, options: { cliConfigText?: string; env?: NodeJS.ProcessEnv; planArgs?: string[] } = {}): { plan: any; planJson: string; planFile: string; tf: TerraformRun } {
  const tf = terraformDir(files, options);
  tf.run(["init", "-input=false", "-no-color", "-backend=false"]);
  tf.run(["plan", "-refresh=false", "-input=false", "-no-color", "-lock=false", "-out=tfplan", ...(options.planArgs ?? [])]);
  const shown = tf.run(["show", "-json", "-no-color", "tfplan"]);
  const planFile = path.join(tf.dir, "plan.json");
  fs.writeFileSync(planFile, shown.stdout);
  return { plan: JSON.parse(shown.stdout), planJson: shown.stdout, planFile, tf };
}
