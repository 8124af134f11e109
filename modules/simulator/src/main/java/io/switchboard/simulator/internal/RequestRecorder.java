package io.switchboard.simulator.internal;

import io.switchboard.simulator.RecordedRequest;
import io.switchboard.simulator.RecordedRequests;
import io.switchboard.simulator.Vendor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** Bounded, thread-safe request log. */
public final class RequestRecorder implements RecordedRequests {

    private final int max;
    private final ArrayDeque<RecordedRequest> deque = new ArrayDeque<>();

    RequestRecorder(int max) {
        this.max = max;
    }

    void add(RecordedRequest r) {
        if (max == 0) {
            return;
        }
        synchronized (deque) {
            if (deque.size() >= max) {
                deque.pollFirst();
            }
            deque.addLast(r);
        }
    }

    @Override
    public List<RecordedRequest> all() {
        synchronized (deque) {
            return List.copyOf(deque);
        }
    }

    @Override
    public List<RecordedRequest> of(Vendor vendor) {
        List<RecordedRequest> out = new ArrayList<>();
        for (RecordedRequest r : all()) {
            if (r.vendor() == vendor) {
                out.add(r);
            }
        }
        return out;
    }

    @Override
    public List<RecordedRequest> matching(Vendor vendor, String pathSuffix) {
        List<RecordedRequest> out = new ArrayList<>();
        for (RecordedRequest r : all()) {
            if ((vendor == null || r.vendor() == vendor) && r.path().endsWith(pathSuffix)) {
                out.add(r);
            }
        }
        return out;
    }

    @Override
    public int size() {
        synchronized (deque) {
            return deque.size();
        }
    }

    @Override
    public void clear() {
        synchronized (deque) {
            deque.clear();
        }
    }
}
