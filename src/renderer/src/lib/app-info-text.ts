// The header's tooltip: the database and each backend with whether a run can use it here, and the GPU adapters WebGPU
// found (the same facts as `grokscope info`).
import type { AppInfo } from '../../../shared/api/types';

export function infoTitle(info: AppInfo): string {
  const lines = [`database: ${info.dbPath}`, 'backends:'];
  for (const b of info.backends) {
    lines.push(`  ${b.name}: ${b.available ? 'yes' : 'no'}, ${b.note}`);
    for (const a of b.adapters ?? [])
      lines.push(`    adapter ${a.vendor} (${a.architecture}) ${a.description}${a.software ? ', software' : ''}`);
  }
  return lines.join('\n');
}
