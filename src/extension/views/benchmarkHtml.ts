/**
 * The benchmark view's HTML: numbers, a comparison with the previous run and two inline SVG charts (latency by
 * percentile, latency per call). No scripts from anywhere but the page itself (nonce), no CDN, theme colours only.
 * vscode-free and pure so it can be checked and benched in plain Node.
 */
import type { Summary } from '../../shared/benchmarkStats';
import type { BenchmarkRecord } from '../types';
import { noiseVerdicts, type NoiseVerdict, type Stat } from './benchmarkNoise';
import { placeAxisLabels, type AxisLabel } from './chartLayout';

const esc = (s: string): string =>
    s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function fmtMs(ms: number | undefined): string {
    if (ms === undefined || !Number.isFinite(ms)) return '–';
    if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
    if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
    if (ms >= 100) return `${ms.toFixed(0)} ms`;
    return `${ms.toFixed(1)} ms`;
}

/**
 * "+12%" / "−8%" with a class telling better from worse (lower latency is better unless `higherIsBetter`). With a
 * noise verdict that says the change is within run-to-run noise, it is shown grey with "≈" and the reason on hover.
 */
function delta(
    now: number | undefined,
    before: number | undefined,
    higherIsBetter = false,
    verdict?: NoiseVerdict,
): string {
    if (
        now === undefined ||
        before === undefined ||
        !Number.isFinite(now) ||
        !Number.isFinite(before) ||
        before === 0
    ) {
        return '';
    }
    const pct = ((now - before) / before) * 100;
    if (Math.abs(pct) < 0.5) return '<span class="delta same">±0%</span>';
    const better = higherIsBetter ? pct > 0 : pct < 0;
    const sign = pct > 0 ? '+' : '−';
    const text = `${sign}${Math.abs(pct).toFixed(0)}%`;
    if (verdict && !verdict.real) {
        return `<span class="delta noise" title="${esc(verdict.why)}">≈${text}</span>`;
    }
    const title = verdict ? ` title="${esc(verdict.why)}"` : '';
    return `<span class="delta ${better ? 'better' : 'worse'}"${title}>${text}</span>`;
}

const STATS: readonly Stat[] = ['min', 'p50', 'p95', 'max', 'mean'];
type Measure = 'total' | 'route' | 'worker';

/** The successful calls' values of one measure, or undefined when the record lacks them (older runs). */
function measureValues(r: BenchmarkRecord, m: Measure): number[] | undefined {
    const ok = r.calls.filter((c) => c.ok);
    if (m === 'total') return ok.map((c) => c.ms);
    const values = ok.map((c) => (m === 'route' ? c.routeMs : c.workerMs));
    return values.every((v): v is number => typeof v === 'number') ? values : undefined;
}

/** Noise verdicts per measure and statistic for this run against the previous one. */
function verdictsFor(current: BenchmarkRecord, previous: BenchmarkRecord | undefined) {
    const out: Partial<Record<Measure, Partial<Record<Stat, NoiseVerdict>>>> = {};
    if (!previous) return out;
    for (const m of ['total', 'route', 'worker'] as const) {
        const a = measureValues(current, m);
        const b = measureValues(previous, m);
        if (a && b) out[m] = noiseVerdicts(a, b, STATS);
    }
    return out;
}

/** Throughput moves with the mean latency: its change counts when the mean's does, in the matching direction. */
function throughputVerdict(
    now: number,
    before: number | undefined,
    mean: NoiseVerdict | undefined,
    meanNow: number | undefined,
    meanBefore: number | undefined,
): NoiseVerdict | undefined {
    if (!mean || before === undefined || meanNow === undefined || meanBefore === undefined) return undefined;
    const matching = now > before === meanNow < meanBefore;
    return mean.real && matching
        ? { real: true, why: 'the mean latency changed beyond run-to-run noise too' }
        : { real: false, why: 'within run-to-run noise: the mean latency did not change beyond it' };
}

function card(label: string, value: string, d: string, hint = ''): string {
    return `<div class="card"><div class="label">${esc(label)}</div><div class="value">${value}</div><div class="sub">${d}${hint ? ` <span class="hint">${esc(hint)}</span>` : ''}</div></div>`;
}

function sortedOk(r: BenchmarkRecord): number[] {
    return r.calls
        .filter((c) => c.ok)
        .map((c) => c.ms)
        .sort((a, b) => a - b);
}

