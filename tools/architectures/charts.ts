/**
 * The comparison's charts as standalone SVG (they open in any browser and show inline in Markdown): bars,
 * grouped or stacked, and a per-second timeline with the fault's window shaded. Pure: figures in, text out.
 */

import { CATEGORY_COLORS } from '@shop/load-generator';

export interface Series {
  name: string;
  values: readonly (number | null)[];
  color?: string;
}

export interface BarChart {
  title: string;
  yLabel: string;
  /** One group of bars (or one stacked bar) per category, left to right. */
  categories: readonly string[];
  series: readonly Series[];
  stacked?: boolean;
  width?: number;
  height?: number;
}

const FONT = 'font-family="system-ui, sans-serif"';

export const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const fmt = (value: number): string =>
  Math.abs(value) >= 100 ? String(Math.round(value)) : String(Math.round(value * 10) / 10);

/** A round axis maximum (1, 2, 2.5 or 5 times a power of ten) at or above `max`, and its tick step. */
export function niceScale(max: number): { max: number; step: number } {
  if (!(max > 0)) return { max: 1, step: 0.25 };
  const power = 10 ** Math.floor(Math.log10(max / 4));
  const step =
    [1, 2, 2.5, 5, 10].map((m) => m * power).find((candidate) => candidate * 4 >= max) ?? power * 10;
  return { max: Math.ceil(max / step - 1e-9) * step, step };
}

const colorOf = (series: Series, index: number) =>
  series.color ?? CATEGORY_COLORS[index % CATEGORY_COLORS.length];

/** The legend: a row (wrapping) of coloured squares and names, from (x, y). */
function legend(series: readonly Series[], x: number, y: number, width: number): string {
  const parts: string[] = [];
  let cx = x;
  let cy = y;
  series.forEach((each, index) => {
    const itemWidth = 18 + each.name.length * 6.5 + 14;
    if (cx + itemWidth > x + width && cx > x) {
      cx = x;
      cy += 16;
    }
    parts.push(
      `<rect x="${cx}" y="${cy - 9}" width="10" height="10" fill="${colorOf(each, index)}"/>` +
        `<text x="${cx + 14}" y="${cy}" font-size="11" ${FONT}>${escapeXml(each.name)}</text>`,
    );
    cx += itemWidth;
  });
  return parts.join('');
}

/** Axes with horizontal grid lines and tick labels, for a plot area and a scale. */
function yAxis(plot: { x: number; y: number; w: number; h: number }, scale: { max: number; step: number }) {
  const parts: string[] = [];
  for (let tick = 0; tick <= scale.max + 1e-9; tick += scale.step) {
    const y = plot.y + plot.h - (tick / scale.max) * plot.h;
    parts.push(
      `<line x1="${plot.x}" x2="${plot.x + plot.w}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>` +
        `<text x="${plot.x - 6}" y="${y + 4}" font-size="11" text-anchor="end" ${FONT}>${fmt(tick)}</text>`,
    );
  }
  parts.push(
    `<line x1="${plot.x}" x2="${plot.x}" y1="${plot.y}" y2="${plot.y + plot.h}" stroke="#888"/>` +
      `<line x1="${plot.x}" x2="${plot.x + plot.w}" y1="${plot.y + plot.h}" y2="${plot.y + plot.h}" stroke="#888"/>`,
  );
  return parts.join('');
}

