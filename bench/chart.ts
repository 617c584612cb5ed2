import type { LocaleResult } from "./results";

const escapeXml = (text: string) => text.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c] as string);

/**
 * A bar chart of the warm PDF medians, ours beside Chromium's per language, on a log scale (the two
 * differ by an order of magnitude), with each bar's p95 as a whisker and the budget as a dashed line.
 */
export function renderChart(locales: readonly LocaleResult[], options: { budgetMs: number; title: string }): string {
  const measured = locales.filter((result) => result.ours);
  const width = 760;
  const height = 420;
  const plot = { left: 70, right: width - 20, top: 50, bottom: height - 70 };
  const values = measured
    .flatMap((result) => [result.ours?.pdf.p95, result.chromium?.pdf.p95, result.ours?.pdf.median])
    .filter((value): value is number => value !== undefined && value > 0);
  const low = 10 ** Math.floor(Math.log10(Math.min(options.budgetMs, ...values) / 1.5));
  const high = 10 ** Math.ceil(Math.log10(Math.max(options.budgetMs, ...values) * 1.2));
  const y = (value: number) => plot.bottom - ((Math.log10(Math.max(value, low)) - Math.log10(low)) / (Math.log10(high) - Math.log10(low))) * (plot.bottom - plot.top);
  const group = (plot.right - plot.left) / Math.max(measured.length, 1);
  const bar = Math.min(36, group / 3);
  const colors = { ours: "#1f6feb", chromium: "#d29922" };
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(options.title)}</text>`,
  ];
  for (let decade = low; decade <= high; decade *= 10) {
    parts.push(`<line x1="${plot.left}" x2="${plot.right}" y1="${y(decade)}" y2="${y(decade)}" stroke="#ddd"/>`);
    parts.push(`<text x="${plot.left - 8}" y="${y(decade) + 4}" text-anchor="end">${decade >= 1 ? decade : decade.toFixed(1)} ms</text>`);
  }
  parts.push(`<line x1="${plot.left}" x2="${plot.left}" y1="${plot.top}" y2="${plot.bottom}" stroke="#333"/>`);
  parts.push(`<line x1="${plot.left}" x2="${plot.right}" y1="${plot.bottom}" y2="${plot.bottom}" stroke="#333"/>`);
  parts.push(`<line x1="${plot.left}" x2="${plot.right}" y1="${y(options.budgetMs)}" y2="${y(options.budgetMs)}" stroke="#cf222e" stroke-dasharray="6 4"/>`);
  for (const [index, result] of measured.entries()) {
    const center = plot.left + group * (index + 0.5);
    const bars = [
      { kind: "ours" as const, median: result.ours?.pdf.median, p95: result.ours?.pdf.p95, x: center - bar - 2 },
      { kind: "chromium" as const, median: result.chromium?.pdf.median, p95: result.chromium?.pdf.p95, x: center + 2 },
    ];
    for (const entry of bars) {
      if (entry.median === undefined) continue;
      const top = y(entry.median);
      parts.push(
        `<rect x="${entry.x}" y="${top}" width="${bar}" height="${plot.bottom - top}" fill="${colors[entry.kind]}"><title>${entry.kind} ${result.locale}: median ${entry.median.toFixed(2)} ms, p95 ${entry.p95?.toFixed(2)} ms</title></rect>`,
      );
      if (entry.p95 !== undefined) parts.push(`<line x1="${entry.x + bar / 2}" x2="${entry.x + bar / 2}" y1="${top}" y2="${y(entry.p95)}" stroke="#333"/>`);
      parts.push(
        `<text x="${entry.x + bar / 2}" y="${top - 4}" text-anchor="middle" font-size="10">${entry.median < 10 ? entry.median.toFixed(1) : entry.median.toFixed(0)}</text>`,
      );
    }
    const label = result.ratio === undefined ? result.locale : `${result.locale} (${(1 / result.ratio).toFixed(1)}x)`;
    parts.push(`<text x="${center}" y="${plot.bottom + 18}" text-anchor="middle">${escapeXml(label)}</text>`);
  }
  const legendY = height - 22;
  parts.push(
    `<rect x="${plot.left}" y="${legendY - 10}" width="12" height="12" fill="${colors.ours}"/><text x="${plot.left + 18}" y="${legendY}">letterpress (pdfkit), median; whisker to p95</text>`,
  );
  parts.push(
    `<rect x="${plot.left + 300}" y="${legendY - 10}" width="12" height="12" fill="${colors.chromium}"/><text x="${plot.left + 318}" y="${legendY}">headless Chromium printing our HTML</text>`,
  );
  parts.push(
    `<line x1="${plot.left + 545}" x2="${plot.left + 575}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="#cf222e" stroke-dasharray="6 4"/><text x="${plot.left + 581}" y="${legendY}" fill="#cf222e">budget ${options.budgetMs} ms</text>`,
  );
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
