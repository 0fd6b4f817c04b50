// A small glob matcher for the `vastDeployments.exclude` setting (VS Code `files.exclude` style globs). Patterns are
// matched against paths relative to the workspace folder with `/` separators; a pattern without a `/` matches at any
// depth, as gitignore does, because that is what users mean by `build` or `*.gen.py`.

/** A compiled exclude list. */
export interface GlobSet {
    /** False when there are no patterns (callers skip computing relative paths). */
    readonly active: boolean;
    /** True when the file at `rel` (relative, `/`-separated) is excluded. */
    matchesFile(rel: string): boolean;
    /** True when the whole directory at `rel` is excluded (so the walk does not enter it). */
    matchesDir(rel: string): boolean;
}

/** Compiles glob patterns; invalid ones are dropped and reported through `onInvalid`. */
export function compileGlobs(patterns: readonly string[], onInvalid?: (pattern: string) => void): GlobSet {
    const res: RegExp[] = [];
    for (const raw of patterns) {
        const p = raw.trim().replace(/\\/g, '/').replace(/^\.\//, '');
        if (!p) continue;
        try {
            res.push(globToRegExp(p.includes('/') ? p.replace(/^\//, '') : `**/${p}`));
        } catch {
            onInvalid?.(raw);
        }
    }
    const test = (s: string): boolean => res.some((re) => re.test(s));
    return {
        active: res.length > 0,
        matchesFile: (rel) => res.length > 0 && test(rel),
        // A directory is excluded when the pattern names it, or everything under it (`build/**`).
        matchesDir: (rel) => res.length > 0 && (test(rel) || test(`${rel}/\u0000`)),
    };
}

/** Translates one glob (`**`, `*`, `?`, `{a,b}`, `[abc]`) to an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
    let out = '';
    let braces = 0;
    for (let i = 0; i < glob.length; i++) {
        const c = glob[i] as string;
        if (c === '*') {
            if (glob[i + 1] === '*') {
                const atStart = i === 0 || glob[i - 1] === '/';
                const slashAfter = glob[i + 2] === '/';
                i++;
                if (atStart && slashAfter) {
                    out += '(?:.*/)?';
                    i++;
                } else {
                    out += '.*';
                }
            } else {
                out += '[^/]*';
            }
        } else if (c === '?') {
            out += '[^/]';
        } else if (c === '{') {
            braces++;
            out += '(?:';
        } else if (c === '}' && braces > 0) {
            braces--;
            out += ')';
        } else if (c === ',' && braces > 0) {
            out += '|';
        } else if (c === '[') {
            const end = glob.indexOf(']', i + 1);
            if (end < 0) {
                out += '\\[';
            } else {
                out += `[${glob
                    .slice(i + 1, end)
                    .replace(/^!/, '^')
                    .replace(/\\/g, '\\\\')}]`;
                i = end;
            }
        } else {
            out += c.replace(/[.+^$()|\\]/g, '\\$&');
        }
    }
    // `dir/**` also matches `dir` itself.
    out = out.replace(/\/\.\*$/, '(?:/.*)?');
    return new RegExp(`^${out}$`);
}
