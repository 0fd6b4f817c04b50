// The workspace index: every workspace folder scanned for Python files mentioning `vastai`, kept current from
// watched-file events and folder changes. Open documents shadow their disk copy.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileChangeType, type FileEvent, type WorkspaceFolder } from 'vscode-languageserver';
import type { Settings } from '../shared/settings';
import { errorText, type AnalysisHost } from './analysisHost';
import { isSkippedPath, readCandidate, scanFolder, type ScannedSource } from './fileScan';
import { FileEntry, type OpenDocument } from './files';
import { compileGlobs, type GlobSet } from './globs';
import { isInside, pathToUri, uriToPath } from './uris';

const NO_GLOBS = compileGlobs([]);

/** Why the index changed: these files, or everything (`all`). */
export interface IndexChange {
    keys: string[];
    all: boolean;
}

export class Workspace {
    /** Folder URI -> folder path. */
    readonly folders = new Map<string, string>();
    /** Closed-file copies from disk, by key. */
    private readonly disk = new Map<string, FileEntry>();
    /** Open documents, by key. */
    readonly open = new Map<string, OpenDocument>();
    private readonly scans = new Map<string, number>();
    private scanCounter = 0;
    /** Folder URI -> the exclude list its last scan used. */
    private readonly excludes = new Map<string, string>();
    /** Folder URI -> its compiled exclude list (watched-file events honour it too). */
    private readonly excludeSets = new Map<string, GlobSet>();
    private pending: Promise<void> = Promise.resolve();
    /** Numbers watched-file batches, so a scan that overlapped one does not put back what it changed. */
    private eventSeq = 0;
    /** Key -> the batch that last re-read or dropped it. */
    private readonly lastEvent = new Map<string, number>();

    constructor(
        private readonly host: AnalysisHost,
        private readonly log: (m: string) => void,
        private readonly settings: (scopeUri?: string) => Promise<Settings>,
        private readonly changed: (change: IndexChange) => void,
    ) {}

    /** Resolves when every scan started so far has finished. */
    whenIndexed(): Promise<void> {
        return this.pending;
    }

    addFolders(folders: readonly WorkspaceFolder[]): void {
        for (const f of folders) {
            const p = uriToPath(f.uri);
            if (p === undefined) {
                this.log(`Ignoring workspace folder ${f.uri}: not a file: URI`);
                continue;
            }
            this.folders.set(f.uri, p);
            this.queueScan(f.uri);
        }
    }

    removeFolders(folders: readonly WorkspaceFolder[]): void {
        const keys: string[] = [];
        for (const f of folders) {
            this.folders.delete(f.uri);
            this.scans.delete(f.uri);
            this.excludes.delete(f.uri);
            this.excludeSets.delete(f.uri);
            for (const [key, e] of this.disk) {
                if (e.folderUri === f.uri) {
                    this.disk.delete(key);
                    keys.push(key);
                }
            }
        }
        this.host.fs.clear();
        this.changed({ keys, all: false });
    }

    /** Rescans the folders whose `exclude` setting changed (after the settings cache was cleared). */
    async rescanIfExcludeChanged(): Promise<void> {
        for (const uri of this.folders.keys()) {
            const exclude = JSON.stringify((await this.settings(uri)).exclude);
            if (exclude !== this.excludes.get(uri)) this.queueScan(uri);
        }
    }

    /** The folder holding `filePath` (the innermost one when folders nest). */
    folderOf(filePath: string | undefined): string | undefined {
        if (filePath === undefined) return undefined;
        let best: string | undefined;
        let bestLen = -1;
        for (const [uri, p] of this.folders) {
            if (p.length > bestLen && isInside(p, filePath)) {
                best = uri;
                bestLen = p.length;
            }
        }
        return best;
    }

    /** Every file: open documents first, then closed indexed files. */
    entries(): FileEntry[] {
        const out: FileEntry[] = [];
        for (const d of this.open.values()) out.push(d.entry);
        for (const [key, e] of this.disk) if (!this.open.has(key)) out.push(e);
        return out;
    }

    /**
     * What the deployments list shows: every file, less open documents whose file was deleted on disk. The editor
     * keeps showing such a document (diagnostics go on), but there is nothing to deploy until it is saved again.
     */
    listedEntries(): FileEntry[] {
        return this.entries().filter((e) => this.isListed(e));
    }

