package io.switchboard.simulator.internal;

import io.vertx.ext.web.Router;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** One vendor's (or the admin) routes: the shared state and the one way answers leave ({@link Http}). */
abstract class VendorHandlers {

    protected final SimState s;
    protected final Http http;

    VendorHandlers(SimState s, Http http) {
        this.s = s;
        this.http = http;
    }

    /** Adds this vendor's routes to the router. */
    abstract void mount(Router r);

    /** An ISO-8601 instant ({@code 2024-05-01T00:00:00.000Z}) or offset date-time, as epoch milliseconds. */
    static long parseInstant(String text) {
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException e) {
            return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        }
    }
}
