import { randomBytes } from 'node:crypto';

/**
 * UUIDv7 (RFC 9562): a millisecond timestamp, then a 12-bit counter (RFC 9562 §6.2, method 1),
 * then random bits. Ids made by one process sort in creation order, so InnoDB's clustered
 * primary key appends instead of splitting pages, and `id` orders append-only logs (alias
 * history, audit) and breaks ties in keyset pagination.
 */
let lastMs = 0;
let counter = 0;

export function uuidv7(): string {
  let now = Date.now();
  if (now <= lastMs) {
    counter += 1;
    if (counter > 0xfff) {
      // 4096 ids in one millisecond: borrow the next millisecond rather than lose order.
      lastMs += 1;
      counter = 0;
    }
    now = lastMs;
  } else {
    lastMs = now;
    counter = 0;
  }
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = 0x70 | (counter >> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