    isListed(e: FileEntry): boolean {
        return e.path === undefined || !this.open.has(e.key) || this.host.fs.statPath(e.path) !== 'missing';
    }

    entry(key: string): FileEntry | undefined {
        return this.open.get(key)?.entry ?? this.disk.get(key);
    }

    /** The disk copy (used again when a document closes). */
    diskEntry(key: string): FileEntry | undefined {
        return this.disk.get(key);
    }

    /**
     * Watched-file events. Watchers coalesce and reorder (VS Code reports a deleted folder as one event for the
     * folder, and a file's events may arrive after its folder's), so each event is reconciled with the disk: a
     * deleted path drops every indexed file at or under it, and whatever is still (or again) there is re-read; a
     * created folder is scanned. One event failing never stops the others, and the change is always announced.
     */
    onFileEvents(events: readonly FileEvent[]): void {
        const keys = new Set<string>();
        this.eventSeq++;
        try {
            for (const ev of events) {
                try {
                    this.applyEvent(ev, keys);
                } catch (err) {
                    this.log(`Watched-file event for ${ev.uri} failed: ${errorText(err)}`);
                }
            }
        } finally {
            // Copied files may have appeared or gone: file-level problems (copy-source-missing, secrets in a
            // copied folder) of files that copy something are recomputed and re-published.
            for (const e of this.entries()) {
                e.invalidateProblems();
                if (copiesSomething(e)) keys.add(e.key);
            }
            this.changed({ keys: [...keys], all: false });
        }
    }

    private applyEvent(ev: FileEvent, keys: Set<string>): void {
        const p = uriToPath(ev.uri);
        if (p === undefined) return;
        this.host.fs.invalidate(p);
        if (ev.type === FileChangeType.Deleted) this.dropUnder(p, keys);
        const kind = this.host.fs.statPath(p);
        if (kind === 'dir') {
            // A folder created (or moved in) is often reported without its files.
            if (ev.type !== FileChangeType.Changed) this.queueSubtreeScan(p);
            return;
        }
        if (kind === 'missing') {
            this.dropUnder(p, keys);
            return;
        }
        if (p.endsWith('.py')) this.reread(p, keys);
    }

    /** Removes the indexed file `p`, or every indexed file under folder `p`. */
    private dropUnder(p: string, keys: Set<string>): void {
        const key = path.normalize(p);
        const prefix = key.endsWith(path.sep) ? key : key + path.sep;
        for (const [k, e] of this.disk) {
            if (k !== key && !k.startsWith(prefix)) continue;
            e.dispose();
            this.disk.delete(k);
            this.lastEvent.set(k, this.eventSeq);
            keys.add(k);
        }
    }

    private reread(p: string, keys: Set<string>): void {
        const key = path.normalize(p);
        const folder = this.folderOf(p);
        const root = folder === undefined ? undefined : this.folders.get(folder);
        const skipped = root === undefined || isSkippedPath(root, p, this.excludeOf(folder));
        const source = skipped ? undefined : readCandidate(p, this.log);
        const old = this.disk.get(key);
        if (source === undefined && !old) return;
        old?.dispose();
        if (source === undefined) this.disk.delete(key);
        else this.disk.set(key, diskEntry(key, p, folder, source, this.host));
        this.lastEvent.set(key, this.eventSeq);
        keys.add(key);
    }

    private excludeOf(folderUri: string | undefined): GlobSet {
        return (folderUri === undefined ? undefined : this.excludeSets.get(folderUri)) ?? NO_GLOBS;
    }

    /** Indexes the files under a folder that appeared, replacing what the index held there. */
    private queueSubtreeScan(dir: string): void {
        const folderUri = this.folderOf(dir);
        const root = folderUri === undefined ? undefined : this.folders.get(folderUri);
        if (folderUri === undefined || root === undefined) return;
        if (dir !== root && isSkippedPath(root, dir, this.excludeOf(folderUri))) return;
        const run = this.scanSubtree(folderUri, root, dir).catch((err: unknown) => {
            this.log(`Indexing ${dir} failed: ${errorText(err)}`);
        });
        this.pending = Promise.all([this.pending, run]).then(() => undefined);
    }

