import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GiftGrouper, type GiftGroup } from './gift-grouper.ts';

const gifter = { id: '42', login: 'santa', displayName: 'Santa' };
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('subgifts arriving before their submysterygift still give one group', async () => {
  const groups: GiftGroup[] = [];
  const g = new GiftGrouper(50, (x) => groups.push(x));
  for (let i = 0; i < 5; i++) g.subgift(gifter, `r${i}`, '1000', 'bomb-1');
  g.mystery(gifter, 5, '1000', 'bomb-1');
  await wait(80);
  assert.deepEqual(groups.map((x) => x.count), [5]);
  g.dispose();
});

test('subgifts of an announced bomb that arrive after the window are absorbed, later gifts are new', async () => {
  const groups: GiftGroup[] = [];
  const g = new GiftGrouper(30, (x) => groups.push(x));
  g.mystery(gifter, 3, '1000', 'bomb-2');
  g.subgift(gifter, 'a', '1000', 'bomb-2');
  await wait(60);
  assert.equal(groups.length, 1);
  assert.equal(g.subgift(gifter, 'b', '1000', 'bomb-2'), false);
  assert.equal(g.subgift(gifter, 'c', '1000', 'bomb-2'), false);
  assert.equal(g.subgift(gifter, 'd', '1000', undefined), true, 'a fourth gift is a new one');
  await wait(60);
  assert.deepEqual(groups.map((x) => x.count), [3, 1]);
  g.dispose();
});

test('different gifters and anonymous gifts are grouped separately', async () => {
  const groups: GiftGroup[] = [];
  const g = new GiftGrouper(30, (x) => groups.push(x));
  g.subgift(gifter, 'a', '1000', undefined);
  g.subgift(undefined, 'b', '1000', undefined);
  g.subgift(gifter, 'c', '1000', undefined);
  await wait(60);
  assert.deepEqual(groups.map((x) => [x.gifter?.login ?? 'anonymous', x.count]).sort(), [['anonymous', 1], ['santa', 2]]);
  g.dispose();
});
