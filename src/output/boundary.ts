// The output boundary: every byte golive prints leaves through one of these two streams. Each
// write is masked with the run's Secrets (passed in, never global), stray control characters are
// made visible, and the CI command rule (escape.ts) is applied, so neither a file name, a server's
// answer, plugin text nor a config value can steer a terminal or a CI runner. golive's own
// workflow commands (annotations) go through `command`, the only way to print one.
// Reports written to files pass the same Secrets in report/write.ts.
import { CommandGuard, neutraliseCommands, oneLine, plainLines, type LogFormat } from './escape.js';
import { Secrets } from './secrets.js';

export interface WriteOptions {
  /** What the text is, so the CI escape changes no meaning (JSON strings, XML, Markdown, text). */
  format?: LogFormat;
  /** golive's own ANSI (colour, a spinner) is in the text; untrusted parts were cleaned before. */
  ansi?: boolean;
}

export interface LogStream {
  write(text: string, opts?: WriteOptions): void;
  /** write(text + newline). */
  line(text: string): void;
  /**
   * One of golive's own workflow commands (`::error file=…::message`), a whole line whose
   * untrusted parts are already escaped as GitHub documents: masked, `##[` neutralised, and the
   * only text allowed to start a line with `::`.
   */
  command(line: string): void;
  readonly isTTY: boolean;
  readonly columns: number | undefined;
  /** The stream itself, for a prompt library or a spinner on a terminal (never a CI log). */
  readonly raw: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

export interface Output {
  secrets: Secrets;
  out: LogStream;
  err: LogStream;
  /** Untrusted text as one safe line (masked, controls visible), for golive's own messages to quote. */
  clean(text: string): string;
}

type Raw = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

class Stream implements LogStream {
  private readonly guard = new CommandGuard();

  constructor(
    readonly raw: Raw,
    private readonly secrets: Secrets,
  ) {}

  get isTTY(): boolean {
    return Boolean(this.raw.isTTY);
  }

  get columns(): number | undefined {
    return this.raw.columns;
  }

  write(text: string, opts: WriteOptions = {}): void {
    if (!text) return;
    const masked = this.secrets.mask(text);
    const safe = opts.ansi ? masked : plainLines(masked);
    this.raw.write(this.guard.push(safe, opts.format ?? 'text'));
  }

  line(text: string): void {
    this.write(`${text}\n`);
  }

  command(line: string): void {
    // A command is a whole line of its own: end any line in progress first. The leading `::` and the
    // properties are golive's (escaped as GitHub documents, so a file property stays exact and the
    // annotation lands on that file; a valid `::` line is never read for `##[`). The message after
    // the separator is display text: it still gets the `##[` rule.
    const one = oneLine(this.secrets.mask(line.replace(/^::/, '')));
    const sep = one.indexOf('::');
    const text = sep < 0 ? neutraliseCommands(one) : one.slice(0, sep + 2) + neutraliseCommands(one.slice(sep + 2));
    this.raw.write(`${this.guard.midLine ? '\n' : ''}::${text}\n`);
    this.guard.endLine();
  }
}

export function createOutput(opts: { secrets?: Secrets; stdout: Raw; stderr: Raw }): Output {
  const secrets = opts.secrets ?? new Secrets();
  return {
    secrets,
    out: new Stream(opts.stdout, secrets),
    err: new Stream(opts.stderr, secrets),
    clean: (text) => oneLine(secrets.mask(text)),
  };
}
