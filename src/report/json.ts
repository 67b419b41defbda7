import { Formatter } from "./context";

/** The engine Report as is: the stable schema documented in docs/report-schema.md. */
export const formatJson: Formatter = (report) => `${JSON.stringify(report, null, 2)}\n`;
