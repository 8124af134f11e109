package io.switchboard.poll.vendor.internal;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The {@code extraMetrics} of one record as the Genesys observation mapper accumulates them: metric names and primitive
 * values in insertion order (as a {@code LinkedHashMap} would iterate them, so the encoded record is the same), without
 * an entry object or a boxed {@code Double} per metric while it is filled; a record has a handful of these. A
 * {@code Map<String, Double>} to everyone else (equal to any map with the same entries). Not thread-safe; no removal.
 */
final class MetricMap extends AbstractMap<String, Double> {

    private String[] keys = new String[8];
    private double[] values = new double[8];
    private int size;

    private int indexOf(Object key) {
        for (int i = 0; i < size; i++) {
            if (keys[i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    /** Adds {@code v} to the value of {@code key} (sets it when absent). */
    void add(String key, double v) {
        int i = indexOf(key);
        if (i < 0) {
            append(key, v);
        } else {
            values[i] += v;
        }
    }

    /** Sets {@code key} to the larger of its value and {@code v} ({@code v} when absent). */
    void max(String key, double v) {
        int i = indexOf(key);
        if (i < 0) {
            append(key, v);
        } else {
            values[i] = Math.max(values[i], v);
        }
    }

    /** Sets {@code key} to {@code v}. */
    void set(String key, double v) {
        int i = indexOf(key);
        if (i < 0) {
            append(key, v);
        } else {
            values[i] = v;
        }
    }

    int count() {
        return size;
    }

    String keyAt(int i) {
        return keys[i];
    }

    double valueAt(int i) {
        return values[i];
    }

    private void append(String key, double v) {
        if (key == null) {
            throw new NullPointerException("metric name");
        }
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        keys[size] = key;
        values[size++] = v;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    public Double get(Object key) {
        int i = indexOf(key);
        return i < 0 ? null : values[i];
    }

    @Override
    public Double put(String key, Double value) {
        if (value == null) {
            throw new NullPointerException("extraMetrics values are not null");
        }
        int i = indexOf(key);
        if (i < 0) {
            append(key, value);
            return null;
        }
        double old = values[i];
        values[i] = value;
        return old;
    }

    @Override
    public Set<Entry<String, Double>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Double>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < size;
                    }

                    @Override
                    public Entry<String, Double> next() {
                        if (next >= size) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new SimpleImmutableEntry<>(keys[i], values[i]);
                    }
                };
            }

            @Override
            public int size() {
                return size;
            }
        };
    }
}
