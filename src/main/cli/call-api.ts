// The CLI calls the back end as IPC and the WebSocket do: through dispatch(), so its inputs pass the same schemas.
// A refusal comes back as the ApiError it was, so commands tell the caller's mistakes (exit 2) from failures (exit 1)
// by its code.
import { ApiError, type ApiHandlers, type MethodInput, type MethodName, type MethodOutput } from '../../shared/api/contract';
import { dispatch } from '../../shared/api/dispatch';
import type { Backend } from '../services/backend-api';

export async function callApi<M extends MethodName>(backend: Backend, method: M, params: MethodInput<M>): Promise<MethodOutput<M>> {
  const r = await dispatch(backend.handlers, method, params);
  if (!r.ok) throw new ApiError(r.error.code, r.error.message, r.error.problems);
  return r.result as MethodOutput<M>;
}

/** The handlers a shared use case takes (e.g. exporting every figure of a run), each called through dispatch. */
export function viaDispatch<M extends MethodName>(backend: Backend, methods: readonly M[]): Pick<ApiHandlers, M> {
  const call = (m: M) => (input: MethodInput<M>) => callApi(backend, m, input);
  return Object.fromEntries(methods.map((m) => [m, call(m)])) as unknown as Pick<ApiHandlers, M>;
}