    private async scanSubtree(folderUri: string, root: string, dir: string): Promise<void> {
        const seqAtStart = this.eventSeq;
        const found = new Map<string, FileEntry>();
        await scanFolder(dir, {
            exclude: this.excludeOf(folderUri),
            base: root,
            log: this.log,
            isCancelled: () => !this.folders.has(folderUri),
            onFiles: (files) => {
                for (const f of files) {
                    const key = path.normalize(f.path);
                    found.set(key, diskEntry(key, f.path, folderUri, f, this.host));
                }
            },
        });
        if (!this.folders.has(folderUri)) return;
        const keys = new Set<string>();
        const prefix = path.normalize(dir) + path.sep;
        for (const [key, e] of this.disk) {
            if (e.folderUri !== folderUri || !key.startsWith(prefix) || found.has(key)) continue;
            if (this.changedSince(key, seqAtStart)) continue;
            e.dispose();
            this.disk.delete(key);
            keys.add(key);
        }
        this.adopt(folderUri, found, seqAtStart, keys);
        this.changed({ keys: [...keys], all: false });
    }

    /** Puts scanned entries into the index, unless a watched-file event about them arrived during the scan. */
    private adopt(folderUri: string, found: Map<string, FileEntry>, seqAtStart: number, keys: Set<string>): void {
        for (const [key, e] of found) {
            if (this.folderOf(e.path) !== folderUri) continue;
            if (this.changedSince(key, seqAtStart) || (this.eventSeq !== seqAtStart && !fs.existsSync(key))) continue;
            this.disk.get(key)?.dispose();
            this.disk.set(key, e);
            keys.add(key);
        }
    }

    /** True when a watched-file event re-read or dropped `key` after event number `seq`. */
    private changedSince(key: string, seq: number): boolean {
        return (this.lastEvent.get(key) ?? 0) > seq;
    }

    private queueScan(folderUri: string): void {
        const id = ++this.scanCounter;
        this.scans.set(folderUri, id);
        const run = this.scan(folderUri, id).catch((err: unknown) => {
            this.log(`Indexing ${folderUri} failed: ${errorText(err)}`);
        });
        this.pending = Promise.all([this.pending, run]).then(() => undefined);
    }

    private async scan(folderUri: string, id: number): Promise<void> {
        const root = this.folders.get(folderUri);
        if (root === undefined) return;
        const settings = await this.settings(folderUri);
        this.excludes.set(folderUri, JSON.stringify(settings.exclude));
        const exclude = compileGlobs(settings.exclude, (g) => this.log(`Ignoring invalid exclude glob ${g}`));
        this.excludeSets.set(folderUri, exclude);
        const seqAtStart = this.eventSeq;
        const found = new Map<string, FileEntry>();
        const started = performance.now();
        const stats = await scanFolder(root, {
            exclude,
            log: this.log,
            isCancelled: () => this.scans.get(folderUri) !== id,
            onFiles: (files) => {
                for (const f of files) {
                    const key = path.normalize(f.path);
                    found.set(key, diskEntry(key, f.path, folderUri, f, this.host));
                }
            },
        });
        if (this.scans.get(folderUri) !== id) return;
        // Replace this folder's entries atomically; a nested folder's own scan owns its files.
        for (const [key, e] of this.disk) {
            if (e.folderUri === folderUri && !found.has(key) && !this.changedSince(key, seqAtStart)) {
                e.dispose();
                this.disk.delete(key);
            }
        }
        this.adopt(folderUri, found, seqAtStart, new Set());
        this.host.fs.clear();
        const ms = Math.round(performance.now() - started);
        this.log(
            `Indexed ${root}: ${stats.matched} of ${stats.pythonFiles} Python files mention vastai ` +
                `(${stats.skipped} skipped) in ${ms} ms`,
        );
        this.changed({ keys: [], all: true });
    }
}

function diskEntry(
    key: string,
    p: string,
    folderUri: string | undefined,
    source: ScannedSource,
    host: AnalysisHost,
): FileEntry {
    const e = new FileEntry(key, pathToUri(p), p, folderUri, source.text, host);
    if (source.problem) e.sourceProblem = source.problem;
    return e;
}

function copiesSomething(e: FileEntry): boolean {
    return e.analysis().deployments.some((d) => d.image?.calls.some((c) => c.method === 'copy') === true);
}
