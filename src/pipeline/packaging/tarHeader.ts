/**
 * Tar headers (POSIX ustar, with a pax extended header when a name does not fit or is not ASCII, or a size does
 * not fit 11 octal digits), the way Python's `tarfile` PAX_FORMAT writes them: uid/gid 0, uname/gname `root`,
 * directory names ending in `/`.
 */

export const BLOCK = 512;

export type TarType = 'file' | 'dir' | 'symlink' | 'hardlink';

export interface TarHeaderInfo {
    /** Archive name as the SDK writes it (`./assets/a.txt`, `/opt/model.bin`); a `/` is added for directories. */
    name: string;
    type: TarType;
    mode: number;
    /** Content size in bytes (0 for directories and symlinks). */
    size: number;
    /** Seconds since the epoch. */
    mtime: number;
    linkname?: string;
}

const TYPEFLAG: Record<TarType, string> = { file: '0', dir: '5', symlink: '2', hardlink: '1' };
const MAX_OCTAL_11 = 0o77777777777;

function writeString(buf: Buffer, off: number, len: number, s: string): void {
    buf.write(s, off, len, 'utf8');
}

function writeOctal(buf: Buffer, off: number, len: number, n: number): void {
    // len-1 octal digits and a NUL, as tarfile's itn() does for values that fit.
    buf.write(
        Math.floor(n)
            .toString(8)
            .padStart(len - 1, '0') + '\0',
        off,
        len,
        'latin1',
    );
}

function ustarBlock(info: TarHeaderInfo, name: string, linkname: string, size: number, typeflag: string): Buffer {
    const h = Buffer.alloc(BLOCK);
    writeString(h, 0, 100, name);
    writeOctal(h, 100, 8, info.mode & 0o7777);
    writeOctal(h, 108, 8, 0);
    writeOctal(h, 116, 8, 0);
    writeOctal(h, 124, 12, size);
    writeOctal(h, 136, 12, Math.max(0, Math.min(info.mtime, MAX_OCTAL_11)));
    h.fill(0x20, 148, 156);
    h.write(typeflag, 156, 1, 'latin1');
    writeString(h, 157, 100, linkname);
    h.write('ustar\x0000', 257, 8, 'latin1');
    writeString(h, 265, 32, 'root');
    writeString(h, 297, 32, 'root');
    writeOctal(h, 329, 8, 0);
    writeOctal(h, 337, 8, 0);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += h[i] as number;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'latin1');
    return h;
}

/** One pax record: "<len> key=value\n", where len counts the whole record, its own digits included. */
function paxRecord(key: string, value: string): string {
    const body = ` ${key}=${value}\n`;
    const bodyLen = Buffer.byteLength(body);
    // Same fixed point as tarfile: the length prefix counts its own digits.
    let len = 0;
    for (let p = -1; len !== p;) {
        p = len;
        len = bodyLen + String(p).length;
    }
    return `${len}${body}`;
}

function needsPax(s: string, max: number): boolean {
    return Buffer.byteLength(s) > max || /[^ -~\t\n\r]/.test(s);
}

/** Number of bytes of padding after `size` bytes of content. */
export function padding(size: number): number {
    const r = size % BLOCK;
    return r === 0 ? 0 : BLOCK - r;
}

/** The header block(s) for one entry: a pax header + its data first when needed, then the ustar block. */
export function tarHeader(info: TarHeaderInfo): Buffer {
    const name = info.type === 'dir' && !info.name.endsWith('/') ? info.name + '/' : info.name;
    const linkname = info.linkname ?? '';
    const size = info.type === 'file' ? info.size : 0;
    let records = '';
    if (needsPax(name, 100)) records += paxRecord('path', name);
    if (needsPax(linkname, 100)) records += paxRecord('linkpath', linkname);
    if (size > MAX_OCTAL_11) records += paxRecord('size', String(size));
    const main = ustarBlock(
        info,
        needsPax(name, 100) ? asciiPrefix(name, 100) : name,
        needsPax(linkname, 100) ? asciiPrefix(linkname, 100) : linkname,
        size > MAX_OCTAL_11 ? 0 : size,
        TYPEFLAG[info.type],
    );
    if (records === '') return main;
    const data = Buffer.from(records, 'utf8');
    const paxInfo: TarHeaderInfo = { name: '././@PaxHeader', type: 'file', mode: 0o644, size: data.length, mtime: 0 };
    const paxHead = ustarBlock(paxInfo, paxInfo.name, '', data.length, 'x');
    return Buffer.concat([paxHead, data, Buffer.alloc(padding(data.length)), main]);
}

/** A placeholder for the ustar field when the real value is in the pax header (readers use the pax value). */
function asciiPrefix(s: string, max: number): string {
    return s.replace(/[^ -~\t\n\r]/g, '_').slice(0, max);
}

/** End of archive: two zero blocks, then zeros up to a 10240-byte record, as tarfile and GNU tar write. */
export function tarTrailer(written: number): Buffer {
    const end = written + 2 * BLOCK;
    const record = 20 * BLOCK;
    return Buffer.alloc(2 * BLOCK + (end % record === 0 ? 0 : record - (end % record)));
}
