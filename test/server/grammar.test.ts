// The TextMate injection grammars: wired in package.json, and their patterns (Oniguruma syntax that JavaScript also
// accepts) match exactly what the SDK gives meaning to. A full tokenizer run needs VS Code's Python grammar, which
// the extension-host suite has.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { repoRoot } from '../helpers/paths';

interface Grammar {
    scopeName: string;
    injectionSelector: string;
    repository: Record<string, { match: string }>;
}

const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    contributes: { grammars: { scopeName: string; path: string; injectTo: string[] }[] };
};

function load(scope: string): Grammar {
    const entry = manifest.contributes.grammars.find((g) => g.scopeName === scope);
    assert.ok(entry, `${scope} contributed`);
    assert.deepEqual(entry.injectTo, ['source.python']);
    const g = JSON.parse(fs.readFileSync(path.join(repoRoot, entry.path), 'utf8')) as Grammar;
    assert.equal(g.scopeName, scope);
    assert.match(g.injectionSelector, /^L:source\.python /);
    return g;
}

/** What a pattern captures in the text of a comment (the part after `#` included, as the injection sees it). */
function captures(pattern: string, text: string): string[] | undefined {
    const m = new RegExp(pattern).exec(text);
    return m ? m.slice(1).filter((x) => x !== undefined) : undefined;
}

void describe('injection grammars', () => {
    const comments = load('vastDeployments.comments.injection');
    const strings = load('vastDeployments.strings.injection');
    const ignoreChanges = (comments.repository['ignore-changes'] as { match: string }).match;
    const ignoreCodes = (comments.repository['ignore-codes'] as { match: string }).match;
    const autoTag = (strings.repository['automatic-tag'] as { match: string }).match;

    const changesCases: [string, boolean][] = [
        ['#!VAST_IGNORE_CHANGES', true],
        ['#   !VAST_IGNORE_CHANGES  ', true],
        ['# !VAST_IGNORE_CHANGES extra words keep this line', false],
        ['# VAST_IGNORE_CHANGES', false],
    ];
    for (const [text, fires] of changesCases) {
        void test(`#!VAST_IGNORE_CHANGES: ${JSON.stringify(text)} ${fires ? 'marked' : 'not marked'}`, () => {
            assert.equal(captures(ignoreChanges, text)?.[0] === '!VAST_IGNORE_CHANGES', fires);
        });
    }

    const codeCases: [string, string[] | undefined][] = [
        ['# vast: ignore[missing-benchmark]', ['vast', ':', 'ignore', '[', 'missing-benchmark', ']']],
        ['# vast: ignore[a, b]', ['vast', ':', 'ignore', '[', 'a, b', ']']],
        ['#vast:ignore', ['vast', ':', 'ignore']],
        ['# noqa  # vast: ignore[x]', ['vast', ':', 'ignore', '[', 'x', ']']],
        ['# vast: ignored', undefined],
        ['# vastly ignore', undefined],
    ];
    for (const [text, expected] of codeCases) {
        void test(`# vast: ignore: ${JSON.stringify(text)}`, () => {
            assert.deepEqual(captures(ignoreCodes, text), expected);
        });
    }

    void test('@vastai-automatic-tag inside an image string', () => {
        assert.ok(new RegExp(autoTag).test('"vastai/base-image:@vastai-automatic-tag"'));
        assert.ok(!new RegExp(autoTag).test('"vastai/base-image:@vastai-automatic-tags"'));
        assert.equal(strings.injectionSelector, 'L:source.python string.quoted');
        assert.equal(comments.injectionSelector, 'L:source.python comment.line.number-sign');
    });
});
