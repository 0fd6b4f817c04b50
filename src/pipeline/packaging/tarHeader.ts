/**
 * Tar headers written by the `tar` package's Header and Pax writers (POSIX ustar, with a pax extended header when
 * a name does not fit or is not ASCII, or a size does not fit 11 octal digits), with what Python's `tarfile`
 * PAX_FORMAT puts in them for the SDK: uid/gid 0, uname/gname `root`, directory names ending in `/`.
 */
import { Header, type HeaderData } from 'tar/header';
import { Pax } from 'tar/pax';

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

const TYPE: Record<TarType, 'File' | 'Directory' | 'SymbolicLink' | 'Link'> = {
    file: 'File',
    dir: 'Directory',
    symlink: 'SymbolicLink',
    hardlink: 'Link',
};
const MAX_OCTAL_11 = 0o77777777777;

/** Names that do not fit the ustar field as plain ASCII go in a pax record (never split into ustar's prefix). */
function needsPax(s: string, max: number): boolean {
    return Buffer.byteLength(s) >= max || /[^ -~]/.test(s);
}

/** A placeholder for the ustar field when the real value is in the pax header (readers use the pax value). */
function asciiPlaceholder(s: string, max: number): string {
    return s.replace(/[^ -~]/g, '_').slice(-(max - 1));
}

/** Number of bytes of padding after `size` bytes of content. */
export function padding(size: number): number {
    const r = size % BLOCK;
    return r === 0 ? 0 : BLOCK - r;
}

/** The header block(s) for one entry: a pax header + its records first when needed, then the ustar block. */
export function tarHeader(info: TarHeaderInfo): Buffer {
    const name = info.type === 'dir' && !info.name.endsWith('/') ? info.name + '/' : info.name;
    const linkname = info.linkname ?? '';
    const size = info.type === 'file' ? info.size : 0;
    const pax: HeaderData = {};
    if (needsPax(name, 100)) pax.path = name;
    if (needsPax(linkname, 100)) pax.linkpath = linkname;
    if (size > MAX_OCTAL_11) pax.size = size;
    const block = Buffer.alloc(BLOCK);
    new Header({
        path: pax.path === undefined ? name : asciiPlaceholder(name, 100),
        mode: info.mode & 0o7777,
        uid: 0,
        gid: 0,
        size: pax.size === undefined ? size : 0,
        mtime: new Date(Math.max(0, Math.min(Math.floor(info.mtime), MAX_OCTAL_11)) * 1000),
        type: TYPE[info.type],
        linkpath: pax.linkpath === undefined ? linkname : asciiPlaceholder(linkname, 100),
        uname: 'root',
        gname: 'root',
    }).encode(block, 0);
    if (Object.keys(pax).length === 0) return block;
    return Buffer.concat([new Pax(pax).encode(), block]);
}

/** End of archive: two zero blocks, then zeros up to a 10240-byte record, as tarfile and GNU tar write. */
export function tarTrailer(written: number): Buffer {
    const end = written + 2 * BLOCK;
    const record = 20 * BLOCK;
    return Buffer.alloc(2 * BLOCK + (end % record === 0 ? 0 : record - (end % record)));
}