/** Latency by percentile (x 0–100 %, y ms): the current run filled, the previous one dashed. */
export function percentileChart(current: BenchmarkRecord, previous?: BenchmarkRecord): string {
    const W = 640,
        H = 240,
        L = 56,
        R = 12,
        T = 12,
        B = 32;
    const cur = sortedOk(current);
    const prev = previous ? sortedOk(previous) : [];
    const max = Math.max(1, ...cur, ...prev) * 1.1;
    const x = (p: number): number => L + (p / 100) * (W - L - R);
    const y = (ms: number): number => T + (1 - ms / max) * (H - T - B);
    const line = (vals: number[]): string =>
        vals
            .map((v, i) => `${x(vals.length === 1 ? 50 : (i / (vals.length - 1)) * 100).toFixed(1)},${y(v).toFixed(1)}`)
            .join(' ');
    const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
    const grid = ticks
        .map(
            (t) =>
                `<line class="grid" x1="${L}" x2="${W - R}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}"/><text class="axis" x="${L - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${esc(fmtMs(t))}</text>`,
        )
        .join('');
    // p95 is the marked one; p0, p50 and p100 frame it. Close ticks are pushed apart, never drawn over each other.
    const ticksX: AxisLabel[] = [0, 50, 95, 100].map((p) => ({ text: `p${p}`, x: x(p), priority: p === 95 ? 2 : 1 }));
    const xt = placeAxisLabels(ticksX, { min: L - 8, max: W })
        .map(
            (l) =>
                `<line class="grid" x1="${l.tick.toFixed(1)}" x2="${l.tick.toFixed(1)}" y1="${H - B}" y2="${H - B + 4}"/><text class="axis" x="${l.x.toFixed(1)}" y="${H - 10}" text-anchor="middle">${esc(l.text)}</text>`,
        )
        .join('');
    if (cur.length === 0) {
        return `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="Latency by percentile: no successful call"><text class="axis" x="${W / 2}" y="${H / 2}" text-anchor="middle">No successful call: no latency to plot</text></svg>`;
    }
    const area = cur.length
        ? `<polygon class="area" points="${x(0)},${y(0)} ${line(cur)} ${x(100)},${y(0)}"/><polyline class="cur" points="${line(cur)}"/>`
        : '';
    const before = prev.length ? `<polyline class="prev" points="${line(prev)}"/>` : '';
    const p95 = current.stats.latency ? `<line class="mark" x1="${x(95)}" x2="${x(95)}" y1="${T}" y2="${H - B}"/>` : '';
    return `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="Latency by percentile">${grid}${xt}${p95}${before}${area}</svg>`;
}

/** Latency of every call in start order; failed calls as red ticks at the top. */
export function callsChart(current: BenchmarkRecord): string {
    const W = 640,
        H = 160,
        L = 56,
        R = 12,
        T = 8,
        B = 24;
    const n = current.calls.length;
    if (n === 0) return '';
    const max = Math.max(1, ...current.calls.filter((c) => c.ok).map((c) => c.ms)) * 1.1;
    const bw = (W - L - R) / n;
    const bars = current.calls
        .map((c, i) => {
            const bx = (L + i * bw + bw * 0.1).toFixed(1);
            const w = Math.max(1, bw * 0.8).toFixed(1);
            if (!c.ok) {
                return `<rect class="err" x="${bx}" y="${T}" width="${w}" height="6"><title>call ${i + 1}: failed</title></rect>`;
            }
            const h = ((c.ms / max) * (H - T - B)).toFixed(1);
            return `<rect class="bar" x="${bx}" y="${(H - B - Number(h)).toFixed(1)}" width="${w}" height="${h}"><title>call ${i + 1}: ${esc(fmtMs(c.ms))}</title></rect>`;
        })
        .join('');
    const callLabels = placeAxisLabels(
        (n > 1 ? [1, n] : [1]).map((i) => ({ text: `call ${i}`, x: L + (i - 0.5) * bw })),
        { min: L, max: W - R + 8 },
    )
        .map((l) => `<text class="axis" x="${l.x.toFixed(1)}" y="${H - 6}" text-anchor="middle">${esc(l.text)}</text>`)
        .join('');
    const top = current.calls.some((c) => c.ok) ? esc(fmtMs(max)) : '';
    return `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="Latency per call"><line class="grid" x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}"/><text class="axis" x="${L - 6}" y="${T + 10}" text-anchor="end">${top}</text>${callLabels}${bars}</svg>`;
}

function summaryRow(
    label: string,
    s: Summary | null,
    p: Summary | null | undefined,
    verdicts: Partial<Record<Stat, NoiseVerdict>> | undefined,
): string {
    if (!s) return '';
    const cell = (k: Stat): string =>
        `<td>${esc(fmtMs(s[k]))} ${p ? delta(s[k], p[k], false, verdicts?.[k]) : ''}</td>`;
    return `<tr><th>${esc(label)}</th>${cell('min')}${cell('p50')}${cell('p95')}${cell('max')}${cell('mean')}</tr>`;
}

