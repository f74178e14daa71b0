import { afterAll, describe, expect, it, vi } from 'vitest';
import rawVectors from '../../../core/test/vectors/ocra-rfc6287.json' with { type: 'json' };
import { type CliResult, cleanup, cli, startCli } from '../testing/run-cli.js';

interface OcraVector {
  source: string;
  suite: string;
  key: string;
  counter?: string;
  question: string;
  questions?: string[];
  password?: string;
  session?: string;
  timeStep?: string;
  response: string;
}

const vectors: readonly OcraVector[] = rawVectors;

const KEY20 = '3132333435363738393031323334353637383930';
const QN08 = 'OCRA-1:HOTP-SHA1-6:QN08';

afterAll(cleanup);

function argsOf(vector: OcraVector): string[] {
  const args = ['--suite', vector.suite, '--key', vector.key];
  for (const question of vector.questions ?? [vector.question]) args.push('--question', question);
  if (vector.counter !== undefined) args.push('--counter', vector.counter);
  if (vector.password !== undefined) args.push('--pin', vector.password);
  if (vector.session !== undefined) args.push('--session', vector.session);
  if (vector.timeStep !== undefined) args.push('--time-step', vector.timeStep);
  return args;
}

/** `cipherpad ocra …` without a terminal. */
function ocra(args: readonly string[]): Promise<CliResult> {
  return cli(['ocra', ...args]);
}

/** What a successful run gives: the response alone on stdout. */
function printed(response: string): CliResult {
  return { status: 0, stdout: `${response}\n`, stderr: '' };
}

