import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { TERRAFORM, terraformDir, TerraformRun } from "../terraform/real-terraform";

/**
 * `terraform init` + `plan -out` + `show -json`, run asynchronously: when the AWS provider talks
 * to a server in this same process (test/aws/fake-aws.ts), a synchronous spawn would block
 * the event loop that must answer it.
 */
export async function terraformPlanAsync(files: Record<string, string>, options: { planArgs?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<{ plan: any; planJson: string; planFile: string; tf: TerraformRun; log: string }> {
  const tf = terraformDir(files, { env: options.env });
  let log = "";
  const run = (args: string[]) =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(TERRAFORM, args, { cwd: tf.dir, env: tf.env });
      let out = "";
      let err = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (err += d));
      child.on("error", reject);
      child.on("close", (code) => {
        log += `$ terraform ${args.join(" ")}\n${out}${err}\n`;
        if (code === 0) resolve(out);
        else reject(new Error(`terraform ${args.join(" ")} exited ${code} in ${tf.dir}:\n${out}\n${err}`));
      });
    });
  await run(["init", "-input=false", "-no-color", "-backend=false"]);
  await run(["plan", "-refresh=false", "-input=false", "-no-color", "-lock=false", "-out=tfplan", ...(options.planArgs ?? [])]);
  const shown = await run(["show", "-json", "-no-color", "tfplan"]);
  const planFile = path.join(tf.dir, "plan.json");
  fs.writeFileSync(planFile, shown);
  return { plan: JSON.parse(shown), planJson: shown, planFile, tf, log };
}
