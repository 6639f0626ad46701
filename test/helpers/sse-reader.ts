/** One Server-Sent Event (WHATWG HTML "Server-sent events": `event:` and `data:` lines, blank line ends it). */
export interface SseEvent {
  event: string;
  data: unknown;
}

/** Reads an SSE stream with fetch (so it can send an Authorization header, which EventSource cannot). */
export async function readSse(url: string, headers: Record<string, string>, timeoutMs = 15_000): Promise<{ next(): Promise<SseEvent>; close(): void }> {
  const ac = new AbortController();
  const res = await fetch(url, { headers, signal: ac.signal });
  if (!res.ok || !res.body) throw new Error(`GET ${url} answered ${res.status}`);
  if (!res.headers.get('content-type')?.startsWith('text/event-stream')) throw new Error(`GET ${url} is not an event stream`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const queue: SseEvent[] = [];
  const parse = (): void => {
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length > 0) queue.push({ event, data: JSON.parse(data.join('\n')) as unknown });
    }
  };
  return {
    async next() {
      const deadline = Date.now() + timeoutMs;
      while (queue.length === 0) {
        if (Date.now() > deadline) throw new Error(`no event from ${url} within ${timeoutMs} ms`);
        const { value, done } = await reader.read();
        if (done) throw new Error(`${url} ended`);
        buffer += decoder.decode(value, { stream: true });
        parse();
      }
      return queue.shift() as SseEvent;
    },
    close() {
      ac.abort();
    },
  };
}
