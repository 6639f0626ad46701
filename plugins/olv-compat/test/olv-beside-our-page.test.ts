// Their client and our own page at once, and the last three of their message types no other test sends
// (delete-history, audio-play-start, remove-client-from-group). Protocol as read in Open-LLM-VTuber
// (websocket_handler.py, chat_history_manager.py at 19b58b1) and Open-LLM-VTuber-Web at d176e7d.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { until } from '../../../test/helpers/memory-fixtures.ts';
import { TestClient } from '../../../test/helpers/ws-client.ts';
import { OlvTestClient } from './olv-client.ts';
import { startOlvDaemon } from './olv-harness.ts';

test('a streamer can open our page and their client at once: both see the same turns, whoever asked', async () => {
  const s = await startOlvDaemon();
  const theirs = await OlvTestClient.connect(s.adminUrl);
  const ours = await TestClient.connect(s.d.wsUrl);
  try {
    await theirs.waitFor((m) => m.type === 'control' && m.text === 'start-mic');
    s.llm.enqueue({ text: 'Hello from Aria to everyone.' });
    let at = ours.messages.length;
    let from = theirs.received.length;
    theirs.send({ type: 'text-input', text: 'Hi from their client' });
    await theirs.waitFor((m) => m.type === 'control' && m.text === 'conversation-chain-end', 20_000, from);
    const start = await ours.waitFor((m) => m.type === 'turn-start', 5000, at);
    await ours.waitFor((m) => m.type === 'turn-end' && m.turnId === start.turnId, 10_000, at);
    const shown = ours.messages.slice(at).filter((m) => m.turnId === start.turnId && m.type === 'reply-text').map((m) => m.text);
    assert.equal(shown.join(' '), 'Hello from Aria to everyone.', 'our page shows the reply to their client');
    assert.ok(ours.messages.slice(at).some((m) => m.turnId === start.turnId && m.type === 'audio'), 'and plays its audio');

    s.llm.enqueue({ text: 'And hello back to the page.' });
    at = ours.messages.length;
    from = theirs.received.length;
    ours.send({ type: 'text-input', text: 'Hi from our page' });
    const second = await ours.waitFor((m) => m.type === 'turn-start', 5000, at);
    await ours.waitFor((m) => m.type === 'turn-end' && m.turnId === second.turnId, 10_000, at);
    const heard = (): string => theirs.received.slice(from).filter((m) => m.type === 'audio').map((m) => (m.display_text as { text: string }).text).join(' ');
    await until(() => heard() === 'And hello back to the page.', 10_000, 'their client to get the reply to our page');
    assert.equal(ours.messages.filter((m) => m.type === 'error').length, 0);
  } finally {
    await ours.close();
    theirs.close();
    await s.stop();
  }
});

test('delete-history removes a conversation (and says so for one that does not exist); audio-play-start and remove-client-from-group are answered as their server does', async () => {
  const s = await startOlvDaemon();
  const c = await OlvTestClient.connect(s.adminUrl);
  try {
    await c.waitFor((m) => m.type === 'new-history-created');
    s.llm.enqueue({ text: 'Noted.' });
    let at = c.received.length;
    c.send({ type: 'text-input', text: 'Remember this' });
    await c.waitFor((m) => m.type === 'control' && m.text === 'conversation-chain-end', 20_000, at);
    at = c.received.length;
    c.send({ type: 'create-new-history' });
    await c.waitFor((m) => m.type === 'new-history-created', 5000, at);
    at = c.received.length;
    c.send({ type: 'fetch-history-list' });
    const list = (await c.waitFor((m) => m.type === 'history-list', 5000, at)).histories as Array<{ uid: string }>;
    const old = list.find((h) => h.uid !== undefined)?.uid as string;
    assert.ok(old, 'the first conversation is listed');

    at = c.received.length;
    c.send({ type: 'delete-history', history_uid: old });
    assert.deepEqual(await c.waitFor((m) => m.type === 'history-deleted', 5000, at), { type: 'history-deleted', success: true, history_uid: old });
    at = c.received.length;
    c.send({ type: 'fetch-history-list' });
    const after = (await c.waitFor((m) => m.type === 'history-list', 5000, at)).histories as Array<{ uid: string }>;
    assert.equal(after.some((h) => h.uid === old), false, 'gone from the list');
    at = c.received.length;
    c.send({ type: 'delete-history', history_uid: old });
    assert.equal((await c.waitFor((m) => m.type === 'history-deleted', 5000, at)).success, false, 'deleting it again fails');

    at = c.received.length;
    c.send({ type: 'audio-play-start', display_text: { text: 'Noted.', name: 'Aria', avatar: null }, forwarded: false });
    c.send({ type: 'remove-client-from-group', target_uid: 'someone' });
    const result = await c.waitFor((m) => m.type === 'group-operation-result', 5000, at);
    assert.equal(result.success, false);
    assert.match(String(result.message), /remove-client-from-group is not supported/);
    c.send({ type: 'heartbeat' });
    await c.waitFor((m) => m.type === 'heartbeat-ack', 5000, at);
    assert.deepEqual(c.received.slice(at).map((m) => m.type), ['group-operation-result', 'heartbeat-ack'], 'audio-play-start needs no answer (their server only forwards it to group members)');
  } finally {
    c.close();
    await s.stop();
  }
});
