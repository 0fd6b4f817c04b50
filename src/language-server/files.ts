// The files the server knows: indexed from disk (closed files mentioning `vastai`) and open documents, which
// shadow the disk copy. Both are `FileEntry`s; analysis and file-level problems are computed lazily and cached per
// version.
import * as path from 'node:path';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { FileAnalysis } from '../shared/model';
import type { SourceBytesProblem } from '../shared/rules/source';
import type { FileRuleContext, Problem } from '../shared/rules/types';
import type { AnalysisHost, IncrementalDocument } from './analysisHost';
import { uriToPath } from './uris';

export class FileEntry {
    private analysisCache: FileAnalysis | undefined;
    private problemsCache: Problem[] | undefined;
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

    analysis(): FileAnalysis {
        this.analysisCache ??= this.incremental ? this.incremental.analysis() : this.host.analyze(this.text, this.uri);
        return this.analysisCache;
    }

    /** File-level problems (before settings and ignore comments). */
    problems(): Problem[] {
        this.problemsCache ??= this.host.checkFile(this.analysis(), this.ruleContext());
        return this.problemsCache;
    }

    /** Forget cached problems (a copied file appeared or disappeared). */
    invalidateProblems(): void {
        this.problemsCache = undefined;
    }

    dispose(): void {
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
