import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from '../../core/logger.js';

/** Bolt and its Web API client log through ours, so their lines are JSON and redacted like every other. */
export function boltLogger(logger: Logger, level: LogLevel): BoltLogger {
  let current = level;
  const forward =
    (write: Logger['info']) =>
    (...parts: unknown[]) => {
      const words = parts.filter((part): part is string => typeof part === 'string');
      const details = parts.filter((part) => typeof part !== 'string');
      write(words.join(' ') || 'slack', details.length === 0 ? undefined : { details });
    };
  return {
    debug: forward(logger.debug),
    info: forward(logger.info),
    warn: forward(logger.warn),
    error: forward(logger.error),
    setLevel: (next) => {
      current = next;
    },
    getLevel: () => current,
    setName: () => {},
  };
}

/** Our level as Bolt's (Bolt has no `silent`: errors still reach our logger, which drops them). */
export function boltLevel(level: 'debug' | 'info' | 'warn' | 'error' | 'silent'): LogLevel {
  switch (level) {
    case 'debug':
      return LogLevel.DEBUG;
    case 'info':
      return LogLevel.INFO;
    case 'warn':
      return LogLevel.WARN;
    default:
      return LogLevel.ERROR;
  }
}
