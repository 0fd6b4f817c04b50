// The files the server knows: indexed from disk (closed files mentioning `vastai`) and open documents, which
// shadow the disk copy. Both are `FileEntry`s; analysis and file-level problems are computed lazily and cached per
// version.
import * as path from 'node:path';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { FileAnalysis } from '../shared/model';
import { emptyAnalysis } from '../shared/python/analyze';
import type { SourceBytesProblem } from '../shared/rules/source';
import type { FileRuleContext, Problem } from '../shared/rules/types';
import type { AnalysisHost, IncrementalDocument } from './analysisHost';
import { uriToPath } from './uris';

export class FileEntry {
    private analysisCache: FileAnalysis | undefined;
    private problemsCache: Problem[] | undefined;
    /** The last analysis this entry had: what `analysis()` shows while the worker reads the current text. */
    private shown: FileAnalysis | undefined;
    /** True once the file proved too large or too slow for the event loop: the worker thread analyses it. */
    private offThread = false;
    /** The worker's analysis under way (of the version current when it started). */
    private running: Promise<void> | undefined;
    private disposed = false;
    /** Bumped on every content change; the disk copy stays at 0. */
    version = 0;
    /** Why Python would refuse the bytes on disk (the editor's text has no trace of invalid UTF-8). */
    sourceProblem: SourceBytesProblem | undefined;

    constructor(
        readonly key: string,
        readonly uri: string,
        /** Absolute path for `file:` URIs. */
        readonly path: string | undefined,
        public folderUri: string | undefined,
        private text: string,
        private readonly host: AnalysisHost,
        private readonly incremental?: IncrementalDocument,
    ) {}

    getText(): string {
        return this.text;
    }

    /** Replaces the content (open documents; `changes` feed incremental parsing). */
    update(text: string, changes: readonly TextDocumentContentChangeEvent[]): void {
        this.text = text;
        this.version++;
        this.analysisCache = undefined;
        this.problemsCache = undefined;
        this.incremental?.update(changes, text);
    }

    /**
     * The analysis of the current text. A file too large or too slow for the event loop is analysed in the worker
     * thread: until its analysis arrives (`analysing`), this is the previous one (or an empty one), and the host's
     * `onAnalysed` says when to ask again.
     */
    analysis(): FileAnalysis {
        if (this.analysisCache) return this.analysisCache;
        if (!this.offThread) {
            const inline = this.incremental
                ? this.incremental.analysisInline()
                : this.host.analyzeInline(this.text, this.uri);
            if (inline) return (this.analysisCache = this.shown = inline);
            this.offThread = true;
            this.incremental?.detach();
        }
        this.analyseOffThread();
        return (this.shown ??= emptyAnalysis(this.text.includes('vastai')));
    }

    /** True while `analysis()` is not the current text's: the worker is reading it, or is yet to. */
    get analysing(): boolean {
        return this.analysisCache === undefined && this.offThread;
    }

    /** Resolves once the analysis started for the current text has arrived (at once for most files). */
    async whenAnalysed(): Promise<void> {
        this.analysis();
        await this.running;
    }

    private analyseOffThread(): void {
        if (this.running || this.disposed) return;
        const { version, text } = this;
        this.running = this.host.analyzeOffThread(text, this.uri).then(({ analysis, ms }) => {
            this.running = undefined;
            if (this.disposed) return;
            if (this.version === version) {
                this.analysisCache = this.shown = analysis;
                this.problemsCache = undefined;
                // It would have fitted on the event loop (the nesting was fixed, or the machine was busy when it
                // first looked slow): back to incremental parsing there.
                if (ms < this.host.inline.budgetMs && text.length <= this.host.inline.maxChars) {
                    this.offThread = false;
                    this.incremental?.attach();
                }
            }
            // Newer text meanwhile: asking again starts its analysis.
            this.host.onAnalysed(this.key);
        });
    }

    /** File-level problems (before settings and ignore comments). */
    problems(): Problem[] {
        const analysis = this.analysis();
        // Problems of a stand-in analysis (the worker is reading the current text) are not kept.
        if (analysis !== this.analysisCache) return this.host.checkFile(analysis, this.ruleContext());
        this.problemsCache ??= this.host.checkFile(analysis, this.ruleContext());
        return this.problemsCache;
    }

    /** Forget cached problems (a copied file appeared or disappeared). */
    invalidateProblems(): void {
        this.problemsCache = undefined;
    }

    dispose(): void {
        this.disposed = true;
        this.incremental?.dispose();
    }

    private ruleContext(): FileRuleContext {
        const ctx: FileRuleContext = { uri: this.uri, path: this.path ?? this.uri, relDir: '', text: this.text };
        const starts = this.incremental?.lineStartsOf(this.text);
        if (starts) ctx.lineStarts = starts;
        if (this.sourceProblem) ctx.sourceProblem = this.sourceProblem;
        if (this.path === undefined) return ctx;
        const dir = path.dirname(this.path);
        const folder = this.folderUri ? uriToPath(this.folderUri) : undefined;
        ctx.relDir = folder ? path.relative(folder, dir).split(path.sep).join('/') : '';
        ctx.statPath = (p) => this.host.fs.statPath(path.resolve(dir, p));
        ctx.listFiles = (d, limit) => this.host.fs.listFiles(path.resolve(dir, d), limit);
        return ctx;
    }
}

/** An open document: the LSP text plus its entry. */
export class OpenDocument {
    constructor(
        public doc: TextDocument,
        readonly entry: FileEntry,
    ) {}

    static create(
        uri: string,
        key: string,
        filePath: string | undefined,
        folderUri: string | undefined,
        languageId: string,
        version: number,
        text: string,
        host: AnalysisHost,
    ): OpenDocument {
        const doc = TextDocument.create(uri, languageId, version, text);
        const entry = new FileEntry(key, uri, filePath, folderUri, text, host, host.openDocument(text, uri));
        return new OpenDocument(doc, entry);
    }

    applyChanges(changes: TextDocumentContentChangeEvent[], version: number): void {
        this.doc = TextDocument.update(this.doc, changes, version);
        this.entry.update(this.doc.getText(), changes);
    }
}
