/**
 * The logging port. Its shape is pino's, so a pino logger can be passed as is;
 * core logs through it and is silent by default.
 */
export interface LogFn {
  (message: string, ...args: unknown[]): void;
  (object: object, message?: string, ...args: unknown[]): void;
}

export interface Logger {
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  fatal: LogFn;
  child(bindings: Record<string, unknown>): Logger;
}

const noop: LogFn = () => {};

/** A logger that drops everything: core's default. */
export const silentLogger: Logger = {
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  fatal: noop,
  child: () => silentLogger,
};

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
export interface LogRecord {
  level: LogLevel;
  bindings: Record<string, unknown>;
  object: object | undefined;
  message: string | undefined;
}

/** A logger that keeps its records in memory: for tests that assert what was logged. */
export class MemoryLogger implements Logger {
  constructor(
    readonly records: LogRecord[] = [],
    private readonly bindings: Record<string, unknown> = {},
  ) {}

  private write(level: LogLevel): LogFn {
    return ((first: unknown, second?: unknown) => {
      const isMessage = typeof first === 'string';
      this.records.push({
        level,
        bindings: this.bindings,
        object: isMessage ? undefined : (first as object),
        message: isMessage ? first : (second as string | undefined),
      });
    }) as LogFn;
  }

  trace = this.write('trace');
  debug = this.write('debug');
  info = this.write('info');
  warn = this.write('warn');
  error = this.write('error');
  fatal = this.write('fatal');

  child(bindings: Record<string, unknown>): Logger {
    return new MemoryLogger(this.records, { ...this.bindings, ...bindings });
  }
}
