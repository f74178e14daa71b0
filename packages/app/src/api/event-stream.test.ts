import { describe, expect, it } from 'vitest';
import { EventStreamParser, type StreamEvent } from './event-stream.js';

function parse(chunks: string[]): StreamEvent[] {
  const events: StreamEvent[] = [];
  const parser = new EventStreamParser((e) => events.push(e));
  for (const chunk of chunks) parser.push(chunk);
  return events;
}

describe('Event stream parsing (WHATWG server-sent events)', () => {
  it('reads named events and ignores comment lines', () => {
    expect(
      parse([
        ': keep-alive\n\nevent: request\ndata: {"id":"l1"}\n\nevent: closed\ndata: {"id":"l1"}\n\n',
      ]),
    ).toEqual([
      { event: 'request', data: '{"id":"l1"}' },
      { event: 'closed', data: '{"id":"l1"}' },
    ]);
  });

  it('joins events split across chunks, including a CRLF split in two', () => {
    expect(parse(['event: requ', 'est\r', '\ndata: {"id"', ':"l2"}\r\n', '\r\n'])).toEqual([
      { event: 'request', data: '{"id":"l2"}' },
    ]);
  });

  it('joins several data lines with newlines and defaults the event name', () => {
    expect(parse(['data: a\ndata:b\n\n'])).toEqual([{ event: 'message', data: 'a\nb' }]);
  });

  it('waits for the blank line before dispatching', () => {
    expect(parse(['event: request\ndata: {}\n'])).toEqual([]);
  });
});
