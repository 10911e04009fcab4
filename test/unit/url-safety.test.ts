import { BadInputError } from '../../src/common/errors';
import { hostOf, parseWebhookUrl, refusal, UnsafeAddressError } from '../../src/delivery/url-safety';

// The SSRF guard's address classification and URL check, without DNS or sockets. That a
// delivery is refused at connect time (DNS, redirects to a bad address) is in the HTTP suite.

describe('address classification', () => {
  it.each([
    ['169.254.169.254', 'cloud metadata'],
    ['169.254.170.2', 'cloud metadata'],
    ['169.254.170.23', 'cloud metadata'],
    ['100.100.100.200', 'cloud metadata'],
    ['168.63.129.16', 'cloud metadata'],
    ['fd00:ec2::254', 'cloud metadata'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'reserved'],
  ])('refuses %s (%s) even when private networks are allowed', (address, category) => {
    expect(refusal(address, false)).toBe(category);
    expect(refusal(address, true)).toBe(category);
  });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['fd12:3456::1', 'private'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['192.0.2.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
  ])('refuses %s (%s) unless private networks are allowed', (address, category) => {
    expect(refusal(address, false)).toBe(category);
    expect(refusal(address, true)).toBeNull();
  });

  it.each(['93.184.216.34', '172.32.0.1', '8.8.8.8', '2606:4700::1111', '2001:4860:4860::8888'])(
    'lets the public address %s through',
    (address) => {
      expect(refusal(address, false)).toBeNull();
    },
  );

  it.each([
    ['::ffff:127.0.0.1', 'loopback', 'IPv4-mapped'],
    ['::ffff:7f00:1', 'loopback', 'IPv4-mapped, in hex'],
    ['::ffff:0:169.254.169.254', 'cloud metadata', 'IPv4-translated'],
    ['64:ff9b::10.0.0.1', 'private', 'NAT64'],
    ['64:ff9b:1::a00:1', 'private', 'local-use NAT64'],
    ['2002:a9fe:a9fe::', 'cloud metadata', '6to4'],
    ['::127.0.0.1', 'loopback', 'IPv4-compatible'],
  ])('sees through IPv6 that carries IPv4: %s is %s (%s)', (address, category) => {
    expect(refusal(address, false)).toBe(category);
  });

  it('keeps the always-refused IPv4 ranges refused through IPv6, even with private networks allowed', () => {
    expect(refusal('::ffff:169.254.169.254', true)).toBe('cloud metadata');
    expect(refusal('::ffff:127.0.0.1', true)).toBeNull();
    expect(refusal('::ffff:93.184.216.34', false)).toBeNull();
  });

  it('refuses what is not an IP address', () => {
    expect(refusal('example.com', true)).toBe('not an IP address');
    expect(refusal('', true)).toBe('not an IP address');
  });

  it('explains a refused connection with the host and the address it reached', () => {
    expect(new UnsafeAddressError('hooks.example.com', '10.0.0.5', 'private').message).toBe(
      'refused: hooks.example.com resolves to 10.0.0.5, a private address',
    );
    const direct = new UnsafeAddressError('127.0.0.1', '127.0.0.1', 'loopback');
    expect(direct.message).toBe('refused: 127.0.0.1 is a loopback address');
    expect(direct.code).toBe('EUNSAFEADDRESS');
  });
});

describe('webhook URLs', () => {
  function refused(raw: string, allowPrivate = false): string {
    try {
      parseWebhookUrl(raw, allowPrivate, 'input.url');
    } catch (err) {
      expect(err).toBeInstanceOf(BadInputError);
      expect((err as BadInputError).extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.url',
      });
      return (err as BadInputError).message;
    }
    throw new Error(`expected ${raw} to be refused`);
  }

  it('accepts http and https URLs of public hosts, normalised', () => {
    expect(parseWebhookUrl('https://Hooks.Example.com/a?b=1', false)).toBe('https://hooks.example.com/a?b=1');
    expect(parseWebhookUrl('http://93.184.216.34:8080', false)).toBe('http://93.184.216.34:8080/');
  });

  it('refuses what is not an absolute http(s) URL of at most 2048 characters', () => {
    const shape = 'The URL must be an absolute http:// or https:// URL of at most 2048 characters.';
    expect(refused('/relative')).toBe(shape);
    expect(refused(`https://example.com/${'a'.repeat(2048)}`)).toBe(shape);
    expect(refused('ftp://example.com/')).toBe('Only http:// and https:// URLs can receive webhooks, not ftp://.');
    expect(refused('file:///etc/passwd')).toBe('Only http:// and https:// URLs can receive webhooks, not file://.');
  });

  it('refuses internal addresses, with the way to allow private ones', () => {
    const hint = ' (set WEBHOOK_ALLOW_PRIVATE_NETWORKS=true to allow private networks).';
    expect(refused('http://127.0.0.1:9000/hook')).toBe(
      `The URL points at a loopback address, which webhooks may not reach${hint}`,
    );
    expect(refused('http://[::ffff:10.0.0.1]/')).toBe(
      `The URL points at a private address, which webhooks may not reach${hint}`,
    );
    expect(refused('http://localhost/')).toContain('loopback');
    expect(refused('http://api.LOCALHOST./')).toContain('loopback');
    expect(parseWebhookUrl('http://127.0.0.1:9000/hook', true)).toBe('http://127.0.0.1:9000/hook');
    expect(parseWebhookUrl('http://localhost/', true)).toBe('http://localhost/');
  });

  it('refuses cloud metadata endpoints without suggesting a setting, since none allows them', () => {
    expect(refused('http://169.254.169.254/latest/meta-data/', true)).toBe(
      'The URL points at a cloud metadata address, which webhooks may not reach.',
    );
    expect(refused('http://[fd00:ec2::254]/')).toBe(
      'The URL points at a cloud metadata address, which webhooks may not reach.',
    );
  });

  it('reads the host of a URL without IPv6 brackets', () => {
    expect(hostOf(new URL('http://[::1]:8080/'))).toBe('::1');
    expect(hostOf(new URL('https://example.com/'))).toBe('example.com');
  });
});
