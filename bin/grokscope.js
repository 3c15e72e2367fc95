#!/usr/bin/env node
// The `grokscope` command, runnable straight from the sources after `npm ci` (no build step): tsx compiles the
// TypeScript on the fly.
import { register } from 'tsx/esm/api';

register();
const { main } = await import(new URL('../src/main/cli/index.ts', import.meta.url).href);
process.exitCode = await main(process.argv.slice(2));
