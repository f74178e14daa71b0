import type { CommandContext } from './command.js';

/**
 * The context a command runs in once its flags are parsed: with `--no-input` it is the context
 * of a run without a terminal, so that every missing input takes the non-terminal path (a usage
 * error naming its flag; for `register`, a registration kept pending) and nothing waits on a
 * prompt, as when a README or a script is pasted into a terminal.
 *
 * @example
 * ```ts
 * const { values } = parseCommandArgs('respond', argv, OPTIONS, Number.POSITIVE_INFINITY);
 * const { io, prompter } = applyNoInput(context, values['no-input']);
 * ```
 */
export function applyNoInput(
  context: CommandContext,
  noInput: boolean | undefined,
): CommandContext {
  if (noInput !== true || !context.io.isTTY) return context;
  return { ...context, io: { ...context.io, isTTY: false } };
}
