import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import type { Config } from '../config.js';

/** The process's log: pino JSON lines. Fastify logs through it (app.ts) and the domain writes to it (deps.logger). */
export type AppLogger = FastifyBaseLogger;

/** Fields that hold secrets, masked in any logged object should one ever be logged. */
const SECRET_FIELDS = ['password', 'tradingPassword', 'currentPassword', 'newPassword', 'secret', 'token', 'recoveryCode'];

/**
 * Built once by the composition root (src/kabuto.ts); `stream` is where the lines go (stdout by default).
 * The app logs through it (`loggerInstance`): pino is the version Fastify itself uses.
 */
export function createAppLogger(config: Pick<Config, 'logLevel'>, stream: NodeJS.WritableStream = process.stdout): AppLogger {
  const options = {
    level: config.logLevel,
    // Secrets never reach a log line: no bodies are logged, and these headers are masked anyway.
    redact: {
      paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]', ...SECRET_FIELDS.map((f) => `*.${f}`)],
      censor: '[redacted]',
    },
  };
  return pino(options, stream);
}
