// Fails when any file under src/ is part of an import circle (type-only imports included: a type that two
// modules both need belongs in a third, lower one). Used by `npm run lint` and by test/unit/importCycles.test.ts.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const IMPORT =
    /(?:^|\n)\s*(?:import|export)\s[^'"`;]*?from\s*['"](\.[^'"]+)['"]|(?:^|\n)\s*import\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function walk(dir) {
    return readdirSync(dir).flatMap((name) => {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) return walk(p);
        return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [p] : [];
    });
}

function resolveImport(from, spec) {
    const base = resolve(dirname(from), spec.replace(/\.js$/, ''));
    for (const candidate of [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) {
        if (existsSync(candidate)) return candidate;
    }
    return undefined;
}

/** The import graph of every .ts file under `root`: file → files it imports. */
export function importGraph(root) {
    const graph = new Map();
    for (const file of walk(root)) {
        const text = readFileSync(file, 'utf8');
        const deps = new Set();
        for (const m of text.matchAll(IMPORT)) {
            const target = resolveImport(file, m[1] ?? m[2] ?? m[3]);
            if (target) deps.add(target);
        }
        graph.set(file, [...deps]);
    }
    return graph;
}

/** Strongly connected components with more than one file (or a file importing itself): each is a circle. */
export function cycles(graph) {
    let counter = 0;
    const index = new Map();
    const low = new Map();
    const stack = [];
    const onStack = new Set();
    const found = [];
    const visit = (v) => {
        index.set(v, counter);
        low.set(v, counter);
        counter++;
        stack.push(v);
        onStack.add(v);
        for (const w of graph.get(v) ?? []) {
            if (!index.has(w)) {
                visit(w);
                low.set(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
        }
        if (low.get(v) === index.get(v)) {
            const component = [];
            let w;
            do {
                w = stack.pop();
                onStack.delete(w);
                component.push(w);
            } while (w !== v);
            if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
        }
    };
    for (const v of graph.keys()) if (!index.has(v)) visit(v);
    return found;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
    const root = resolve(process.argv[2] ?? 'src');
    const found = cycles(importGraph(root));
    for (const c of found) {
        console.error(
            `import circle of ${c.length} files:\n  ${c.map((f) => relative(process.cwd(), f)).join('\n  ')}`,
        );
    }
    if (found.length > 0) process.exit(1);
    console.log(`no import circles under ${relative(process.cwd(), root) || '.'}`);
}
