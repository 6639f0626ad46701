import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createLogger } from '../src/logging/logger.ts';
import { readSecret } from '../src/config/env.ts';
import { redactLine, redactString } from '../src/logging/redact.ts';

const SECRETS = [
  'oauth:abcdef1234567890xyz',
  'sk-proj-SECRETKEY1234567890',
  'tok_ADMIN_9f8e7d6c5b',
  'hunter2-obs-password',
  'cookie-session-value-777',
  'hmac-shared-secret-42',
  'urlpass-5551212',
  'querytoken-31337',
  'bearer-token-xyz-000',
];

test('tokens, keys, passwords, OAuth strings and cookies never reach the log file, even nested or inside URLs', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vtuber-logs-'));
  try {
    const { log, close } = await createLogger({ level: 'trace', fileDir: dir, console: 'none' });
    const child = log.child({ component: 'twitch', oauth_token: SECRETS[0] });
    child.info({ event: 'twitch.connect', config: { channel: 'neiri', identity: { username: 'bot', password: SECRETS[0] } } }, 'connecting');
    log.info({ event: 'llm.request', headers: { Authorization: `Bearer ${SECRETS[8]}`, 'x-api-key': SECRETS[1] }, body: { apiKey: SECRETS[1] } }, 'calling llm');
    log.warn({ event: 'admin.auth', admin_token: SECRETS[2], tokens: [SECRETS[2]] }, 'admin token check');
    log.info({ event: 'obs.connect', obs: { url: 'ws://127.0.0.1:4455', password: SECRETS[3] } }, 'obs');
    log.info({ event: 'http.request', req: { headers: { cookie: `sid=${SECRETS[4]}`, 'set-cookie': [SECRETS[4]] } } }, 'request');
    log.info({ event: 'donation.verify', webhook: { secret: SECRETS[5], signature: 'sha256=abc' } }, 'webhook');
    log.info({ event: 'chroma.remote', url: `https://user:${SECRETS[6]}@chroma.example.com/api?token=${SECRETS[7]}&q=ok` }, 'remote');
    log.error({ event: 'llm.failed', err: new Error(`401 for key ${SECRETS[1]} with Authorization: Bearer ${SECRETS[8]}`) }, 'llm failed');
    log.info({ event: 'deep', a: { b: { c: { d: { e: { api_key: SECRETS[1] } } } } } }, 'deep');
    log.info('free text with password=%s and %s', SECRETS[3], `oauth:${(SECRETS[0] as string).slice(6)}`);
    await close();

    const text = readdirSync(dir)
      .filter((f) => f.endsWith('.log'))
      .map((f) => readFileSync(path.join(dir, f), 'utf8'))
      .join('\n');
    assert.ok(text.includes('twitch.connect') && text.includes('llm.failed') && text.includes('free text'), 'the lines themselves were written');
    for (const secret of SECRETS) assert.ok(!text.includes(secret), `secret ${secret} leaked into the log file`);
    assert.ok(text.includes('[REDACTED]'));
    assert.ok(text.includes('chroma.example.com'), 'the non-secret parts of a URL are kept');
    for (const line of text.split('\n').filter(Boolean)) {
      const obj = JSON.parse(line) as Record<string, unknown>;
      assert.equal(typeof obj.ts, 'string');
      assert.equal(typeof obj.level, 'string');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('string redaction keeps ordinary text intact', () => {
  assert.equal(redactString('the token bucket refilled 5 tokens'), 'the token bucket refilled 5 tokens');
  assert.equal(redactString('https://api.openai.com/v1/chat/completions'), 'https://api.openai.com/v1/chat/completions');
  assert.equal(redactString('Authorization: Bearer abc.def.ghi'), 'Authorization: Bearer [REDACTED]');
});

test('a secret read from the environment is blanked wherever it appears later, whatever surrounds it', async () => {
  // A donation service echoing a bad token in its error text: no secret-looking key, no known shape.
  const token = 'q7Rz0LmX3vKp9TnW';
  const env = { DONATION_TOKEN: `  ${token}\n`, SHORT_ONE: 'abc12', BLANK: '   ' };
  assert.equal(readSecret('DONATION_TOKEN', env), token, 'trimmed');
  assert.equal(readSecret('BLANK', env), undefined);
  assert.equal(readSecret('MISSING', env), undefined);
  assert.equal(readSecret('SHORT_ONE', env), 'abc12');
  const line = `${JSON.stringify({ level: 'warn', event: 'donations.refused', detail: `unknown credential ${token} (abc12)` })}\n`;
  const out = redactLine(line);
  assert.ok(!out.includes(token), out);
  assert.match(out, /unknown credential \[REDACTED\]/);
  assert.match(out, /abc12/, 'values shorter than 6 characters are not scrubbed (they would blank ordinary words)');
  assert.equal(redactLine('{"event":"ok","text":"nothing here"}\n'), '{"event":"ok","text":"nothing here"}\n', 'other lines pass untouched');

  const dir = mkdtempSync(path.join(os.tmpdir(), 'vtuber-logs-'));
  try {
    const { log, close } = await createLogger({ level: 'info', fileDir: dir, console: 'none' });
    log.error({ event: 'streamlabs.error', err: new Error(`socket closed: ${token}`) }, 'socket error');
    log.info({ event: 'x', list: [`prefix-${token}-suffix`] }, 'nested');
    await close();
    const text = readdirSync(dir)
      .map((f) => readFileSync(path.join(dir, f), 'utf8'))
      .join('\n');
    assert.ok(text.includes('streamlabs.error') && text.includes('prefix-[REDACTED]-suffix'), text);
    assert.ok(!text.includes(token), 'the token never reaches the file');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
