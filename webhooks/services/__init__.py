"""Writes of webhooks, one module per seam (import the functions from their module):

- ``endpoints`` — register, update, delete, rotate the secret, recover failed deliveries, and
  disable an endpoint the platform gave up on (owners emailed, ``webhook_endpoint.disabled``);
- ``fan_out`` — the registered event consumer: one delivery per subscribed endpoint, the first
  attempts made at once as a batch; the test ``ping`` (an event addressed to one endpoint);
- ``attempts`` — claiming a due delivery, signing and sending it, recording the attempt, the
  retry schedule, the batch of first attempts, replays;
- ``sweeper`` — the safety net run by beat: due deliveries no task is about to attempt, and
  events that were never fanned out.

Imports run one way, ``sweeper`` → ``fan_out`` → ``attempts`` → ``endpoints`` →
``webhooks.queue`` (which enqueues tasks by name, so nothing here imports ``webhooks.tasks``).

Delivery state lives in PostgreSQL. A delivery is *due* while ``next_attempt_at <= now``; a
worker claims it with an atomic UPDATE that sets a lease (``locked_until``), so two tasks for the
same delivery never both send it, and a worker that dies mid-attempt only delays it: once the lease
and ``WEBHOOK_REQUEUE_AFTER_SECONDS`` have passed, the sweeper (Celery beat) enqueues it again.
Delivery is therefore at-least-once; receivers dedupe on ``webhook-id`` (the event id).

Every function that reads the clock takes ``now`` so tests (and the sweeper) can move time.
"""
