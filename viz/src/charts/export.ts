/** Exports: a chart as SVG or PNG, results as CSV or JSON, all as downloads made in the page. */

function download(name: string, blob: Blob): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/** The chart's SVG with the page's chart styles inlined, so it looks the same on its own. */
export function svgText(svg: SVGSVGElement): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const style = document.createElementNS('http://www.w3.org/2000/svg', 'style');
  style.textContent = CHART_CSS;
  copy.insertBefore(style, copy.firstChild);
  return new XMLSerializer().serializeToString(copy);
}

/** Kept in step with the chart rules of style.css. */
const CHART_CSS = `text{font:12px system-ui,sans-serif;fill:#222}.chart-title{font-weight:600;font-size:13px}.axis-label{fill:#444}
.whisker{stroke-width:2;fill:none}.zero{stroke:#888;stroke-dasharray:3 3}.frontier{fill:none;stroke:#444;stroke-width:1.5;stroke-dasharray:6 3}
.best{font-size:11px;fill:#333;font-weight:600}.legend text{font-size:11px}`;

export function exportSvg(svg: SVGSVGElement, name: string): void {
  download(`${name}.svg`, new Blob([svgText(svg)], { type: 'image/svg+xml' }));
}

export async function exportPng(svg: SVGSVGElement, name: string, scale = 2): Promise<void> {
  const width = Number(svg.getAttribute('width')) || svg.clientWidth;
  const height = Number(svg.getAttribute('height')) || svg.clientHeight;
  const url = URL.createObjectURL(new Blob([svgText(svg)], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the chart could not be drawn as an image'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = width * scale;
    canvas.height = height * scale;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0, width, height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (blob !== null) download(`${name}.png`, blob);
  } finally {
    URL.revokeObjectURL(url);
  }
}

export function exportJson(value: unknown, name: string): void {
  download(`${name}.json`, new Blob([`${JSON.stringify(value, null, 2)}\n`], { type: 'application/json' }));
}

/** RFC 4180 CSV: a header row, then one row per record. */
export function csvText(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | null>>): string {
  const cell = (v: string | number | null) => {
    const s = v === null ? '' : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

export function exportCsv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | null>>, name: string): void {
  download(`${name}.csv`, new Blob([csvText(header, rows)], { type: 'text/csv' }));
}

/** A small "SVG | PNG" button pair for a chart. */
export function exportButtons(svg: () => SVGSVGElement | null, name: string): HTMLElement {
  const box = document.createElement('span');
  box.className = 'export';
  for (const kind of ['SVG', 'PNG'] as const) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = kind;
    b.title = `Download this chart as ${kind}`;
    b.addEventListener('click', () => {
      const el = svg();
      if (el === null) return;
      if (kind === 'SVG') exportSvg(el, name);
      else void exportPng(el, name);
    });
    box.append(b);
  }
  return box;
}
