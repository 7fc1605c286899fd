import assert from 'node:assert/strict';
import { TlsTickets } from '../../../src/client/pool/tls-tickets.js';

describe('TlsTickets', () => {
  it('keeps the newest ticket per key and forgets on request', () => {
    const tickets = new TlsTickets();
    tickets.remember('a', Buffer.from('1'));
    tickets.remember('a', Buffer.from('2'));
    assert.equal(tickets.ticketFor('a')?.toString(), '2');
    assert.equal(tickets.ticketFor('b'), undefined);
    tickets.forget('a');
    assert.equal(tickets.ticketFor('a'), undefined);
  });

  it('holds at most its capacity, dropping the key refreshed longest ago', () => {
    const tickets = new TlsTickets(2);
    tickets.remember('a', Buffer.from('1'));
    tickets.remember('b', Buffer.from('2'));
    tickets.remember('a', Buffer.from('3'));
    tickets.remember('c', Buffer.from('4'));
    assert.equal(tickets.ticketFor('b'), undefined);
    assert.equal(tickets.ticketFor('a')?.toString(), '3');
    assert.equal(tickets.ticketFor('c')?.toString(), '4');
  });
});
