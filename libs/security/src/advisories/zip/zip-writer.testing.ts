import { crc32, deflateRawSync } from 'node:zlib';

/**
 * Test only: a minimal zip writer (local headers, central directory, end record; no zip64), with
 * knobs to build the broken archives the reader must refuse. yazl is not a dependency, and a
 * writer that can lie about sizes is what the zip bomb tests need anyway.
 */
export interface TestZipEntry {
  name: string;
  /** The entry's content; a name ending in '/' is a directory and takes none. */
  data?: Buffer | string;
  /** 8 (deflate, the default) or 0 (stored); any other number is written as is, data stored. */
  method?: number;
  /** The uncompressed size written in both headers, instead of the real one. */
  declaredSize?: number;
  /** The compressed bytes written instead of those deflated from `data`. */
  compressed?: Buffer;
}

export interface TestZipOptions {
  /** The entry count written in the end record, instead of the real one. */
  entryCount?: number;
}

const UTF8_NAMES = 0x0800;

export function buildZip(entries: TestZipEntry[], options: TestZipOptions = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const data = Buffer.from(entry.data ?? '');
    const method = entry.method ?? (entry.name.endsWith('/') ? 0 : 8);
    const compressed = entry.compressed ?? (method === 8 ? deflateRawSync(data) : data);
    const size = entry.declaredSize ?? data.length;
    const crc = crc32(data);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0
    local.writeUInt16LE(UTF8_NAMES, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0, 10); // time
    local.writeUInt16LE(0x21, 12); // date: 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28); // extra field length
    locals.push(local, name, compressed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // version made by
    central.writeUInt16LE(20, 6); // version needed
    central.writeUInt16LE(UTF8_NAMES, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    // 30 extra, 32 comment, 34 disk, 36 internal attributes: 0
    central.writeUInt32LE(entry.name.endsWith('/') ? 0x10 : 0, 38); // MS-DOS directory attribute
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);

    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(options.entryCount ?? entries.length, 8); // on this disk
  end.writeUInt16LE(options.entryCount ?? entries.length, 10); // in all
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
