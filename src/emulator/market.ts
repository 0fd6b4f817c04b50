/**
 * `POST /api/v0/bundles/` (the offers search of `vastai search offers`) against a synthetic market: a fixed set of
 * machines built from the SDK's GPU vocabulary, the same on every run, so "machines and prices" works and is tested
 * offline. Every answer says `"synthetic": true` and which query fields the synthetic machines do not carry (those
 * do not filter). Prices are made up: the UI labels them "synthetic prices".
 */
import { createHash } from 'node:crypto';
import { parseQuery } from '../shared/market/query';
import { GPU_NAMES } from '../shared/vocabulary';
import { apiError, json, jsonObject, type Reply, type Req } from './http';

type Row = Record<string, string | number | boolean>;

/** Known GPU memory in GB; others get a size from their name's hash. */
const GPU_RAM_GB: Record<string, number> = {
    'A100 PCIE': 40,
    'A100 SXM': 80,
    'A100 SXM4': 80,
    A10: 24,
    A16: 16,
    A30: 24,
    A40: 48,
    B200: 180,
    'H100 NVL': 94,
    'H100 PCIE': 80,
    'H100 SXM': 80,
    H200: 141,
    'H200 NVL': 141,
    'GH200 SXM': 96,
    L4: 24,
    L40: 48,
    L40S: 48,
    'RTX 3090': 24,
    'RTX 4090': 24,
    'RTX 4090D': 24,
    'RTX 5090': 32,
    'RTX A6000': 48,
    'RTX PRO 6000': 96,
    'RTX PRO 6000 S': 96,
    'RTX PRO 6000 WS': 96,
    'RTX 4080': 16,
    'RTX 4080S': 16,
    'RTX 3060': 12,
    'RTX 4060': 8,
    'RTX 4070': 12,
    'RTX 5080': 16,
    'RTX 5070': 12,
    'RTX 5060': 8,
};
const COUNTRIES = ['US', 'CA', 'DE', 'SE', 'NL', 'FR', 'PL', 'JP', 'TW', 'BR'];

function seed(text: string): number {
    return createHash('sha256').update(text).digest().readUInt32BE(0);
}

let cached: Row[] | undefined;

/** The synthetic machines: 1–3 per GPU name, each offered with 1 GPU and, on some, with all its GPUs. */
export function syntheticOffers(): Row[] {
    if (cached) return cached;
    const rows: Row[] = [];
    let id = 1000;
    const names = Object.values(GPU_NAMES).sort();
    for (const [gi, gpu] of names.entries()) {
        const h = seed(gpu);
        const ramGb = GPU_RAM_GB[gpu] ?? [8, 12, 16, 24, 32, 48][h % 6]!;
        const machines = 1 + (h % 3);
        for (let m = 0; m < machines; m++) {
            const hm = seed(`${gpu}#${m}`);
            const machineId = 10_000 + gi * 10 + m;
            const gpus = [1, 2, 4, 8][hm % 4]!;
            // $/h per GPU from memory size, spread ±20% per machine.
            const perGpu = (0.05 + ramGb * 0.012) * (0.8 + ((hm >> 8) % 41) / 100);
            for (const n of gpus === 1 ? [1] : [1, gpus]) {
                const dphBase = Math.round(perGpu * n * 1000) / 1000;
                rows.push({
                    id: id++,
                    ask_contract_id: id,
                    machine_id: machineId,
                    host_id: 500 + gi,
                    gpu_name: gpu,
                    gpu_arch: /^(RX |PRO W)/.test(gpu) ? 'amd' : 'nvidia',
                    num_gpus: n,
                    gpu_ram: ramGb * 1024,
                    gpu_total_ram: ramGb * 1024 * n,
                    gpu_frac: n / gpus,
                    cpu_cores: 8 * gpus,
                    cpu_cores_effective: 8 * n,
                    cpu_ram: 32_768 * gpus,
                    cpu_arch: 'amd64',
                    disk_space: 200 + ((hm >> 4) % 8) * 100,
                    disk_bw: 1500,
                    inet_down: 500 + ((hm >> 12) % 20) * 50,
                    inet_up: 200 + ((hm >> 16) % 20) * 25,
                    direct_port_count: 20,
                    reliability: 0.95 + ((hm >> 20) % 50) / 1000,
                    reliability2: 0.95 + ((hm >> 20) % 50) / 1000,
                    verified: true,
                    rentable: true,
                    rented: false,
                    external: false,
                    datacenter: (hm & 1) === 1,
                    static_ip: (hm & 2) === 2,
                    geolocation: COUNTRIES[(hm >> 24) % COUNTRIES.length]!,
                    cuda_max_good: 12.4,
                    compute_cap: 860,
                    driver_version: '550.54.15',
                    pci_gen: 4,
                    total_flops: Math.round(ramGb * 2.5 * n),
                    dlperf: Math.round(ramGb * 1.5 * n),
                    duration: 30 * 86_400,
                    storage_cost: 0.15,
                    dph_base: dphBase,
                    dph_total: dphBase,
                });
            }
        }
    }
    cached = rows;
    return rows;
}

/** Keys of the body that are request options, not filters. */
const REQUEST_KEYS = new Set(['order', 'type', 'limit', 'allocated_storage', 'disable_bundling', 'select_cols']);

