/*
 * Entry point of the nhi-governance component provider (package.json "main"; PulumiPlugin.yaml).
 * The Pulumi CLI runs this directory as a plugin: it serves the provider over gRPC. The component
 * class is imported, not exported, from here: a plugin module that exports a ComponentResource
 * class is hosted by Pulumi's default component host instead, which only publishes the `index`
 * module (`nhi-governance:index:GovernedIdentity`). See docs/provider.md.
 */
import { serve } from "./provider";

void serve(process.argv.slice(2));
