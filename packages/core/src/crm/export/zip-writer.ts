import { constants, crc32, deflateRawSync } from 'node:zlib';
import { ValidationError } from '../../errors/errors.js';

export interface ZipEntry {
  /** The file's name inside the archive (UTF-8). */
  name: string;
  data: AsyncIterable<Uint8Array>;
}

const LIMIT = 0xffff_ffff;

/**
 * Writes a ZIP archive as its entries are produced, holding one chunk at a time: each entry
 * is deflated chunk by chunk (every chunk a run of non-final deflate blocks ending in a sync
 * flush, the entry closed by an empty final block — one valid deflate stream) and followed
 * by a data descriptor carrying its CRC and sizes, which a streamed entry only knows at its
 * end. No ZIP64: an archive or entry past 4 GiB is refused.
 */
export async function* zipStream(entries: AsyncIterable<ZipEntry> | Iterable<ZipEntry>, modified: Date): AsyncIterable<Uint8Array> {
  const central: Buffer[] = [];
  let offset = 0;
  let count = 0;
  const { time, date } = dosDateTime(modified);
  for await (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(0x0808, 6); // sizes in a data descriptor; UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt16LE(name.length, 26);
    const headerOffset = offset;
    yield local;
    yield name;
    offset += local.length + name.length;

    let crc = 0;
    let size = 0;
    let compressed = 0;
    for await (const chunk of entry.data) {
      if (chunk.length === 0) continue;
      crc = crc32(chunk, crc);
      size += chunk.length;
      const deflated = deflateRawSync(chunk, { finishFlush: constants.Z_SYNC_FLUSH });
      compressed += deflated.length;
      yield deflated;
    }
    const last = deflateRawSync(Buffer.alloc(0));
    compressed += last.length;
    yield last;
    if (size > LIMIT || compressed > LIMIT || offset + compressed > LIMIT) throw new ValidationError('The export is larger than 4 GiB: export fewer rows at a time');
    offset += compressed;

    const descriptor = Buffer.alloc(16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(crc >>> 0, 4);
    descriptor.writeUInt32LE(compressed, 8);
    descriptor.writeUInt32LE(size, 12);
    yield descriptor;
    offset += descriptor.length;

    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(0x0808, 8);
    header.writeUInt16LE(8, 10);
    header.writeUInt16LE(time, 12);
    header.writeUInt16LE(date, 14);
    header.writeUInt32LE(crc >>> 0, 16);
    header.writeUInt32LE(compressed, 20);
    header.writeUInt32LE(size, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt32LE(headerOffset, 42);
    central.push(header, name);
    count++;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  yield directory;
  yield end;
}

function dosDateTime(at: Date): { time: number; date: number } {
  const year = Math.max(1980, at.getUTCFullYear());
  return {
    time: (at.getUTCHours() << 11) | (at.getUTCMinutes() << 5) | Math.floor(at.getUTCSeconds() / 2),
    date: ((year - 1980) << 9) | ((at.getUTCMonth() + 1) << 5) | at.getUTCDate(),
  };
}
