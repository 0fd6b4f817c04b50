/** Helpers over statically evaluated Python values. */
import type { PyValue } from '../model';
import type { ValueType } from './sdk';

/** True when `v` may be of one of `types`; dynamic values always may. */
export function typeMatches(v: PyValue, types: readonly ValueType[]): boolean {
    if (v.kind === 'dynamic' || types.includes('any')) return true;
    switch (v.kind) {
        case 'str':
            return types.includes('str');
        case 'int':
            return types.includes('int') || types.includes('number');
        case 'float':
            return types.includes('number');
        case 'none':
            return types.includes('none');
        case 'list':
        case 'tuple':
            return types.includes('list');
        case 'lambda':
            return types.includes('callable');
        case 'query':
            return types.includes('query');
        default:
            return false;
    }
}

/** How a value kind reads in a message. */
export function kindName(v: PyValue): string {
    return v.kind === 'none' ? 'None' : v.kind === 'query' ? 'a query' : v.kind === 'lambda' ? 'a lambda' : v.kind;
}

/** How an expected type list reads in a message. */
export function typesName(types: readonly ValueType[]): string {
    const names: Record<ValueType, string> = {
        str: 'a string',
        int: 'an int',
        number: 'a number',
        none: 'None',
        list: 'a list',
        callable: 'a function',
        query: 'a query such as gpu_ram >= 24000',
        any: 'anything',
    };
    const shown = types.includes('number') ? types.filter((t) => t !== 'int') : types;
    return shown.map((t) => names[t]).join(' or ');
}

/** Every dynamic part of `v` (itself, list items, dict keys/values, query term values). */
export function dynamicParts(v: PyValue): Extract<PyValue, { kind: 'dynamic' }>[] {
    switch (v.kind) {
        case 'dynamic':
            return [v];
        case 'list':
        case 'tuple':
        case 'set':
            return v.items.flatMap(dynamicParts);
        case 'dict':
            return v.entries.flatMap((e) => [...dynamicParts(e.key), ...dynamicParts(e.value)]);
        case 'query':
            return v.terms.flatMap((t) => dynamicParts(t.value));
        default:
            return [];
    }
}

/**
 * Parts of `v` the SDK serializer (`serialization.py`) cannot send: it takes int, str, float, None, bytes, list,
 * tuple, dict and plain objects; `bool` is refused, sets and functions have no wire form.
 */
export function unserializableParts(v: PyValue): { value: PyValue; why: string }[] {
    switch (v.kind) {
        case 'bool':
            return [{ value: v, why: 'bool is refused by the SDK serializer (TypeError); send 0/1 or a string' }];
        case 'set':
            return [{ value: v, why: 'a set has no wire form in the SDK serializer; use a list' }];
        case 'lambda':
            return [{ value: v, why: 'a function cannot be sent as an argument' }];
        case 'query':
            return [{ value: v, why: 'a query object cannot be sent as an argument' }];
        case 'list':
        case 'tuple':
            return v.items.flatMap(unserializableParts);
        case 'dict':
            return v.entries.flatMap((e) => [...unserializableParts(e.key), ...unserializableParts(e.value)]);
        default:
            return [];
    }
}

/** The string value of a literal, else undefined. */
export function strValue(v: PyValue | undefined): string | undefined {
    return v?.kind === 'str' ? v.value : undefined;
}
