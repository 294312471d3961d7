import { pep503, readPurl } from './purl';

function read(purl: string, fallbackVersion: string | null = null) {
  const reading = readPurl(purl, fallbackVersion);
  if (!reading.ok) throw new Error(`expected ${purl} to parse: ${reading.message}`);
  return reading.read;
}

describe('readPurl: the normalised purl', () => {
  it('drops the #subpath and keeps the scope percent-encoded', () => {
    expect(
      read('pkg:npm/%40babel/helper-string-parser@7.19.4#packages/babel-helper-string-parser').purl,
    ).toBe('pkg:npm/%40babel/helper-string-parser@7.19.4');
    expect(read('pkg:npm/@babel/core@7.1.0').purl).toBe('pkg:npm/%40babel/core@7.1.0');
  });

  it('keeps qualifiers, sorted, and lower-cases the type', () => {
    expect(read('pkg:MAVEN/org.apache.xmlgraphics/batik-anim@1.9.1?type=jar&classifier=sources').purl).toBe(
      'pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1?classifier=sources&type=jar',
    );
  });

  it('reports a purl that does not parse instead of throwing', () => {
    expect(readPurl('not a purl')).toEqual({ ok: false, message: expect.stringContaining('"pkg" scheme') });
    expect(readPurl('pkg:maven/commons-lang3@3.12.0')).toEqual({
      ok: false,
      message: expect.stringContaining('namespace'),
    });
    expect(readPurl('pkg:npm/').ok).toBe(false);
  });
});

describe('readPurl: the OSV package', () => {
  it.each([
    ['pkg:npm/%40babel/core@7.1.0#packages/babel-core', 'npm', '@babel/core', '7.1.0'],
    ['pkg:npm/lodash@4.17.19', 'npm', 'lodash', '4.17.19'],
    ['pkg:pypi/Django_Rest.Framework@3.0', 'PyPI', 'django-rest-framework', '3.0'],
    [
      'pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.13.2.2?type=jar',
      'Maven',
      'com.fasterxml.jackson.core:jackson-databind',
      '2.13.2.2',
    ],
    ['pkg:golang/github.com/gorilla/mux@v1.8.0#middleware', 'Go', 'github.com/gorilla/mux', 'v1.8.0'],
    ['pkg:golang/golang.org/x/net@v0.17.0', 'Go', 'golang.org/x/net', 'v0.17.0'],
    ['pkg:composer/laravel/framework@8.0.0', 'Packagist', 'laravel/framework', '8.0.0'],
    ['pkg:cargo/serde@1.0.188', 'crates.io', 'serde', '1.0.188'],
    ['pkg:gem/rails@7.0.4', 'RubyGems', 'rails', '7.0.4'],
    ['pkg:nuget/Newtonsoft.Json@13.0.1', 'NuGet', 'Newtonsoft.Json', '13.0.1'],
    ['pkg:hex/phoenix@1.7.0', 'Hex', 'phoenix', '1.7.0'],
    ['pkg:pub/http@1.1.0', 'Pub', 'http', '1.1.0'],
  ])('%s -> %s %s', (purl, ecosystem, name, version) => {
    expect(read(purl).osvPackage).toEqual({ ecosystem, name, version });
  });

  it('gives an npm scope written without % encoding or without its @ the same name', () => {
    expect(read('pkg:npm/@babel/core@7.1.0').osvPackage.name).toBe('@babel/core');
    expect(read('pkg:npm/babel/core@7.1.0').osvPackage.name).toBe('@babel/core');
  });

  it("uses the component's version when the purl has none", () => {
    expect(read('pkg:npm/lodash', '4.17.21').osvPackage.version).toBe('4.17.21');
    expect(read('pkg:npm/lodash@4.17.19', '4.17.21').osvPackage.version).toBe('4.17.19');
    expect(read('pkg:npm/lodash').osvPackage.version).toBeNull();
  });

  it('leaves types OSV has no ecosystem for without one, and names them namespace/name', () => {
    expect(read('pkg:github/package-url/purl-spec@244fd47e07d1004').osvPackage).toEqual({
      ecosystem: null,
      name: 'package-url/purl-spec',
      version: '244fd47e07d1004',
    });
    expect(read('pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386').osvPackage.ecosystem).toBeNull();
    expect(read('pkg:generic/openssl@1.1.10g').osvPackage).toEqual({
      ecosystem: null,
      name: 'openssl',
      version: '1.1.10g',
    });
  });
});

