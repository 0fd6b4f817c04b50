import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type * as vscode from 'vscode';
import { CommandId } from '../../../src/shared/commands';
import { DeployLensGate, lensShown } from '../../../src/extension/deployLenses';
import { remoteKey } from '../../../src/extension/util';

const ref = (name: string, tag = 'default') => ({ uri: 'file:///w/app.py', name, tag, range: {} });
const lens = (command: string, name: string) => ({ command: { title: command, command, arguments: [ref(name)] } });

void describe('deploy lenses', () => {
    void test('Deploy always; Benchmark and Tear down only for what the target has', () => {
        const deployed = [remoteKey('a', 'default')];
        assert.equal(lensShown(CommandId.deploy, ref('b'), deployed), true);
        assert.equal(lensShown(CommandId.deploy, ref('b'), undefined), true);
        for (const c of [CommandId.benchmark, CommandId.tearDown]) {
            assert.equal(lensShown(c, ref('a'), deployed), true, c);
            assert.equal(lensShown(c, ref('b'), deployed), false, c);
            assert.equal(lensShown(c, ref('a', 'canary'), deployed), false, `${c}: another tag`);
            assert.equal(lensShown(c, ref('a'), undefined), false, `${c}: status not known yet`);
            assert.equal(lensShown(c, undefined, deployed), false, `${c}: no argument`);
        }
        assert.equal(lensShown(CommandId.callFunction, ref('b'), []), true, 'other lenses pass through');
    });

    void test('the gate filters, asks for status once unknown, and refreshes only when the deployed set changes', () => {
        let keys: string[] | undefined;
        let asked = 0;
        const listeners: ((e: unknown) => void)[] = [];
        const gate = new DeployLensGate({
            deployedKeys: () => keys,
            ensureLoaded: () => asked++,
            onDidChange: (l: (e: unknown) => void) => {
                listeners.push(l);
                return { dispose: () => undefined };
            },
        } as never);
        let refreshed = 0;
        gate.refresh = () => refreshed++;
        const fire = () => listeners.forEach((l) => l(undefined));
        const all = [lens(CommandId.deploy, 'a'), lens(CommandId.benchmark, 'a'), lens(CommandId.tearDown, 'a')];
        const titles = () => gate.filter(all as unknown as vscode.CodeLens[]).map((l) => l.command?.command);

        assert.deepEqual(titles(), [CommandId.deploy]);
        assert.equal(asked, 1, 'unknown status: asked for');
        keys = [];
        fire();
        assert.equal(refreshed, 1, 'loaded: refresh');
        assert.deepEqual(titles(), [CommandId.deploy]);
        fire();
        assert.equal(refreshed, 1, 'same set (a worker changed): no refresh');
        keys = [remoteKey('a', 'default')];
        fire();
        assert.equal(refreshed, 2, 'deployed: refresh');
        assert.deepEqual(titles(), [CommandId.deploy, CommandId.benchmark, CommandId.tearDown]);
        assert.equal(asked, 1, 'known status: not asked again');
        keys = [];
        fire();
        assert.equal(refreshed, 3, 'torn down: refresh');
        assert.equal(gate.refreshes, 3);
        assert.deepEqual(titles(), [CommandId.deploy]);
    });
});
