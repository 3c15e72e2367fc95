// `node --import ./register-electron.mjs …`: resolves the bare specifier 'electron' to the stand-in.
import { register } from 'node:module';

const standIn = new URL('./electron-stand-in.mjs', import.meta.url).href;
register(
  'data:text/javascript,' +
    encodeURIComponent(`export async function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: ${JSON.stringify(standIn)}, shortCircuit: true };
  return next(specifier, context);
}`),
);
