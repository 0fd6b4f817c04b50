// Imports in src/ point one way: a circle (even through `import type`) means a shared type lives in the wrong file.
import * as assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../helpers/paths';

type Checker = {
    importGraph(root: string): Map<string, string[]>;
    cycles(graph: Map<string, string[]>): string[][];
};
const load = (): Promise<Checker> =>
    import(pathToFileURL(path.join(repoRoot, 'scripts/importCycles.mjs')).href) as Promise<Checker>;

void test('src/ has no import circles', async () => {
    const { importGraph, cycles } = await load();
    const found = cycles(importGraph(path.join(repoRoot, 'src')));
    assert.deepEqual(
        found.map((c) => c.map((f) => path.relative(repoRoot, f))),
        [],
    );
});

void test('the checker finds a circle through type-only, index and re-export imports', async () => {
    const { importGraph, cycles } = await load();
    const dir = mkdtempSync(path.join(tmpdir(), 'cycles-'));
    mkdirSync(path.join(dir, 'views'));
    writeFileSync(path.join(dir, 'state.ts'), "import type { Node } from './views';\nexport const s = 1;\n");
    writeFileSync(path.join(dir, 'views', 'index.ts'), "export { tree } from './tree';\nexport type Node = 1;\n");
    writeFileSync(path.join(dir, 'views', 'tree.ts'), "import {\n    s,\n} from '../state';\nexport const tree = s;\n");
    writeFileSync(path.join(dir, 'leaf.ts'), "import { s } from './state';\nexport const l = s;\n");
    const found = cycles(importGraph(dir)).map((c) => c.map((f) => path.relative(dir, f)));
    assert.deepEqual(found, [['state.ts', 'views/index.ts', 'views/tree.ts']]);
});
