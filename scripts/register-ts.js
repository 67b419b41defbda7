// Load .ts files by transpiling them with TypeScript (no type check): for scripts and child
// processes in tests that run the sources without a build.
const fs = require("node:fs");
const ts = require("typescript");
require.extensions[".ts"] = (module, filename) => {
  const source = fs.readFileSync(filename, "utf8");
  const { outputText } = ts.transpileModule(source, {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, resolveJsonModule: true, sourceMap: false },
  });
  module._compile(outputText, filename);
};
