/**
 * Benchmark: 1000 GovernedIdentity components under Pulumi mocks (construction, validation,
 * rendering, and the SDK's registration of every child), cycling through every credential and
 * trust kind. Run standalone:
 *
 *   node -r ./scripts/register-ts.js bench/pulumi-components.ts [--count 1000] [--stack-traces]
 *
 * Pulumi's promise tracking formats a stack trace per output; `Error.stackTraceLimit = 0` (the
 * default here, as in test/setup.ts) removes that cost. `--stack-traces` keeps Node's default
 * limit to measure the difference. Prints one JSON line.
 */
const argv = process.argv.slice(2);
const count = Number(argv[argv.indexOf("--count") + 1] || 1000) || 1000;
const stackTraces = argv.includes("--stack-traces");
if (!stackTraces) Error.stackTraceLimit = 0;

/* eslint-disable @typescript-eslint/no-require-imports */
const t0 = process.hrtime.bigint();
const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
const ms = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e6;

async function main() {
  let registered = 0;
  void pulumi.runtime.setMocks({
    newResource: (args) => {
      registered++;
      return { id: args.custom ? `${args.name}-id` : undefined, state: { ...args.inputs, arn: `arn:aws:mock::123456789012:${args.name}` } };
    },
    call: (args) => args.inputs,
  });
  const tLoad = process.hrtime.bigint();
  const { GovernedIdentity } = require("../constructs/pulumi") as typeof import("../constructs/pulumi");
  const { clock, specsOfEveryKind } = require("../test/helpers") as typeof import("../test/helpers");
  const loadMs = ms(tLoad);
  const kinds = specsOfEveryKind();
  const reminder = { recertificationReminder: { snsTopicArn: "arn:aws:sns:eu-west-1:123456789012:nhi-recertification" }, reminderRoleArn: "arn:aws:iam::123456789012:role/nhi-reminder" };

  const tConstruct = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const base = kinds[i % kinds.length];
    new GovernedIdentity(`gi-${i}`, { ...base, name: `${base.name}-${i}`, ...(i % 10 === 0 ? reminder : {}) } as import("../constructs/pulumi").GovernedIdentityArgs, { clock });
  }
  const constructMs = ms(tConstruct);
  await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  const totalMs = ms(tConstruct);
  console.log(
    JSON.stringify({
      bench: "pulumi-components",
      components: count,
      resourcesRegistered: registered,
      stackTraceLimit: stackTraces ? "default" : 0,
      moduleLoadMs: Math.round(loadMs),
      constructMs: Math.round(constructMs),
      constructAndRegisterMs: Math.round(totalMs),
      perComponentMs: +(totalMs / count).toFixed(3),
      processMs: Math.round(ms(t0)),
      rssMB: Math.round(process.memoryUsage().rss / 2 ** 20),
    }),
  );
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
