import { describe, expect, it } from 'vitest';
import { auditSummary } from './audit-summary';

describe('auditSummary', () => {
  it('names the scalar fields of after, in order, up to a few', () => {
    expect(auditSummary(null, { alias: 'production', version: 'v6', nested: { a: 1 }, protected: true })).toBe(
      'alias=production, version=v6, protected=true',
    );
    expect(auditSummary(null, { a: 1, b: 2, c: 3, d: 4, e: 5 }, 2)).toBe('a=1, b=2');
  });

  it('falls back to before for a removal, and shortens long values', () => {
    expect(auditSummary({ subject: 'x'.repeat(60) }, null)).toBe(`subject=${'x'.repeat(39)}…`);
    expect(auditSummary(null, null)).toBe('');
  });
});