function frame(width: number, height: number, title: string, yLabel: string, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<rect width="100%" height="100%" fill="#fff"/>` +
    `<text x="${width / 2}" y="20" font-size="14" font-weight="600" text-anchor="middle" ${FONT}>${escapeXml(title)}</text>` +
    `<text transform="translate(14 ${height / 2}) rotate(-90)" font-size="11" text-anchor="middle" ${FONT}>${escapeXml(yLabel)}</text>` +
    `${body}</svg>\n`
  );
}

/** Bars per category: side by side per series, or stacked; grouped bars carry their value. */
export function barChartSvg(chart: BarChart): string {
  const width = chart.width ?? 760;
  const height = chart.height ?? 380;
  const legendRows = Math.ceil(
    chart.series.reduce((sum, s) => sum + 32 + s.name.length * 6.5, 0) / (width - 80),
  );
  const plot = { x: 64, y: 36, w: width - 84, h: height - 36 - 44 - legendRows * 16 };
  const value = (series: Series, index: number) => series.values[index] ?? null;
  const sums = chart.categories.map((_, i) =>
    chart.series.reduce((sum, series) => sum + Math.max(0, value(series, i) ?? 0), 0),
  );
  const peak = chart.stacked
    ? Math.max(0, ...sums)
    : Math.max(0, ...chart.series.flatMap((series) => series.values.map((v) => v ?? 0)));
  const scale = niceScale(peak);
  const toY = (v: number) => plot.y + plot.h - (v / scale.max) * plot.h;
  const slot = plot.w / Math.max(1, chart.categories.length);
  const parts = [yAxis(plot, scale)];
  chart.categories.forEach((category, i) => {
    const left = plot.x + slot * i;
    parts.push(
      `<text x="${left + slot / 2}" y="${plot.y + plot.h + 16}" font-size="11" text-anchor="middle" ${FONT}>${escapeXml(category)}</text>`,
    );
    if (chart.stacked) {
      let base = 0;
      const barW = slot * 0.5;
      chart.series.forEach((series, s) => {
        const v = Math.max(0, value(series, i) ?? 0);
        if (v === 0) return;
        parts.push(
          `<rect x="${left + (slot - barW) / 2}" y="${toY(base + v)}" width="${barW}" height="${toY(base) - toY(base + v)}" fill="${colorOf(series, s)}"><title>${escapeXml(`${series.name}: ${fmt(v)}`)}</title></rect>`,
        );
        base += v;
      });
      parts.push(
        `<text x="${left + slot / 2}" y="${toY(base) - 4}" font-size="11" text-anchor="middle" ${FONT}>${fmt(base)}</text>`,
      );
      return;
    }
    const barW = (slot * 0.8) / Math.max(1, chart.series.length);
    chart.series.forEach((series, s) => {
      const v = value(series, i);
      if (v === null || !Number.isFinite(v)) return;
      const x = left + slot * 0.1 + barW * s;
      parts.push(
        `<rect x="${x}" y="${toY(v)}" width="${barW - 2}" height="${plot.y + plot.h - toY(v)}" fill="${colorOf(series, s)}"><title>${escapeXml(`${series.name}: ${fmt(v)}`)}</title></rect>` +
          `<text x="${x + (barW - 2) / 2}" y="${toY(v) - 4}" font-size="10" text-anchor="middle" ${FONT}>${fmt(v)}</text>`,
      );
    });
  });
  parts.push(legend(chart.series, plot.x, plot.y + plot.h + 36, plot.w));
  return frame(width, height, chart.title, chart.yLabel, parts.join(''));
}

export interface TimelinePanel {
  title: string;
  /** Seconds [from, to] to shade: the fault's window. */
  shade?: { from: number; to: number; label: string };
  lines: readonly Series[];
}

/** Panels one above the other on a shared axis of seconds; one polyline per series. */
export function timelineSvg(chart: {
  title: string;
  yLabel: string;
  panels: readonly TimelinePanel[];
}): string {
  const width = 760;
  const panelH = 200;
  const height = 30 + chart.panels.length * (panelH + 60);
  const seconds = Math.max(
    1,
    ...chart.panels.flatMap((panel) => panel.lines.map((line) => line.values.length)),
  );
  const parts: string[] = [];
  chart.panels.forEach((panel, p) => {
    const plot = { x: 64, y: 50 + p * (panelH + 60), w: width - 84, h: panelH - 30 };
    const peak = Math.max(0, ...panel.lines.flatMap((line) => line.values.map((v) => v ?? 0)));
    const scale = niceScale(peak);
    const toX = (t: number) => plot.x + (t / seconds) * plot.w;
    const toY = (v: number) => plot.y + plot.h - (v / scale.max) * plot.h;
    parts.push(
      `<text x="${plot.x}" y="${plot.y - 8}" font-size="12" font-weight="600" ${FONT}>${escapeXml(panel.title)}</text>`,
    );
    if (panel.shade) {
      const x1 = toX(panel.shade.from);
      const x2 = toX(Math.max(panel.shade.to, panel.shade.from + 0.2));
      parts.push(
        `<rect x="${x1}" y="${plot.y}" width="${x2 - x1}" height="${plot.h}" fill="#fbe3e3"/>` +
          `<text x="${x1 + 3}" y="${plot.y + 12}" font-size="10" fill="#a33" ${FONT}>${escapeXml(panel.shade.label)}</text>`,
      );
    }
    parts.push(yAxis(plot, scale));
    const tickEvery = seconds > 60 ? 10 : 5;
    for (let t = 0; t <= seconds; t += tickEvery)
      parts.push(
        `<text x="${toX(t)}" y="${plot.y + plot.h + 14}" font-size="10" text-anchor="middle" ${FONT}>${t}s</text>`,
      );
    panel.lines.forEach((line, l) => {
      const points = line.values
        .map((v, t) => (v === null ? '' : `${toX(t + 0.5).toFixed(1)},${toY(v).toFixed(1)}`))
        .filter(Boolean)
        .join(' ');
      parts.push(
        `<polyline points="${points}" fill="none" stroke="${colorOf(line, l)}" stroke-width="1.8"/>`,
      );
    });
    parts.push(legend(panel.lines, plot.x, plot.y + plot.h + 30, plot.w));
  });
  return frame(width, height, chart.title, chart.yLabel, parts.join(''));
}
