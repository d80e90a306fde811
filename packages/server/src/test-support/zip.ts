import { crc32, inflateRawSync } from 'node:zlib';

/** The entries of a ZIP archive (deflated, as exports write them), read from its central directory; a wrong CRC or size throws. */
export function readZip(archive: Buffer): Array<{ name: string; data: Buffer }> {
  const end = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('not a ZIP archive');
  const count = archive.readUInt16LE(end + 10);
  let at = archive.readUInt32LE(end + 16);
  const entries: Array<{ name: string; data: Buffer }> = [];
  for (let i = 0; i < count; i++) {
    if (archive.readUInt32LE(at) !== 0x02014b50) throw new Error(`no central directory header at ${at}`);
    const [crc, compressed, size, nameLength, local] = [archive.readUInt32LE(at + 16), archive.readUInt32LE(at + 20), archive.readUInt32LE(at + 24), archive.readUInt16LE(at + 28), archive.readUInt32LE(at + 42)];
    const name = archive.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const dataAt = local + 30 + archive.readUInt16LE(local + 26) + archive.readUInt16LE(local + 28);
    const data = inflateRawSync(archive.subarray(dataAt, dataAt + compressed));
    if (data.length !== size || crc32(data) !== crc) throw new Error(`entry ${name} is corrupt`);
    entries.push({ name, data });
    at += 46 + nameLength;
  }
  return entries;
}