describe('cipherpad ocra with RFC 6287 appendix C vectors', () => {
  // One vector of each suite: counter, PIN, timestamp, mutual and signature.
  const samples = vectors.filter(
    (vector, index) =>
      vectors.findIndex(
        (other) => other.suite === vector.suite && other.source === vector.source,
      ) === index,
  );

  it('covers every suite of the appendix', () => {
    expect(new Set(samples.map((v) => v.suite)).size).toBe(9);
  });

  it.each(samples)('$source Q=$question gives $response', async (vector) => {
    expect(await ocra(argsOf(vector))).toEqual(printed(vector.response));
  });

  it('takes the PIN as its SHA-1 hash too', async () => {
    const args = [
      '--suite',
      'OCRA-1:HOTP-SHA256-8:QN08-PSHA1',
      '--key',
      '3132333435363738393031323334353637383930313233343536373839303132',
      '--question',
      '00000000',
      '--password-hash',
      '7110eda4d09e062aa5e4a390b0a572ac0d2c0220',
    ];
    expect(await ocra(args)).toEqual(printed('83238735'));
  });

  it('takes T from the clock when --time-step is absent', async () => {
    const vector = vectors.find((v) => v.suite === 'OCRA-1:HOTP-SHA512-8:QN08-T1M')!;
    const args = argsOf(vector).filter(
      (_, i, all) => all[i] !== '--time-step' && all[i - 1] !== '--time-step',
    );
    // Appendix B: "Mar 25 2008, 12:06:30 GMT" is T = 132d0b6 minutes. Only Date is faked.
    vi.setSystemTime(Date.UTC(2008, 2, 25, 12, 6, 30));
    try {
      expect(await ocra(args)).toEqual(printed(vector.response));
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('cipherpad ocra bad arguments: a one-line error and exit status 2', () => {
  const base = ['--suite', QN08, '--key', KEY20, '--question', '00000000'];
  const C_QN08 = ['--suite', 'OCRA-1:HOTP-SHA1-6:C-QN08', '--key', KEY20, '--question', '1234'];
  const PSHA1 = ['--suite', 'OCRA-1:HOTP-SHA1-6:QN08-PSHA1', '--key', KEY20, '--question', '1234'];
  const uint64 = (flag: string, value: string) =>
    `${flag} must be a decimal integer from 0 to 2^64-1, not "${value}"`;

  it.each([
    ['an unknown flag', [...base, '--verbose'], "Unknown option '--verbose'"],
    ['a positional argument', [...base, 'extra'], 'unexpected argument "extra"'],
    [
      'a flag without its value',
      ['--suite', QN08, '--key', KEY20, '--question'],
      '--question needs a value',
    ],
    [
      'a flag followed by another flag',
      ['--suite', '--key', KEY20, '--question', '1234'],
      '--suite needs a value',
    ],
    ['a missing --suite', ['--key', KEY20, '--question', '00000000'], 'missing --suite'],
    ['a missing --key', ['--suite', QN08, '--question', '00000000'], 'missing --key'],
    ['a missing --question', ['--suite', QN08, '--key', KEY20], 'missing --question'],
    [
      'three questions',
      [...base, '--question', '1111', '--question', '2222'],
      '--question may be given at most twice (mutual mode)',
    ],
    ['a repeated flag', [...base, '--key', KEY20], '--key given more than once'],
    [
      'both --pin and --password-hash',
      [...PSHA1, '--pin', '1234', '--password-hash', '00'],
      'give either --pin or --password-hash, not both',
    ],
    ['a hex counter', [...C_QN08, '--counter', '0x10'], uint64('--counter', '0x10')],
    ['a negative counter', [...C_QN08, '--counter', '-1'], uint64('--counter', '-1')],
    ['a negative counter after "="', [...C_QN08, '--counter=-1'], uint64('--counter', '-1')],
    [
      'a counter of 2^64',
      [...C_QN08, '--counter', '18446744073709551616'],
      uint64('--counter', '18446744073709551616'),
    ],
    [
      'a non-decimal time step',
      ['--suite', 'OCRA-1:HOTP-SHA1-6:QN08-T1M', '--key', KEY20, '--question', '1234'].concat([
        '--time-step',
        '1.5',
      ]),
      uint64('--time-step', '1.5'),
    ],
    [
      'a key that is not hex',
      ['--suite', QN08, '--key', 'xyz1', '--question', '1234'],
      '--key is not valid hex: hex string has a non-hexadecimal character at index 0',
    ],
    [
      'a key of odd length',
      ['--suite', QN08, '--key', 'abc', '--question', '1234'],
      '--key is not valid hex: hex string has odd length 3',
    ],
    [
      'an empty key',
      ['--suite', QN08, '--key', '', '--question', '1234'],
      '--key must not be empty',
    ],
    [
      'a session that is not hex',
      ['--suite', 'OCRA-1:HOTP-SHA1-6:QN08-S064', '--key', KEY20, '--question', '1234'].concat([
        '--session',
        'zz',
      ]),
      '--session is not valid hex: hex string has a non-hexadecimal character at index 0',
    ],
    [
      'a bad suite',
      ['--suite', 'OCRA-1:HOTP-SHA1-3:QN08', '--key', KEY20, '--question', '1234'],
      'invalid OCRA suite "OCRA-1:HOTP-SHA1-3:QN08": unsupported CryptoFunction "HOTP-SHA1-3", expected HOTP-<SHA1|SHA256|SHA512>-<0|4..10> (§5.2)',
    ],
    [
      'a question that is not decimal',
      ['--suite', QN08, '--key', KEY20, '--question', '12a4'],
      '--question: "12a4" must be decimal digits for QN (§6.3)',
    ],
    [
      'a question too short',
      ['--suite', QN08, '--key', KEY20, '--question', '123'],
      '--question: "123" has 3 characters; the suite allows 4..8 (§6.3, Table 2)',
    ],
    [
      'a counter the suite does not use',
      [...base, '--counter', '1'],
      `--counter: the suite ${QN08} does not use a counter C`,
    ],
    ['a missing counter', C_QN08, 'missing --counter'],
    ['a missing PIN', PSHA1, 'missing --pin or --password-hash'],
    [
      'a missing session',
      ['--suite', 'OCRA-1:HOTP-SHA1-6:QN08-S064', '--key', KEY20, '--question', '1234'],
      'missing --session',
    ],
    [
      'a PIN hash of the wrong length',
      [...PSHA1, '--password-hash', '00'],
      '--password-hash: must be the 20-byte SHA-1 hash of the PIN (§5.1)',
    ],
  ])('refuses %s', async (_what, argv, message) => {
    expect(await ocra(argv)).toEqual({
      status: 2,
      stdout: '',
      stderr: `cipherpad: ocra: ${message} (see cipherpad help ocra)\n`,
    });
  });
});

describe('cipherpad ocra in a terminal', () => {
  it('asks for the suite, the key and the question, without echoing the key', async () => {
    const session = startCli(['ocra'], { isTTY: true });
    const answer = async (prompt: RegExp, text: string) => {
      await session.waitForStderr(prompt);
      session.stdin.write(`${text}\n`);
    };
    await answer(/^OCRA suite \(as OCRA-1:HOTP-SHA1-6:QN08\): $/, QN08);
    await answer(/: Key \(hex\): $/, KEY20);
    await answer(/\nQuestion \(4 to 8 decimal digits\): $/, '00000000');
    // RFC 6287 appendix C.1, OCRA-1:HOTP-SHA1-6:QN08, Q = 00000000.
    expect(await session.done).toEqual({
      status: 0,
      stdout: '237653\n',
      stderr:
        'OCRA suite (as OCRA-1:HOTP-SHA1-6:QN08): Key (hex): \n' +
        'Question (4 to 8 decimal digits): ',
    });
  });

  it('asks for the counter and the PIN the suite uses, without echoing the PIN', async () => {
    const vector = vectors.find(
      (v) => v.suite === 'OCRA-1:HOTP-SHA256-8:C-QN08-PSHA1' && v.counter === '1',
    )!;
    const session = startCli(
      ['ocra', '--suite', vector.suite, '--key', vector.key, '--question', vector.question],
      { isTTY: true },
    );
    await session.waitForStderr(/^Counter C: $/);
    session.stdin.write('1\n');
    await session.waitForStderr(/^Counter C: PIN: $/);
    session.stdin.write(`${vector.password}\n`);
    expect(await session.done).toEqual({
      status: 0,
      stdout: `${vector.response}\n`,
      stderr: 'Counter C: PIN: \n',
    });
  });

  it('asks for the session information the suite uses', async () => {
    const args = ['--suite', 'OCRA-1:HOTP-SHA1-6:QN08-S064', '--key', KEY20, '--question', '1234'];
    const withFlag = await ocra([...args, '--session', 'abcd']);
    expect(withFlag.status).toBe(0);
    const session = startCli(['ocra', ...args], { isTTY: true });
    await session.waitForStderr(/^Session information \(hex, up to 64 bytes\): $/);
    session.stdin.write('abcd\n');
    expect(await session.done).toEqual({
      ...withFlag,
      stderr: 'Session information (hex, up to 64 bytes): ',
    });
  });

  it('refuses a bad flag before asking for anything', async () => {
    // stdin is closed: a prompt would end the run as cancelled (status 1).
    expect(await cli(['ocra', '--counter', 'x'], { isTTY: true })).toEqual({
      status: 2,
      stdout: '',
      stderr: `cipherpad: ocra: --counter must be a decimal integer from 0 to 2^64-1, not "x" (see cipherpad help ocra)\n`,
    });
  });

  it('refuses a bad suite typed at the prompt before asking for the key', async () => {
    const session = startCli(['ocra'], { isTTY: true });
    await session.waitForStderr(/: $/);
    session.stdin.write('OCRA-1:HOTP-SHA1-3:QN08\n');
    const result = await session.done;
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /^OCRA suite \(as OCRA-1:HOTP-SHA1-6:QN08\): cipherpad: ocra: invalid OCRA suite "OCRA-1:HOTP-SHA1-3:QN08": [^\n]+ \(see cipherpad help ocra\)\n$/,
    );
  });

  it('asks for nothing with --no-input: a missing input is a usage error', async () => {
    expect(await cli(['ocra', '--no-input', '--suite', QN08], { isTTY: true })).toEqual({
      status: 2,
      stdout: '',
      stderr: 'cipherpad: ocra: missing --key (see cipherpad help ocra)\n',
    });
  });
});