describe('readPurl: OS packages', () => {
  it('scopes Alpine to the release branch of the distro qualifier and names the origin (source) package', () => {
    // As osv-scalibr writes it (the alpine-zlib fixture).
    expect(read('pkg:apk/alpine/zlib@1.2.12-r1?arch=x86_64&distro=3.22.0&origin=zlib').osvPackage).toEqual({
      ecosystem: 'Alpine:v3.22',
      name: 'zlib',
      version: '1.2.12-r1',
    });
    // libcrypto3 is built from the openssl source package; Syft spells distro and source its own way.
    expect(
      read('pkg:apk/alpine/libcrypto3@3.0.8-r0?arch=x86_64&upstream=openssl&distro=alpine-3.17.2').osvPackage,
    ).toEqual({ ecosystem: 'Alpine:v3.17', name: 'openssl', version: '3.0.8-r0' });
  });

  it('leaves the Alpine release open when no distro says it, and other apk distributions alone', () => {
    expect(read('pkg:apk/alpine/zlib@1.2.12-r1').osvPackage.ecosystem).toBe('Alpine');
    expect(read('pkg:apk/alpine/zlib@1.2.12-r1?distro=edge').osvPackage.ecosystem).toBe('Alpine');
    expect(read('pkg:apk/wolfi/zlib@1.3-r0').osvPackage.ecosystem).toBeNull();
  });

  it('maps Ubuntu codenames and versions to OSV releases, with :LTS on the long-term ones', () => {
    // As osv-scalibr writes it (the SPDX fixture).
    expect(
      read('pkg:deb/ubuntu/pcre3@2%3A8.39-12ubuntu0.1?arch=amd64&distro=focal&source=pcre3').osvPackage,
    ).toEqual({
      ecosystem: 'Ubuntu:20.04:LTS',
      name: 'pcre3',
      version: '2:8.39-12ubuntu0.1',
    });
    expect(read('pkg:deb/ubuntu/curl@7.81.0-1?distro=ubuntu-22.04').osvPackage.ecosystem).toBe(
      'Ubuntu:22.04:LTS',
    );
    expect(read('pkg:deb/ubuntu/curl@7.88.1-10?distro=ubuntu-23.04').osvPackage.ecosystem).toBe(
      'Ubuntu:23.04',
    );
    expect(read('pkg:deb/ubuntu/curl@7.88.1-10?distro=mantic').osvPackage.ecosystem).toBe('Ubuntu:23.10');
    expect(read('pkg:deb/ubuntu/curl@7.88.1-10?distro=someday').osvPackage.ecosystem).toBe('Ubuntu');
  });

  it('maps Debian codenames and versions to the major release, and reads the upstream source and its version', () => {
    expect(read('pkg:deb/debian/curl@7.74.0-1.3?distro=bullseye').osvPackage.ecosystem).toBe('Debian:11');
    expect(read('pkg:deb/debian/curl@7.74.0-1.3?distro=debian-11.6').osvPackage.ecosystem).toBe('Debian:11');
    expect(read('pkg:deb/debian/curl@7.74.0-1.3').osvPackage.ecosystem).toBe('Debian');
    // Syft adds the source version after an @ when it differs from the binary package's.
    expect(
      read(
        'pkg:deb/debian/libssl1.1@1.1.1n-0+deb11u3+b1?upstream=openssl%401.1.1n-0%2Bdeb11u3&distro=debian-11',
      ).osvPackage,
    ).toEqual({ ecosystem: 'Debian:11', name: 'openssl', version: '1.1.1n-0+deb11u3' });
    expect(read('pkg:deb/raspbian/curl@7.74.0-1.3').osvPackage.ecosystem).toBeNull();
  });

  it('does not mistake object properties for codenames', () => {
    expect(read('pkg:deb/ubuntu/curl@1?distro=constructor').osvPackage.ecosystem).toBe('Ubuntu');
    expect(read('pkg:deb/debian/curl@1?distro=toString').osvPackage.ecosystem).toBe('Debian');
  });
});

describe('pep503', () => {
  it('lower-cases and turns every run of -, _ and . into one -', () => {
    expect(pep503('Friendly-Bard')).toBe('friendly-bard');
    expect(pep503('FRIENDLY.._BARD')).toBe('friendly-bard');
    expect(pep503('zope.interface')).toBe('zope-interface');
  });
});
