// The program's entry point for `pulumi up` (Pulumi.yaml main); tests import index.ts instead.
import { program } from "./index";

const outputs = program();
export const ciDeployerArn = outputs.ciDeployer;
export const lambdaRoleArn = outputs.lambdaRole;
export const legacyUserArn = outputs.legacyUser;
export const legacySecretArn = outputs.legacySecret;
