/**
 * `pip_install(...)` arguments that name files shipped in the deployment: `./pkg`, `./dist/x.whl`,
 * `-r requirements.txt`, `--find-links=./wheels`. A Vast worker (`serve_deployment.py`) unpacks the tarball in its
 * working directory first and runs `uv pip install` there, so such paths are the deployment's own files. The
 * emulator installs before the worker starts: it unpacks those files into the venv's `app` folder and runs pip
 * there, and keys the venv by their content too (the code changes them, not only the pip list).
 *
 * Only relative names are looked up (the worker's working directory is `/app`); an absolute path is left to pip.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { extract, Parser, type ReadEntry } from 'tar';

/** Files pip installs as packages; any other file an argument names is a requirements or constraints file. */
const ARCHIVE = /\.(whl|zip|tar|tar\.gz|tgz|tar\.bz2|tbz|tar\.xz|txz)$/i;
/** Never pip's input unless an argument names them (or `.`): the deployment's module and its config. */
const OWN = new Set(['config.json', 'deployment.py']);

export interface LocalSources {
    /** The archive files pip may read (names relative to the working directory). */
    files: string[];
    /** SHA-256 over those files' names and contents: part of the venv's key. */
    digest: string;
}

/** A relative path an argument may name, normalized as an archive name (`./pkg/` -> `pkg`), or undefined. */
function pathOf(arg: string): string | undefined {
    let p = arg.trim();
    const eq = /^--?[A-Za-z][\w-]*=(.*)$/.exec(p);
    if (eq) p = eq[1]!;
    const at = /^[^\s@]+\s*@\s*(.+)$/.exec(p); // `name @ file:./pkg`
    if (at) p = at[1]!;
    p = p.replace(/^file:(\/\/)?/, '');
    if (p === '' || p.startsWith('/') || p.startsWith('~') || /^[a-z+]+:/i.test(p)) return undefined;
    const n = path.posix.normalize(p.replace(/\\/g, '/')).replace(/\/+$/, '');
    return n.startsWith('..') ? undefined : n;
}

/** The files of the archive (`name -> sha256`) that the pip list may read, or undefined when it names none. */
export function selectSources(packages: string[], entries: Map<string, string>): LocalSources | undefined {
    const paths = [...new Set(packages.map(pathOf).filter((p): p is string => p !== undefined))];
    const covers = (p: string, name: string): boolean => p === '.' || name === p || name.startsWith(`${p}/`);
    const picked = new Set([...entries.keys()].filter((name) => paths.some((p) => covers(p, name))));
    if (picked.size === 0) return undefined;
    // A requirements file can name further local paths: everything shipped may matter then.
    if (paths.some((p) => entries.has(p) && !ARCHIVE.test(p))) {
        for (const name of entries.keys()) if (!OWN.has(name)) picked.add(name);
    }
    const files = [...picked].sort();
    const digest = createHash('sha256')
        .update(JSON.stringify(files.map((f) => [f, entries.get(f)])))
        .digest('hex');
    return { files, digest };
}

/** Archive name as the worker's working directory sees it; absolute names (and links) are not pip's to read. */
function relativeName(name: string): string | undefined {
    if (name.startsWith('/')) return undefined;
    const n = path.posix.normalize(name);
    return n.startsWith('..') || n === '.' ? undefined : n;
}

/** Every relative regular file of a stored tarball with the SHA-256 of its content (one streamed pass). */
export function hashEntries(file: string): Promise<Map<string, string>> {
    return new Promise((resolve, reject) => {
        const entries = new Map<string, string>();
        const input = fs.createReadStream(file);
        const parser = new Parser({
            onReadEntry: (e: ReadEntry) => {
                const name = e.type === 'File' ? relativeName(e.path) : undefined;
                if (name === undefined) return e.resume();
                const h = createHash('sha256');
                e.on('data', (b: Buffer) => h.update(b));
                e.on('end', () => entries.set(name, h.digest('hex')));
            },
        });
        parser.on('error', (e: Error) => reject(new Error(`the tarball cannot be read: ${e.message}`)));
        parser.on('end', () => resolve(entries));
        input.on('error', reject);
        input.pipe(parser);
    });
}

/** Unpacks `files` (regular files only, inside `dir`) for pip: the worker's `/app` layout. */
export async function stageSources(file: string, files: string[], dir: string): Promise<void> {
    const wanted = new Set(files);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    await extract({
        file,
        cwd: dir,
        strict: true,
        filter: (p, e) => {
            const name = relativeName(p);
            return name !== undefined && wanted.has(name) && (e as ReadEntry).type === 'File';
        },
    });
}
