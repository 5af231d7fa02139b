export const logLevels = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

export interface LoggerOptions {
  /** Lines below this level are dropped; default `info`. */
  level?: LogLevel;
  /** Receives one JSON object per call, without a trailing newline. Default: process.stderr. */
  sink?: (line: string) => void;
  /** Values never to print (API key, bot tokens); shorter than 6 characters they are ignored. */
  secrets?: readonly string[];
  now?: () => Date;
  /** `json` (default): one JSON object per line, for log collectors; `pretty`: a readable line for a terminal. */
  format?: LogFormat;
}

export const logFormats = ['json', 'pretty'] as const;
export type LogFormat = (typeof logFormats)[number];

/** LOG_FORMAT when set; otherwise pretty for a person at a terminal, JSON for everything else. */
export function chooseLogFormat(configured: LogFormat | undefined, isTty: boolean): LogFormat {
  return configured ?? (isTty ? 'pretty' : 'json');
}

export type LogFields = Record<string, unknown>;
type LogMethod = (message: string, fields?: LogFields) => void;

export interface Logger {
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

const redacted = '[redacted]';
const minimumSecretLength = 6;
const maxDepth = 8;
const reservedKeys = new Set(['time', 'level', 'msg']);
const severity: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };
/** Matched against the key lower-cased without `-`/`_`: `x-api-key`, `slackBotToken`, `client_secret`… */
const sensitiveKeyEndings = ['authorization', 'apikey', 'token', 'secret', 'password', 'passwd', 'cookie'];

/**
 * A JSON-lines logger for operators. Redaction works on the finished line, so a secret is caught wherever it
 * hides: the message, a nested field, an error message or a URL.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = severity[options.level ?? 'info'];
  const sink = options.sink ?? ((line: string) => process.stderr.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  const withStacks = options.level === 'debug';
  const replacements = secretReplacements(options.secrets ?? []);

  function write(level: Exclude<LogLevel, 'silent'>, message: string, bound: LogFields, fields?: LogFields) {
    if (severity[level] < threshold) return;
    const entry: LogFields = { time: now().toISOString(), level, msg: message };
    for (const [key, value] of Object.entries({ ...bound, ...fields })) {
      entry[reservedKeys.has(key) ? `_${key}` : key] = value;
    }
    const safe = sanitize(entry, withStacks, 0, new WeakSet()) as LogFields;
    let line = options.format === 'pretty' ? prettyLine(safe) : JSON.stringify(safe);
    for (const secret of replacements) line = line.split(secret).join(redacted);
    sink(line);
  }

  function make(bound: LogFields): Logger {
    return {
      debug: (message, fields) => write('debug', message, bound, fields),
      info: (message, fields) => write('info', message, bound, fields),
      warn: (message, fields) => write('warn', message, bound, fields),
      error: (message, fields) => write('error', message, bound, fields),
      child: (fields) => make({ ...bound, ...fields }),
    };
  }
  return make({});
}

/** `12:03:04.567 INFO  message  key=value key={"nested":1}`: the same fields as JSON, for human eyes. */
function prettyLine(entry: LogFields): string {
  const { time, level, msg, ...fields } = entry;
  const clock = typeof time === 'string' ? time.slice(11, 23) : '';
  const pairs = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(
      ([key, value]) =>
        `${key}=${typeof value === 'string' && !/\s/.test(value) ? value : JSON.stringify(value)}`,
    );
  const head = `${clock} ${String(level).toUpperCase().padEnd(5)} ${String(msg)}`;
  return pairs.length > 0 ? `${head}  ${pairs.join(' ')}` : head;
}

/** Each secret as written raw and as it appears inside a JSON string; longest first so none is half-replaced. */
function secretReplacements(secrets: readonly string[]): string[] {
  const forms = secrets
    .filter((secret) => secret.length >= minimumSecretLength)
    .flatMap((secret) => [secret, JSON.stringify(secret).slice(1, -1)]);
  return [...new Set(forms)].sort((left, right) => right.length - left.length);
}

export function isSensitiveKey(key: string): boolean {
  const normalised = key.toLowerCase().replace(/[-_]/g, '');
  return sensitiveKeyEndings.some((ending) => normalised.endsWith(ending));
}

/** A JSON-safe copy: sensitive keys hidden, errors reduced to what an operator needs, bytes counted not dumped. */
function sanitize(value: unknown, withStacks: boolean, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  if (depth >= maxDepth) return '[too deep]';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  if (value instanceof ArrayBuffer) return `[${value.byteLength} bytes]`;
  seen.add(value);
  try {
    if (value instanceof Error) return sanitizeError(value, withStacks, depth, seen);
    if (Array.isArray(value)) return value.map((item) => sanitize(item, withStacks, depth + 1, seen) ?? null);
    const copy: LogFields = {};
    for (const [key, item] of Object.entries(value)) {
      copy[key] =
        isSensitiveKey(key) && item !== undefined ? redacted : sanitize(item, withStacks, depth + 1, seen);
    }
    return copy;
  } finally {
    seen.delete(value);
  }
}

function sanitizeError(error: Error, withStacks: boolean, depth: number, seen: WeakSet<object>): LogFields {
  const fields: LogFields = { name: error.name, message: error.message };
  const code: unknown = Reflect.get(error, 'code');
  if (typeof code === 'string' || typeof code === 'number') fields.code = code;
  if (withStacks && error.stack !== undefined) fields.stack = error.stack;
  // The cause often holds the useful part: undici's `fetch failed` wraps ECONNREFUSED.
  if (error.cause !== undefined) fields.cause = sanitize(error.cause, withStacks, depth + 1, seen);
  return fields;
}
