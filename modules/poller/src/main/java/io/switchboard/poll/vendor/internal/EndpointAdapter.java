package io.switchboard.poll.vendor.internal;

import io.vertx.core.Future;

/**
 * One endpoint kind ({@link io.switchboard.poll.Endpoints}): plans the vendor requests of a poll, sends them through
 * the scope and maps the answers. Adds records and errors to the scope; the future completes when every request of the
 * poll is done and fails only for a bug.
 */
public interface EndpointAdapter {

    Future<Void> poll(PollScope scope);
}
