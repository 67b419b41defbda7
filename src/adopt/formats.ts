/** What `nhi-gate adopt --format` writes, and the file each format's program goes to. */
export const ADOPT_FORMATS = ["cdktf", "cdktn", "pulumi", "spec"] as const;
export type AdoptFormat = (typeof ADOPT_FORMATS)[number];

export const OUTPUT_FILE: Record<AdoptFormat, string> = { cdktf: "main.ts", cdktn: "main.ts", pulumi: "index.ts", spec: "identities.yaml" };
