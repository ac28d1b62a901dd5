import { html, SafeHtml } from './html';

/** One series of a bar chart (e.g. "Open", "Past due"), drawn in one colour. */
export interface ChartSeries {
    name: string;
    color: string;
}

/** One row of a bar chart: a label and one value per series. */
export interface ChartRow {
    label: string;
    values: number[];
}

const WIDTH = 640;
const LABEL_WIDTH = 200;
const VALUE_WIDTH = 64;
const BAR_HEIGHT = 14;
const BAR_GAP = 3;
const ROW_GAP = 12;
const TOP = 8;
const LEGEND_HEIGHT = 24;

/**
 * A horizontal bar chart as inline SVG (no script, no library): one group of bars per row, one bar per series,
 * scaled to the largest value, each with its value written beside it and a <title> for screen readers and hover.
 * Every label is escaped by the `html` template.
 */
export function barChart(id: string, title: string, series: ChartSeries[], rows: ChartRow[], format: (value: number) => string): SafeHtml {
    const max = Math.max(0, ...rows.flatMap((r) => r.values.filter((v) => Number.isFinite(v))));
    const groupHeight = series.length * BAR_HEIGHT + (series.length - 1) * BAR_GAP;
    const chartHeight = TOP + rows.length * (groupHeight + ROW_GAP);
    const height = chartHeight + (series.length > 1 ? LEGEND_HEIGHT : 0);
    const barSpace = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
    const groups = rows.map((row, i) => {
        const y = TOP + i * (groupHeight + ROW_GAP);
        const bars = series.map((s, j) => {
            const value = Number.isFinite(row.values[j]) ? row.values[j] : 0;
            const width = max > 0 ? Math.max(value > 0 ? 2 : 0, Math.round((value / max) * barSpace)) : 0;
            const barY = y + j * (BAR_HEIGHT + BAR_GAP);
            return html`<g><title>${row.label}: ${s.name} ${format(value)}</title>\
<rect x="${LABEL_WIDTH}" y="${barY}" width="${width}" height="${BAR_HEIGHT}" fill="${s.color}" rx="2"></rect>\
<text x="${LABEL_WIDTH + width + 6}" y="${barY + BAR_HEIGHT - 3}" class="chart-value">${format(value)}</text></g>`;
        });
        const label = row.label.length > 28 ? `${row.label.slice(0, 27)}…` : row.label;
        return html`<text x="${LABEL_WIDTH - 8}" y="${y + groupHeight / 2 + 4}" text-anchor="end" class="chart-label">${label}</text>${bars}`;
    });
    const legend =
        series.length > 1
            ? series.map(
                  (s, j) => html`<rect x="${LABEL_WIDTH + j * 140}" y="${chartHeight + 4}" width="12" height="12" fill="${s.color}"></rect>\
<text x="${LABEL_WIDTH + j * 140 + 18}" y="${chartHeight + 14}" class="chart-label">${s.name}</text>`
              )
            : [];
    return html`<figure class="chart"><figcaption id="${id}-title">${title}</figcaption><svg id="${id}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${Math.max(height, 30)}" role="img" aria-labelledby="${id}-title" preserveAspectRatio="xMinYMin meet">${groups}${legend}</svg></figure>`;
}
