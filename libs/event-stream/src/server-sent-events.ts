import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** One event of a `text/event-stream`, as the EventSource specification dispatches it. */
export interface ServerSentEvent {
  /** `message` when the event names no type. */
  event: string;
  id: string | undefined;
  data: string;
}

export interface ReadOptions {
  /** Comment lines (`: keep-alive`), which carry no event; given without the colon and its space. */
  onComment?: (comment: string) => void;
}

/**
 * The events of a Server-Sent Events body, in order, as its chunks arrive: a fetch response's `body`
 * and a Node `IncomingMessage` both fit. Chunks may split lines and UTF-8 characters anywhere. Ends when
 * the body ends; an event the body left unfinished (no blank line after it) is dropped, as the
 * specification says.
 */
export async function* readServerSentEvents(
  body: AsyncIterable<Uint8Array | string>,
  options: ReadOptions = {},
): AsyncGenerator<ServerSentEvent> {
  const ready: ServerSentEvent[] = [];
  const parser = createParser({
    onEvent: (message: EventSourceMessage) =>
      ready.push({ event: message.event ?? 'message', id: message.id, data: message.data }),
    ...(options.onComment && { onComment: options.onComment }),
  });
  const decoder = new TextDecoder();
  for await (const chunk of body) {
    parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    yield* ready.splice(0);
  }
  parser.feed(decoder.decode());
  yield* ready.splice(0);
}
