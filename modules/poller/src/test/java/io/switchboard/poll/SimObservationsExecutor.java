package io.switchboard.poll;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.switchboard.core.Secret;
import io.switchboard.events.poll.PollError;
import io.switchboard.events.poll.PollJob;
import io.switchboard.events.poll.QueueStat;
import io.switchboard.token.TokenTable;
import io.switchboard.token.TokenView;

/**
 * A small {@link PollExecutor} for the fleet-side tests, until the vendor executor is merged: one real HTTP request
 * per poll to the simulator's Genesys queue observations endpoint, with the credential's token from a real
 * {@link TokenTable}, mapping {@code oWaiting} / {@code oInteracting} to {@code QueueStat}s. Each request carries
 * {@code X-Poller} and {@code X-Job} headers, so tests can read from the simulator's request log which poller polled
 * which job when. Not the production mapping (see {@code io.switchboard.poll.vendor}).
 */
public final class SimObservationsExecutor implements PollExecutor {

    static final String POLLER_HEADER = "X-Poller";
    static final String JOB_HEADER = "X-Job";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String pollerId;
    private final TokenTable tokens;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public SimObservationsExecutor(String pollerId, TokenTable tokens) {
        this.pollerId = pollerId;
        this.tokens = tokens;
    }

    @Override
    public CompletableFuture<PollOutcome> poll(PollJob job, PollRequest request) {
        TokenView token = tokens.current(job.getCredentialId()).orElse(null);
        if (token == null || token.isExpired(Instant.now())) {
            return CompletableFuture.completedFuture(new PollOutcome(List.of(),
                    List.of(error(job, "AUTHENTICATION", null, "no valid token for " + job.getCredentialId() + " yet")), null, 0));
        }
        ObjectNode body = JSON.createObjectNode();
        ArrayNode predicates = body.putObject("filter").put("type", "or").putArray("predicates");
        job.getQueueIds().forEach(q -> predicates.addObject().put("dimension", "queueId").put("value", q));
        body.putArray("metrics").add("oWaiting").add("oInteracting");
        HttpRequest.Builder http = HttpRequest.newBuilder(URI.create(token.apiBaseUrl() + "/api/v2/analytics/queues/observations/query"))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .header(POLLER_HEADER, pollerId)
                .header(JOB_HEADER, job.getJobId())
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        for (Map.Entry<String, Secret> h : token.headers().entrySet()) {
            http.header(h.getKey(), h.getValue().reveal());
        }
        return this.http.sendAsync(http.build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> map(job, request, response))
                .exceptionally(e -> new PollOutcome(List.of(), List.of(error(job, "TRANSPORT", null, e.toString())), null, 1));
    }

    private PollOutcome map(PollJob job, PollRequest request, HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            return new PollOutcome(List.of(), List.of(error(job, "VENDOR_ERROR", response.statusCode(),
                    "simulator answered " + response.statusCode())), null, 1);
        }
        Instant now = Instant.now();
        List<QueueStat> stats = new ArrayList<>();
        try {
            for (JsonNode result : JSON.readTree(response.body()).path("results")) {
                JsonNode group = result.path("group");
                QueueStat.Builder b = QueueStat.newBuilder()
                        .setCredentialId(job.getCredentialId()).setProvider("genesys-cloud").setJobId(job.getJobId())
                        .setPollSequence(request.pollSequence()).setQueueId(group.path("queueId").asText())
                        .setMediaType(group.hasNonNull("mediaType") ? group.get("mediaType").asText() : null)
                        .setObservedAt(now).setPolledAt(now);
                for (JsonNode d : result.path("data")) {
                    long count = d.path("stats").path("count").asLong();
                    switch (d.path("metric").asText()) {
                        case "oWaiting" -> b.setWaiting(count);
                        case "oInteracting" -> b.setInteracting(count);
                        default -> { }
                    }
                }
                stats.add(b.build());
            }
        } catch (java.io.IOException e) {
            return new PollOutcome(List.of(), List.of(error(job, "MAPPING", 200, "unreadable body")), null, 1);
        }
        return new PollOutcome(stats, List.of(), null, 1);
    }

    private static PollError error(PollJob job, String kind, Integer status, String message) {
        return PollError.newBuilder().setCredentialId(job.getCredentialId()).setJobId(job.getJobId()).setProvider("genesys-cloud")
                .setOccurredAt(Instant.now()).setKind(kind).setHttpStatus(status).setMessage(message).build();
    }

    @Override
    public void close() {
        // java.net.http.HttpClient has no close() before Java 21; its threads are daemons
    }
}
