/** Where finished pretty log lines go: the stream, or the progress renderer while bars are drawn. */
export class LogSink {
  private route: ((line: string) => void) | undefined;

  constructor(private readonly stream: { write(s: string): unknown }) {}

  write(line: string): void {
    if (this.route) this.route(line);
    else this.stream.write(line);
  }

  /** Sends lines to `to` (e.g. cli-progress's multibar.log, which prints them above the bars) until reset. */
  routeTo(to: ((line: string) => void) | undefined): void {
    this.route = to;
  }
}
