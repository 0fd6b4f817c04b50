/**
 * Finds every `Deployment(...)` in a file and everything done with it: decorators, image chains, autoscaling,
 * `ensure_ready`, `get_context`. Driven by where the bound names occur (see `SourceIndex`), so the cost follows the
 * number of mentions rather than the size of the file.
 */
import type { Node } from 'web-tree-sitter';
import type { ContextUse, DeploymentModel, FileAnalysis, ImageModel, MethodCall, PyValue, Range } from '../model';
import { assignedTo, chainedCalls, insideFunction, methodCall, methodCalledOn } from './calls';
import { readContext, readRemote } from './definitions';
import { brokenAssignment, brokenCall } from './recovery';
import { fromImportOf, isDeploymentPath, type Bindings } from './imports';
import { namedChildren, parentOf, rangeOf, sameNode, type SourceIndex } from './nodes';
import { compareOrder, reachOf, type Reach } from './flow';
import { evaluate, type EvalContext } from './values';

interface Bound {
    model: DeploymentModel;
    /** Where the binding statement starts (JS string offset). */
    start: number;
    /** When the binding runs (see `Reach`). */
    order: number[];
}

/** Per-analysis memo of where nodes run. */
class Flow {
    private readonly memo = new Map<number, Reach>();
    constructor(private readonly ctx: EvalContext) {}
    of(node: Node): Reach {
        let r = this.memo.get(node.id);
        if (!r) this.memo.set(node.id, (r = reachOf(node, this.ctx)));
        return r;
    }
}

/** Where the node runs, recording on `dep` why it cannot be followed; undefined when it never runs. */
function admit(flow: Flow, node: Node, dep: DeploymentModel, what: string): number[] | undefined {
    const r = flow.of(node);
    if (r.kind === 'never') return undefined;
    if (r.kind === 'runs') return r.order;
    dep.unfollowable ??= [];
    if (!dep.unfollowable.some((u) => u.range.start.line === rangeOf(node).start.line)) {
        dep.unfollowable.push({
            message: `${what} at line ${node.startPosition.row + 1}: ${r.reason}`,
            range: rangeOf(node),
            reasonRange: r.range,
        });
    }
    return [node.startIndex];
}

/** Deployment methods whose calls change what is sent. */
const SENT = new Set(['image', 'configure_autoscaling', 'remote']);

/** Execution order of recorded calls, kept beside the model (not part of it). */
const callOrder = new WeakMap<object, number[]>();

function ordered<T extends object>(items: T[]): T[] {
    return items
        .map((item, i) => ({ item, i }))
        .sort((a, b) => compareOrder(callOrder.get(a.item) ?? [], callOrder.get(b.item) ?? []) || a.i - b.i)
        .map((x) => x.item);
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
): { variable: string; call: MethodCall; range: Range; start: number; key: number; node: Node } | undefined {
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
            node: call,
        };
    }
    const broken = brokenCall(index, callee, nameNode, ctx);
    const target = broken ? brokenAssignment(index, callee) : undefined;
    if (!broken || !target) return undefined;
    const start = index.nodeAt(target.start, target.start + 1);
    const range = { start: start ? rangeOf(start).start : broken.call.range.start, end: broken.call.range.end };
    return { variable: target.variable, call: broken.call, range, start: target.start, key: callee.id, node: callee };
}

/** `Deployment(...)` calls assigned to a plain name, in source order. */
function findDeployments(index: SourceIndex, bindings: Bindings, ctx: EvalContext, flow: Flow): Bound[] {
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
            const order = admit(flow, found.node, model, 'Deployment(...)');
            if (order) out.push({ model, start: found.start, order });
        }
    }
    return out.sort((a, b) => compareOrder(a.order, b.order));
}

