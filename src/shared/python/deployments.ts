/**
 * Finds every `Deployment(...)` in a file and everything done with it: decorators, image chains, autoscaling,
 * `ensure_ready`, `get_context`. Driven by where the bound names occur (see `SourceIndex`), so the cost follows the
 * number of mentions rather than the size of the file.
 */
import type { Node } from 'web-tree-sitter';
import type { ContextUse, DeploymentModel, FileAnalysis, ImageModel, MethodCall, Range } from '../model';
import { assignedTo, chainedCalls, insideFunction, methodCall, methodCalledOn } from './calls';
import { readContext, readRemote } from './definitions';
import { brokenAssignment, brokenCall } from './recovery';
import { fromImportOf, isDeploymentPath, type Bindings } from './imports';
import { namedChildren, parentOf, rangeOf, sameNode, type SourceIndex } from './nodes';
import type { EvalContext } from './values';

interface Bound {
    model: DeploymentModel;
    /** Where the binding statement starts (JS string offset). */
    start: number;
}

/** Marks calls that run only when a function is called (e.g. `ensure_ready()` inside `main()`). */
function mark(call: MethodCall, node: Node): MethodCall {
    if (insideFunction(node)) call.inFunction = true;
    return call;
}

/** `x = Deployment(...)` for a callee, parsed or (mid-edit) recovered from an ERROR node. */
function deploymentCall(
    index: SourceIndex,
    callee: Node,
    nameNode: Node,
    ctx: EvalContext,
): { variable: string; call: MethodCall; range: Range; start: number; key: number } | undefined {
    const call = parentOf(callee);
    if (call?.type === 'call' && sameNode(call.childForFieldName('function'), callee)) {
        const target = assignedTo(call);
        if (!target) return undefined;
        const up = parentOf(target.assignment);
        const stmt = up?.type === 'expression_statement' ? up : target.assignment;
        const range = rangeOf(stmt);
        return {
            variable: target.variable,
            call: methodCall(call, nameNode, ctx),
            range,
            start: stmt.startIndex,
            key: call.id,
        };
    }
    const broken = brokenCall(index, callee, nameNode, ctx);
    const target = broken ? brokenAssignment(index, callee) : undefined;
    if (!broken || !target) return undefined;
    const start = index.nodeAt(target.start, target.start + 1);
    const range = { start: start ? rangeOf(start).start : broken.call.range.start, end: broken.call.range.end };
    return { variable: target.variable, call: broken.call, range, start: target.start, key: callee.id };
}

/** `Deployment(...)` calls assigned to a plain name, in source order. */
function findDeployments(index: SourceIndex, bindings: Bindings, ctx: EvalContext): Bound[] {
    const names = new Set<string>(['Deployment']);
    for (const [local, full] of bindings.names) if (isDeploymentPath(full)) names.add(local);
    const seen = new Set<number>();
    const out: Bound[] = [];
    for (const name of names) {
        for (const id of index.identifiers(name, '(')) {
            const parent = parentOf(id);
            // `vastai.Deployment(...)`: the callee is the attribute whose last part this is.
            const callee =
                parent?.type === 'attribute' && sameNode(parent.childForFieldName('attribute'), id) ? parent : id;
            if (!isDeploymentPath(bindings.qualify(callee))) continue;
            const nameNode = callee.type === 'attribute' ? (callee.childForFieldName('attribute') ?? callee) : callee;
            const found = deploymentCall(index, callee, nameNode, ctx);
            if (!found || seen.has(found.key)) continue;
            seen.add(found.key);
            const model: DeploymentModel = {
                variable: found.variable,
                call: { ...found.call, method: 'Deployment' },
                range: found.range,
                remotes: [],
                contexts: [],
                contextUses: [],
                autoscalingCalls: [],
                ensureReadyCalls: [],
                otherCalls: [],
            };
            const args = model.call.args;
            // Keywords only: in deploy mode the first positional parameters are api_key and ttl.
            const name = args.find((a) => a.name === 'name');
            const tag = args.find((a) => a.name === 'tag');
            if (name) model.name = name.value;
            if (tag) model.tag = tag.value;
            out.push({ model, start: found.start });
        }
    }
    return out.sort((a, b) => a.start - b.start);
}

/** The deployment a use of `variable` at `offset` refers to: the latest binding before it, else the first one. */
function ownerOf(bound: Bound[], variable: string, offset: number): Bound | undefined {
    let owner: Bound | undefined;
    for (const b of bound) {
        if (b.model.variable !== variable) continue;
        if (!owner || b.start <= offset) owner = b;
    }
    return owner;
}

function contextUse(call: Node): ContextUse {
    const args = call.childForFieldName('arguments');
    const first = args ? namedChildren(args)[0] : undefined;
    const use: ContextUse = { range: rangeOf(call) };
    if (first?.type === 'identifier') use.target = first.text;
    return use;
}

