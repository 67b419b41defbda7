/*
 * Regenerate provider/schema.json, the checked-in copy of the schema the component provider
 * infers from the TypeScript types of GovernedIdentityArgs (test/provider/schema.test.ts fails when
 * they differ, so a change to the public surface is deliberate):
 *
 *   node -r ./scripts/register-ts.js provider/generate-schema.ts
 */
import { writeFileSync } from "fs";
import { join } from "path";
import { GovernedIdentityProvider, PROVIDER_DIR } from "./provider";

/** The schema as provider/schema.json holds it (2-space JSON, trailing newline). */
export async function schemaFileText(): Promise<string> {
  return `${JSON.stringify(JSON.parse(await new GovernedIdentityProvider().getSchema()), null, 2)}\n`;
}

export const SCHEMA_FILE = join(PROVIDER_DIR, "schema.json");

if (require.main === module) {
  schemaFileText().then(
    (text) => {
      writeFileSync(SCHEMA_FILE, text);
      process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
    },
    (e: Error) => {
      process.stderr.write(`could not infer the provider schema: ${e.message}\n`);
      process.exitCode = 1;
    },
  );
}