/** The deployment a use of `variable` running at `order` refers to: the latest binding before it, else the first. */
function ownerOf(bound: Bound[], variable: string, order: number[]): Bound | undefined {
    let owner: Bound | undefined;
    for (const b of bound) {
        if (b.model.variable !== variable) continue;
        if (!owner || compareOrder(b.order, order) <= 0) owner = b;
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
function readUse(id: Node, dep: DeploymentModel, index: SourceIndex, ctx: EvalContext, order: number[]): void {
    const attr = parentOf(id);
    if (!attr || attr.type !== 'attribute' || !sameNode(attr.childForFieldName('object'), id)) return;
    const name = attr.childForFieldName('attribute');
    if (!name) return;
    const used = methodCalledOn(id);
    const callNode = used?.call;
    const decorator = parentOf(callNode ?? attr);
    const keep = <T extends object>(x: T): T => {
        callOrder.set(x, order);
        return x;
    };
    if (decorator?.type === 'decorator') {
        const call = methodCall(callNode ?? attr, name, ctx);
        if (name.text === 'remote') {
            const remote = readRemote(decorator, call, ctx);
            if (remote) dep.remotes.push(keep(remote));
            return;
        }
        if (name.text === 'context') {
            const context = readContext(decorator, call);
            if (context) dep.contexts.push(keep(context));
            return;
        }
        dep.otherCalls.push(keep(mark(call, decorator)));
        return;
    }
    if (!callNode) {
        readBrokenUse(attr, name, dep, index, ctx, keep);
        return;
    }
    const call = mark(methodCall(callNode, name, ctx), callNode);
    switch (name.text) {
        case 'image': {
            const chain = chainedCalls(callNode, ctx);
            const image: ImageModel = { call, calls: chain.calls };
            for (const c of chain.calls) keep(c);
            const target = assignedTo(chain.top);
            if (target) image.variable = target.variable;
            // Several image() calls: the last one to run wins, as in the SDK.
            const previous = dep.image;
            if (!previous || compareOrder(callOrder.get(previous) ?? [], order) <= 0) {
                dep.image = keep(image);
                if (previous) replaced(dep, previous);
            } else {
                replaced(dep, keep(image));
            }
            imageTops.set(image, chain.top.endIndex);
            return;
        }
        case 'configure_autoscaling':
            dep.autoscalingCalls.push(keep(call));
            return;
        case 'ensure_ready':
            dep.ensureReadyCalls.push(keep(call));
            return;
        case 'get_context':
            dep.contextUses.push(keep(contextUse(callNode)));
            return;
        default:
            dep.otherCalls.push(keep(call));
    }
}

/** The first value in `v` the editor could not evaluate, looking inside containers. */
function firstDynamic(v: PyValue): PyValue | undefined {
    if (v.kind === 'dynamic') return v;
    if (v.kind === 'list' || v.kind === 'tuple' || v.kind === 'set') {
        for (const item of v.items) {
            const d = firstDynamic(item);
            if (d) return d;
        }
    }
    if (v.kind === 'dict') {
        for (const e of v.entries) {
            const d = firstDynamic(e.key) ?? firstDynamic(e.value);
            if (d) return d;
        }
    }
    return undefined;
}

function replaced(dep: DeploymentModel, image: ImageModel): void {
    (dep.replacedImages ??= []).push(image);
}

/**
 * An image() call that a later one replaces still runs: Python evaluates its arguments (and its chained calls'),
 * and one it cannot evaluate (an undefined name...) may raise before anything is sent. The editor cannot tell, so
 * the deploy is refused rather than send the later image as if the earlier call could not fail.
 */
function refuseUnevaluated(dep: DeploymentModel, replaced: ImageModel): void {
    for (const c of [replaced.call, ...replaced.calls]) {
        for (const a of c.args) {
            const d = firstDynamic(a.value);
            if (!d || d.kind !== 'dynamic') continue;
            dep.unfollowable ??= [];
            dep.unfollowable.push({
                message:
                    `the replaced app.image(...) at line ${replaced.call.range.start.line + 1}: Python still evaluates ` +
                    `\`${d.text.slice(0, 60)}\` there (it may raise), which the editor cannot evaluate`,
                range: d.range,
                reasonRange: replaced.call.range,
            });
            return;
        }
    }
}

/** `app.image("x", storage=` mid-edit: the calls that matter most keep working while the user types. */
function readBrokenUse(
    attr: Node,
    name: Node,
    dep: DeploymentModel,
    index: SourceIndex,
    ctx: EvalContext,
    keep: <T extends object>(x: T) => T,
): void {
    const broken = brokenCall(index, attr, name, ctx);
    if (!broken) return;
    const call = keep(mark(broken.call, attr));
    if (name.text === 'image') {
        const image: ImageModel = keep({ call, calls: [] });
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

/** The identifier a method chain starts from (`image` in `image.pip_install("x").env(A="1")`), if any. */
function chainRoot(expr: Node): Node | undefined {
    let n: Node | null = expr;
    while (n && (n.type === 'call' || n.type === 'attribute' || n.type === 'parenthesized_expression')) {
        if (n.type === 'call') n = n.childForFieldName('function');
        else if (n.type === 'attribute') n = n.childForFieldName('object');
        else n = namedChildren(n)[0] ?? null;
    }
    return n?.type === 'identifier' ? n : undefined;
}

/**
 * Calls made later through the image's variable (`image.require(...)`), in execution order, until the variable is
 * bound to something else. `image = image.pip_install("x")` keeps the image (every Image method returns it), and
 * `other = image.env(...)` makes `other` the same image too.
 */
function readImageVariable(
    dep: DeploymentModel,
    image: ImageModel,
    index: SourceIndex,
    ctx: EvalContext,
    flow: Flow,
    replaced = false,
): void {
    const first = image.variable;
    const from = imageTops.get(image);
    const startOrder = callOrder.get(image) ?? [];
    if (!first || from === undefined) return;
    const uses: { call: MethodCall; order: number[] }[] = [];
    /** Per variable: when it stops naming the image (rebound to something else), in execution order. */
    const names = new Map<string, number[] | undefined>([[first, undefined]]);
    const pending = [first];
    while (pending.length > 0) {
        const variable = pending.pop() as string;
        let until: number[] | undefined;
        const bindings = index.identifiers(variable, '=').filter((id) => {
            const parent = parentOf(id);
            return parent?.type === 'assignment' && sameNode(parent.childForFieldName('left'), id);
        });
        for (const id of bindings) {
            const right = parentOf(id)?.childForFieldName('right');
            const root = right ? chainRoot(right) : undefined;
            if (root && names.has(root.text)) continue; // still the image
            const order = admit(flow, id, dep, `${variable} = ...`);
            if (!order || compareOrder(order, startOrder) <= 0) continue;
            if (!until || compareOrder(order, until) < 0) until = order;
        }
        names.set(variable, until);
        for (const id of index.identifiers(variable, '.')) {
            const used = methodCalledOn(id);
            if (!used) continue;
            const order = admit(flow, used.call, dep, `${variable}.${used.name.text}(...)`);
            // (A replaced image's variable is checked once, by the winning image's pass.)
            if (order && !replaced && variable === first && compareOrder(order, startOrder) < 0) {
                usedBeforeAssigned(dep, used.call, `${variable}.${used.name.text}(...)`, bindings, flow, order, image);
            }
            if (!order || compareOrder(order, startOrder) <= 0 || (until && compareOrder(order, until) >= 0)) continue;
            const chain = chainedCalls(used.call, ctx);
            uses.push({ call: mark(methodCall(used.call, used.name, ctx), used.call), order });
            chain.calls.forEach((c, i) => uses.push({ call: mark(c, used.call), order: [...order, i + 1] }));
            const alias = assignedTo(chain.top);
            if (alias && !names.has(alias.variable)) {
                names.set(alias.variable, undefined);
                pending.push(alias.variable);
            }
        }
    }
    uses.sort((a, b) => compareOrder(a.order, b.order));
    image.calls.push(...uses.map((u) => u.call));
}

/**
 * A call through the image's variable that runs before any assignment of that variable: Python raises NameError
 * there and the SDK deploys nothing, so the deploy is refused (it must not quietly drop or reorder the call).
 */
function usedBeforeAssigned(
    dep: DeploymentModel,
    call: Node,
    what: string,
    assignments: Node[],
    flow: Flow,
    order: number[],
    image: ImageModel,
): void {
    const earlier = assignments.some((id) => {
        const r = flow.of(id);
        return r.kind !== 'never' && compareOrder(r.kind === 'runs' ? r.order : [id.startIndex], order) < 0;
    });
    if (earlier) return;
    dep.unfollowable ??= [];
    dep.unfollowable.push({
        message:
            `${what} at line ${call.startPosition.row + 1}: it runs before the variable is assigned (line ` +
            `${image.call.range.start.line + 1}), so Python raises NameError there and the SDK deploys nothing`,
        range: rangeOf(call),
        reasonRange: image.call.range,
    });
}

/** `app.name = "x"` (and `tag`, `version_label`) after construction: the SDK reads the attribute at deploy time. */
function readAttributes(b: Bound, index: SourceIndex, ctx: EvalContext, flow: Flow): void {
    const dep = b.model;
    const sets: { attr: 'name' | 'tag' | 'version_label'; value: PyValue; order: number[] }[] = [];
    for (const id of index.identifiers(dep.variable)) {
        const attr = parentOf(id);
        if (attr?.type !== 'attribute' || !sameNode(attr.childForFieldName('object'), id)) continue;
        const field = attr.childForFieldName('attribute')?.text;
        if (field !== 'name' && field !== 'tag' && field !== 'version_label') continue;
        const assign = parentOf(attr);
        if (assign?.type !== 'assignment' || !sameNode(assign.childForFieldName('left'), attr)) continue;
        const order = admit(flow, assign, dep, `${dep.variable}.${field} = ...`);
        if (!order || compareOrder(order, b.order) <= 0) continue;
        const right = assign.childForFieldName('right');
        if (right) sets.push({ attr: field, value: evaluate(right, ctx), order });
    }
    sets.sort((x, y) => compareOrder(x.order, y.order));
    for (const s of sets) (dep.attributes ??= {})[s.attr] = s.value;
}

/** Builds the deployments of a file and the remotes registered on apps imported from elsewhere. */
export function readDeployments(
    index: SourceIndex,
    bindings: Bindings,
    getContextNames: string[],
    ctx: EvalContext,
): Pick<FileAnalysis, 'deployments' | 'foreignRemotes'> {
    const flow = new Flow(ctx);
    const bound = findDeployments(index, bindings, ctx, flow);
    const variables = new Set(bound.map((b) => b.model.variable));
    for (const variable of variables) {
        for (const id of index.identifiers(variable, '.')) {
            const first = ownerOf(bound, variable, [id.startIndex]);
            if (!first) continue;
            const used = methodCalledOn(id);
            const method = used?.name.text ?? parentOf(id)?.childForFieldName('attribute')?.text ?? '';
            const decorated = used ? parentOf(used.call) : parentOf(parentOf(id) ?? id);
            // A decorator runs where its definition statement runs.
            const site = decorated?.type === 'decorator' ? (parentOf(decorated) ?? decorated) : (used?.call ?? id);
            // Only what changes the deployment follows the flow; other uses (get_context in a remote function,
            // ensure_ready in main()) are kept where they are written, for the rules.
            const order = SENT.has(method)
                ? admit(flow, site, first.model, `${variable}.${method}(...)`)
                : [site.startIndex];
            if (!order) continue;
            const owner = ownerOf(bound, variable, order);
            if (owner) readUse(id, owner.model, index, ctx, order);
        }
    }
    for (const b of bound) {
        const dep = b.model;
        if (dep.image) readImageVariable(dep, dep.image, index, ctx, flow);
        // A replaced image still runs, with the calls made through its variable before it is rebound.
        for (const r of dep.replacedImages ?? []) {
            readImageVariable(dep, r, index, ctx, flow, true);
            refuseUnevaluated(dep, r);
        }
        readAttributes(b, index, ctx, flow);
        dep.remotes = ordered(dep.remotes);
        dep.autoscalingCalls = ordered(dep.autoscalingCalls);
        dep.ensureReadyCalls = ordered(dep.ensureReadyCalls);
        dep.otherCalls = ordered(dep.otherCalls);
    }
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
