/**
 * A progress line on stderr for runs that take more than a second, only on a TTY (never in CI
 * logs or when stderr is redirected), erased when done.
 */
export class Progress {
  private readonly start = Date.now();
  private shown = false;

  constructor(private readonly stream: NodeJS.WriteStream | { isTTY?: boolean; write(s: string): unknown }, private readonly enabled = Boolean(stream.isTTY) && !process.env.CI) {}

  /** Announce a stage, then yield to the event loop so the line is painted before blocking work. */
  async step(label: string): Promise<void> {
    if (this.enabled && Date.now() - this.start > 1000) {
      this.stream.write(`\r\x1b[2Knhi-gate: ${label}… (${((Date.now() - this.start) / 1000).toFixed(1)}s)`);
      this.shown = true;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }

  done(): void {
    if (this.shown) this.stream.write("\r\x1b[2K");
    this.shown = false;
  }
}
