// One dispatcher for every transport: checks the method name, parses the input with its schema, calls the handler,
// and turns any failure into an ApiErrorShape. IPC and WebSocket differ only in how bytes move.
import { problemsFromZod } from '../config/errors';
import { ApiError, isMethodName, methodInputs, type ApiHandlers } from './contract';
import type { ApiErrorShape } from './types';

export type DispatchResult = { ok: true; result: unknown } | { ok: false; error: ApiErrorShape };

export async function dispatch(handlers: ApiHandlers, method: unknown, params: unknown): Promise<DispatchResult> {
  if (!isMethodName(method))
    return { ok: false, error: { code: 'unknown_method', message: `unknown method ${JSON.stringify(String(method)).slice(0, 80)}` } };
  const parsed = methodInputs[method].safeParse(params ?? {}, { reportInput: true });
  if (!parsed.success) {
    const problems = problemsFromZod(parsed.error);
    return {
      ok: false,
      error: {
        code: 'invalid_input',
        message: `${method}: ${problems.map((p) => `${p.path || '(input)'}: ${p.message}`).join('; ')}`,
        problems,
      },
    };
  }
  try {
    const handler = handlers[method] as (input: unknown) => Promise<unknown>;
    return { ok: true, result: await handler(parsed.data) };
  } catch (e) {
    if (e instanceof ApiError) return { ok: false, error: e.toJSON() };
    return { ok: false, error: { code: 'internal', message: e instanceof Error ? e.message : String(e) } };
  }
}
