// The program's entry point for `pulumi up` (Pulumi.yaml main); tests import index.ts instead.
import { program } from "./index";

const outputs = program();
export const deployerArn = outputs.deployerArn;
export const accessKeyId = outputs.accessKeyId;
