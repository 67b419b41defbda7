import { PolicyPack } from "@pulumi/policy";
import { packArgs, PACK_NAME } from "./pack";

// Nothing may be written to stdout before the analyzer's port line: no logging at load time.
new PolicyPack(PACK_NAME, packArgs());
