// The shared option resolvers throw OptionError (src/shared knows no API codes); the services answer invalid_input.
import { ApiError } from '../../shared/api/contract';
import { OptionError } from '../../shared/api/option-rules';

/** Runs a resolver; its refusal becomes the API's input error (the message already names the option and value). */
export function asInputError<T>(resolve: () => T): T {
  try {
    return resolve();
  } catch (e) {
    if (e instanceof OptionError) throw new ApiError('invalid_input', e.message);
    throw e;
  }
}
