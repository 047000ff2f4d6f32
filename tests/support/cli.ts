/** Calling the `rushline` command in-process, with its output captured. */
import { main } from '../../src/cli/main.js';

function capture() {
  let text = '';
  const stream = {
    isTTY: false,
    write(chunk: string) {
      text += chunk;
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  return { stream, text: () => text };
}

/** Runs `rushline ...args`; resolves with the exit code and what it wrote to stdout and stderr. */
export async function run(args: string[]) {
  const out = capture();
  const err = capture();
  const code = await main(args, out.stream, err.stream);
  return { code, out: out.text(), err: err.text() };
}
