import { describe, expect, it } from 'vitest';
import { infoTitle } from '../../src/renderer/src/lib/app-info-text';

describe("the header's tooltip", () => {
  it('names the database, each backend with why it cannot be used, and the adapters WebGPU found', () => {
    const text = infoTitle({
      version: '0.1.0',
      dbPath: '/data/g.db',
      mode: 'browser',
      backends: [
        { name: 'tensorflow', available: false, note: 'neither package is installed' },
        {
          name: 'webgpu',
          available: true,
          note: 'only a software adapter (SwiftShader driver 5.0.0)',
          adapters: [{ vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader driver 5.0.0', software: true }],
        },
        { name: 'wasm', available: true, note: 'the default' },
      ],
    });
    expect(text.split('\n')).toEqual([
      'database: /data/g.db',
      'backends:',
      '  tensorflow: no, neither package is installed',
      '  webgpu: yes, only a software adapter (SwiftShader driver 5.0.0)',
      '    adapter google (swiftshader) SwiftShader driver 5.0.0, software',
      '  wasm: yes, the default',
    ]);
  });
});
