import { inCommitOrder } from '../../src/live/fanout';
import { CommittedEvent } from '../../src/changes';

// evt_ + uuidv7: the first 48 bits (12 hex digits, with a dash after 8) are milliseconds.
const event = (ms: number, tail: string): CommittedEvent =>
  ({
    registryId: 'r',
    payload: {
      id: `evt_${ms
        .toString(16)
        .padStart(12, '0')
        .replace(/^(.{8})/, '$1-')}-7${tail}`,
    },
  }) as unknown as CommittedEvent;

describe('inCommitOrder', () => {
  it('puts events from two replicas that reached Redis swapped back in the order of their ids', () => {
    const early = event(1_700_000_000_000, 'fff-8000-000000000000');
    const late = event(1_700_000_000_007, '000-8000-000000000000');
    expect(inCommitOrder([[late], [early]])).toEqual([early, late]);
  });

  it('keeps the arrival order of events of one millisecond (one transaction, one process)', () => {
    const first = event(1_700_000_000_000, 'fff-8000-000000000000');
    const second = event(1_700_000_000_000, '000-8000-000000000000');
    expect(inCommitOrder([[first, second]])).toEqual([first, second]);
  });
});
