package io.switchboard.poll.vendor.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.vertx.core.Future;

/** Splitting queue lists into vendor-sized requests and running them. */
public final class Batches {

    private Batches() {
    }

    public static <T> List<List<T>> split(List<T> items, int size) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i += size) {
            out.add(List.copyOf(items.subList(i, Math.min(items.size(), i + size))));
        }
        return out;
    }

    /**
     * Runs {@code work} for every batch, at most {@code parallel} at a time (the credential's limiter paces them
     * further); completes when all are done.
     */
    public static <T> Future<Void> run(List<T> batches, int parallel, Function<T, Future<Void>> work) {
        if (batches.isEmpty()) {
            return Future.succeededFuture();
        }
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        List<Future<Void>> lanes = new ArrayList<>();
        for (int i = 0; i < Math.min(parallel, batches.size()); i++) {
            lanes.add(lane(batches, next, work));
        }
        return Future.join(lanes).mapEmpty();
    }

    private static <T> Future<Void> lane(List<T> batches, java.util.concurrent.atomic.AtomicInteger next,
                                         Function<T, Future<Void>> work) {
        int i = next.getAndIncrement();
        if (i >= batches.size()) {
            return Future.succeededFuture();
        }
        Future<Void> f;
        try {
            f = work.apply(batches.get(i));
        } catch (RuntimeException e) {
            f = Future.failedFuture(e);
        }
        return f.transform(ar -> lane(batches, next, work).transform(ar2 -> {
            if (ar.failed()) {
                return Future.<Void>failedFuture(ar.cause());
            }
            return ar2.succeeded() ? Future.<Void>succeededFuture() : Future.<Void>failedFuture(ar2.cause());
        }));
    }
}
