/**
 * Reads an uploaded deployment tarball (gzip tar) and recomputes the SDK's `file_hash` from its contents, the way
 * `vastai/serverless/remote/utils.py::compute_deployment_hash` feeds SHA-256: config JSON, `./deployment.py`
 * (with `#!VAST_IGNORE_CHANGES` lines dropped), then each copy (files by archive name, directories walked with
 * sorted names).
 */
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';

export interface TarEntry {
    name: string;
    type: 'file' | 'dir' | 'other';
    mode: number;
    data: Buffer;
}

/** Thrown when the upload is not a readable gzip tar. */
export class TarballError extends Error {}

function field(block: Buffer, start: number, len: number): string {
    const raw = block.subarray(start, start + len);
    const nul = raw.indexOf(0);
    return (nul >= 0 ? raw.subarray(0, nul) : raw).toString('utf8');
}

function octal(block: Buffer, start: number, len: number): number {
    const s = field(block, start, len).trim();
    return s === '' ? 0 : parseInt(s, 8);
}

function paxPath(data: Buffer): string | undefined {
    let i = 0;
    while (i < data.length) {
        const sp = data.indexOf(0x20, i);
        if (sp < 0) break;
        const len = parseInt(data.subarray(i, sp).toString('ascii'), 10);
        if (!Number.isFinite(len) || len <= 0) break;
        const rec = data.subarray(sp + 1, i + len - 1).toString('utf8');
        const eq = rec.indexOf('=');
        if (rec.slice(0, eq) === 'path') return rec.slice(eq + 1);
        i += len;
    }
    return undefined;
}

/** Lists a .tar.gz: ustar, GNU long names and pax `path` records. */
export function readTarGz(gz: Buffer): TarEntry[] {
    let tar: Buffer;
    try {
        tar = gunzipSync(gz);
    } catch {
        throw new TarballError('not a gzip file');
    }
    const entries: TarEntry[] = [];
    let off = 0;
    let longName: string | undefined;
    while (off + 512 <= tar.length) {
        const header = tar.subarray(off, off + 512);
        if (header.every((b) => b === 0)) break;
        const size = octal(header, 124, 12);
        const typeflag = String.fromCharCode(header[156] ?? 0x30);
        const data = tar.subarray(off + 512, off + 512 + size);
        if (data.length < size) throw new TarballError('truncated tar entry');
        off += 512 + Math.ceil(size / 512) * 512;
        if (typeflag === 'L') {
            longName = field(data, 0, data.length);
            continue;
        }
        if (typeflag === 'x') {
            longName = paxPath(data) ?? longName;
            continue;
        }
        if (typeflag === 'g') continue;
        const prefix = field(header, 345, 155);
        const base = field(header, 0, 100);
        const name = longName ?? (prefix ? `${prefix}/${base}` : base);
        longName = undefined;
        const type = typeflag === '0' || typeflag === '\0' ? 'file' : typeflag === '5' ? 'dir' : 'other';
        entries.push({
            name: type === 'dir' ? name.replace(/\/+$/, '') : name,
            type,
            mode: octal(header, 100, 8),
            data,
        });
    }
    return entries;
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

function isUnder(name: string, dir: string): boolean {
    return name.startsWith(dir + '/');
}

/**
 * The SDK hash of a deployment tarball's contents. Copies are recovered from the archive layout: a directory entry
 * that is not inside an earlier copied directory starts a directory copy; a file outside any copied directory is a
 * file copy.
 */
export function sdkHashOfEntries(entries: TarEntry[]): string {
    const config = entries.find((e) => e.name === './config.json' && e.type === 'file');
    const module = entries.find((e) => e.name === './deployment.py' && e.type === 'file');
    if (!config || !module) throw new TarballError('the tarball has no ./config.json or ./deployment.py');
    const h = createHash('sha256');
    h.update(config.data);
    h.update('./deployment.py');
    h.update(filterIgnoredLines(module.data));
    const rest = entries.filter((e) => e !== config && e !== module);
    const copiedDirs: string[] = [];
    for (const e of rest) {
        if (copiedDirs.some((d) => isUnder(e.name, d) || e.name === d)) continue;
        if (e.type === 'dir') {
            copiedDirs.push(e.name);
            for (const f of walkSorted(
                e.name,
                rest.filter((x) => x.type === 'file' && isUnder(x.name, e.name)),
            )) {
                h.update(f.name);
                h.update(f.data);
            }
        } else if (e.type === 'file') {
            h.update(e.name);
            h.update(e.data);
        }
    }
    return h.digest('hex');
}

/** os.walk order with sorted dirs and files: a folder's files first, then each subfolder in name order. */
function walkSorted(root: string, files: TarEntry[]): TarEntry[] {
    const here = files.filter((f) => !f.name.slice(root.length + 1).includes('/'));
    const subdirs = new Set(
        files.filter((f) => !here.includes(f)).map((f) => f.name.slice(root.length + 1).split('/')[0]!),
    );
    const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
    const out = here.sort((a, b) => cmp(a.name, b.name));
    for (const d of [...subdirs].sort(cmp)) {
        const sub = `${root}/${d}`;
        out.push(
            ...walkSorted(
                sub,
                files.filter((f) => isUnder(f.name, sub)),
            ),
        );
    }
    return out;
}
