import { Formatter } from "./context";

export const FORMATS = ["text", "json", "sarif", "junit", "markdown"] as const;
export type Format = (typeof FORMATS)[number];

/** Formatters are loaded on demand: a run that prints text does not load the SARIF code. */
export function formatter(format: Format): Formatter {
  /* eslint-disable @typescript-eslint/no-require-imports */
  switch (format) {
    case "text":
      return (require("./text") as typeof import("./text")).formatText;
    case "json":
      return (require("./json") as typeof import("./json")).formatJson;
    case "sarif":
      return (require("./sarif") as typeof import("./sarif")).formatSarif;
    case "junit":
      return (require("./junit") as typeof import("./junit")).formatJunit;
    case "markdown":
      return (require("./markdown") as typeof import("./markdown")).formatMarkdown;
  }
}

/** Default file extension of each format, and the format an --output extension implies. */
export const EXTENSION: Record<Format, string> = { text: ".txt", json: ".json", sarif: ".sarif", junit: ".xml", markdown: ".md" };

export function formatForFile(file: string): Format | undefined {
  const f = file.toLowerCase();
  if (f.endsWith(".sarif") || f.endsWith(".sarif.json")) return "sarif";
  if (f.endsWith(".json")) return "json";
  if (f.endsWith(".xml")) return "junit";
  if (f.endsWith(".md") || f.endsWith(".markdown")) return "markdown";
  if (f.endsWith(".txt") || f.endsWith(".log")) return "text";
  return undefined;
}

export type { Formatter, FormatContext } from "./context";
