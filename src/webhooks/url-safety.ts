import dns from 'node:dns';
import net, { BlockList } from 'node:net';
import { BadInputError } from '../common/errors';

/**
 * Server-side request forgery guard. A webhook URL is chosen by a registry admin, and the server
 * POSTs to it from inside the network: it must not become a way to reach the loopback interface,
 * private services or a cloud metadata endpoint. The check applies to every address a host name
 * resolves to, at connect time (DNS can change after the webhook is saved), and again to the
 * address the socket actually connected to.
 */

type Range = [cidr: string, category: string];

// Refused even with WEBHOOK_ALLOW_PRIVATE_NETWORKS: nothing legitimate receives webhooks there.
const ALWAYS: Range[] = [
  ['169.254.169.254/32', 'cloud metadata'],
  ['169.254.170.2/32', 'cloud metadata'],
  ['100.100.100.200/32', 'cloud metadata'],
  ['168.63.129.16/32', 'cloud metadata'],
  ['fd00:ec2::254/128', 'cloud metadata'],
  // EKS Pod Identity agent: https://docs.aws.amazon.com/eks/latest/userguide/pod-id-how-it-works.html
  ['169.254.170.23/32', 'cloud metadata'],
  ['fd00:ec2::23/128', 'cloud metadata'],
  ['0.0.0.0/8', 'unspecified'],
  ['::/128', 'unspecified'],
  ['224.0.0.0/4', 'multicast'],
  ['ff00::/8', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
];
// Refused unless WEBHOOK_ALLOW_PRIVATE_NETWORKS is true.
const PRIVATE: Range[] = [
  ['127.0.0.0/8', 'loopback'],
  ['::1/128', 'loopback'],
  ['10.0.0.0/8', 'private'],
  ['172.16.0.0/12', 'private'],
  ['192.168.0.0/16', 'private'],
  ['100.64.0.0/10', 'private'],
  ['192.0.0.0/24', 'private'],
  ['198.18.0.0/15', 'private'],
  ['fc00::/7', 'private'],
  ['169.254.0.0/16', 'link-local'],
  ['fe80::/10', 'link-local'],
  ['192.0.2.0/24', 'reserved'],
  ['198.51.100.0/24', 'reserved'],
  ['203.0.113.0/24', 'reserved'],
  ['2001:db8::/32', 'reserved'],
];

function blockLists(ranges: Range[]): Map<string, BlockList> {
  const lists = new Map<string, BlockList>();
  for (const [cidr, category] of ranges) {
    const [address, prefix] = cidr.split('/');
    if (!lists.has(category)) lists.set(category, new BlockList());
    lists.get(category)!.addSubnet(address, Number(prefix), net.isIPv6(address) ? 'ipv6' : 'ipv4');
  }
  return lists;
}
const ALWAYS_LISTS = blockLists(ALWAYS);
const PRIVATE_LISTS = blockLists(PRIVATE);

/** The 8 hextets of an IPv6 address (dotted IPv4 tails included). */
function hextets(address: string): number[] {
  const v4tail = address.match(/(\d+\.\d+\.\d+\.\d+)$/);
  let text = address;
  if (v4tail) {
    const [a, b, c, d] = v4tail[1].split('.').map(Number);
    text = `${address.slice(0, -v4tail[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail ? tail.split(':') : [];
  const fill = tail !== undefined ? Array(8 - h.length - t.length).fill('0') : [];
  return [...h, ...fill, ...t].map((x) => parseInt(x, 16));
}

/**
 * IPv4 carried inside an IPv6 address that reaches it: NAT64 (the well-known 64:ff9b::/96 and the
 * local-use 64:ff9b:1::/48 of RFC 8215, read with the IPv4 address in the last 32 bits as in a
 * /96 deployment), 6to4 (2002::/16), IPv4-mapped (::ffff:0:0/96), IPv4-translated
 * (::ffff:0:0:0/96, RFC 2765) and the deprecated IPv4-compatible ::/96 (other than :: and ::1,
 * which are IPv6's own unspecified and loopback addresses).
 */
function embeddedIpv4(address: string): string | null {
  const x = hextets(address);
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const zero = (from: number, to: number) => x.slice(from, to).every((n) => n === 0);
  if (x[0] === 0x64 && x[1] === 0xff9b && zero(2, 6)) return v4(x[6], x[7]);
  if (x[0] === 0x64 && x[1] === 0xff9b && x[2] === 1) return v4(x[6], x[7]);
  if (x[0] === 0x2002) return v4(x[1], x[2]);
  if (zero(0, 5) && x[5] === 0xffff) return v4(x[6], x[7]);
  if (zero(0, 4) && x[4] === 0xffff && x[5] === 0) return v4(x[6], x[7]);
  if (zero(0, 6) && x[6] !== 0) return v4(x[6], x[7]);
  return null;
}

/** Why an address is refused ('loopback', 'cloud metadata', …), or null when it may be used. */
export function refusal(address: string, allowPrivate: boolean): string | null {
  const family = net.isIPv6(address) ? 'ipv6' : net.isIPv4(address) ? 'ipv4' : null;
  if (!family) return 'not an IP address';
  const lists = allowPrivate ? [ALWAYS_LISTS] : [ALWAYS_LISTS, PRIVATE_LISTS];
  for (const byCategory of lists) {
    for (const [category, list] of byCategory) if (list.check(address, family)) return category;
  }
  const inner = family === 'ipv6' ? embeddedIpv4(address) : null;
  return inner ? refusal(inner, allowPrivate) : null;
}

/** A connection refused by the guard. Not worth retrying: the URL, or its DNS, must change. */
export class UnsafeAddressError extends Error {
  readonly code = 'EUNSAFEADDRESS';
  constructor(host: string, address: string, category: string) {
    super(
      host === address
        ? `refused: ${address} is a ${category} address`
        : `refused: ${host} resolves to ${address}, a ${category} address`,
    );
  }
}

const PRIVATE_HINT = ' (set WEBHOOK_ALLOW_PRIVATE_NETWORKS=true to allow private networks)';

/** Validates a webhook URL when it is saved: http(s) only, and no host that is plainly internal. */
export function parseWebhookUrl(raw: string, allowPrivate: boolean, field = 'url'): string {
  let url: URL;
  try {
    if (raw.length > 2048) throw new Error();
    url = new URL(raw);
  } catch {
    throw new BadInputError('The URL must be an absolute http:// or https:// URL of at most 2048 characters.', field);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new BadInputError(`Only http:// and https:// URLs can receive webhooks, not ${url.protocol}//.`, field);
  const host = hostOf(url);
  const why = net.isIP(host)
    ? refusal(host, allowPrivate)
    : /(^|\.)localhost\.?$/i.test(host) && !allowPrivate
      ? 'loopback'
      : null;
  if (why)
    throw new BadInputError(
      `The URL points at a ${why} address, which webhooks may not reach${why === 'cloud metadata' ? '' : PRIVATE_HINT}.`,
      field,
    );
  return url.toString();
}

/** The URL's host without IPv6 brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | dns.LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for http.request that resolves every address of the host and refuses them all if
 * any is forbidden, so neither DNS rebinding nor happy-eyeballs can pick an internal one.
 */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback): void => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      for (const a of addresses) {
        const why = refusal(a.address, allowPrivate);
        if (why) return callback(new UnsafeAddressError(hostname, a.address, why), []);
      }
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}
