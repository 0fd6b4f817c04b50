import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileGlobs } from '../../src/language-server/globs';

const cases: { patterns: string[]; file?: string; dir?: string; excluded: boolean }[] = [
    { patterns: ['generated/**'], dir: 'generated', excluded: true },
    { patterns: ['generated/**'], file: 'generated/a/b.py', excluded: true },
    { patterns: ['generated/**'], file: 'src/generated/b.py', excluded: false },
    { patterns: ['**/build/**'], dir: 'pkg/build', excluded: true },
    { patterns: ['build'], dir: 'deep/down/build', excluded: true },
    { patterns: ['*.gen.py'], file: 'a/b/c.gen.py', excluded: true },
    { patterns: ['*.gen.py'], file: 'a/b/c.py', excluded: false },
    { patterns: ['tests/test_?.py'], file: 'tests/test_a.py', excluded: true },
    { patterns: ['tests/test_?.py'], file: 'tests/test_ab.py', excluded: false },
    { patterns: ['{docs,examples}/**'], file: 'examples/x.py', excluded: true },
    { patterns: ['[ab]*.py'], file: 'b1.py', excluded: true },
    { patterns: ['./scripts/*.py'], file: 'scripts/x.py', excluded: true },
    { patterns: ['scripts/*.py'], dir: 'scripts', excluded: false },
    { patterns: ['a.py'], file: 'a.py.bak', excluded: false },
    { patterns: [], file: 'anything.py', excluded: false },
];

for (const c of cases) {
    void test(`exclude ${JSON.stringify(c.patterns)} ${c.dir ? `dir ${c.dir}` : `file ${c.file}`}: ${c.excluded}`, () => {
        const g = compileGlobs(c.patterns);
        assert.equal(c.dir !== undefined ? g.matchesDir(c.dir) : g.matchesFile(c.file as string), c.excluded);
    });
}

void test('invalid patterns are reported and dropped, not thrown', () => {
    const bad: string[] = [];
    const g = compileGlobs(['[z-a].py', 'ok/**'], (p) => bad.push(p));
    assert.ok(g.matchesFile('ok/x.py'));
    assert.deepEqual(bad, ['[z-a].py']);
});
