/**
 * The code blocks of the README and docs/*.md, as a user copies them, and how the consumer suite
 * completes the ones that are fragments (a CDKTF block that uses `stack` without creating one
 * gets an App, a stack, the AWS provider and `app.synth()`; nothing else is added).
 *
 * A block can carry a hint on the line right above its fence (an HTML comment, invisible when
 * rendered): `<!-- package-test: gate-config -->`, `<!-- package-test: exemptions -->` for JSON
 * and YAML blocks the suite feeds to `nhi-gate`, `<!-- package-test: expect-findings -->` for a
 * program that shows what the gate reports, `<!-- package-test: skip <reason> -->`.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export type BlockKind = "cdktf" | "cdktn" | "pulumi" | "test" | "module";

export interface Block {
  /** The document, relative to the package (`README.md`, `docs/cdktf.md`). */
  doc: string;
  /** 1-based position among the document's blocks of its language. */
  index: number;
  /** Line of the opening fence. */
  line: number;
  lang: string;
  code: string;
  hint?: string;
  /** `README.md#2` (for test names and file names). */
  id: string;
}

export interface TsBlock extends Block {
  kind: BlockKind;
  /** The file the suite writes: the block, completed where it is a fragment. */
  source: string;
  /** What the suite added, for the failure message. */
  completed: string[];
}

/** Every fenced block of the package's README.md and docs/*.md. */
export function blocksOf(packageDir: string): Block[] {
  const docs = ["README.md", ...fs.readdirSync(path.join(packageDir, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/${f}`)];
  const out: Block[] = [];
  for (const doc of docs) {
    const lines = fs.readFileSync(path.join(packageDir, doc), "utf8").split("\n");
    const count: Record<string, number> = {};
    for (let i = 0; i < lines.length; i++) {
      const open = /^```(\w+)?\s*$/.exec(lines[i]);
      if (!open) continue;
      const lang = open[1] ?? "";
      let j = i + 1;
      while (j < lines.length && !/^```\s*$/.test(lines[j])) j++;
      const hint = /^<!--\s*package-test:\s*(.+?)\s*-->$/.exec(lines[i - 1] ?? "")?.[1];
      count[lang] = (count[lang] ?? 0) + 1;
      out.push({ doc, index: count[lang], line: i + 1, lang, code: lines.slice(i + 1, j).join("\n"), hint, id: `${doc}#${lang}${count[lang]}` });
      i = j;
    }
  }
  return out;
}

const imports = (code: string, spec: RegExp) => new RegExp(`from\\s+"${spec.source}"`).test(code);

/** The TypeScript blocks, each with its kind and the source the suite type-checks and runs. */
export function typescriptBlocks(packageDir: string): TsBlock[] {
  return blocksOf(packageDir)
    .filter((b) => b.lang === "ts" || b.lang === "typescript")
    .map((b) => {
      const completed: string[] = [];
      let kind: BlockKind = "module";
      if (/\b(it|test|describe)\(/.test(b.code) && /\bexpect\(/.test(b.code)) kind = "test";
      else if (imports(b.code, /nhi-governance\/cdktn/) || imports(b.code, /cdktn/)) kind = "cdktn";
      else if (imports(b.code, /nhi-governance\/cdktf/) || imports(b.code, /cdktf/)) kind = "cdktf";
      else if (imports(b.code, /nhi-governance\/pulumi/) || imports(b.code, /@pulumi\/[\w-]+(\/.*)?/)) kind = "pulumi";
      let source = b.code;
      if ((kind === "cdktf" || kind === "cdktn") && /\bstack\b/.test(b.code) && !/new\s+(\w+\.)?App\(/.test(b.code)) {
        const core = kind;
        const aws = kind === "cdktf" ? "@cdktf/provider-aws" : "@cdktn/provider-aws";
        source = [
          `import { App as __App, TerraformStack as __TerraformStack } from "${core}";`,
          `import { AwsProvider as __AwsProvider } from "${aws}/lib/provider";`,
          "const app = new __App();",
          'const stack = new __TerraformStack(app, "stack");',
          'new __AwsProvider(stack, "aws", { region: "eu-west-1" });',
          "",
          b.code,
          "",
          "app.synth();",
        ].join("\n");
        completed.push("an App, a TerraformStack `stack` with the AWS provider, app.synth()");
      }
      // A block without import or export is a script; make it a module so its names stay its own.
      if (!/^\s*(import|export)\s/m.test(source)) source += "\nexport {};";
      return { ...b, kind, source: `// ${b.id} (line ${b.line})\n${source}\n`, completed };
    });
}

/** A file name for a block: `README.md#ts2` -> `README_ts2.ts`. */
export const fileOf = (b: Block, ext = ".ts") => `${b.doc.replace(/[/.]/g, "_").replace(/_md$/, "")}_${b.lang}${b.index}${ext}`;
