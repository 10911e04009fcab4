import { AbstractLogger, LogLevel, LogMessage, QueryRunner } from 'typeorm';
import { currentRequestScope } from '../common/request-scope';

/**
 * TypeORM logger that counts each statement against the current request (see request-scope),
 * and, when asked, echoes statements to stderr, without their parameters, which may carry user
 * data.
 */
export class SqlCountingLogger extends AbstractLogger {
  constructor(private readonly echo: boolean) {
    super();
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override logQuery(query: string, parameters?: any, queryRunner?: QueryRunner): void {
    const scope = currentRequestScope();
    if (scope) scope.sqlStatements += 1;
    if (this.echo) super.logQuery(query, undefined, queryRunner);
  }

  protected writeLog(level: LogLevel, message: LogMessage | string | number | (LogMessage | string | number)[]): void {
    if (!this.echo) return;
    for (const m of Array.isArray(message) ? message : [message]) {
      const text = typeof m === 'object' ? String(m.message) : String(m);
      process.stderr.write(`[sql:${level}] ${text}\n`);
    }
  }
}
