package io.switchboard.poll.vendor.internal;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import io.vertx.ext.web.codec.BodyCodec;
import io.vertx.ext.web.codec.spi.BodyStream;

/**
 * Reads an answer body into memory up to a bound: a vendor (or a proxy) that sends more than {@code maxBytes} fails
 * the request with {@link TransportException.Kind#BODY_TOO_LARGE} instead of filling the heap.
 *
 * <p>The body is the chunks as the HTTP client delivered them (each already its own heap copy), joined without copying
 * into one composite buffer: appending them to one growing buffer allocated and copied about twice the body again
 * (see docs/benchmarks.md, PollerBenchmark).
 */
final class BoundedBodyCodec implements BodyCodec<Buffer> {

    private final int maxBytes;

    BoundedBodyCodec(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public BodyStream<Buffer> stream() {
        return new Stream(maxBytes);
    }

    /** Thrown through the response future; VendorHttp turns it into a {@link TransportException}. */
    static final class TooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int maxBytes;

        TooLarge(int maxBytes) {
            super("answer body larger than " + maxBytes + " bytes", null, false, false);
            this.maxBytes = maxBytes;
        }
    }

    private static final class Stream implements BodyStream<Buffer> {
        private final int maxBytes;
        private final Promise<Buffer> result = Promise.promise();
        private final java.util.List<io.netty.buffer.ByteBuf> chunks = new java.util.ArrayList<>();
        private long length;
        private boolean tooLarge;

        Stream(int maxBytes) {
            this.maxBytes = maxBytes;
        }

        @Override
        public Future<Buffer> result() {
            return result.future();
        }

        @Override
        public void handle(Throwable failure) {
            result.tryFail(failure);
        }

        @Override
        public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
            return this;
        }

        @Override
        public Future<Void> write(Buffer data) {
            if (tooLarge) {
                return Future.failedFuture(new TooLarge(maxBytes));
            }
            if (length + data.length() > maxBytes) {
                tooLarge = true;
                TooLarge e = new TooLarge(maxBytes);
                result.tryFail(e);
                return Future.failedFuture(e);
            }
            if (data.length() > 0) {
                chunks.add(((io.vertx.core.internal.buffer.BufferInternal) data).getByteBuf());
                length += data.length();
            }
            return Future.succeededFuture();
        }

        @Override
        public Future<Void> end() {
            if (!tooLarge) {
                result.tryComplete(switch (chunks.size()) {
                    case 0 -> Buffer.buffer();
                    case 1 -> io.vertx.core.internal.buffer.BufferInternal.buffer(chunks.get(0));
                    default -> io.vertx.core.internal.buffer.BufferInternal.buffer(
                            io.netty.buffer.Unpooled.wrappedBuffer(chunks.size(), chunks.toArray(io.netty.buffer.ByteBuf[]::new)));
                });
            }
            return Future.succeededFuture();
        }

        @Override
        public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
            return this;
        }

        @Override
        public boolean writeQueueFull() {
            return false;
        }

        @Override
        public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
            return this;
        }
    }
}
