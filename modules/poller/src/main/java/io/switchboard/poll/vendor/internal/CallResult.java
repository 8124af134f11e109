package io.switchboard.poll.vendor.internal;

import com.fasterxml.jackson.databind.JsonNode;

import io.switchboard.events.poll.PollError;
import io.switchboard.token.TokenView;

/** The outcome of one logical vendor call (retries and the token refresh included): a JSON answer, or a poll error. */
public sealed interface CallResult {

    /**
     * A 2xx answer whose body is JSON ({@code json} null for a {@link CallSpec#rawJson} call: the body is not empty,
     * the caller parses it); {@code attempt} is the attempt that got it.
     */
    record Ok(JsonNode json, HttpAnswer answer, TokenView token, int attempt) implements CallResult {
        public Ok(JsonNode json, HttpAnswer answer, TokenView token) {
            this(json, answer, token, 1);
        }
    }

    /** What went wrong, ready for {@code switchboard.poll-errors}. */
    record Failed(PollError error) implements CallResult {
    }
}
