// Number formats the way a researcher writes them in a config: 1e-3, not 0.001000.
export function fmtSci(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 1e-2 && abs < 1e4) return String(Number(v.toPrecision(4)));
  const [m, e] = v.toExponential(2).split('e');
  const mant = String(Number(m));
  return `${mant}e${Number(e)}`;
}

export const fmtPct = (v: number | null | undefined, digits = 1): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(digits)}%`;

/** 12345 → "12.3k" for dense columns; exact below 10k. */
export function fmtSteps(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  if (Math.abs(v) < 10_000) return String(v);
  if (Math.abs(v) < 1e6) return `${Number((v / 1e3).toPrecision(3))}k`;
  return `${Number((v / 1e6).toPrecision(3))}M`;
}

export const fmtValue = (v: number | null | undefined): string =>
  v === null || v === undefined ? '–' : Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v);

export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** From start to finish, or to `now` (ms) while the run goes on. */
export function fmtDuration(fromIso: string | null, toIso: string | null, now = Date.now()): string {
  if (!fromIso) return '–';
  const from = new Date(fromIso).getTime();
  const to = toIso ? new Date(toIso).getTime() : now;
  if (!Number.isFinite(from) || !Number.isFinite(to)) return '–';
  const s = Math.max(0, Math.round((to - from) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}