function looseEq(a: unknown, b: unknown): boolean {
    if (a === b) return true;
    if (typeof a === 'number' && (typeof b === 'string' || typeof b === 'number')) return a === Number(b);
    if (typeof a === 'boolean' && typeof b === 'string') return String(a) === b.toLowerCase();
    if (typeof a === 'string' && typeof b === 'string') return a === b.replace(/_/g, ' ');
    return false;
}

function opMatches(value: unknown, op: string, want: unknown): boolean {
    switch (op) {
        case 'eq':
            return want === null ? value === null : looseEq(value, want);
        case 'neq':
            return !looseEq(value, want);
        case 'in':
            return Array.isArray(want) && want.some((w) => looseEq(value, w));
        case 'notin':
            return Array.isArray(want) && !want.some((w) => looseEq(value, w));
        case 'gt':
        case 'gte':
        case 'lt':
        case 'lte': {
            const a = Number(value);
            const b = Number(want);
            if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
            return op === 'gt' ? a > b : op === 'gte' ? a >= b : op === 'lt' ? a < b : a <= b;
        }
        default:
            return false;
    }
}

/** Filters, prices (storage included), orders and limits the synthetic market for one query. */
export function searchSynthetic(q: Record<string, unknown>): { offers: Row[]; ignored: string[] } | string {
    const ignored = new Set<string>();
    const filters: [string, string, unknown][] = [];
    for (const [field, ops] of Object.entries(q)) {
        if (REQUEST_KEYS.has(field)) continue;
        if (!ops || typeof ops !== 'object' || Array.isArray(ops)) return `Invalid filter for ${field}`;
        for (const [op, want] of Object.entries(ops)) filters.push([field, op, want]);
    }
    const all = syntheticOffers();
    const known = new Set(Object.keys(all[0] ?? {}));
    const storage = typeof q.allocated_storage === 'number' && q.allocated_storage > 0 ? q.allocated_storage : 5;
    const offers = all
        .filter((row) =>
            filters.every(([field, op, want]) => {
                if (!known.has(field)) {
                    ignored.add(field);
                    return true;
                }
                return opMatches(row[field], op, want);
            }),
        )
        .map((row): Row => {
            // storage_cost is $/GB/month; the offer's price includes the storage asked for, per hour.
            const dph = (row.dph_base as number) + ((row.storage_cost as number) * storage) / 730;
            return { ...row, dph_total: Math.round(dph * 10_000) / 10_000 };
        });
    const order = Array.isArray(q.order) ? (q.order as unknown[]) : [['score', 'desc']];
    for (const o of [...order].reverse()) {
        if (!Array.isArray(o) || typeof o[0] !== 'string') continue;
        const [field, dir] = o as [string, string];
        const key = field === 'score' ? 'dlperf' : field;
        const sign = dir === 'desc' ? -1 : 1;
        offers.sort((a, b) => sign * (Number(a[key] ?? 0) - Number(b[key] ?? 0)));
    }
    const limit = typeof q.limit === 'number' && q.limit > 0 ? Math.min(q.limit, 5000) : 64;
    return { offers: offers.slice(0, limit), ignored: [...ignored] };
}

/** The route: `POST /api/v0/bundles/` (authenticated like the rest of the console). */
export function marketRoute(req: Req): Reply | undefined {
    if (req.path !== '/api/v0/bundles/' || req.method !== 'POST') return undefined;
    const q = jsonObject(req.body);
    if (!q) return apiError(400, 'invalid_args', 'The request body must be a JSON object');
    const r = searchSynthetic(q);
    if (typeof r === 'string') return apiError(400, 'invalid_args', r);
    return json(200, { success: true, offers: r.offers, synthetic: true, ignored_fields: r.ignored });
}

/**
 * Why no machine of the market can run a deployment with these `search_params`, or undefined when one can. On Vast a
 * workergroup whose query matches no offer creates no worker and its endpoint waits; the emulator does the same.
 * The reason names the first requirement no machine meets on its own, when there is one.
 */
export function noMachineReason(searchParams: string): string | undefined {
    let q: Record<string, Record<string, unknown>>;
    try {
        q = parseQuery(searchParams);
    } catch (e) {
        return `the deployment's search_params cannot be read (${e instanceof Error ? e.message : String(e)})`;
    }
    const matches = (query: Record<string, unknown>): boolean => {
        const r = searchSynthetic({ ...query, limit: 1 });
        return typeof r !== 'string' && r.offers.length > 0;
    };
    if (matches(q)) return undefined;
    const alone = Object.keys(q).find((field) => !matches({ [field]: q[field] }));
    const which = alone
        ? `no machine meets ${requirement(searchParams, alone)}`
        : `no machine meets all of them together (search_params: ${searchParams})`;
    return `no machine in the market matches the deployment's image.require(...): ${which}`;
}

/** The `search_params` token(s) of one column (`gpu_name in RTX_9999`), for a message. */
function requirement(searchParams: string, field: string): string {
    const own = searchParams.split(/ (?=[a-zA-Z0-9_]+(?: *[=><!]| +(?:in|notin) ))/).filter((t) => t.startsWith(field));
    return own.length > 0 ? own.join(' ') : field;
}
