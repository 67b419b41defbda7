/*
 * Entry point of terraform-provider-nhi (bin/terraform-provider-nhi.js loads it): the process
 * Terraform launches. See server.ts for the protocol and docs/terraform-provider.md for use.
 */
import { serve } from "./server";

serve().catch((e: unknown) => {
  const err = e instanceof Error ? e : new Error(String(e));
  process.stderr.write(`[ERROR] nhi-governance provider: could not start: ${err.message}\n`);
  process.exit(1);
});
