package io.switchboard.poll.vendor.internal;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.switchboard.poll.vendor.internal.GenesysObservationMapper.Acc;
import io.switchboard.poll.vendor.internal.GenesysObservationMapper.Answer;
import io.switchboard.poll.vendor.internal.GenesysObservationMapper.QueueAcc;

/**
 * Reads a Genesys queue observations answer from a token stream into an {@link Answer}, reading values exactly as
 * {@link GenesysObservationMapper#map(com.fasterxml.jackson.databind.JsonNode, StatBase, List)} reads them from a
 * tree: {@link JsonValues} rules for text and numbers, the last of duplicate keys, and a shape error only for a body
 * that is complete JSON (the whole value and the absence of trailing tokens are checked first). One use per answer.
 */
final class GenesysObservationStream {

    private final JsonParser p;
    private final boolean longestRequested;

    /** One datum of a result whose metric and value were readable. */
    private record Datum(String metric, String qualifier, long value) {
    }

    GenesysObservationStream(JsonParser p, boolean longestRequested) {
        this.p = p;
        this.longestRequested = longestRequested;
    }

    /** The answer, or {@code null} when it has no (or a null) {@code results}. */
    Answer read() throws IOException {
        JsonToken root = p.nextToken();
        Answer answer = null;
        MappingException shape = null;
        if (root == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (!"results".equals(name)) {
                    p.skipChildren();
                    continue;
                }
                answer = null; // the last "results" counts, as in a tree
                shape = null;
                if (t == JsonToken.VALUE_NULL) {
                    continue;
                }
                if (t != JsonToken.START_ARRAY) {
                    shape = GenesysObservationMapper.notAList(typeName(t));
                    p.skipChildren();
                    continue;
                }
                answer = new Answer(longestRequested);
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    if (shape != null || !result(answer)) {
                        shape = GenesysObservationMapper.noQueueId();
                        p.skipChildren();
                    }
                }
            }
        } else if (root != null) {
            p.skipChildren();
        }
        JsonToken trailing = p.nextToken();
        if (trailing != null) {
            throw new JsonParseException(p, "Trailing token (of type " + trailing + ") found after the answer's JSON value");
        }
        if (shape != null) {
            throw shape;
        }
        return answer;
    }

    /** One element of {@code results}, the parser on its first token; false when it names no queue. */
    private boolean result(Answer answer) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return false;
        }
        String queueId = null;
        String mediaType = null;
        Long sequence = null;
        List<Datum> data = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "group" -> {
                    queueId = null;
                    mediaType = null;
                    if (t == JsonToken.START_OBJECT) {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String g = p.currentName();
                            p.nextToken();
                            if (g.equals("queueId")) {
                                queueId = text();
                            } else if (g.equals("mediaType")) {
                                mediaType = text();
                            } else {
                                p.skipChildren();
                            }
                        }
                    } else {
                        p.skipChildren();
                    }
                }
                case "simSequence" -> {
                    Double d = number();
                    sequence = d == null ? null : Math.round(d);
                }
                case "data" -> {
                    data = null;
                    if (t == JsonToken.START_ARRAY) {
                        data = new ArrayList<>();
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            datum(data);
                        }
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (queueId == null) {
            return false;
        }
        QueueAcc q = answer.queue(queueId, sequence);
        Acc acc = answer.acc(q, mediaType);
        if (data != null) {
            for (Datum d : data) {
                answer.datum(q, acc, mediaType == null, d.metric(), d.qualifier(), d.value());
            }
        }
        return true;
    }

    /** One element of {@code data}, the parser on its first token. */
    private void datum(List<Datum> out) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        String metric = null;
        String qualifier = null;
        boolean hasCount = false;
        Double count = null;
        Double calculated = null;
        Double max = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "metric" -> metric = text();
                case "qualifier" -> qualifier = text();
                case "stats" -> {
                    hasCount = false;
                    count = null;
                    calculated = null;
                    max = null;
                    if (t == JsonToken.START_OBJECT) {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String s = p.currentName();
                            p.nextToken();
                            switch (s) {
                                case "count" -> {
                                    hasCount = true;
                                    count = number();
                                }
                                case "calculatedMetricValue" -> calculated = number();
                                case "max" -> max = number();
                                default -> p.skipChildren();
                            }
                        }
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (metric == null) {
            return;
        }
        Double value = hasCount ? count : calculated;
        if (value == null) {
            value = max;
        }
        if (value != null) {
            out.add(new Datum(metric, qualifier, Math.round(value)));
        }
    }

    /** {@link JsonValues#asText} of the current value (skipped when it is an object or a list). */
    private String text() throws IOException {
        JsonToken t = p.currentToken();
        String s = switch (t) {
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? p.getBigIntegerValue().toString() : Long.toString(p.getLongValue());
            case VALUE_NUMBER_FLOAT -> Double.toString(p.getDoubleValue());
            case VALUE_TRUE -> "true";
            case VALUE_FALSE -> "false";
            default -> {
                p.skipChildren();
                yield null;
            }
        };
        return s == null || s.isEmpty() ? null : s;
    }

    /** {@link JsonValues#asDouble} of the current value (skipped when it is an object or a list). */
    private Double number() throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            double d = p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? new BigInteger(p.getText()).doubleValue()
                    : p.getDoubleValue();
            return Double.isFinite(d) ? d : null;
        }
        if (t == JsonToken.VALUE_STRING) {
            return JsonValues.parseNumber(p.getText());
        }
        p.skipChildren();
        return null;
    }

    private static String typeName(JsonToken t) {
        return switch (t) {
            case START_OBJECT -> "object";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            default -> "pojo";
        };
    }
}