/** One use of a deployment variable: `app.<method>(...)` or `@app.remote`. */
function readUse(id: Node, dep: DeploymentModel, index: SourceIndex, ctx: EvalContext): void {
    const attr = parentOf(id);
    if (!attr || attr.type !== 'attribute' || !sameNode(attr.childForFieldName('object'), id)) return;
    const name = attr.childForFieldName('attribute');
    if (!name) return;
    const used = methodCalledOn(id);
    const callNode = used?.call;
    const decorator = parentOf(callNode ?? attr);
    if (decorator?.type === 'decorator') {
        const call = methodCall(callNode ?? attr, name, ctx);
        if (name.text === 'remote') {
            const remote = readRemote(decorator, call, ctx);
            if (remote) dep.remotes.push(remote);
            return;
        }
        if (name.text === 'context') {
            const context = readContext(decorator, call);
            if (context) dep.contexts.push(context);
            return;
        }
        dep.otherCalls.push(mark(call, decorator));
        return;
    }
    if (!callNode) {
        readBrokenUse(attr, name, dep, index, ctx);
        return;
    }
    const call = mark(methodCall(callNode, name, ctx), callNode);
    switch (name.text) {
        case 'image': {
            const chain = chainedCalls(callNode, ctx);
            const image: ImageModel = { call, calls: chain.calls };
            const target = assignedTo(chain.top);
            if (target) image.variable = target.variable;
            dep.image = image; // several image() calls: the last one wins, as in the SDK
            imageTops.set(image, chain.top.endIndex);
            return;
        }
        case 'configure_autoscaling':
            dep.autoscalingCalls.push(call);
            return;
        case 'ensure_ready':
            dep.ensureReadyCalls.push(call);
            return;
        case 'get_context':
            dep.contextUses.push(contextUse(callNode));
            return;
        default:
            dep.otherCalls.push(call);
    }
}

/** `app.image("x", storage=` mid-edit: the calls that matter most keep working while the user types. */
function readBrokenUse(attr: Node, name: Node, dep: DeploymentModel, index: SourceIndex, ctx: EvalContext): void {
    const broken = brokenCall(index, attr, name, ctx);
    if (!broken) return;
    const call = mark(broken.call, attr);
    if (name.text === 'image') {
        const image: ImageModel = { call, calls: [] };
        const target = brokenAssignment(index, attr);
        if (target) image.variable = target.variable;
        dep.image = image;
        imageTops.set(image, broken.endIndex);
    } else if (name.text === 'configure_autoscaling') {
        dep.autoscalingCalls.push(call);
    } else if (name.text === 'ensure_ready') {
        dep.ensureReadyCalls.push(call);
    } else if (name.text !== 'get_context') {
        dep.otherCalls.push(call);
    }
}

/** Where each image's defining chain ends, so later uses of its variable are read from there on. */
const imageTops = new WeakMap<ImageModel, number>();

/** Calls made later through the image's variable (`image.require(...)`), until the variable is rebound. */
function readImageVariable(image: ImageModel, index: SourceIndex, ctx: EvalContext): void {
    const variable = image.variable;
    const from = imageTops.get(image);
    if (!variable || from === undefined) return;
    let until = Infinity;
    for (const id of index.identifiers(variable, '=')) {
        const parent = parentOf(id);
        if (id.startIndex < from || parent?.type !== 'assignment') continue;
        if (sameNode(parent.childForFieldName('left'), id) && !insideFunction(id)) {
            until = id.startIndex;
            break;
        }
    }
    for (const id of index.identifiers(variable, '.')) {
        if (id.startIndex < from || id.startIndex >= until) continue;
        const used = methodCalledOn(id);
        if (!used) continue;
        image.calls.push(mark(methodCall(used.call, used.name, ctx), used.call));
        image.calls.push(...chainedCalls(used.call, ctx).calls.map((c) => mark(c, used.call)));
    }
}

/** Builds the deployments of a file and the remotes registered on apps imported from elsewhere. */
export function readDeployments(
    index: SourceIndex,
    bindings: Bindings,
    getContextNames: string[],
    ctx: EvalContext,
): Pick<FileAnalysis, 'deployments' | 'foreignRemotes'> {
    const bound = findDeployments(index, bindings, ctx);
    const variables = new Set(bound.map((b) => b.model.variable));
    for (const variable of variables) {
        for (const id of index.identifiers(variable, '.')) {
            const owner = ownerOf(bound, variable, id.startIndex);
            if (owner) readUse(id, owner.model, index, ctx);
        }
    }
    for (const b of bound) if (b.model.image) readImageVariable(b.model.image, index, ctx);
    readBareGetContext(index, getContextNames, bound);
    return { deployments: bound.map((b) => b.model), foreignRemotes: readForeignRemotes(index, variables, ctx) };
}

/** `get_context(X)` imported bare: it belongs to the deployment that registers X (else the first one). */
function readBareGetContext(index: SourceIndex, names: string[], bound: Bound[]): void {
    for (const name of names) {
        for (const id of index.identifiers(name, '(')) {
            const call = parentOf(id);
            if (call?.type !== 'call' || !sameNode(call.childForFieldName('function'), id)) continue;
            const use = contextUse(call);
            const owner = bound.find((b) => b.model.contexts.some((c) => c.name === use.target)) ?? bound[0];
            owner?.model.contextUses.push(use);
        }
    }
}

/** `@x.remote(...)` where `x` comes from `from module import x`. */
function readForeignRemotes(index: SourceIndex, local: Set<string>, ctx: EvalContext): FileAnalysis['foreignRemotes'] {
    const out: FileAnalysis['foreignRemotes'] = [];
    for (const id of index.identifiers('remote')) {
        const attr = parentOf(id);
        const obj = attr?.type === 'attribute' ? attr.childForFieldName('object') : null;
        if (!attr || !obj || obj.type !== 'identifier' || local.has(obj.text)) continue;
        if (!sameNode(attr.childForFieldName('attribute'), id)) continue;
        const used = methodCalledOn(obj);
        const decorator = parentOf(used?.call ?? attr);
        if (decorator?.type !== 'decorator') continue;
        const from = fromImportOf(index, obj.text);
        if (!from) continue;
        const remote = readRemote(decorator, methodCall(used?.call ?? attr, id, ctx), ctx);
        if (remote) out.push({ variable: obj.text, module: from.module, importedName: from.importedName, remote });
    }
    return out;
}
