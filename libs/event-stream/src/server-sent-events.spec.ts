import { readServerSentEvents, type ServerSentEvent } from './server-sent-events';

/** A body that arrives in these chunks, one at a time. */
async function* chunks(...parts: (string | Uint8Array)[]): AsyncGenerator<string | Uint8Array> {
  for (const part of parts) yield await Promise.resolve(part);
}

async function readAll(body: AsyncIterable<string | Uint8Array>, comments: string[] = []) {
  const events: ServerSentEvent[] = [];
  for await (const event of readServerSentEvents(body, { onComment: (text) => comments.push(text) }))
    events.push(event);
  return events;
}

describe('reading Server-Sent Events', () => {
  it('reads typed events with their ids, and names an untyped one "message"', async () => {
    const events = await readAll(chunks('event: status\nid: 1\ndata: {"a":1}\n\n', 'data: plain\n\n'));
    expect(events).toEqual([
      { event: 'status', id: '1', data: '{"a":1}' },
      { event: 'message', id: undefined, data: 'plain' },
    ]);
  });

  it('joins lines and UTF-8 characters that chunks split anywhere', async () => {
    const bytes = new TextEncoder().encode('event: status\nid: 7\ndata: {"name":"Zoë"}\n\n');
    const split = bytes.indexOf(0xc3) + 1; // inside the two bytes of "ë"
    const events = await readAll(chunks(bytes.slice(0, 5), bytes.slice(5, split), bytes.slice(split)));
    expect(events).toEqual([{ event: 'status', id: '7', data: '{"name":"Zoë"}' }]);
  });

  it('hands comments apart from events, and drops an event the body left unfinished', async () => {
    const comments: string[] = [];
    const events = await readAll(chunks(': keep-alive\n\n', 'data: one\n\n', 'data: cut off'), comments);
    expect(comments).toEqual(['keep-alive']);
    expect(events.map((event) => event.data)).toEqual(['one']);
  });
});
