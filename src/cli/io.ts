/**
 * Everything the CLI knows about its terminal, in one object that tests replace: the output
 * streams, which of them are terminals, whether to colour, how to ask a question, and the
 * environment. Colour and prompting are decided here once, not sprinkled through commands.
 */

/** Options of a question asked on the terminal. */
export interface PromptOptions {
  /** Hide what is typed (tokens, passwords). */
  secret?: boolean;
  default?: string;
  /** Returns an error message to ask again, or true when the answer is acceptable. */
  validate?: (answer: string) => string | true;
}

/** The CLI's view of its process: streams, terminals, colour, prompts and environment. */
export interface Io {
  /** Writes to stdout (the result only). */
  out(text: string): void;
  /** Writes to stderr (errors, warnings, progress, prompts). */
  err(text: string): void;
  /**
   * Settles once stdout has taken what was written (long lists wait here between pages): true, or
   * false when its reader has gone (`tele … | head`), so the command can stop fetching.
   */
  drain?(): Promise<boolean>;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  readonly stdinIsTTY: boolean;
  /** Colour on stdout / stderr: only on a terminal, never with NO_COLOR. */
  readonly colorOut: boolean;
  readonly colorErr: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Asks for a value on the terminal (callers check `canPrompt` first). */
  prompt(message: string, options?: PromptOptions): Promise<string>;
  /** Asks a yes/no question on the terminal (callers check `canPrompt` first). */
  confirm(message: string, defaultValue?: boolean): Promise<boolean>;
  /**
   * While a long command runs: on Ctrl-C, `say` returns the last words for stderr and the process
   * ends with exit code 130. Returns the function that stops listening. Absent in fakes.
   */
  onInterrupt?(say: () => string): () => void;
}

/** True when NO_COLOR is set: any value, even empty, turns colour off (https://no-color.org). */
export function noColorRequested(env: Readonly<Record<string, string | undefined>>): boolean {
  return env.NO_COLOR !== undefined;
}

/** Prompts need a terminal to read from and one to ask on (questions go to stderr). */
export function canPrompt(io: Io): boolean {
  return io.stdinIsTTY && io.stderrIsTTY;
}

/** Waits for a stream to take its buffer; false once it is closed. */
function drained(stream: NodeJS.WriteStream): Promise<boolean> {
  if (stream.destroyed || stream.writableEnded) return Promise.resolve(false);
  if (!stream.writableNeedDrain) return Promise.resolve(true);
  return new Promise((ok) => {
    const done = (open: boolean) => () => {
      stream.off("drain", onDrain).off("close", onClose).off("error", onClose);
      ok(open);
    };
    const onDrain = done(true);
    const onClose = done(false);
    stream.once("drain", onDrain).once("close", onClose).once("error", onClose);
  });
}

/** The Io of the running process. */
export function realIo(): Io {
  const env = process.env;
  const stdoutIsTTY = process.stdout.isTTY === true;
  const stderrIsTTY = process.stderr.isTTY === true;
  const noColor = noColorRequested(env);
  // `tele … | head` closes the pipe early; that is the reader's choice, not a failure to report.
  const ignoreClosedPipe = (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
  };
  process.stdout.on("error", ignoreClosedPipe);
  process.stderr.on("error", ignoreClosedPipe);
  return {
    out: (text) => void process.stdout.write(text),
    drain: () => drained(process.stdout),
    err: (text) => void process.stderr.write(text),
    stdoutIsTTY,
    stderrIsTTY,
    stdinIsTTY: process.stdin.isTTY === true,
    colorOut: stdoutIsTTY && !noColor,
    colorErr: stderrIsTTY && !noColor,
    env,
    async prompt(message, options = {}) {
      const prompts = await import("@inquirer/prompts");
      const context = { output: process.stderr };
      const validate = options.validate;
      if (options.secret) return prompts.password({ message, mask: true, validate }, context);
      return prompts.input({ message, default: options.default, validate }, context);
    },
    async confirm(message, defaultValue = false) {
      const prompts = await import("@inquirer/prompts");
      return prompts.confirm({ message, default: defaultValue }, { output: process.stderr });
    },
    onInterrupt(say) {
      const stop = () => {
        process.stderr.write(say());
        process.exit(130); // the shell's code for Ctrl-C; the request in flight is the server's to finish or refuse whole
      };
      process.once("SIGINT", stop);
      return () => void process.off("SIGINT", stop);
    },
  };
}

/** Settings of a fake Io. */
export interface FakeIoOptions {
  env?: Record<string, string | undefined>;
  /** Pretend every stream is a terminal. */
  tty?: boolean;
  /** Answers handed to prompt() and confirm(), in order. */
  answers?: Array<string | boolean>;
}

/** An Io for tests: captures output, answers prompts from a queue, and records the questions. */
export interface FakeIo extends Io {
  stdout: string;
  stderr: string;
  questions: string[];
}

/** Builds a FakeIo; colour follows the same rule as the real one. */
export function fakeIo(options: FakeIoOptions = {}): FakeIo {
  const env = options.env ?? {};
  const tty = options.tty ?? false;
  const answers = [...(options.answers ?? [])];
  const next = (question: string) => {
    io.questions.push(question);
    if (answers.length === 0) throw new Error(`fake io: no answer left for "${question}"`);
    return answers.shift() as string | boolean;
  };
  const io: FakeIo = {
    stdout: "",
    stderr: "",
    questions: [],
    out: (text) => void (io.stdout += text),
    err: (text) => void (io.stderr += text),
    stdoutIsTTY: tty,
    stderrIsTTY: tty,
    stdinIsTTY: tty,
    colorOut: tty && !noColorRequested(env),
    colorErr: tty && !noColorRequested(env),
    env,
    prompt: async (message, opts) => {
      const answer = String(next(message));
      const verdict = opts?.validate?.(answer) ?? true;
      if (verdict !== true) throw new Error(`fake io: answer "${answer}" rejected: ${verdict}`);
      return answer;
    },
    confirm: async (message) => next(message) === true,
  };
  return io;
}
