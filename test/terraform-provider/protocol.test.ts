import * as grpc from "@grpc/grpc-js";
import { Testing, TerraformStack } from "cdktf";
import { GovernedIdentity } from "../../constructs/cdktf/governed-identity";
import { decodeValue, encodeValue, parseType, Typed, UNKNOWN, CtyValue } from "../../terraform-provider/cty";
import { RESULT_TYPE } from "../../terraform-provider/identity";
import { dataSourceAttributes, impliedType, providerAttributes } from "../../terraform-provider/schema";
import { parseSpec } from "../../src/spec/identity";
import { renderIdentity } from "../../src/render/aws";
import { resolveConfig } from "../../src/spec/config";
import { BOUNDARY, NOW, clock, inDays, specsOfEveryKind, validSpec } from "../helpers";
import { call, Clients, dial, handshakeLine, hclSpec, launch, Launched, parseHandshake, terraformEnvironment } from "./harness";

/*
 * The provider driven as Terraform drives it (go-plugin's client, then tfplugin6), for the cases
 * a real `terraform plan` never produces: unknown and null arguments, a provider block that is
 * partly unknown, a client without a certificate, protocol negotiation, Shutdown.
 */

const PROVIDER_TYPE = impliedType(providerAttributes());
const DATA_TYPE = impliedType(dataSourceAttributes());
const dv = (value: CtyValue, type: Parameters<typeof encodeValue>[1]) => ({ msgpack: Buffer.from(encodeValue(value, type)) });
/** A provider block with every attribute null, then `set`. */
const providerBlock = (set: Record<string, CtyValue> = {}) => ({ ...Object.fromEntries(Object.keys((PROVIDER_TYPE as ["object", Record<string, unknown>])[1]).map((k) => [k, null])), ...set });
const NOW_TEXT = NOW.toISOString().replace(".000Z", "Z");

