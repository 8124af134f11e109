package io.switchboard.poll;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.switchboard.core.Secret;
import io.switchboard.core.SwitchboardException;
import io.switchboard.token.TokenTable;
import io.switchboard.token.TokenView;

/**
 * A small {@link QueueDiscovery} for the fleet-side tests: pages through the simulator's Genesys
 * {@code GET /api/v2/routing/queues} with the credential's token, over real HTTP. {@link #visible} lets a test hide
 * queues, as if they had been created or deleted at the vendor. Not the production discovery.
 */
final class SimQueueDiscovery implements QueueDiscovery {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final TokenTable tokens;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final AtomicInteger calls = new AtomicInteger();
    volatile Predicate<String> visible = id -> true;
    volatile RuntimeException failure;

    SimQueueDiscovery(TokenTable tokens) {
        this.tokens = tokens;
    }

    @Override
    public CompletableFuture<List<DiscoveredQueue>> discover(String credentialId, String endpoint, Map<String, String> params) {
        calls.incrementAndGet();
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        TokenView token = tokens.current(credentialId).orElse(null);
        if (token == null) {
            return CompletableFuture.failedFuture(new SwitchboardException("no token for " + credentialId + " yet"));
        }
        return page(token, 1, new ArrayList<>());
    }

    private CompletableFuture<List<DiscoveredQueue>> page(TokenView token, int number, List<DiscoveredQueue> found) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(token.apiBaseUrl() + "/api/v2/routing/queues?pageSize=10&pageNumber=" + number))
                .timeout(Duration.ofSeconds(20));
        for (Map.Entry<String, Secret> h : token.headers().entrySet()) {
            b.header(h.getKey(), h.getValue().reveal());
        }
        return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()).thenCompose(response -> {
            if (response.statusCode() != 200) {
                throw new SwitchboardException("Genesys answered " + response.statusCode() + " on GET /api/v2/routing/queues");
            }
            JsonNode page;
            try {
                page = JSON.readTree(response.body());
            } catch (java.io.IOException e) {
                throw new SwitchboardException("unreadable queue list");
            }
            for (JsonNode q : page.path("entities")) {
                if (visible.test(q.path("id").asText())) {
                    found.add(new DiscoveredQueue(q.path("id").asText(), q.path("name").asText(null), null));
                }
            }
            return number < page.path("pageCount").asInt(1) ? page(token, number + 1, found) : CompletableFuture.completedFuture(found);
        });
    }
}
