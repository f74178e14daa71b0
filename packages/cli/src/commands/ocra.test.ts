import { describe, expect, it } from 'vitest';
import rawVectors from '../../../core/test/vectors/ocra-rfc6287.json' with { type: 'json' };
import { UsageError } from '../usage-error.js';
import { ocraCommand } from './ocra.js';

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

function argsOf(vector: OcraVector): string[] {
  const args = ['--suite', vector.suite, '--key', vector.key];
  for (const question of vector.questions ?? [vector.question]) args.push('--question', question);
  if (vector.counter !== undefined) args.push('--counter', vector.counter);
  if (vector.password !== undefined) args.push('--pin', vector.password);
  if (vector.session !== undefined) args.push('--session', vector.session);
  if (vector.timeStep !== undefined) args.push('--time-step', vector.timeStep);
  return args;
}

async function usageError(argv: readonly string[]): Promise<UsageError> {
  const error: unknown = await ocraCommand(argv).then(
    () => {
      throw new Error('expected a UsageError');
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(UsageError);
  expect((error as Error).message).not.toContain('\n');
  return error as UsageError;
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
    expect(await ocraCommand(argsOf(vector))).toBe(vector.response);
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
    expect(await ocraCommand(args)).toBe('83238735');
  });

  it('takes T from the clock when --time-step is absent', async () => {
    const vector = vectors.find((v) => v.suite === 'OCRA-1:HOTP-SHA512-8:QN08-T1M')!;
    const args = argsOf(vector).filter(
      (_, i, all) => all[i] !== '--time-step' && all[i - 1] !== '--time-step',
    );
    // Appendix B: "Mar 25 2008, 12:06:30 GMT" is T = 132d0b6 minutes.
    expect(await ocraCommand(args, () => Date.UTC(2008, 2, 25, 12, 6, 30))).toBe(vector.response);
  });
});

describe('cipherpad ocra usage errors', () => {
  const base = ['--suite', QN08, '--key', KEY20, '--question', '00000000'];

  it.each([
    ['an unknown flag', [...base, '--verbose'], /verbose/],
    ['a positional argument', [...base, 'extra'], /extra/],
    ['a flag without its value', ['--suite', QN08, '--key', KEY20, '--question'], /question/],
    [
      'a missing --suite',
      ['--key', KEY20, '--question', '00000000'],
      /missing required option --suite/,
    ],
    [
      'a missing --key',
      ['--suite', QN08, '--question', '00000000'],
      /missing required option --key/,
    ],
    [
      'a missing --question',
      ['--suite', QN08, '--key', KEY20],
      /missing required option --question/,
    ],
    ['three questions', [...base, '--question', '1111', '--question', '2222'], /at most twice/],
    ['a repeated flag', [...base, '--key', KEY20], /--key given more than once/],
    [
      'both --pin and --password-hash',
      [
        '--suite',
        'OCRA-1:HOTP-SHA1-6:QN08-PSHA1',
        '--key',
        KEY20,
        '--question',
        '1234',
        '--pin',
        '1234',
        '--password-hash',
        '00',
      ],
      /either --pin or --password-hash/,
    ],
    [
      'a non-decimal counter',
      [
        '--suite',
        'OCRA-1:HOTP-SHA1-6:C-QN08',
        '--key',
        KEY20,
        '--question',
        '1234',
        '--counter',
        '0x10',
      ],
      /--counter must be a non-negative decimal/,
    ],
    [
      'a negative counter',
      [
        '--suite',
        'OCRA-1:HOTP-SHA1-6:C-QN08',
        '--key',
        KEY20,
        '--question',
        '1234',
        '--counter=-1',
      ],
      /--counter must be/,
    ],
    [
      'a counter of 2^64',
      [
        '--suite',
        'OCRA-1:HOTP-SHA1-6:C-QN08',
        '--key',
        KEY20,
        '--question',
        '1234',
        '--counter',
        '18446744073709551616',
      ],
      /counter: .*outside/,
    ],
    [
      'a non-decimal time step',
      [
        '--suite',
        'OCRA-1:HOTP-SHA1-6:QN08-T1M',
        '--key',
        KEY20,
        '--question',
        '1234',
        '--time-step',
        '1.5',
      ],
      /--time-step must be/,
    ],
    [
      'a key that is not hex',
      ['--suite', QN08, '--key', 'xyz1', '--question', '1234'],
      /--key is not valid hex/,
    ],
    [
      'a key of odd length',
      ['--suite', QN08, '--key', 'abc', '--question', '1234'],
      /--key is not valid hex/,
    ],
    [
      'an empty key',
      ['--suite', QN08, '--key', '', '--question', '1234'],
      /--key must not be empty/,
    ],
    [
      'a session that is not hex',
      [
        '--suite',
        'OCRA-1:HOTP-SHA1-6:QN08-S064',
        '--key',
        KEY20,
        '--question',
        '1234',
        '--session',
        'zz',
      ],
      /--session is not valid hex/,
    ],
    [
      'a bad suite',
      ['--suite', 'OCRA-1:HOTP-SHA1-3:QN08', '--key', KEY20, '--question', '1234'],
      /ocra: invalid OCRA suite/,
    ],
    [
      'a bad question',
      ['--suite', QN08, '--key', KEY20, '--question', '12ab'],
      /question: .*decimal digits/,
    ],
    ['a counter the suite does not use', [...base, '--counter', '1'], /counter: .*does not use/],
    [
      'a missing counter',
      ['--suite', 'OCRA-1:HOTP-SHA1-6:C-QN08', '--key', KEY20, '--question', '1234'],
      /counter: .*requires/,
    ],
    [
      'a missing PIN',
      ['--suite', 'OCRA-1:HOTP-SHA1-6:QN08-PSHA1', '--key', KEY20, '--question', '1234'],
      /password: .*requires/,
    ],
    [
      'a PIN hash of the wrong length',
      [
        '--suite',
        'OCRA-1:HOTP-SHA1-6:QN08-PSHA1',
        '--key',
        KEY20,
        '--question',
        '1234',
        '--password-hash',
        '00',
      ],
      /20-byte SHA-1/,
    ],
  ])('throws a UsageError for %s', async (_what, argv, messagePart) => {
    const error = await usageError(argv);
    expect(error.message).toMatch(messagePart);
  });
});
