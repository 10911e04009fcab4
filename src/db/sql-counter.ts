import { AbstractLogger, LogLevel, LogMessage, QueryRunner } from 'typeorm';
import { currentRequestScope } from '../common/request-scope';

/**
 * TypeORM logger that counts each statement against the current request (see request-scope), so
 * tests and benchmarks can show what a request costs. It writes nothing: statements and their
 * parameters may carry user data.
 */
export class SqlCountingLogger extends AbstractLogger {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override logQuery(query: string, parameters?: any, _queryRunner?: QueryRunner): void {
    const scope = currentRequestScope();
    if (!scope) return;
    scope.sqlStatements += 1;
    scope.statements?.push({ query, parameters });
  }

  protected writeLog(
    _level: LogLevel,
    _message: LogMessage | string | number | (LogMessage | string | number)[],
  ): void {}
}