/** Longest error text shown in full; the log has the rest. */
const ERROR_TEXT_MAX = 2000;

/** The link beside error `i`: the extension opens where that call raised (the worker log's traceback). */
function tracebackLink(i: number): string {
    return `<a href="#" class="traceback" data-error="${i}" title="Open where it raised, from the worker log's traceback">traceback</a>`;
}

/** The breakdown when no call succeeded: each distinct failure with its count and text, instead of empty rows. */
function failureTable(errorCounts: readonly { message: string; count: number }[], runs: number): string {
    const rows = errorCounts
        .map((e, i) => {
            const text = e.message.length > ERROR_TEXT_MAX ? `${e.message.slice(0, ERROR_TEXT_MAX)}…` : e.message;
            return `<tr><td class="count">${e.count}</td><td class="error"><pre>${esc(text)}</pre>${tracebackLink(i)}</td></tr>`;
        })
        .join('');
    return `<p class="failed">All ${runs} calls failed: there is no latency to break down. What they failed with:</p>
<table class="failures"><tr><th>calls</th><th>error</th></tr>
${rows}
</table>`;
}

/** The whole page. `cspSource` is the webview's, `nonce` fresh per render. */
export function renderBenchmarkHtml(
    current: BenchmarkRecord,
    previous: BenchmarkRecord | undefined,
    nonce: string,
    cspSource: string,
): string {
    const s = current.stats;
    const p = previous?.stats;
    const v = verdictsFor(current, previous);
    const tv = throughputVerdict(s.throughput, p?.throughput, v.total?.mean, s.latency?.mean, p?.latency?.mean);
    const noiseNote =
        previous && s.latency && p?.latency
            ? `<div class="meta note">≈ a change within run-to-run noise: resampling both runs' calls, a change that size happens by chance (bootstrap, 95 %). Only the others are coloured. ${s.ok} vs ${p.ok} calls: more calls tell smaller changes apart.</div>`
            : '';
    const allFailed = s.runs > 0 && s.ok === 0;
    const title = `${current.name}${current.tag !== 'default' ? ` (${current.tag})` : ''}`;
    const errors = s.errorCounts
        .map((e, i) => `<li><code>${esc(e.message)}</code> × ${e.count} ${tracebackLink(i)}</li>`)
        .join('');
    const when = new Date(current.at).toLocaleString();
    const prevNote = previous
        ? `Compared with the previous run (${esc(new Date(previous.at).toLocaleString())}, ${previous.stats.runs} calls on ${previous.target === 'local' ? 'the local emulator' : 'Vast.ai'}): dashed line, percentages.`
        : 'First run for this deployment: the next run is compared with this one.';
    const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${cspSource} data:; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Benchmark: ${esc(title)}</title>
<style nonce="${nonce}">
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 20px 24px; max-width: 900px; }
h1 { font-size: 1.4em; font-weight: 600; margin-bottom: 2px; }
.meta { color: var(--vscode-descriptionForeground); margin-bottom: 16px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 10px; margin: 12px 0 18px; }
.card { border: 1px solid var(--vscode-panel-border, #8884); border-radius: 6px; padding: 10px 12px; background: var(--vscode-editorWidget-background); }
.card .label { color: var(--vscode-descriptionForeground); font-size: 0.85em; text-transform: uppercase; letter-spacing: .04em; }
.card .value { font-size: 1.6em; font-weight: 600; margin: 2px 0; font-variant-numeric: tabular-nums; }
.card .sub { min-height: 1.2em; font-size: .9em; }
.hint { color: var(--vscode-descriptionForeground); }
.delta.better { color: var(--vscode-testing-iconPassed, #3c3); } .delta.worse { color: var(--vscode-errorForeground, #e55); } .delta.same, .delta.noise { color: var(--vscode-descriptionForeground); }
.delta[title] { cursor: help; } .note { font-size: .9em; margin-top: -8px; }
.failed { color: var(--vscode-errorForeground, #e55); }
.failures td.count { vertical-align: top; } .failures td.error { text-align: left; } .failures th:last-child { text-align: left; }
.failures pre { margin: 0; white-space: pre-wrap; word-break: break-word; font-family: var(--vscode-editor-font-family); font-size: .9em; }
table { border-collapse: collapse; margin: 8px 0 18px; font-variant-numeric: tabular-nums; }
th, td { text-align: right; padding: 4px 12px; border-bottom: 1px solid var(--vscode-panel-border, #8883); }
td { white-space: nowrap; } .failures td { white-space: normal; }
th:first-child { text-align: left; }
h2 { font-size: 1.05em; margin: 18px 0 6px; }
.chart { width: 100%; height: auto; max-width: 760px; display: block; }
.grid { stroke: var(--vscode-panel-border, #8884); stroke-width: 1; }
.axis { fill: var(--vscode-descriptionForeground); font-size: 11px; }
.area { fill: var(--vscode-charts-blue, #4e8ef7); opacity: .18; }
.cur { fill: none; stroke: var(--vscode-charts-blue, #4e8ef7); stroke-width: 2; }
.prev { fill: none; stroke: var(--vscode-charts-orange, #d18616); stroke-width: 1.5; stroke-dasharray: 5 4; }
.mark { stroke: var(--vscode-descriptionForeground); stroke-dasharray: 2 3; }
.bar { fill: var(--vscode-charts-blue, #4e8ef7); } .err { fill: var(--vscode-errorForeground, #e55); }
.legend span { margin-right: 16px; } .sw { display: inline-block; width: 14px; height: 3px; vertical-align: middle; margin-right: 4px; }
.sw.cur { background: var(--vscode-charts-blue, #4e8ef7); } .sw.prev { background: var(--vscode-charts-orange, #d18616); }
button { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: none; padding: 5px 12px; border-radius: 2px; cursor: pointer; margin-right: 8px; }
button.secondary { background: var(--vscode-button-secondaryBackground); color: var(--vscode-button-secondaryForeground); }
code { font-family: var(--vscode-editor-font-family); }
</style>
</head>
<body>
<h1>Benchmark: ${esc(title)}</h1>
<div class="meta">${esc(current.function)}() · ${s.runs} calls${current.concurrency ? ` · concurrency ${current.concurrency}` : ''} · ${current.target === 'local' ? 'local emulator' : 'Vast.ai'} · ${esc(when)}</div>
<div><button id="again">Run Again</button><button id="logs" class="secondary">Show Logs</button></div>
<div class="cards">
${card('p50 latency', esc(fmtMs(s.latency?.p50)), delta(s.latency?.p50, p?.latency?.p50, false, v.total?.p50))}
${card('p95 latency', esc(fmtMs(s.latency?.p95)), delta(s.latency?.p95, p?.latency?.p95, false, v.total?.p95))}
${card('Throughput', `${s.throughput.toFixed(s.throughput >= 100 ? 0 : 1)}<span class="hint"> /s</span>`, delta(s.throughput, p?.throughput, true, tv))}
${card('Errors', `${s.errors}<span class="hint"> / ${s.runs}</span>`, p ? (s.errors === p.errors ? '<span class="delta same">same as before</span>' : `<span class="delta ${s.errors < p.errors ? 'better' : 'worse'}">was ${p.errors}</span>`) : '')}
</div>
${NOISE_NOTE_SLOT}
<h2>Latency by percentile</h2>
<div class="legend"><span><i class="sw cur"></i>this run</span>${previous ? '<span><i class="sw prev"></i>previous run</span>' : ''}</div>
${percentileChart(current, previous)}
<h2>Every call</h2>
${callsChart(current)}
<h2>Breakdown</h2>
${
    allFailed
        ? failureTable(s.errorCounts, s.runs)
        : `<table><tr><th></th><th>min</th><th>p50</th><th>p95</th><th>max</th><th>mean</th></tr>
${summaryRow('Total', s.latency, p?.latency, v.total)}${summaryRow('Waiting for a worker (/route/)', s.route, p?.route, v.route)}${summaryRow('Worker call', s.worker, p?.worker, v.worker)}
</table>`
}
<div class="meta">Wall time ${esc(fmtMs(s.wallMs))}. ${prevNote}</div>
${errors && !allFailed ? `<h2>Errors</h2><ul>${errors}</ul>` : ''}
<script nonce="${nonce}">
const vscode = acquireVsCodeApi();
document.getElementById('again').addEventListener('click', () => vscode.postMessage({ type: 'runAgain' }));
document.getElementById('logs').addEventListener('click', () => vscode.postMessage({ type: 'showLogs' }));
for (const a of document.querySelectorAll('a.traceback')) {
    a.addEventListener('click', (e) => { e.preventDefault(); vscode.postMessage({ type: 'openTraceback', error: Number(a.dataset.error) }); });
}
</script>
</body>
</html>`;
    // Explained once, and only when a change on the page is marked with it.
    return html.replace(NOISE_NOTE_SLOT, html.includes('class="delta noise"') ? noiseNote : '');
}

const NOISE_NOTE_SLOT = '<!-- noise note -->';
