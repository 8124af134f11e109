package io.switchboard.aggregate.internal;

import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * A key-value store (Streams' persistent, changelogged store without its record cache) that lets its
 * processor keep its values as objects and write them just before Streams flushes the stores, at every
 * commit: {@link #beforeFlush} registers what to run. Streams flushes the stores' caches before it sends
 * the input offsets and ends the transaction (Kafka 4.3's {@code StreamTask.prepareCommit}), so whatever
 * the callback writes to the store, its changelog or a sink is in the same transaction as the records it
 * came from.
 *
 * <p>Why not Streams' record cache: it caches bytes, so every {@code put} serializes the whole value; the
 * queue state carries the queue's open windows, and a queue gets several records per poll (one per media
 * type and the all-media one), so serializing once per commit instead of once per record is most of what
 * a record costs to store. The hook is Streams' internal {@code CachedStateStore.flushCache} (there is no
 * public pre-commit callback), overridden here and nowhere else.
 *
 * <p>Everything but the flush passes straight to the wrapped store: interactive queries read what the last
 * flush wrote (at most one commit interval old), never an object the stream thread is changing.
 */
public final class WriteBehindStore<V> extends WrappedStateStore<KeyValueStore<String, V>, String, V> implements KeyValueStore<String, V> {

    private Runnable beforeFlush = () -> { };

    WriteBehindStore(KeyValueStore<String, V> wrapped) {
        super(wrapped);
    }

    /** A builder of this store around {@code inner} (which should have no record cache: this replaces it). */
    public static <V> StoreBuilder<WriteBehindStore<V>> builder(StoreBuilder<KeyValueStore<String, V>> inner) {
        return new StoreBuilder<>() {
            @Override
            public StoreBuilder<WriteBehindStore<V>> withCachingEnabled() {
                throw new UnsupportedOperationException("a write-behind store replaces the record cache; it has none");
            }

            @Override
            public StoreBuilder<WriteBehindStore<V>> withCachingDisabled() {
                inner.withCachingDisabled();
                return this;
            }

            @Override
            public StoreBuilder<WriteBehindStore<V>> withLoggingEnabled(Map<String, String> config) {
                inner.withLoggingEnabled(config);
                return this;
            }

            @Override
            public StoreBuilder<WriteBehindStore<V>> withLoggingDisabled() {
                inner.withLoggingDisabled();
                return this;
            }

            @Override
            public WriteBehindStore<V> build() {
                return new WriteBehindStore<>(inner.withCachingDisabled().build());
            }

            @Override
            public Map<String, String> logConfig() {
                return inner.logConfig();
            }

            @Override
            public boolean loggingEnabled() {
                return inner.loggingEnabled();
            }

            @Override
            public String name() {
                return inner.name();
            }
        };
    }

    /** Runs {@code callback} on the stream thread whenever Streams flushes this store: before every commit, and before the task closes. */
    public void beforeFlush(Runnable callback) {
        this.beforeFlush = callback;
    }

    @Override
    public void flushCache() {
        beforeFlush.run();
        super.flushCache();
    }

    @Override
    public void put(String key, V value) {
        wrapped().put(key, value);
    }

    @Override
    public V putIfAbsent(String key, V value) {
        return wrapped().putIfAbsent(key, value);
    }

    @Override
    public void putAll(List<KeyValue<String, V>> entries) {
        wrapped().putAll(entries);
    }

    @Override
    public V delete(String key) {
        return wrapped().delete(key);
    }

    @Override
    public V get(String key) {
        return wrapped().get(key);
    }

    @Override
    public KeyValueIterator<String, V> range(String from, String to) {
        return wrapped().range(from, to);
    }

    @Override
    public KeyValueIterator<String, V> reverseRange(String from, String to) {
        return wrapped().reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<String, V> all() {
        return wrapped().all();
    }

    @Override
    public KeyValueIterator<String, V> reverseAll() {
        return wrapped().reverseAll();
    }

    @Override
    public <PS extends org.apache.kafka.common.serialization.Serializer<P>, P> KeyValueIterator<String, V> prefixScan(P prefix,
                                                                                                                  PS prefixKeySerializer) {
        return wrapped().prefixScan(prefix, prefixKeySerializer);
    }

    @Override
    public long approximateNumEntries() {
        return wrapped().approximateNumEntries();
    }
}
