/**
 * Reads an uploaded deployment tarball (gzip tar, parsed by the `tar` package) within a size budget and recomputes
 * the SDK's `file_hash` from its contents, the way `vastai/serverless/remote/utils.py::compute_deployment_hash` feeds
 * SHA-256: config JSON, the deployment (`./deployment.py`, or every `.py` of a `./deployment` package, with
 * `#!VAST_IGNORE_CHANGES` lines dropped), then each copy (files by archive name, directories walked with sorted
 * names). Symlinks and hard links count with the content they point to, as the SDK opens them to hash.
 *
 * Everything here is synchronous and meant for the upload check's worker thread (uploadCheck.ts): file contents go
 * to a spool file, never to memory, and the gzip input is fed in small reads so a bomb never inflates far at once.
 */
import { createHash, type Hash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { list, type ReadEntry } from 'tar';

export type EntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';

export interface ScannedEntry {
    /** The archive name as stored (`./config.json`, `/opt/model.bin`), without a directory's trailing slash. */
    name: string;
    type: EntryType;
    /** Link target for symlinks and hard links. */
    link: string;
    /** Where the file's bytes are in the spool, and how many. */
    offset: number;
    size: number;
}

export interface ScanLimits {
    /** Refuse when the files add up to more than this many bytes (the deployment's `storage`). */
    maxUnpackedBytes: number;
    maxEntries: number;
}

export type TarballProblem = 'unreadable' | 'too_big' | 'too_many';

/** Thrown when the upload is not a readable gzip tar, or exceeds a limit. */
export class TarballError extends Error {
    constructor(
        readonly problem: TarballProblem,
        message: string,
    ) {
        super(message);
    }
}

/** Small reads: a gzip bomb inflates at most ~1000x one read at a time. */
const READ_SIZE = 32 * 1024;

const TYPES: Record<string, EntryType> = {
    File: 'file',
    OldFile: 'file',
    ContiguousFile: 'file',
    Directory: 'dir',
    SymbolicLink: 'symlink',
    Link: 'hardlink',
};

/** Lists a .tar.gz file; each file's bytes are appended to `spoolFd`. */
export function scanTarball(file: string, spoolFd: number, limits: ScanLimits): ScannedEntry[] {
    const entries: ScannedEntry[] = [];
    let spooled = 0;
    let failure: TarballError | undefined;
    const onReadEntry = (e: ReadEntry): void => {
        if (failure) return;
        if (entries.length >= limits.maxEntries) {
            failure = new TarballError('too_many', `the archive has more than ${limits.maxEntries} entries`);
            throw failure;
        }
        const type = TYPES[e.type] ?? 'other';
        const entry: ScannedEntry = {
            name: type === 'dir' ? e.path.replace(/(.)\/+$/, '$1') : e.path,
            type,
            link: e.linkpath ?? '',
            offset: spooled,
            size: 0,
        };
        entries.push(entry);
        if (type !== 'file') return;
        e.on('data', (chunk: Buffer) => {
            if (spooled + chunk.length > limits.maxUnpackedBytes) {
                failure = new TarballError(
                    'too_big',
                    `its files add up to more than ${formatBytes(limits.maxUnpackedBytes)} unpacked`,
                );
                throw failure;
            }
            fs.writeSync(spoolFd, chunk, 0, chunk.length, spooled);
            spooled += chunk.length;
            entry.size += chunk.length;
        });
    };
    let warning: string | undefined;
    try {
        list({
            file,
            sync: true,
            strict: true,
            maxReadSize: READ_SIZE,
            // Vast's worker (Python's tarfile) takes any ratio: the storage limit decides, as it would on disk.
            maxDecompressionRatio: Infinity,
            onReadEntry,
            onwarn: (_code: string, message: string | Error) => {
                warning ??= typeof message === 'string' ? message : message.message;
            },
        });
    } catch (e) {
        if (failure) throw failure;
        if (e instanceof TarballError) throw e;
        throw new TarballError('unreadable', `it is not a readable gzip tar archive (${errorText(e)})`);
    }
    if (failure) throw failure;
    if (warning) throw new TarballError('unreadable', `it is not a readable gzip tar archive (${warning})`);
    if (entries.length === 0) throw new TarballError('unreadable', 'it is not a gzip tar archive with any entry');
    return entries;
}

function errorText(e: unknown): string {
    return e instanceof Error ? e.message : String(e);
}

export function formatBytes(n: number): string {
    if (n >= 1e9) return `${+(n / 1e9).toFixed(2)} GB`;
    if (n >= 1e6) return `${+(n / 1e6).toFixed(2)} MB`;
    return `${n} bytes`;
}

/** Reads a spooled entry's bytes in chunks. */
export type ContentReader = (e: ScannedEntry, onChunk: (b: Buffer) => void) => void;

export function spoolReader(spoolFd: number): ContentReader {
    const buf = Buffer.alloc(1024 * 1024);
    return (e, onChunk) => {
        for (let done = 0; done < e.size;) {
            const n = fs.readSync(spoolFd, buf, 0, Math.min(buf.length, e.size - done), e.offset + done);
            if (n <= 0) throw new Error('the spool file is shorter than expected');
            onChunk(buf.subarray(0, n));
            done += n;
        }
    };
}

/** The SDK hash of a scanned tarball, or why it cannot be recomputed (a link leaving the archive, no module). */
export function sdkHashOfScan(entries: ScannedEntry[], read: ContentReader): { hash: string } | { why: string } {
    try {
        return { hash: hashEntries(entries, read) };
    } catch (e) {
        if (e instanceof HashUnknown) return { why: e.message };
        throw e;
    }
}

class HashUnknown extends Error {}

/** Python's `sorted()` on str: code point order, which is UTF-8 byte order (not JS's UTF-16 order). */
const byCodePoint = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** Archive names as one namespace: `./a/../b` and `b` are the same file. */
const normal = (name: string): string => {
    const n = path.posix.normalize(name);
    return n.startsWith('./') ? n.slice(2) : n;
};

/** The content an entry stands for: a file's own bytes, or (following links inside the archive) its target's. */
function contentEntry(e: ScannedEntry, latest: Map<string, ScannedEntry>): ScannedEntry {
    let cur = e;
    for (let hops = 0; hops < 40; hops++) {
        if (cur.type === 'file') return cur;
        if (cur.type !== 'symlink' && cur.type !== 'hardlink') break;
        const target =
            cur.type === 'hardlink' || cur.link.startsWith('/')
                ? normal(cur.link)
                : normal(path.posix.join(path.posix.dirname(cur.name), cur.link));
        const next = latest.get(target);
        if (!next) throw new HashUnknown(`${e.name} links to ${cur.link}, which is not in the archive`);
        cur = next;
    }
    throw new HashUnknown(`${e.name} is not a regular file or a link to one`);
}

const isUnder = (name: string, dir: string): boolean => name.startsWith(dir.endsWith('/') ? dir : dir + '/');

interface Copy {
    root: ScannedEntry;
    members: ScannedEntry[];
    seen: Set<string>;
}

/**
 * Copies recovered from the archive layout: the SDK writes a copied folder as its directory entry followed by
 * everything under it, so a folder copy is a directory entry plus the run of entries under it that follows; a
 * name seen twice in that run (an overlapping copy) or an entry outside it starts the next copy.
 */
function recoverCopies(entries: ScannedEntry[]): Copy[] {
    const copies: Copy[] = [];
    let open: Copy | undefined;
    for (const e of entries) {
        if (open && isUnder(e.name, open.root.name) && !open.seen.has(e.name)) {
            open.seen.add(e.name);
            open.members.push(e);
            continue;
        }
        open = undefined;
        const copy: Copy = { root: e, members: [], seen: new Set() };
        copies.push(copy);
        if (e.type === 'dir') open = copy;
    }
    return copies;
}

function hashEntries(entries: ScannedEntry[], read: ContentReader): string {
    // A name stored twice (overlapping copies) is the same file: keep a regular file over a link to it.
    const latest = new Map<string, ScannedEntry>();
    for (const e of entries) {
        const key = normal(e.name);
        if (latest.get(key)?.type !== 'file' || e.type === 'file') latest.set(key, e);
    }
    const [config, ...rest] = entries;
    if (config?.name !== './config.json' || config.type !== 'file') {
        throw new HashUnknown('the archive does not start with ./config.json');
    }
    const h = createHash('sha256');
    read(config, (b) => h.update(b));
    const copies = recoverCopies(rest);
    const module = copies[0];
    if (!module || !['./deployment.py', './deployment'].includes(module.root.name)) {
        throw new HashUnknown('./deployment.py or ./deployment does not follow ./config.json');
    }
    for (const copy of copies) {
        const filter = copy === module;
        if (copy.root.type === 'dir') {
            for (const f of walkSorted(copy.root.name, copy.members)) {
                hashFile(h, f.name, contentEntry(f, latest), read, filter && f.name.endsWith('.py'));
            }
        } else if (copy.root.type !== 'other') {
            hashFile(h, copy.root.name, contentEntry(copy.root, latest), read, filter);
        }
    }
    return h.digest('hex');
}

/** Above this a module is not comment-filtered in memory: the hash is reported as unknown instead. */
const MAX_FILTERED_BYTES = 64 * 1024 * 1024;

function hashFile(h: Hash, name: string, content: ScannedEntry, read: ContentReader, filter: boolean): void {
    h.update(name);
    if (!filter) {
        read(content, (b) => h.update(b));
        return;
    }
    if (content.size > MAX_FILTERED_BYTES) throw new HashUnknown(`${name} is too large to check`);
    const chunks: Buffer[] = [];
    read(content, (b) => chunks.push(Buffer.from(b)));
    h.update(filterIgnoredLines(Buffer.concat(chunks)));
}

/** os.walk order with sorted dirs and files: a folder's files first, then each subfolder in name order. */
function walkSorted(root: string, members: ScannedEntry[]): ScannedEntry[] {
    const files = members.filter((m) => m.type !== 'dir');
    const prefix = root.endsWith('/') ? root : root + '/';
    const children = new Map<string, ScannedEntry[]>();
    const here: ScannedEntry[] = [];
    for (const f of files) {
        const rel = f.name.slice(prefix.length);
        const slash = rel.indexOf('/');
        if (slash < 0) here.push(f);
        else {
            const sub = rel.slice(0, slash);
            let list = children.get(sub);
            if (!list) children.set(sub, (list = []));
            list.push(f);
        }
    }
    const out = here.sort((a, b) => byCodePoint(a.name, b.name));
    for (const sub of [...children.keys()].sort(byCodePoint)) {
        out.push(...walkSorted(prefix + sub, children.get(sub)!));
    }
    return out;
}

const CLOSE_MULTILINE: Record<string, RegExp> = {
    '"""': /^(?:[^\\]|\\.)*?"""/s,
    "'''": /^(?:[^\\]|\\.)*?'''/s,
};
const TOKEN = /"""(?:[^\\]|\\.)*?"""|'''(?:[^\\]|\\.)*?'''|(""")|(''')|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|(#)/gs;

/** Port of the SDK's `filter_ignored_lines` (bytes treated as latin1 so offsets match Python's bytes regex). */
export function filterIgnoredLines(data: Buffer): Buffer {
    const lines = data.toString('latin1').split('\n');
    const kept: string[] = [];
    let inMultiline: string | undefined;
    for (const line of lines) {
        let start = 0;
        let ignore = false;
        let skipScan = false;
        if (inMultiline !== undefined) {
            const m = CLOSE_MULTILINE[inMultiline]!.exec(line);
            if (!m) skipScan = true;
            else {
                start = m[0].length;
                inMultiline = undefined;
            }
        }
        if (!skipScan) {
            TOKEN.lastIndex = start;
            for (let m = TOKEN.exec(line); m; m = TOKEN.exec(line)) {
                if (m[1]) {
                    inMultiline = '"""';
                    break;
                }
                if (m[2]) {
                    inMultiline = "'''";
                    break;
                }
                if (m[3]) {
                    ignore = line.slice(m.index + 1).trim() === '!VAST_IGNORE_CHANGES';
                    break;
                }
            }
        }
        if (!ignore) kept.push(line);
    }
    return Buffer.from(kept.join('\n'), 'latin1');
}

export interface TarballCheck {
    entries: number;
    unpackedBytes: number;
    /** The recomputed SDK hash, or why it could not be recomputed. */
    hash: { hash: string } | { why: string };
}

/** Scans a .tar.gz with a spool file beside it (removed afterwards) and recomputes the SDK hash. */
export function checkTarball(file: string, spoolFile: string, limits: ScanLimits): TarballCheck {
    const fd = fs.openSync(spoolFile, 'w+', 0o600);
    try {
        const entries = scanTarball(file, fd, limits);
        const unpackedBytes = entries.reduce((n, e) => n + e.size, 0);
        return { entries: entries.length, unpackedBytes, hash: sdkHashOfScan(entries, spoolReader(fd)) };
    } finally {
        fs.closeSync(fd);
        fs.rmSync(spoolFile, { force: true });
    }
}