describe("terraform-provider-nhi under the plugin protocol, as Terraform drives it", () => {
  let plugin: Launched;
  let line: string;
  let clients: Clients;
  let clientCert: { certPem: string; keyPem: string };

  beforeAll(async () => {
    const { env, client } = await terraformEnvironment();
    clientCert = client;
    plugin = launch(env);
    line = await handshakeLine(plugin);
    const hs = parseHandshake(line);
    clients = dial(hs.address, hs.certificatePem, client);
  }, 60_000);

  afterAll(async () => {
    clients?.close();
    if (plugin && plugin.child.exitCode === null) plugin.child.kill();
  });

  test("the handshake is the first stdout line: core 1, protocol 6 (negotiated from 5,6), tcp on 127.0.0.1, grpc, a localhost certificate", () => {
    expect(plugin.stdout().startsWith(line)).toBe(true);
    const hs = parseHandshake(line);
    expect([hs.core, hs.app, hs.network, hs.protocol]).toEqual(["1", "6", "tcp", "grpc"]);
    expect(hs.address).toMatch(/^127\.0\.0\.1:\d+$/);
    const port = Number(hs.address.split(":")[1]);
    expect(port).toBeGreaterThanOrEqual(10000);
    expect(port).toBeLessThanOrEqual(25000);
    // go-plugin decodes the field with RawStdEncoding: base64 without padding.
    expect(line.split("|")[5]).not.toMatch(/=/);
    expect(hs.certificate.checkHost("localhost")).toBe("localhost");
    expect(hs.certificate.ca).toBe(true);
    expect(new Date(hs.certificate.validTo).getTime()).toBeGreaterThan(Date.now());
  });

  test("a client without the certificate Terraform passed in PLUGIN_CLIENT_CERT is refused", async () => {
    const hs = parseHandshake(line);
    const stranger = dial(hs.address, hs.certificatePem);
    try {
      await expect(call(stranger.provider, "GetProviderSchema", {}, 5000)).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
    } finally {
      stranger.close();
    }
  });

  test("go-plugin's services: health SERVING, StreamStdio and the broker stream stay open", async () => {
    expect(await call(clients.health, "Check", { service: "plugin" })).toEqual({ status: "SERVING" });
    const stdio = clients.stdio.StreamStdio({});
    const broker = clients.broker.StartStream();
    let stdioEnded = false;
    stdio.on("end", () => (stdioEnded = true));
    stdio.on("error", () => undefined);
    await new Promise((r) => setTimeout(r, 200));
    expect(stdioEnded).toBe(false);
    broker.end();
    stdio.cancel();
  });

  test("GetProviderSchema: the gate config as the provider block, the data source, the function", async () => {
    const r = await call(clients.provider, "GetProviderSchema");
    const attrs = Object.fromEntries(r.provider.block.attributes.map((a: any) => [a.name, a]));
    expect(Object.keys(attrs)).toEqual(expect.arrayContaining(["config_file", "environments", "max_credential_ttl", "default_permissions_boundary", "access_grace_period_days", "approved_constructs", "environment_accounts"]));
    expect(JSON.parse(Buffer.from(attrs.environments.type).toString())).toEqual(["list", "string"]);
    expect(JSON.parse(Buffer.from(attrs.environment_accounts.type).toString())).toEqual(["map", ["list", "string"]]);
    expect(attrs.approved_constructs.nested_type.nesting).toBe("LIST");
    expect(Object.values(attrs).every((a: any) => a.optional && !a.required)).toBe(true);
    expect(Object.keys(r.data_source_schemas)).toEqual(["nhi_identity"]);
    const fn = r.functions.identity;
    expect(fn.parameters.map((p: any) => [p.name, Buffer.from(p.type).toString(), p.allow_unknown_values, p.allow_null_value])).toEqual([["spec", '"dynamic"', false, false]]);
    expect(fn.variadic_parameter.name).toBe("options");
    expect(parseType(JSON.parse(Buffer.from(fn.return.type).toString()))).toEqual(RESULT_TYPE);
    expect(r.diagnostics).toEqual([]);
    expect(await call(clients.provider, "GetFunctions")).toMatchObject({ functions: { identity: { summary: fn.summary } }, diagnostics: [] });
  });

  test("ValidateProviderConfig: field-level diagnostics on the attribute, unknowns left for later", async () => {
    const bad = await call(clients.provider, "ValidateProviderConfig", {
      config: dv(providerBlock({ max_credential_ttl: "90 days", environments: ["prod", ""], access_grace_period_days: UNKNOWN }), PROVIDER_TYPE),
    });
    const byPath = bad.diagnostics.map((d: any) => [d.severity, d.attribute.steps.map((s: any) => s.attribute_name ?? s.element_key_int)]);
    expect(byPath).toEqual(expect.arrayContaining([["ERROR", ["max_credential_ttl"]], ["ERROR", ["environments", 1]]]));
    expect(bad.diagnostics.find((d: any) => d.attribute.steps[0].attribute_name === "max_credential_ttl").detail).toMatch(/ISO 8601 duration/);
    const missingFile = await call(clients.provider, "ValidateProviderConfig", { config: dv(providerBlock({ config_file: "/nonexistent/nhi-governance.config.json" }), PROVIDER_TYPE) });
    expect(missingFile.diagnostics).toHaveLength(1);
    expect(missingFile.diagnostics[0].attribute.steps).toEqual([expect.objectContaining({ attribute_name: "config_file" })]);
    const ok = await call(clients.provider, "ValidateProviderConfig", { config: dv(providerBlock({ environments: ["prod", "qa"], approved_module_sources: UNKNOWN }), PROVIDER_TYPE) });
    expect(ok.diagnostics).toEqual([]);
  });

  test("CallFunction: the same seal and documents the renderer gives the CDKTF construct, for every credential and trust kind", async () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    const specs = specsOfEveryKind();
    for (const s of specs) new GovernedIdentity(stack, s.name, { ...s, clock });
    const synth = JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, Record<string, any>>> };
    const principals = { ...synth.resource.aws_iam_role, ...synth.resource.aws_iam_user };
    const policies = { ...synth.resource.aws_iam_role_policy, ...synth.resource.aws_iam_user_policy };
    for (const s of specs) {
      const r = await call(clients.provider, "CallFunction", { name: "identity", arguments: [dv(hclSpec(s) as CtyValue, "dynamic"), dv({ now: NOW_TEXT }, "dynamic")] });
      expect(r.error).toBeNull();
      const result = decodeValue(r.result.msgpack, RESULT_TYPE) as any;
      const construct = Object.values(principals).find((p) => p.name === s.name) as any;
      const constructPolicy = Object.values(policies).find((p) => p.name === `${s.name}-access`) as any;
      expect(result.seal).toBe(construct.tags["nhi:seal"]);
      expect(result.principal.tags).toEqual(construct.tags);
      expect(result.principal.assume_role_policy).toBe(construct.assume_role_policy ?? null);
      expect(result.principal.permissions_boundary).toBe(construct.permissions_boundary);
      expect(result.principal.max_session_duration).toBe(construct.max_session_duration ?? null);
      expect(result.policy.json).toBe(constructPolicy.policy);
      expect(result.principal.type).toBe(s.credential.kind === "static-key" ? "user" : "role");
    }
  });

  test("CallFunction: nulls, lists, maps and nested objects in a dynamic argument; snake_case or camelCase field names", async () => {
    const spec = hclSpec(
      validSpec({
        access: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::a/*", "arn:aws:s3:::b/*"], conditions: { StringEquals: { "aws:PrincipalTag/team": ["payments"], "s3:prefix": "x" } } }],
        emergency: { expires: inDays(2), ticket: "INC-1234" },
      }),
    );
    // HCL's unset optional attributes arrive as null; they mean "not set".
    const withNulls = { ...spec, path: null, recertification_reminder: null, access: [{ ...(spec.access as any[])[0], sid: null, effect: null }], trust: { ...(spec.trust as object), environment: null, service: null } };
    const typed = new Typed(
      ["object", Object.fromEntries(Object.keys(withNulls).map((k) => [k, k === "tags" ? ["map", "string"] : "dynamic"]))] as any,
      Object.fromEntries(Object.entries(withNulls).map(([k, v]) => [k, v === null ? null : new Typed(inferType(v), v as CtyValue)])),
    );
    const r = await call(clients.provider, "CallFunction", { name: "identity", arguments: [dv(typed, "dynamic"), dv({ now: NOW_TEXT, config: { environments: ["prod"] } }, "dynamic")] });
    expect(r.error).toBeNull();
    const result = decodeValue(r.result.msgpack, RESULT_TYPE) as any;
    const camel = await call(clients.provider, "CallFunction", {
      name: "identity",
      arguments: [dv({ ...(validSpec({ access: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::a/*", "arn:aws:s3:::b/*"], conditions: { StringEquals: { "aws:PrincipalTag/team": ["payments"], "s3:prefix": "x" } } }], emergency: { expires: inDays(2), ticket: "INC-1234" } }) as any) }, "dynamic"), dv({ now: NOW_TEXT, config: { environments: ["prod"] } }, "dynamic")],
    });
    expect((decodeValue(camel.result.msgpack, RESULT_TYPE) as any).seal).toBe(result.seal);
    expect(result.principal.tags["nhi:emergency-ticket"]).toBe("INC-1234");
    expect(result.access_expires_at).toBe(`${inDays(2)}T00:00:00Z`);
    expect(JSON.parse(result.policy.json).Statement[0].Condition).toEqual({ StringEquals: { "aws:PrincipalTag/team": ["payments"], "s3:prefix": "x" }, DateLessThan: { "aws:CurrentTime": `${inDays(2)}T00:00:00Z` } });
    expect(result.credential).toEqual({ type: "none", secret_name: null, rotation_days: null, rotation_lambda_arn: null, ttl_days: null, max_session_duration: null, rotation_window: null });
    expect(result.reminder).toBeNull();
  });

  test("CallFunction: an unknown argument gives an unknown result; a null spec, an invalid spec or invalid options give a function error naming the fields", async () => {
    const unknownArg = await call(clients.provider, "CallFunction", { name: "identity", arguments: [dv({ ...hclSpec(validSpec()), name: UNKNOWN }, "dynamic")] });
    expect(decodeValue(unknownArg.result.msgpack, RESULT_TYPE)).toBe(UNKNOWN);
    const nullSpec = await call(clients.provider, "CallFunction", { name: "identity", arguments: [dv(null, "dynamic")] });
    expect(nullSpec.error).toMatchObject({ text: 'argument "spec" cannot be null', function_argument: 0 });
    const invalid = await call(clients.provider, "CallFunction", {
      name: "identity",
      arguments: [dv({ ...hclSpec(validSpec()), purpose: "short", recertify_by: inDays(400), permissions_boundary: null, bogus: "x" }, "dynamic"), dv({ now: NOW_TEXT }, "dynamic")],
    });
    expect(invalid.result).toBeNull();
    expect(invalid.error.function_argument).toBe(0);
    expect(invalid.error.text).toMatch(/^invalid governed identity spec \(\d+ problems\)/);
    expect(invalid.error.text).toContain('  - purpose: expected at least 10 characters: what the identity is for, in words; fix: say what the identity does and for whom (got "short")');
    expect(invalid.error.text).toMatch(/ - recertify_by: expected a date within 180 days .*; fix: choose an earlier date/);
    expect(invalid.error.text).toMatch(/ - permissions_boundary: expected a permissions boundary ARN; fix: set permissionsBoundary, or defaultPermissionsBoundary in the gate config/);
    expect(invalid.error.text).toMatch(/unknown field\(s\) bogus/);
    const badOptions = await call(clients.provider, "CallFunction", { name: "identity", arguments: [dv(hclSpec(validSpec()) as CtyValue, "dynamic"), dv({ now: "yesterday", config: { max_credential_ttl: "forever" }, colour: "red" }, "dynamic")] });
    expect(badOptions.error.function_argument).toBe(1);
    expect(badOptions.error.text).toContain("options.now: expected a timestamp");
    expect(badOptions.error.text).toContain("options.config.max_credential_ttl:");
    expect(badOptions.error.text).toContain("options.colour: unknown option");
    const tooMany = await call(clients.provider, "CallFunction", { name: "identity", arguments: [dv(hclSpec(validSpec()) as CtyValue, "dynamic"), dv(null, "dynamic"), dv(null, "dynamic")] });
    expect(tooMany.error.text).toMatch(/at most one options object/);
  });

  test("ValidateDataResourceConfig before configuration: shape errors now, an unknown spec left for plan", async () => {
    const unknownSpec = await call(clients.provider, "ValidateDataResourceConfig", { type_name: "nhi_identity", config: dv({ spec: UNKNOWN, now: null, reminder_role_arn: null, result: null }, DATA_TYPE) });
    expect(unknownSpec.diagnostics).toEqual([]);
    const partlyUnknown = await call(clients.provider, "ValidateDataResourceConfig", { type_name: "nhi_identity", config: dv({ spec: { ...hclSpec(validSpec()), owner: UNKNOWN }, now: null, reminder_role_arn: null, result: null }, DATA_TYPE) });
    expect(partlyUnknown.diagnostics).toEqual([]);
    const bad = await call(clients.provider, "ValidateDataResourceConfig", { type_name: "nhi_identity", config: dv({ spec: { ...hclSpec(validSpec()), owner: "x" }, now: null, reminder_role_arn: null, result: null }, DATA_TYPE) });
    expect(bad.diagnostics).toHaveLength(1);
    expect(bad.diagnostics[0].attribute.steps.map((s: any) => s.attribute_name)).toEqual(["spec", "owner"]);
  });

  test("ConfigureProvider then ReadDataSource: the provider block's gate config applies; the result equals the function's", async () => {
    const configured = await call(clients.provider, "ConfigureProvider", {
      terraform_version: "1.11.4",
      config: dv(
        providerBlock({
          environments: ["prod", "qa"],
          default_permissions_boundary: BOUNDARY,
          access_grace_period_days: 7,
          environment_accounts: { prod: ["123456789012"], qa: ["210987654321"] },
          approved_constructs: [{ type: "acme:iam:Deployer", description: null }],
        }),
        PROVIDER_TYPE,
      ),
    });
    expect(configured.diagnostics).toEqual([]);
    const spec = { ...hclSpec(validSpec({ environment: "qa" })), permissions_boundary: null };
    const read = await call(clients.provider, "ReadDataSource", { type_name: "nhi_identity", config: dv({ spec, now: NOW_TEXT, reminder_role_arn: null, result: null }, DATA_TYPE) });
    expect(read.diagnostics).toEqual([]);
    const state = decodeValue(read.state.msgpack, DATA_TYPE) as any;
    // The spec comes back as it went in, type and all.
    expect(state.spec).toBeInstanceOf(Typed);
    expect(state.now).toBe(NOW_TEXT);
    const config = resolveConfig({ environments: ["prod", "qa"], defaultPermissionsBoundary: BOUNDARY, accessGracePeriodDays: 7 });
    const expected = renderIdentity(parseSpec({ ...validSpec({ environment: "qa" }), permissionsBoundary: undefined }, { config, clock }), config);
    expect(state.result.seal).toBe(expected.principal.tags["nhi:seal"]);
    expect(state.result.access_expires_at).toBe(expected.accessExpiresAt);
    const fn = await call(clients.provider, "CallFunction", {
      name: "identity",
      arguments: [dv(spec, "dynamic"), dv({ now: NOW_TEXT, config: { environments: ["prod", "qa"], default_permissions_boundary: BOUNDARY, access_grace_period_days: 7 } }, "dynamic")],
    });
    expect(decodeValue(fn.result.msgpack, RESULT_TYPE)).toEqual(state.result);

    const unknown = await call(clients.provider, "ReadDataSource", { type_name: "nhi_identity", config: dv({ spec: { ...spec, owner: UNKNOWN }, now: NOW_TEXT, reminder_role_arn: null, result: null }, DATA_TYPE) });
    expect(unknown.diagnostics[0]).toMatchObject({ severity: "ERROR", summary: "Spec unknown until apply" });

    const invalid = await call(clients.provider, "ReadDataSource", { type_name: "nhi_identity", config: dv({ spec: { ...spec, environment: "dev" }, now: NOW_TEXT, reminder_role_arn: null, result: null }, DATA_TYPE) });
    expect(invalid.state).toBeNull();
    expect(invalid.diagnostics[0]).toMatchObject({ severity: "ERROR", summary: "Invalid governed identity spec: environment" });
    expect(invalid.diagnostics[0].detail).toMatch(/expected one of prod, qa; fix: use one of these/);
    expect(invalid.diagnostics[0].attribute.steps.map((s: any) => s.attribute_name)).toEqual(["spec", "environment"]);
  });

  test("StopProvider answers, then GRPCController.Shutdown ends the process cleanly", async () => {
    expect(await call(clients.provider, "StopProvider")).toEqual({ Error: "" });
    // Still serving after StopProvider (it cancels in-flight work; Terraform ends the process with Shutdown).
    expect((await call(clients.provider, "GetFunctions")).diagnostics).toEqual([]);
    await call(clients.controller, "Shutdown");
    expect(await plugin.exited).toBe(0);
    expect(plugin.stdout()).toBe(`${line}\n`);
  });
});

describe("terraform-provider-nhi outside Terraform", () => {
  test("without the magic cookie it says it is a plugin, exits 1 and writes nothing to stdout", async () => {
    const { env } = await terraformEnvironment({ TF_PLUGIN_MAGIC_COOKIE: "" });
    const p = launch(env);
    expect(await p.exited).toBe(1);
    expect(p.stdout()).toBe("");
    expect(p.stderr()).toMatch(/^This binary is a plugin\. These are not meant to be executed directly\./);
  }, 60_000);
});

function inferType(v: unknown): any {
  if (typeof v === "string") return "string";
  if (typeof v === "number") return "number";
  if (typeof v === "boolean") return "bool";
  if (Array.isArray(v)) return ["tuple", v.map(inferType)];
  if (v && typeof v === "object") return ["object", Object.fromEntries(Object.entries(v).map(([k, e]) => [k, e === null ? "dynamic" : inferType(e)]))];
  return "dynamic";
}
