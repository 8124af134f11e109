package io.switchboard.simulator.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Aborts a connection with a TCP reset (RST) instead of the orderly FIN of {@link HttpConnection#close()}, so a
 * client sees {@code java.net.SocketException: Connection reset} (as when a load balancer or a crashed vendor
 * node drops it) rather than a clean end of stream.
 *
 * <p>Vert.x has no public API for this. It uses the internal {@link ConnectionBase#channel()} (Vert.x 5) to reach the
 * Netty channel and sets {@code SO_LINGER} to 0 before closing: the kernel then discards the unsent data and sends
 * RST. Kept in this one class so a Vert.x upgrade that moves the internal API breaks only here; if the connection
 * is not a {@code ConnectionBase} or the option cannot be set, it falls back to a plain close (the client then sees
 * EOF instead of a reset) and says so through the return value.
 */
final class ConnectionReset {

    private ConnectionReset() {
    }

    /**
     * Resets (or, failing that, closes) the connection.
     *
     * @return true when the connection was aborted with SO_LINGER 0 (a real RST), false when it fell back to a plain close
     */
    static boolean reset(HttpConnection connection) {
        boolean lingerZero = false;
        try {
            if (connection instanceof ConnectionBase base) {
                Channel channel = base.channel();
                lingerZero = channel.config().setOption(ChannelOption.SO_LINGER, 0);
                if (lingerZero) {
                    channel.close();
                    return true;
                }
            }
        } catch (RuntimeException | LinkageError e) {
            // internal API moved or the transport refused the option: fall back to an orderly close below
            lingerZero = false;
        }
        connection.close();
        return lingerZero;
    }
}
