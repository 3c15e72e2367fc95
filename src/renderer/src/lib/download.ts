// Saves a blob as a file the way a browser download does (an anchor with download=, clicked), in Electron too.
// Apart from chart-export.ts so that pages without charts (the runs table's CSV) do not load ECharts with it.
export function downloadBlob(blob: Blob, filename: string): void {
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = filename;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Give the browser time to start reading the blob before it goes.
  setTimeout(() => URL.revokeObjectURL(href), 30_000);
}
