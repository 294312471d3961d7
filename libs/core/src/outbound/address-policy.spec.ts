import { classifyAddress, literalHost, OutboundPolicy, ownAddresses, parseCidrList } from './address-policy';

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['169.254.169.254', 'link_local'],
    ['169.254.0.1', 'link_local'],
    ['fe80::1', 'link_local'],
    ['fe80::1%eth0', 'link_local'],
    ['febf::1', 'link_local'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fec0::1', 'private'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['100.64.0.1', 'carrier_grade_nat'],
    ['100.127.255.255', 'carrier_grade_nat'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    // IPv4-mapped IPv6 is judged as the IPv4 address it maps.
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link_local'],
    ['::ffff:10.1.2.3', 'private'],
    ['0:0:0:0:0:ffff:c0a8:0101', 'private'],
    // Other IPv6 forms embedding an IPv4 address, and anything outside 2000::/3.
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::7f00:1', 'reserved'],
    ['2002:7f00:1::1', 'reserved'],
    ['2001:0:4136:e378::1', 'reserved'],
    ['100::1', 'reserved'],
    ['not-an-address', 'reserved'],
  ])('refuses %s as %s', (address, reason) => {
    expect(classifyAddress(address)).toBe(reason);
  });

  it.each(['93.184.215.14', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])(
    'lets %s through',
    (address) => {
      expect(classifyAddress(address)).toBeUndefined();
    },
  );
});

describe('literalHost: the WHATWG parser normalises odd IPv4 forms, which are then judged', () => {
  it.each([
    ['http://2130706433/', '127.0.0.1'],
    ['http://0x7f.1/', '127.0.0.1'],
    ['http://0x7f000001/', '127.0.0.1'],
    ['http://0177.0.0.1/', '127.0.0.1'],
    ['http://017700000001/', '127.0.0.1'],
    ['http://127.1/', '127.0.0.1'],
    ['http://0/', '0.0.0.0'],
    ['http://[::1]:8080/', '::1'],
    ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1'],
    ['http://[0:0:0:0:0:0:0:1]/', '::1'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254'],
    ['http://0xa9.0xfe.0xa9.0xfe/', '169.254.169.254'],
  ])('%s is %s', (url, host) => {
    expect(literalHost(new URL(url))).toBe(host);
    expect(classifyAddress(host)).toBeDefined();
  });

  it('leaves host names to DNS', () => {
    expect(literalHost(new URL('https://example.com/'))).toBeUndefined();
    expect(literalHost(new URL('http://localhost/'))).toBeUndefined();
  });
});

describe('OutboundPolicy', () => {
  const policy = new OutboundPolicy(
    parseCidrList('127.0.0.1/32,10.20.0.0/16,fd00::/8').ranges,
    new Set(['127.0.0.1:3000']),
  );

  it.each([
    ['ftp://example.com/', 'scheme'],
    ['file:///etc/passwd', 'scheme'],
    ['gopher://example.com/', 'scheme'],
    ['javascript:alert(1)', 'scheme'],
    ['http://user:pass@example.com/', 'credentials'],
    ['http://user@example.com/', 'credentials'],
    ['https://:secret@example.com/', 'credentials'],
    ['not a url', 'invalid_url'],
    ['/relative/path', 'invalid_url'],
  ])('refuses the URL %s (%s)', (url, reason) => {
    expect(policy.checkUrl(url)).toEqual({ refusal: { reason } });
  });

  it('accepts http and https URLs', () => {
    expect('url' in policy.checkUrl('https://hooks.example.com/x?y=1')).toBe(true);
    expect('url' in policy.checkUrl('HTTP://EXAMPLE.COM')).toBe(true);
  });

  it('lets allowed ranges through, and only them', () => {
    expect(policy.checkAddress('127.0.0.1', 8080)).toBeUndefined();
    expect(policy.checkAddress('::ffff:127.0.0.1', 8080)).toBeUndefined();
    expect(policy.checkAddress('10.20.5.5', 80)).toBeUndefined();
    expect(policy.checkAddress('fd00::5', 80)).toBeUndefined();
    expect(policy.checkAddress('127.0.0.2', 8080)).toEqual({ reason: 'loopback', address: '127.0.0.2' });
    expect(policy.checkAddress('10.21.0.1', 80)).toEqual({ reason: 'private', address: '10.21.0.1' });
    expect(policy.checkAddress('::1', 80)).toEqual({ reason: 'loopback', address: '::1' });
    expect(policy.checkAddress('169.254.169.254', 80)).toEqual({
      reason: 'link_local',
      address: '169.254.169.254',
    });
  });

  it("refuses the service's own address and port even when its range is allowed", () => {
    expect(policy.checkAddress('127.0.0.1', 3000)).toEqual({ reason: 'own_address', address: '127.0.0.1' });
    expect(policy.checkAddress('::ffff:127.0.0.1', 3000)).toEqual({
      reason: 'own_address',
      address: '127.0.0.1',
    });
  });

  it('refuses everything special with an empty allow list', () => {
    const closed = new OutboundPolicy([]);
    expect(closed.checkAddress('127.0.0.1', 80)?.reason).toBe('loopback');
    expect(closed.checkAddress('8.8.8.8', 80)).toBeUndefined();
  });
});

describe('parseCidrList', () => {
  it('parses, normalises and reports what is not a CIDR', () => {
    const { ranges, invalid } = parseCidrList(
      ' 127.0.0.1/32, 10.20.0.0/16 ,::1,192.168.0.1, ::ffff:10.0.0.0/104,,',
    );
    expect(ranges.map((range) => range.text)).toEqual([
      '127.0.0.1/32',
      '10.20.0.0/16',
      '::1/128',
      '192.168.0.1/32',
      '10.0.0.0/8',
    ]);
    expect(invalid).toEqual([]);
    expect(parseCidrList('10.0.0.0/33,example.com/8,127.1/32,10.0.0.0/x,0x7f.0.0.1/8').invalid).toEqual([
      '10.0.0.0/33',
      'example.com/8',
      '127.1/32',
      '10.0.0.0/x',
      '0x7f.0.0.1/8',
    ]);
    expect(parseCidrList(undefined)).toEqual({ ranges: [], invalid: [] });
  });
});

describe('ownAddresses', () => {
  it('is the host and port, or every local address with a wildcard host', () => {
    expect(ownAddresses('10.0.0.5', 3000)).toEqual(new Set(['10.0.0.5:3000']));
    const all = ownAddresses('0.0.0.0', 3000);
    expect(all.has('127.0.0.1:3000')).toBe(true);
    expect(all.has('::1:3000')).toBe(true);
    expect(ownAddresses('0.0.0.0', 0).size).toBe(0);
  });
});
